"""Logging for the application and the command line: a rotating file, no personal data.

:func:`setup_logging` installs, on the root logger:

- ``<data_dir>/logs/kiosk.log`` (the command line's: ``kiosk-cli.log``), rotated by size
  (``[logs] max_bytes``; ``backup_count`` files kept, ``kiosk.log.1`` the newest), created
  0600 in a 0700 directory, opened only when the first record is written (a read-only
  command creates nothing);
- a console handler on stderr when stderr is a terminal (or when asked);
- plain lines or JSON lines (``[logs] format``).

The primary rule stays: **code never logs personal data** (log codes, counts and durations, never
a record's values). :class:`PersonalDataFilter` is the safety net behind that rule: every message,
exception text and stack on the way out is scrubbed of

- 12-digit numbers (CCCD / personal ID numbers) → ``[id]``; 9-digit numbers (old CMND numbers,
  the document number of the chip's MRZ) → ``[doc-no]``; Vietnamese phone numbers
  (``0`` + 9 digits, ``+84`` + 9 digits) → ``[phone]``;
- MRZ lines (runs of 25+ ``A-Z 0-9 <`` holding a ``<``) → ``[mrz]``;
- dates that may be a birth date: ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``,
  ``yyyy-mm-dd`` outside a timestamp (a time does not follow) and 8-digit ``ddmmyyyy`` (the
  CCCD QR code's form) → ``[date]``;
- names: a Vietnamese family name (the ~40 most common, covering the vast majority of people,
  upper or title case, with or without marks) followed by one to five capitalised words
  → ``[name]``; and anything after ``name=``/``full_name:``-style keys.

Not covered (say so, do not rely on it): names whose family name is not on the list, names in
free text without a family name, addresses, 6-digit ``yymmdd`` dates, photos. These must never
reach a log call in the first place; ``tests/kiosk/test_logs.py`` runs a whole demo session and
greps the log for the fake citizen.
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, LogsConfig

LOG_DIR_NAME = "logs"
LOG_FILE_NAME = "kiosk.log"
#: The command line's own file: two processes rotating one file lose lines (and on Windows the
#: rename fails while the other holds it open), so ``kiosk <command>`` writes beside the app.
CLI_LOG_FILE_NAME = "kiosk-cli.log"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_cccd_kiosk_handler"

# --- scrubbing ------------------------------------------------------------------------------------

# Family names (upper-case, with marks); also matched without marks, upper or title case.
# Commonly cited: Nguyễn alone is about 38% of people, the 14 most common about 90%.
_FAMILY_NAMES = (
    "NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ",
    "HỒ", "NGÔ", "DƯƠNG", "LÝ", "ĐINH", "ĐÀO", "TRƯƠNG", "TRỊNH", "MAI", "LƯƠNG", "LƯU", "CAO",
    "TẠ", "TÔ", "LA", "LÂM", "QUÁCH", "HÀ", "THÁI", "TĂNG", "PHÙNG", "KIỀU", "VƯƠNG", "CHU",
    "TỐNG", "DOÃN", "KHỔNG", "TRIỆU", "VI", "HẦU", "NÔNG",
)

_VN_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_VN_LOWER = _VN_UPPER.lower()


def _strip_marks(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _alternatives(names: set[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_UPPER_SURNAMES = {*_FAMILY_NAMES, *(_strip_marks(n) for n in _FAMILY_NAMES)}
_TITLE_SURNAMES = {n[0] + n[1:].lower() for n in _UPPER_SURNAMES}
# "NGUYỄN VĂN THỬ" (as on the chip) or "Nguyễn Văn Thử": the words after the family name are
# in the same case style, 1 to 5 of them.
_NAME_RE = re.compile(
    rf"(?<!\w)(?:(?:{_alternatives(_UPPER_SURNAMES)})(?:\s+[{_VN_UPPER}]+){{1,5}}"
    rf"|(?:{_alternatives(_TITLE_SURNAMES)})(?:\s+[{_VN_UPPER}][{_VN_LOWER}]*){{1,5}})(?!\w)"
)
_KEYED_NAME_RE = re.compile(
    r"(?i)\b((?:full_?name|name|ho_?ten|họ tên|father|mother|spouse)\s*[=:]\s*)"
    r"(?:'[^']*'|\"[^\"]*\"|[^,;|}\n]+)"
)
_MRZ_RE = re.compile(r"[A-Z0-9<]{25,}")
_ID12_RE = re.compile(r"(?<![\d.])\d{12}(?![\d])")
_DOC9_RE = re.compile(r"(?<![\d.])\d{9}(?![\d])")
_PHONE_RE = re.compile(r"(?<![\d.])(?:0|\+84)\d{9}(?!\d)")
_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
_ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?![\dT:]|\s\d{2}:)")
_DMY8_RE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")


def _is_date(day: str, month: str, year: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return 1900 <= int(year) <= 2100


def scrub(text: str) -> str:
    """``text`` with what looks like personal data replaced (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)  # decomposed marks would hide a name
    text = _MRZ_RE.sub(lambda m: "[mrz]" if "<" in m.group() else m.group(), text)
    text = _KEYED_NAME_RE.sub(lambda m: m.group(1) + "[name]", text)
    text = _NAME_RE.sub("[name]", text)
    text = _PHONE_RE.sub("[phone]", text)
    text = _ID12_RE.sub("[id]", text)
    text = _DOC9_RE.sub("[doc-no]", text)
    text = _DMY_RE.sub(lambda m: "[date]" if _is_date(m[1], m[3], m[4]) else m.group(), text)
    text = _ISO_DATE_RE.sub(lambda m: "[date]" if _is_date(m[3], m[2], m[1]) else m.group(), text)
    return _DMY8_RE.sub(lambda m: "[date]" if _is_date(m[1], m[2], m[3]) else m.group(), text)


