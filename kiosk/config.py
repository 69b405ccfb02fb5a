"""The kiosk's configuration: a small typed dataclass, loaded from an optional TOML file.

Example (every key optional; relative paths are relative to ``data_dir``)::

    data_dir = "/var/lib/cccd-kiosk"

    [intake]
    url = "https://intake.example.gov.vn"
    ca_file = "/etc/cccd-kiosk/intake-ca.pem"   # extra CA bundle for the intake server
    timeout_s = 15

    [outbox]
    path = "outbox.sqlite3"
    dead_letter_after = 5        # permanent (4xx) failures before a submission is dead
    dead_blocks_citizen = true   # a dead submission holds back that citizen's later ones
    backoff_base_s = 1
    backoff_cap_s = 300

    [keys]
    file = "keys.json"           # used when the OS keyring is unavailable (or disabled)
    use_keyring = true
    device_key = "device_key.pem"

    [audit]
    path = "audit.jsonl"

    [ui]                         # the Qt application (``kiosk`` with no command)
    mode = "kiosk"               # kiosk | counter | clinic
    language = "vi"              # vi | en (switchable on every screen)
    idle_timeout_s = 60          # kiosk mode: wipe the screen and the citizen's data
    operator_pin_hash = "pbkdf2_sha256$600000$..."   # from ``kiosk pin-hash``
    fullscreen = true            # kiosk mode; false for a window (``--windowed``)
    speech = false               # spoken prompts (needs a Vietnamese TTS voice)
    printer = ""                 # printer name; "" = the system default, "none" = no printing

    [logs]                       # kiosk.logs: <data_dir>/logs/kiosk.log, rotated by size
    level = "INFO"               # DEBUG | INFO | WARNING | ERROR
    format = "plain"             # plain | json (one JSON object per line)
    max_bytes = 1048576          # rotate when the file reaches this size
    backup_count = 5             # rotated files kept (kiosk.log.1 … kiosk.log.5)

    [bhyt]                       # any other table is kept raw in ``sections`` for its owner
    endpoint = "..."

Every key, its default and what it allows: ``kiosk.config_doc`` (``kiosk config show
--defaults``, ``packaging/config/kiosk.toml``).

The file is found from the ``--config`` option, else ``$CCCD_KIOSK_CONFIG``; without one the
defaults apply. ``$CCCD_KIOSK_DATA_DIR`` overrides ``data_dir``. Unknown keys in the tables
this module owns are errors (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs

APP_NAME = "cccd-kiosk"
ENV_CONFIG = "CCCD_KIOSK_CONFIG"
ENV_DATA_DIR = "CCCD_KIOSK_DATA_DIR"
DEFAULT_INTAKE_URL = "http://127.0.0.1:8765"
MAX_CONFIG_BYTES = 1024 * 1024

_OWN_KEYS: dict[str, set[str]] = {
    "intake": {"url", "ca_file", "timeout_s"},
    "outbox": {"path", "dead_letter_after", "dead_blocks_citizen", "backoff_base_s",
               "backoff_cap_s"},
    "keys": {"file", "use_keyring", "device_key"},
    "audit": {"path"},
    "ui": {"mode", "language", "idle_timeout_s", "operator_pin_hash", "fullscreen", "speech",
           "printer"},
    "logs": {"level", "format", "max_bytes", "backup_count"},
}

#: How a value's type is named in error messages (what is allowed).
_KIND_NAMES: dict[type, str] = {
    int: "an integer", float: "a number", bool: "true or false", str: "a string (in quotes)",
}

#: Keys people may look for in the wrong table.
_MOVED = {("ui", "procedures"): " (the procedures offered are [site] procedures)"}

UiMode = Literal["kiosk", "counter", "clinic"]
UI_MODES: tuple[UiMode, ...] = get_args(UiMode)
UiLanguage = Literal["vi", "en"]
UI_LANGUAGES: tuple[UiLanguage, ...] = get_args(UiLanguage)
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)
LogFormat = Literal["plain", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
#: Bounds of the log file size before rotation and of the rotated files kept.
LOG_MAX_BYTES_RANGE = (64 * 1024, 1024 * 1024 * 1024)
LOG_BACKUP_RANGE = (1, 100)
ValueSource = Literal["default", "file", "environment"]
#: Bounds of the kiosk idle timeout: long enough to read a form, short enough to protect data.
IDLE_TIMEOUT_RANGE_S = (10, 3600)

# Operator PIN: PBKDF2-HMAC-SHA256 with a random 16-byte salt (NIST SP 800-132; OWASP's 2023
# guidance is 600 000 iterations for SHA-256). Stored as ``pbkdf2_sha256$<iter>$<salt>$<hash>``
# with unpadded URL-safe base64, the format Django uses for the same algorithm.
PIN_HASH_ALGORITHM = "pbkdf2_sha256"
PIN_HASH_ITERATIONS = 600_000
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
_PIN_HASH_RE = re.compile(
    r"^pbkdf2_sha256\$(?P<iter>[0-9]{4,8})\$(?P<salt>[A-Za-z0-9_-]{16,64})"
    r"\$(?P<hash>[A-Za-z0-9_-]{43})$"
)


class ConfigError(Exception):
    """The configuration file is unreadable or a value is invalid. The message names the key."""

    code = "config"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def valid_pin(pin: str) -> bool:
    """An operator PIN is 4 to 12 ASCII digits."""
    return PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS and pin.isascii() and pin.isdigit()


def hash_operator_pin(
    pin: str, *, salt: bytes | None = None, iterations: int = PIN_HASH_ITERATIONS
) -> str:
    """The ``[ui] operator_pin_hash`` line for ``pin`` (a fresh random salt unless given)."""
    if not valid_pin(pin):
        raise ConfigError(f"operator PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits")
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{PIN_HASH_ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def check_operator_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored`` (constant-time compare). A malformed hash is an error."""
    match = _PIN_HASH_RE.match(stored)
    if match is None:
        raise ConfigError("[ui] operator_pin_hash is not a pbkdf2_sha256 hash (kiosk pin-hash)")
    if not valid_pin(pin):
        return False
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), _unb64(match["salt"]),
                                 int(match["iter"]))
    return hmac.compare_digest(digest, _unb64(match["hash"]))


