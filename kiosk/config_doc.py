"""Every configuration key: its default, what it allows, who reads it, and whether it is secret.

The single list :data:`SETTINGS` documents the TOML file of :mod:`kiosk.config`. From it come:

- :func:`render_example`: the documented example file (``packaging/config/kiosk.toml``, and
  ``kiosk config show --defaults``); a test regenerates it and compares, and another checks
  each documented default against what :func:`kiosk.config.load_config` really gives for an
  empty file, so the documentation cannot drift from the code.
- :func:`effective_settings`: the configuration in force, each value with where it came from
  (``default`` / ``file`` / ``environment``), secrets and personal data redacted
  (``kiosk config show``, the support bundle).
- :func:`check_config`: every problem of a file at once, each naming the key and what is
  allowed (``kiosk config check``), not only the first one :func:`load_config` stops at.

Tables owned elsewhere are documented here too: ``[site]`` (kiosk.environment), ``[trust]``
(kiosk.environment → cardreader.verify.trust_store) and ``[bhyt]`` (kiosk.bhyt.settings).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kiosk.config import (
    ENV_CONFIG,
    ENV_DATA_DIR,
    IDLE_TIMEOUT_RANGE_S,
    LOG_BACKUP_RANGE,
    LOG_FORMATS,
    LOG_LEVELS,
    LOG_MAX_BYTES_RANGE,
    MAX_CONFIG_BYTES,
    UI_LANGUAGES,
    UI_MODES,
    ConfigError,
    KioskConfig,
    ValueSource,
    _build,
)

REDACTED = "<redacted>"
#: Key names that look secret in tables this list does not know (redacted in ``show``).
_SECRET_WORDS = ("password", "secret", "token", "key", "pin", "hash", "credential")


@dataclass(frozen=True)
class Setting:
    """One key of the TOML file."""

    table: str  # "" for the top level
    key: str
    #: The default as written in TOML; ``None``: unset by default (see ``default_note``).
    default: Any
    allowed: str  # what values are allowed, in words
    doc: str  # what it does (English; Vietnamese label first where the UI shows it)
    #: Redacted by ``config show`` and the support bundle (secrets, personal data).
    secret: bool = False
    #: Written commented out in the example (platform-dependent or no default).
    commented: bool = False
    #: For a commented key: an example value (TOML text) and why there is no plain default.
    example: str = ""
    default_note: str = ""
    #: The effective value from a loaded configuration (own tables); ``None``: read the raw
    #: ``sections[table][key]`` (tables owned by other modules).
    effective: Callable[[KioskConfig], Any] | None = None

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}" if self.table else self.key


def _p(value: Path | None) -> str | None:
    return None if value is None else str(value)


def _offered(cfg: KioskConfig) -> Any:
    """The procedure ids offered (the raw value when it is not a valid list)."""
    from kiosk.environment import offered_procedures

    try:
        return [p.id for p in offered_procedures(cfg)]
    except ConfigError:
        raw = cfg.sections.get("site", {})
        return raw.get("procedures") if isinstance(raw, Mapping) else None


def _rng(low: float, high: float) -> str:
    return f"from {low:g} to {high:g}"


#: Table documentation (the line above each ``[table]`` in the example).
TABLES: dict[str, str] = {
    "": "Where the kiosk keeps its data (outbox, keys, logs, tickets).",
    "intake": "The intake server submissions are delivered to.",
    "outbox": "The durable encrypted outbox (offline queue) of submissions.",
    "keys": "The outbox payload keys and the device signing key.",
    "audit": "The tamper-evident audit log of operator actions (counts only).",
    "ui": "The Qt application (`kiosk` with no command).",
    "logs": "The rotating log file <data_dir>/logs/kiosk.log (no personal data).",
    "site": "This site: its name and the procedures offered. Every text key of [site] is also\n"
            "a value forms can use (context: agency, facility_name, facility_address, ...).",
    "trust": "The trust store of country signing certificates (CSCA) for passive\n"
             "authentication (`cccd trust import` fills it).",
    "bhyt": "Clinic check-in with the social-insurance (BHYT) gateway. The table's presence\n"
            "turns the clinic desk on: uncomment it and fill every key without a default.",
}

#: Tables whose example header is commented out (presence changes behaviour).
OPTIONAL_TABLES = frozenset({"bhyt"})

SETTINGS: tuple[Setting, ...] = (
    Setting("", "data_dir", None, "a directory path",
            "Data directory; $CCCD_KIOSK_DATA_DIR overrides it.", commented=True,
            example='"/var/lib/cccd-kiosk"',
            default_note="the user data directory (Linux: ~/.local/share/cccd-kiosk)",
            effective=lambda c: str(c.data_dir)),
    Setting("intake", "url", "http://127.0.0.1:8765", "an http:// or https:// URL",
            "Intake server address (use https:// in the field).",
            effective=lambda c: c.intake_url),
    Setting("intake", "ca_file", None, "a PEM file path",
            "Extra CA bundle to trust for the intake server (a private CA).", commented=True,
            example='"/etc/cccd-kiosk/intake-ca.pem"', default_note="the system CAs only",
            effective=lambda c: _p(c.intake_ca_file)),
    Setting("intake", "timeout_s", 15.0, "a positive number of seconds",
            "Timeout of one request to the intake server.",
            effective=lambda c: c.request_timeout_s),
    Setting("outbox", "path", "outbox.sqlite3", "a file path (relative: inside data_dir)",
            "The outbox database.", effective=lambda c: str(c.outbox_path)),
    Setting("outbox", "dead_letter_after", 5, "an integer, at least 1",
            "Permanent (4xx) failures before a submission is set aside as dead.",
            effective=lambda c: c.dead_letter_after),
    Setting("outbox", "dead_blocks_citizen", True, "true or false",
            "A dead submission holds back the same citizen's later ones.",
            effective=lambda c: c.dead_blocks_citizen),
    Setting("outbox", "backoff_base_s", 1.0, "a positive number, at most backoff_cap_s",
            "First retry delay after a transient failure (exponential, full jitter).",
            effective=lambda c: c.backoff_base_s),
    Setting("outbox", "backoff_cap_s", 300.0, "a number, at least backoff_base_s",
            "Longest retry delay.", effective=lambda c: c.backoff_cap_s),
    Setting("keys", "file", "keys.json", "a file path (relative: inside data_dir)",
            "Payload key file (0600), used when the OS keyring is unavailable or disabled.",
            effective=lambda c: str(c.key_file_path)),
    Setting("keys", "use_keyring", True, "true or false",
            "Keep the payload keys in the OS keyring (Windows Credential Manager, Secret "
            "Service).", effective=lambda c: c.use_keyring),
    Setting("keys", "device_key", "device_key.pem", "a file path (relative: inside data_dir)",
            "This kiosk's signing key (`kiosk enroll` registers it).",
            effective=lambda c: str(c.device_key_path)),
    Setting("audit", "path", "audit.jsonl", "a file path (relative: inside data_dir)",
            "The audit log.", effective=lambda c: str(c.audit_log_path)),
    Setting("ui", "mode", "kiosk", " | ".join(UI_MODES),
            "kiosk: citizens, touch, full screen; counter: one-stop desk; clinic: BHYT "
            "check-in.", effective=lambda c: c.ui.mode),
    Setting("ui", "language", "vi", " | ".join(UI_LANGUAGES),
            "Start language (switchable on every screen).", effective=lambda c: c.ui.language),
    Setting("ui", "idle_timeout_s", 60.0, f"seconds, {_rng(*IDLE_TIMEOUT_RANGE_S)}",
            "Kiosk mode: after this long untouched, wipe the screen and the citizen's data.",
            effective=lambda c: c.ui.idle_timeout_s),
    Setting("ui", "operator_pin_hash", None, "a pbkdf2_sha256 hash from `kiosk pin-hash`",
            "Operator PIN (hashed). Unset: the operator screen cannot be opened.",
            secret=True, commented=True, example='"pbkdf2_sha256$600000$..."',
            default_note="no PIN: no operator screen (except in the demo)",
            effective=lambda c: c.ui.operator_pin_hash),
    Setting("ui", "fullscreen", True, "true or false",
            "Kiosk mode full screen (false: a window, like --windowed).",
            effective=lambda c: c.ui.fullscreen),
    Setting("ui", "speech", False, "true or false",
            "Spoken prompts (needs a Vietnamese text-to-speech voice).",
            effective=lambda c: c.ui.speech),
    Setting("ui", "printer", "", 'a printer name; "" the system default; "none" no printing',
            "Printer for forms, receipts and queue tickets.",
            effective=lambda c: c.ui.printer),
    Setting("logs", "level", "INFO", " | ".join(LOG_LEVELS), "Lowest level written.",
            effective=lambda c: c.logs.level),
    Setting("logs", "format", "plain", " | ".join(LOG_FORMATS),
            "plain text lines, or one JSON object per line.",
            effective=lambda c: c.logs.format),
    Setting("logs", "max_bytes", 1024 * 1024, f"bytes, {_rng(*LOG_MAX_BYTES_RANGE)}",
            "Rotate the log file when it reaches this size.",
            effective=lambda c: c.logs.max_bytes),
    Setting("logs", "backup_count", 5, f"an integer {_rng(*LOG_BACKUP_RANGE)}",
            "Rotated files kept (kiosk.log.1 is the newest).",
            effective=lambda c: c.logs.backup_count),
    Setting("site", "name", "", "a text",
            "Site name, printed on forms and receipts (e.g. \"UBND Phường Dịch Vọng\")."),
    Setting("site", "procedures", None, "a list of procedure ids (see assets/procedures)",
            "Procedures offered, in this order.", commented=True,
            example='["ct01", "luu_tru", "khai_sinh_lien_thong", "generic_request"]',
            default_note="every shipped procedure but the clinic check-in",
            effective=lambda c: _offered(c)),
    Setting("site", "agency", None, "a text", "Agency a form is addressed to.",
            commented=True, example='"Công an phường Dịch Vọng"',
            default_note="the site name"),
    Setting("site", "facility_name", None, "a text", "Facility name on forms.",
            commented=True, example='"UBND Phường Dịch Vọng"', default_note="the site name"),
    Setting("site", "facility_address", None, "a text", "Facility address on forms.",
            commented=True, example='"1 Đường Thử, Phường Dịch Vọng, Hà Nội"',
            default_note="empty"),
    Setting("site", "facility_phone", None, "a text", "Facility phone number on forms.",
            commented=True, example='"024 0000 0000"', default_note="empty"),
    Setting("trust", "store", None, "a directory path",
            "Trust store directory.", commented=True, example='"/var/lib/cccd-kiosk/trust"',
            default_note="<user data directory>/trust"),
    Setting("bhyt", "base_url", None, "an http(s) URL", "Gateway address.", commented=True,
            example='"https://egw.baohiemxahoi.gov.vn"', default_note="required"),
    Setting("bhyt", "username", None, "a text", "The facility's gateway account.",
            commented=True, example='"01013_BV"', default_note="required"),
    Setting("bhyt", "password", None, "a text", "Its password (sent MD5-hashed).",
            secret=True, commented=True, example='"..."', default_note="required"),
    Setting("bhyt", "clinic_code", None, "the 5-digit facility code (mã cơ sở KCB)",
            "Facility code.", commented=True, example='"01013"', default_note="required"),
    Setting("bhyt", "clinic_name", None, "a text", "Facility name on tickets.",
            commented=True, example='"Phòng khám Đa khoa Thử Nghiệm"',
            default_note="required"),
    Setting("bhyt", "receptionist_name", None, "a text (with receptionist_id)",
            "Default receptionist; the UI passes the logged-in one.", secret=True,
            commented=True, example='"..."', default_note="none"),
    Setting("bhyt", "receptionist_id", None, "12 digits (with receptionist_name)",
            "Their ID number (the gateway requires it).", secret=True, commented=True,
            example='"..."', default_note="none"),
    Setting("bhyt", "timeout_s", 10.0, "a positive number of seconds",
            "Timeout of one gateway request.", commented=True, example="10.0"),
    Setting("bhyt", "tickets_path", "tickets.sqlite3", "a file path (relative: in data_dir)",
            "The queue-ticket database.", commented=True, example='"tickets.sqlite3"'),
    Setting("bhyt", "timezone", "Asia/Ho_Chi_Minh", "an IANA time zone",
            "Time zone of the day's ticket numbering.", commented=True,
            example='"Asia/Ho_Chi_Minh"'),
    Setting("bhyt", "token_path", "/api/token/take", "a URL path", "Gateway token endpoint.",
            commented=True, example='"/api/token/take"'),
    Setting("bhyt", "lookup_path", "/api/egw/KQNhanLichSuKCB2024", "a URL path",
            "Gateway card-check endpoint.", commented=True,
            example='"/api/egw/KQNhanLichSuKCB2024"'),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The setting called ``name`` ("ui.language", "data_dir"); KeyError if unknown."""
    return _BY_NAME[name]


