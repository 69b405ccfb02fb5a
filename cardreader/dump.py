"""Dump folders: the raw files of one card, and everything parsed from them.

A dump folder holds the files exactly as read from the chip, named ``com.bin sod.bin dg1.bin
dg2.bin dg13.bin dg14.bin dg15.bin cardaccess.bin`` (those the card has). Parsing a dump
collects each group's error instead of stopping at the first (as gmrtd does), so a card with
one damaged group still yields everything else. Dumps hold personal data: the folder is
created 0700 and the files 0600.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from cardreader.citizen import Citizen, citizen_from_groups
from cardreader.errors import CardReaderError, InputError, LimitExceededError
from cardreader.lds import files as lds_files
from cardreader.lds.card_access import CardAccess, parse_card_access
from cardreader.lds.com import EfCom, parse_com
from cardreader.lds.dg1 import Dg1, parse_dg1
from cardreader.lds.dg2 import Dg2, parse_dg2
from cardreader.lds.dg13 import Dg13, parse_dg13
from cardreader.lds.dg14 import Dg14, parse_dg14
from cardreader.lds.dg15 import Dg15, parse_dg15
from cardreader.lds.files import LdsFile

MAX_FILE_BYTES = 1 << 20
DUMP_FILES: tuple[LdsFile, ...] = (
    lds_files.COM,
    lds_files.SOD,
    lds_files.DG1,
    lds_files.DG2,
    lds_files.DG13,
    lds_files.DG14,
    lds_files.DG15,
    lds_files.CARD_ACCESS,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FileError:
    """One file's failure: ``file`` is its LDS name ("dg13"), ``code`` the error code."""

    file: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ParsedCard:
    """Everything parsed from one card's files. A group is None if absent or unparseable."""

    files: Mapping[LdsFile, bytes]
    citizen: Citizen
    com: EfCom | None = None
    dg1: Dg1 | None = None
    dg2: Dg2 | None = None
    dg13: Dg13 | None = None
    dg14: Dg14 | None = None
    dg15: Dg15 | None = None
    card_access: CardAccess | None = None
    errors: tuple[FileError, ...] = field(default=())

    @property
    def sod(self) -> bytes | None:
        """EF.SOD's raw bytes (parsed and verified by the security-object module)."""
        return self.files.get(lds_files.SOD)


def load_dump(directory: str | os.PathLike[str]) -> dict[LdsFile, bytes]:
    """Read a dump folder's known files. InputError if the folder is missing or holds none."""
    path = Path(directory)
    if not path.exists():
        raise InputError(f"dump folder {str(path)!r} does not exist")
    if not path.is_dir():
        raise InputError(f"{str(path)!r} is not a folder")
    out: dict[LdsFile, bytes] = {}
    for lds_file in DUMP_FILES:
        file_path = path / lds_file.dump_name
        if not file_path.is_file():
            continue
        size = file_path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LimitExceededError(
                f"dump file {lds_file.dump_name} is {size} bytes, above the cap of {MAX_FILE_BYTES}"
            )
        with file_path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise LimitExceededError(f"dump file {lds_file.dump_name} grew above the cap")
        out[lds_file] = data
    if not out:
        names = " ".join(f.dump_name for f in DUMP_FILES)
        raise InputError(f"dump folder {str(path)!r} holds none of: {names}")
    return out


