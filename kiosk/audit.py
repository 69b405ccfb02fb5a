"""The audit log: what happened at the kiosk, without personal data.

One JSON object per line (UTF-8), appended: ``{"ts": "...Z", "seq": n, "event": "...", ...}``;
``seq`` continues from the file's last line when the log is reopened.
Citizens appear only as :func:`citizen_ref`, an HMAC-SHA-256 keyed hash of the normalised ID
number (the key is the ``hmac_key`` of the outbox key set, so only this kiosk's operator can
link an entry to a person who shows their card again).

:meth:`AuditLog.record` refuses what looks personal instead of trusting callers: field names
that name personal data (name, birth, address, phone, ...), free text (values may only be short
codes: letters, digits and ``._:/=+-``, no spaces), and runs of 9 or more digits (ID, phone and
insurance card numbers). Numbers, booleans and None pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# Event names the application core uses; other parts may add their own dotted names.
SESSION_STARTED = "session.started"
SESSION_ENDED = "session.ended"
CARD_READ = "card.read"
CARD_VERIFIED = "card.verified"
CARD_REJECTED = "card.rejected"
FORM_SUBMITTED = "form.submitted"
SYNC_RESULT = "sync.result"
OUTBOX_OPERATOR = "outbox.operator"

EVENT_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VALUE_RE = re.compile(r"^[A-Za-z0-9._:/=+-]{0,128}$")
LONG_DIGITS_RE = re.compile(r"\d{9,}")
RESERVED_FIELDS = frozenset({"ts", "seq", "event"})
#: Substrings of field names that name personal data (English and Vietnamese, unaccented).
PERSONAL_FIELD_PARTS = (
    "name", "ten", "ho_ten", "birth", "dob", "ngay_sinh", "address", "dia_chi", "addr",
    "phone", "sdt", "dien_thoai", "email", "mail", "id_number", "idnumber", "cccd", "cmnd",
    "passport", "ho_chieu", "card_number", "so_the", "bhyt_number", "insurance_number",
    "gender", "sex", "gioi_tinh", "nationality", "quoc_tich", "ethnic", "dan_toc",
    "religion", "ton_giao", "photo", "face", "portrait", "anh", "father", "mother", "cha",
    "me", "spouse", "vo_chong", "hometown", "que_quan", "residence", "thuong_tru", "mrz",
)
#: Field names that contain a personal-looking part but are ours and safe.
ALLOWED_FIELDS = frozenset({"citizen_ref", "kind", "event_name", "form_name", "procedure_name"})


class AuditError(ValueError):
    """A record was refused (it looked personal or malformed). The message names the field."""

    code = "audit_refused"


def normalise_id_number(id_number: str) -> str:
    text = unicodedata.normalize("NFKC", id_number)
    return "".join(ch for ch in text if not ch.isspace())


def citizen_ref(id_number: str, key: bytes) -> str:
    """A stable pseudonym for a citizen: 32 hex digits of HMAC-SHA-256(key, ID number)."""
    if len(key) < 32:
        raise ValueError("citizen_ref: the key must be at least 32 bytes")
    normalised = normalise_id_number(id_number)
    if not normalised:
        raise ValueError("citizen_ref: empty ID number")
    mac = hmac.new(key, b"cccd-kiosk/citizen-ref/v1\x00" + normalised.encode("utf-8"),
                   hashlib.sha256)
    return mac.hexdigest()[:32]


def _field_is_personal(name: str) -> bool:
    if name in ALLOWED_FIELDS:
        return False
    parts = name.split("_")
    for part in PERSONAL_FIELD_PARTS:
        if "_" in part:
            if part in name:
                return True
        elif part in parts or (len(part) >= 4 and part in name):
            return True
    return False


def check_fields(fields: dict[str, object]) -> dict[str, object]:
    """Validate audit fields; returns them, or raises :class:`AuditError`."""
    for name, value in fields.items():
        if not FIELD_RE.match(name) or name in RESERVED_FIELDS:
            raise AuditError(f"audit field {name!r}: not an allowed field name")
        if _field_is_personal(name):
            raise AuditError(f"audit field {name!r}: looks like personal data")
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if abs(value) >= 1e8:
                raise AuditError(f"audit field {name!r}: number too long (could be an ID)")
            continue
        if not isinstance(value, str):
            raise AuditError(f"audit field {name!r}: only short codes and numbers are allowed")
        if name == "citizen_ref":
            if not re.fullmatch(r"[0-9a-f]{32}", value):
                raise AuditError("audit field 'citizen_ref': not a citizen_ref() hash")
            continue
        if not VALUE_RE.match(value):
            raise AuditError(f"audit field {name!r}: free text is not allowed, use a short code")
        if LONG_DIGITS_RE.search(value):
            raise AuditError(f"audit field {name!r}: long digit run (could be an ID number)")
    return fields


def _ends_mid_line(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def _last_seq(path: Path) -> int:
    """The ``seq`` of the file's last complete line (0 if none), so numbering continues
    across restarts. Only the last few KiB are read."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 8192))
            tail = fh.read()
    except FileNotFoundError:
        return 0
    for line in reversed(tail.splitlines()):
        try:
            doc = json.loads(line)
        except ValueError:
            continue  # a torn last line after a crash, or a partial first line
        if isinstance(doc, dict) and isinstance(doc.get("seq"), int):
            return int(doc["seq"])
    return 0


class AuditLog:
    """Append-only JSON-lines audit log (see the module docstring). Thread-safe."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        key: bytes,
        *,
        fsync: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if len(key) < 32:
            raise ValueError("AuditLog: the key must be at least 32 bytes")
        self.path = Path(path)
        self._key = key
        self._fsync = fsync
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._seq = _last_seq(self.path)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._fh = os.fdopen(fd, "ab")
        if _ends_mid_line(self.path):
            # A crash tore the last line: end it, so the next record starts on its own line.
            self._fh.write(b"\n")
            self._fh.flush()

    def citizen_ref(self, id_number: str) -> str:
        return citizen_ref(id_number, self._key)

    def record(self, event: str, **fields: object) -> None:
        """Append one event. Raises :class:`AuditError` if a field looks personal."""
        if not EVENT_RE.match(event) or len(event) > 64:
            raise AuditError(f"audit event {event!r}: not a dotted lower-case code")
        check_fields(fields)
        with self._lock:
            self._seq += 1
            ts = self._clock().astimezone(UTC).isoformat(timespec="milliseconds")
            entry: dict[str, object] = {"ts": ts.replace("+00:00", "Z"), "seq": self._seq,
                                        "event": event}
            entry.update(fields)
            line = json.dumps(entry, ensure_ascii=True, separators=(",", ":")) + "\n"
            self._fh.write(line.encode("ascii"))
            self._fh.flush()
            if self._fsync:
                os.fsync(self._fh.fileno())

    def close(self) -> None:
        with self._lock:
            if not self._fh.closed:
                self._fh.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