def table_names() -> list[str]:
    return list(dict.fromkeys(s.table for s in SETTINGS))


# --- the example file ----------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A Python value as TOML text (strings, numbers, booleans, lists of those)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string is JSON-compatible
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def render_example() -> str:
    """The documented example configuration, every key with its default."""
    lines = [
        "# cccd-kiosk configuration (TOML). Generated from kiosk/config_doc.py: do not edit by",
        "# hand; regenerate with `kiosk config show --defaults > kiosk.toml`.",
        "#",
        "# Every key is optional and shows its default. Commented keys have no fixed default",
        "# (the note says what applies); uncomment to set them. Relative paths are inside",
        "# data_dir. Check a file with `kiosk config check FILE`; see what is in force with",
        "# `kiosk config show`. The file is --config FILE, else $" + ENV_CONFIG + ".",
    ]
    for table in table_names():
        lines.append("")
        lines.extend(f"# {line}" for line in TABLES[table].splitlines())
        if table:
            lines.append(f"# [{table}]" if table in OPTIONAL_TABLES else f"[{table}]")
        for s in (s for s in SETTINGS if s.table == table):
            lines.append(f"# {s.doc}")
            lines.append(f"# Allowed: {s.allowed}.")
            if s.default_note:
                lines.append(f"# When unset: {s.default_note}.")
            if s.commented or table in OPTIONAL_TABLES:
                value = toml_value(s.default) if s.default is not None else s.example
                lines.append(f"# {s.key} = {value}")
            else:
                lines.append(f"{s.key} = {toml_value(s.default)}")
    return "\n".join(lines) + "\n"