class PersonalDataFilter(logging.Filter):
    """Scrubs a record's message, exception text and stack (once; every handler sees it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_scrubbed", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the template only
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record._scrubbed = True
        return True


# --- formats and the file ---------------------------------------------------------------------


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC ISO 8601), level, logger, message[, exc]."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            doc["exc"] = record.exc_text
        if record.stack_info:
            doc["stack"] = record.stack_info
        return json.dumps(doc, ensure_ascii=False)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A size-rotated file created 0600 (and its directory 0700) when first written."""

    def _open(self) -> io.TextIOWrapper:
        path = Path(self.baseFilename)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(path, 0o600)  # an older file (or an umask) may have left it wider
        return open(fd, "a", encoding=self.encoding or "utf-8")


@dataclass(frozen=True)
class LogSetup:
    path: Path  # the current log file
    handlers: tuple[logging.Handler, ...]
    previous_level: int = logging.WARNING  # the root logger's level before

    def close(self) -> None:
        """Remove and close the handlers and restore the root level (commands, tests; the
        application keeps them to the end)."""
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(self.previous_level)


def log_dir(data_dir: Path) -> Path:
    return data_dir / LOG_DIR_NAME


def setup_logging(
    data_dir: Path,
    settings: LogsConfig | None = None,
    *,
    console: bool | None = None,
    console_level: int | None = None,
    file_name: str = LOG_FILE_NAME,
) -> LogSetup:
    """Install the file (and console) handlers on the root logger, replacing ones an earlier
    call installed. ``console=None``: a console when stderr is a terminal."""
    settings = settings or LogsConfig()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    formatter: logging.Formatter = (
        JsonLinesFormatter() if settings.format == "json" else logging.Formatter(PLAIN_FORMAT)
    )
    scrubber = PersonalDataFilter()
    path = log_dir(data_dir) / file_name
    file_handler = PrivateRotatingFileHandler(
        path, maxBytes=settings.max_bytes, backupCount=settings.backup_count,
        encoding="utf-8", delay=True,
    )  # fmt: skip
    handlers: list[logging.Handler] = [file_handler]
    if console is None:
        console = sys.stderr.isatty()
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(console_level if console_level is not None else settings.level)
        handlers.append(stream)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(scrubber)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    file_handler.setLevel(settings.level)
    previous = root.level
    root.setLevel(min(logging.getLevelName(settings.level), previous or logging.WARNING))
    logging.captureWarnings(True)
    return LogSetup(path, tuple(handlers), previous)


def setup_from_config(cfg: KioskConfig, *, console: bool | None = None) -> LogSetup:
    """:func:`setup_logging` for a loaded configuration (``data_dir`` and ``[logs]``)."""
    return setup_logging(cfg.data_dir, cfg.logs, console=console)


def log_files(data_dir: Path) -> list[Path]:
    """Every log file (the application's, then the command line's), each current file followed
    by its rotated copies, newest first."""
    folder = log_dir(data_dir)
    out: list[Path] = []
    for name in (LOG_FILE_NAME, CLI_LOG_FILE_NAME):
        base = folder / name
        if base.exists():
            out.append(base)
        rotated = [p for p in folder.glob(name + ".*") if p.suffix[1:].isdigit()]
        out.extend(sorted(rotated, key=lambda p: int(p.suffix[1:])))
    return out