@dataclass(frozen=True)
class UiConfig:
    """The ``[ui]`` table: how the Qt application starts."""

    mode: UiMode = "kiosk"
    language: UiLanguage = "vi"
    idle_timeout_s: float = 60.0
    #: ``None``: no PIN set, so the operator screen cannot be opened (except in the demo).
    operator_pin_hash: str | None = None
    fullscreen: bool = True
    speech: bool = False
    #: Printer name; "" = the system default printer, "none" = no printing.
    printer: str = ""


@dataclass(frozen=True)
class LogsConfig:
    """The ``[logs]`` table: the rotating log file ``<data_dir>/logs/kiosk.log`` (kiosk.logs)."""

    level: LogLevel = "INFO"
    format: LogFormat = "plain"
    max_bytes: int = 1024 * 1024
    backup_count: int = 5


@dataclass(frozen=True)
class KioskConfig:
    data_dir: Path
    intake_url: str = DEFAULT_INTAKE_URL
    intake_ca_file: Path | None = None
    request_timeout_s: float = 15.0
    outbox_path: Path = Path()
    dead_letter_after: int = 5
    dead_blocks_citizen: bool = True
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0
    key_file_path: Path = Path()
    use_keyring: bool = True
    device_key_path: Path = Path()
    audit_log_path: Path = Path()
    ui: UiConfig = field(default_factory=UiConfig)
    logs: LogsConfig = field(default_factory=LogsConfig)
    #: Every table of the TOML file, raw (e.g. ``sections["bhyt"]``), for the parts that own it.
    sections: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None
    #: Where ``data_dir`` came from (the other values: a key present in ``sections`` is "file").
    data_dir_source: ValueSource = "default"

    @classmethod
    def defaults(cls, data_dir: Path | None = None) -> KioskConfig:
        return _build({}, data_dir=data_dir, source=None)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_config(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> KioskConfig:
    """Load the configuration (see the module docstring)."""
    environ = os.environ if env is None else env
    if path is None and environ.get(ENV_CONFIG):
        path = environ[ENV_CONFIG]
    doc: dict[str, Any] = {}
    source: Path | None = None
    if path is not None:
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ConfigError(f"config {source}: cannot read ({exc.strerror})") from exc
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"config {source}: file too large")
        try:
            doc = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
            raise ConfigError(f"config {source}: not valid TOML ({exc})") from exc
    data_dir_env = environ.get(ENV_DATA_DIR)
    return _build(doc, data_dir=Path(data_dir_env) if data_dir_env else None, source=source)