# --- the effective configuration --------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveSetting:
    name: str  # "ui.language"
    value: Any  # JSON-compatible; REDACTED for a secret that is set
    source: ValueSource
    documented: bool = True  # False: a key of a table this list does not know

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source}


def _looks_secret(key: str) -> bool:
    return any(word in key.lower() for word in _SECRET_WORDS)


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def effective_settings(cfg: KioskConfig, *, redact: bool = True) -> list[EffectiveSetting]:
    """Every documented key's value in ``cfg`` and where it came from, then any other key the
    file holds (tables owned by other parts, undocumented here). Secrets are redacted unless
    ``redact=False`` (never for output)."""
    out: list[EffectiveSetting] = []
    for s in SETTINGS:
        raw_table = cfg.sections.get(s.table, {}) if s.table else {}
        in_file = isinstance(raw_table, Mapping) and s.key in raw_table
        if s.table == "":
            source: ValueSource = cfg.data_dir_source
        else:
            source = "file" if in_file else "default"
        if s.effective is not None:
            value = s.effective(cfg)
        elif in_file:
            value = raw_table[s.key]
        else:
            value = s.default
        if s.table == "bhyt" and "bhyt" not in cfg.sections:
            value = None  # the clinic desk is off
        if redact and s.secret and value not in (None, ""):
            value = REDACTED
        out.append(EffectiveSetting(s.name, _jsonable(value), source))
    for table, raw in cfg.sections.items():
        if not isinstance(raw, Mapping):
            continue
        for key, value in raw.items():
            name = f"{table}.{key}"
            if name in _BY_NAME:
                continue
            shown = REDACTED if redact and _looks_secret(str(key)) else _jsonable(value)
            out.append(EffectiveSetting(name, shown, "file", documented=False))
    return out