def write_dump(directory: str | os.PathLike[str], files: Mapping[LdsFile, bytes]) -> Path:
    """Write ``files`` into ``directory`` (created 0700), each file 0600 and written atomically."""
    path = Path(directory)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for lds_file, data in files.items():
        fd, tmp = tempfile.mkstemp(dir=path, prefix=f".{lds_file.dump_name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path / lds_file.dump_name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path


def parse_files(files: Mapping[LdsFile, bytes], *, today: date | None = None) -> ParsedCard:
    """Parse every known file in ``files``, collecting per-file errors."""
    errors: list[FileError] = []

    def attempt(lds_file: LdsFile, parser: Callable[[bytes], T]) -> T | None:
        data = files.get(lds_file)
        if data is None:
            return None
        try:
            return parser(data)
        except CardReaderError as exc:
            errors.append(FileError(lds_file.name, exc.code, exc.message))
            return None

    com = attempt(lds_files.COM, parse_com)
    dg1 = attempt(lds_files.DG1, lambda raw: parse_dg1(raw, today=today))
    dg2 = attempt(lds_files.DG2, parse_dg2)
    dg13 = attempt(lds_files.DG13, parse_dg13)
    dg14 = attempt(lds_files.DG14, parse_dg14)
    dg15 = attempt(lds_files.DG15, parse_dg15)
    card_access = attempt(lds_files.CARD_ACCESS, parse_card_access)

    if com is not None:
        for listed in com.data_groups:
            if listed in lds_files.READ_ORDER and listed not in files:
                message = f"EF.COM lists {listed.name} but the file is absent"
                errors.append(FileError(listed.name, "missing", message))

    return ParsedCard(
        files=dict(files),
        citizen=citizen_from_groups(dg1, dg13, dg2),
        com=com,
        dg1=dg1,
        dg2=dg2,
        dg13=dg13,
        dg14=dg14,
        dg15=dg15,
        card_access=card_access,
        errors=tuple(errors),
    )


def parse_dump(directory: str | os.PathLike[str], *, today: date | None = None) -> ParsedCard:
    """Load and parse a dump folder (folder errors raise; per-file errors are collected)."""
    return parse_files(load_dump(directory), today=today)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _mrz_json(parsed: ParsedCard) -> dict[str, Any] | None:
    mrz = parsed.dg1.mrz if parsed.dg1 is not None else None
    if mrz is None:
        return None
    return {
        "document_code": mrz.document_code,
        "issuing_state": mrz.issuing_state,
        "document_number": mrz.document_number,
        "document_number_check": mrz.document_number_check,
        "optional_data_1": mrz.optional_data_1,
        "date_of_birth_raw": mrz.date_of_birth_raw,
        "date_of_birth": _iso(mrz.date_of_birth),
        "date_of_birth_check": mrz.date_of_birth_check,
        "sex": mrz.sex,
        "date_of_expiry_raw": mrz.date_of_expiry_raw,
        "date_of_expiry": _iso(mrz.date_of_expiry),
        "date_of_expiry_check": mrz.date_of_expiry_check,
        "nationality": mrz.nationality,
        "optional_data_2": mrz.optional_data_2,
        "composite_check": mrz.composite_check,
        "primary_identifier": mrz.primary_identifier,
        "secondary_identifier": mrz.secondary_identifier,
        "failed_checks": list(mrz.failed_checks),
        "text": mrz.text,
        "id_number": mrz.id_number,
        "no_expiry": mrz.no_expiry,
        "check_digits_valid": mrz.check_digits_valid,
    }


def parsed_card_to_json(parsed: ParsedCard) -> dict[str, Any]:
    """The JSON shape of ``cccd parse DIR --json``: mrz, personal, face, errors.

    ``personal`` is the merged :class:`Citizen` (DG13 first, MRZ for what DG13 lacks); dates
    are YYYY-MM-DD or null. DG1/DG13 disagreements appear in ``errors`` with file "citizen"
    and code "inconsistent".
    """
    c = parsed.citizen
    personal = {
        "id_number": c.id_number,
        "full_name": c.full_name,
        "date_of_birth": _iso(c.date_of_birth),
        "sex": c.sex,
        "nationality": c.nationality,
        "ethnicity": c.ethnicity,
        "religion": c.religion,
        "place_of_origin": c.place_of_origin,
        "place_of_residence": c.place_of_residence,
        "identifying_features": c.identifying_features,
        "date_of_issue": _iso(c.date_of_issue),
        "date_of_expiry": _iso(c.date_of_expiry),
        "father_name": c.father_name,
        "mother_name": c.mother_name,
        "spouse_name": c.spouse_name,
        "old_id_number": c.old_id_number,
    }
    face = None
    if c.face is not None:
        face = {"format": c.face.format, "width": c.face.width, "height": c.face.height}
    errors = [e.to_dict() for e in parsed.errors]
    errors.extend(
        {"file": "citizen", "code": "inconsistent", "message": i.message} for i in c.inconsistencies
    )
    return {"mrz": _mrz_json(parsed), "personal": personal, "face": face, "errors": errors}