def _build(doc: dict[str, Any], *, data_dir: Path | None, source: Path | None) -> KioskConfig:
    where = f"config {source}" if source else "config"
    for table, allowed in _OWN_KEYS.items():
        value = doc.get(table, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{table}] must be a table")
        unknown = sorted(set(value) - allowed)
        if unknown:
            hint = _MOVED.get((table, unknown[0]), "")
            raise ConfigError(f"{where}: unknown key [{table}] {unknown[0]}{hint} "
                              f"(allowed: {', '.join(sorted(allowed))})")
    unknown_top = sorted(k for k, v in doc.items() if not isinstance(v, dict) and k != "data_dir")
    if unknown_top:
        raise ConfigError(f"{where}: unknown key {unknown_top[0]} (the only top-level key is "
                          f"data_dir; every other setting goes in its [table])")

    def get(table: str, key: str, kind: type, default: Any) -> Any:
        value = doc.get(table, {}).get(key, default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if value is not None and (not isinstance(value, kind)
                                  or (kind is int and isinstance(value, bool))):
            raise ConfigError(f"{where}: [{table}] {key} must be {_KIND_NAMES[kind]} "
                              f"(got {value!r})")
        return value

    data_dir_source: ValueSource = "environment"
    if data_dir is None:
        raw_dir = doc.get("data_dir")
        if raw_dir is not None and not isinstance(raw_dir, str):
            raise ConfigError(f"{where}: data_dir must be a string (a directory path)")
        data_dir = Path(raw_dir) if raw_dir else default_data_dir()
        data_dir_source = "file" if raw_dir else "default"
    base = data_dir

    def path_of(table: str, key: str, default: str) -> Path:
        p = Path(get(table, key, str, default))
        return p if p.is_absolute() else base / p

    url = get("intake", "url", str, DEFAULT_INTAKE_URL)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: [intake] url must start with https:// (or http://)")
    ca = get("intake", "ca_file", str, None)
    cfg = KioskConfig(
        data_dir=base,
        intake_url=url.rstrip("/"),
        intake_ca_file=Path(ca) if ca else None,
        request_timeout_s=get("intake", "timeout_s", float, 15.0),
        outbox_path=path_of("outbox", "path", "outbox.sqlite3"),
        dead_letter_after=get("outbox", "dead_letter_after", int, 5),
        dead_blocks_citizen=get("outbox", "dead_blocks_citizen", bool, True),
        backoff_base_s=get("outbox", "backoff_base_s", float, 1.0),
        backoff_cap_s=get("outbox", "backoff_cap_s", float, 300.0),
        key_file_path=path_of("keys", "file", "keys.json"),
        use_keyring=get("keys", "use_keyring", bool, True),
        device_key_path=path_of("keys", "device_key", "device_key.pem"),
        audit_log_path=path_of("audit", "path", "audit.jsonl"),
        ui=_ui_config(where, get),
        logs=_logs_config(where, get),
        sections={k: v for k, v in doc.items() if isinstance(v, dict)},
        source=source,
        data_dir_source=data_dir_source,
    )
    if cfg.dead_letter_after < 1:
        raise ConfigError(f"{where}: [outbox] dead_letter_after must be at least 1")
    if not 0 < cfg.backoff_base_s <= cfg.backoff_cap_s:
        raise ConfigError(f"{where}: [outbox] need 0 < backoff_base_s <= backoff_cap_s")
    if cfg.request_timeout_s <= 0:
        raise ConfigError(f"{where}: [intake] timeout_s must be positive")
    return cfg


def _ui_config(where: str, get: Any) -> UiConfig:
    mode = get("ui", "mode", str, "kiosk")
    if mode not in UI_MODES:
        raise ConfigError(f"{where}: [ui] mode must be one of {', '.join(UI_MODES)}")
    language = get("ui", "language", str, "vi")
    if language not in UI_LANGUAGES:
        raise ConfigError(f"{where}: [ui] language must be one of {', '.join(UI_LANGUAGES)}")
    idle = get("ui", "idle_timeout_s", float, 60.0)
    low, high = IDLE_TIMEOUT_RANGE_S
    if not low <= idle <= high:
        raise ConfigError(f"{where}: [ui] idle_timeout_s must be between {low} and {high}")
    pin_hash = get("ui", "operator_pin_hash", str, None)
    if pin_hash is not None and _PIN_HASH_RE.match(pin_hash) is None:
        raise ConfigError(f"{where}: [ui] operator_pin_hash is not a pbkdf2_sha256 hash "
                          f"(make one with: kiosk pin-hash)")
    return UiConfig(
        mode=mode,
        language=language,
        idle_timeout_s=idle,
        operator_pin_hash=pin_hash,
        fullscreen=get("ui", "fullscreen", bool, True),
        speech=get("ui", "speech", bool, False),
        printer=get("ui", "printer", str, ""),
    )


def _logs_config(where: str, get: Any) -> LogsConfig:
    level = get("logs", "level", str, "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"{where}: [logs] level must be one of {', '.join(LOG_LEVELS)}")
    fmt = get("logs", "format", str, "plain")
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"{where}: [logs] format must be one of {', '.join(LOG_FORMATS)}")
    max_bytes = get("logs", "max_bytes", int, 1024 * 1024)
    low, high = LOG_MAX_BYTES_RANGE
    if not low <= max_bytes <= high:
        raise ConfigError(f"{where}: [logs] max_bytes must be between {low} and {high}")
    backups = get("logs", "backup_count", int, 5)
    low, high = LOG_BACKUP_RANGE
    if not low <= backups <= high:
        raise ConfigError(f"{where}: [logs] backup_count must be between {low} and {high}")
    return LogsConfig(level=level, format=fmt, max_bytes=max_bytes, backup_count=backups)