def show_document(cfg: KioskConfig) -> dict[str, Any]:
    """``kiosk config show --json``: ``{"file": ..., "settings": {"ui.language": {"value",
    "source"}, ...}}``, redacted."""
    return {
        "file": str(cfg.source) if cfg.source else None,
        "bhyt_enabled": "bhyt" in cfg.sections,
        "settings": {e.name: e.to_dict() for e in effective_settings(cfg)},
    }


def show_text(cfg: KioskConfig) -> str:
    """``kiosk config show``: TOML-like, each value with its source as a comment."""
    lines = [f"# tệp cấu hình / file: {cfg.source or '(none: defaults)'}"]
    current: str | None = None
    for e in effective_settings(cfg):
        table, _, key = e.name.rpartition(".")
        if table != current:
            current = table
            if table:
                lines.append(f"\n[{table}]")
        try:
            text = toml_value(e.value) if e.value is not None else "(unset)"
        except TypeError:
            text = json.dumps(e.value, ensure_ascii=False)
        lines.append(f"{key} = {text}  # {e.source}")
    return "\n".join(lines)


# --- checking a file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigIssue:
    key: str  # "ui.language"; "" for the whole file
    message: str
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "message": self.message, "severity": self.severity}


def _read_document(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config {path}: cannot read ({exc.strerror})") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {path}: file too large (over {MAX_CONFIG_BYTES} bytes)")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {path}: not UTF-8 text ({exc.reason})") from exc
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"config {path}: not valid TOML ({exc})") from exc


def _strip_where(message: str, path: Path) -> str:
    prefix = f"config {path}: "
    message = message.removeprefix(prefix)
    return message.removeprefix("config: ")


def check_config(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> list[ConfigIssue]:
    """Every problem of the configuration file (``path``, else ``$CCCD_KIOSK_CONFIG``): each
    key checked on its own (so all bad keys are reported), then the rules across keys and the
    tables other modules own ([site] procedures, [bhyt], [trust]). Empty: the file is good."""
    environ = os.environ if env is None else env
    if path is None and environ.get(ENV_CONFIG):
        path = environ[ENV_CONFIG]
    if path is None:
        return []
    source = Path(path)
    try:
        doc = _read_document(source)
    except ConfigError as exc:
        return [ConfigIssue("", _strip_where(exc.message, source))]
    issues: list[ConfigIssue] = []
    seen: set[str] = set()

    def add(key: str, message: str, severity: Literal["error", "warning"] = "error") -> None:
        message = _strip_where(message, source)
        if message not in seen:
            seen.add(message)
            issues.append(ConfigIssue(key, message, severity))

    data_dir = Path(environ[ENV_DATA_DIR]) if environ.get(ENV_DATA_DIR) else Path("/nonexistent")
    known_tables = set(table_names())
    clean: dict[str, Any] = {}  # the document without the keys that are wrong on their own
    for name, value in doc.items():
        if isinstance(value, dict):
            if name not in known_tables:
                add(name, f"unknown table [{name}] (kept for its owner; known tables: "
                          f"{', '.join(sorted(t for t in known_tables if t))})", "warning")
            clean[name] = {}
            for key, item in value.items():
                try:
                    _build({name: {key: item}}, data_dir=data_dir, source=source)
                except ConfigError as exc:
                    add(f"{name}.{key}", exc.message)
                else:
                    clean[name][key] = item
            continue
        try:
            _build({name: value}, data_dir=None if name == "data_dir" else data_dir,
                   source=source)
        except ConfigError as exc:
            add(name, exc.message)
        else:
            clean[name] = value
    # Rules across keys, on what is left.
    try:
        _build(clean, data_dir=data_dir, source=source)
    except ConfigError as exc:
        table = re.match(r"\[(\w+)\]", _strip_where(exc.message, source))
        add(table[1] if table else "", exc.message)
    site_only = _build({"site": clean.get("site", {})}, data_dir=data_dir, source=source)
    _check_other_tables(doc, site_only, add)
    return issues


def _check_other_tables(doc: dict[str, Any], cfg: KioskConfig,
                        add: Callable[..., None]) -> None:  # fmt: skip
    site = doc.get("site", {})
    if isinstance(site, dict):
        for key, value in site.items():
            if key != "procedures" and not isinstance(value, str):
                add(f"site.{key}", f"[site] {key} must be a text (in quotes)")
    if isinstance(site, dict) and "procedures" in site:
        from kiosk.environment import offered_procedures
        from kiosk.procedures.loader import load_procedures

        try:
            offered_procedures(cfg)
        except ConfigError as exc:
            known = ", ".join(sorted(load_procedures()))
            add("site.procedures", f"{exc.message} (known: {known})")
    trust = doc.get("trust", {})
    if isinstance(trust, dict):
        for key in sorted(set(trust) - {"store"}):
            add(f"trust.{key}", f"unknown key [trust] {key} (allowed: store)")
        store = trust.get("store")
        if store is not None and not isinstance(store, str):
            add("trust.store", "[trust] store must be a directory path (in quotes)")
    if "bhyt" in doc:
        from kiosk.bhyt.errors import BhytConfigError
        from kiosk.bhyt.settings import BhytSettings

        try:
            BhytSettings.from_sections(doc, data_dir=None)
        except BhytConfigError as exc:
            add("bhyt", exc.message)
