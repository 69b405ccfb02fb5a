"""The merged citizen record: one typed value per field, each remembering where it came from.

Sources, in order of trust:

* ``chip`` — read from the card's chip (DG1, DG2, DG13).  *Verified* only when the chip data
  passed passive authentication and the library reported no inconsistency for that field;
  verified fields are read-only in every form.
* ``qr`` — decoded from the printed QR code.  The QR is not signed, so these values are always
  unverified and stay editable.
* ``typed`` — entered by the person or the officer.

A value read from the chip always wins over the QR; a QR value that disagrees with the chip is
kept out and its field listed in :attr:`CitizenRecord.conflicts` (the officer may want to know
that the QR printed on the card does not match its chip).  A QR code from a different card
(another ID number) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

ID_NUMBER_RE = re.compile(r"^\d{12}$")
OLD_ID_NUMBER_RE = re.compile(r"^\d{9}$|^\d{12}$")


class RecordError(ValueError):
    """A value cannot go into the record (bad type or format, read-only field)."""

    code = "record"


class RecordMismatchError(RecordError):
    """The chip and the QR code belong to different cards."""

    code = "record_mismatch"


class ReadOnlyFieldError(RecordError):
    """A verified field cannot be overwritten by typed input."""

    code = "read_only"


class Source(StrEnum):
    CHIP = "chip"
    QR = "qr"
    TYPED = "typed"


RecordValue = str | date

# Field name -> whether its value is a date.  The order is the order of a printed summary.
FIELDS: dict[str, bool] = {
    "id_number": False,
    "full_name": False,
    "date_of_birth": True,
    "sex": False,
    "nationality": False,
    "ethnicity": False,
    "religion": False,
    "place_of_origin": False,
    "place_of_residence": False,
    "identifying_features": False,
    "date_of_issue": True,
    "date_of_expiry": True,
    "father_name": False,
    "mother_name": False,
    "spouse_name": False,
    "old_id_number": False,
}
MAX_VALUE_LENGTH = 500


class FaceImageLike(Protocol):
    @property
    def format(self) -> str: ...
    @property
    def image(self) -> bytes: ...


class ChipCitizen(Protocol):
    """What the record needs from ``cardreader.citizen.Citizen`` (structural, no import)."""

    @property
    def id_number(self) -> str | None: ...
    @property
    def full_name(self) -> str | None: ...
    @property
    def date_of_birth(self) -> date | None: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def nationality(self) -> str | None: ...
    @property
    def ethnicity(self) -> str | None: ...
    @property
    def religion(self) -> str | None: ...
    @property
    def place_of_origin(self) -> str | None: ...
    @property
    def place_of_residence(self) -> str | None: ...
    @property
    def identifying_features(self) -> str | None: ...
    @property
    def date_of_issue(self) -> date | None: ...
    @property
    def date_of_expiry(self) -> date | None: ...
    @property
    def father_name(self) -> str | None: ...
    @property
    def mother_name(self) -> str | None: ...
    @property
    def spouse_name(self) -> str | None: ...
    @property
    def old_id_number(self) -> str | None: ...
    @property
    def face(self) -> FaceImageLike | None: ...
    @property
    def inconsistencies(self) -> Any: ...


@dataclass(frozen=True)
class RecordField:
    """One value of the record with its provenance."""

    name: str
    value: RecordValue
    source: Source
    verified: bool


def parse_date(value: object, *, what: str) -> date:
    """A date from a ``date``, 'dd/mm/yyyy', 'ddmmyyyy' (the QR's form) or 'yyyy-mm-dd'."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise RecordError(f"{what}: expected a date, got {type(value).__name__}")
    text = value.strip()
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            d, m, y = (int(p) for p in text.split("/"))
            return date(y, m, d)
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[4:]), int(text[2:4]), int(text[:2]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"{what}: not a valid date: {exc}") from None
    raise RecordError(f"{what}: not a date in dd/mm/yyyy, ddmmyyyy or yyyy-mm-dd form")


def normalise_sex(value: object, *, what: str = "sex") -> str:
    """'M' or 'F' from the chip's letter or the QR's 'Nam'/'Nữ'."""
    if not isinstance(value, str):
        raise RecordError(f"{what}: expected text")
    folded = value.strip().lower()
    if folded in ("m", "nam", "male"):
        return "M"
    if folded in ("f", "nữ", "nu", "female"):
        return "F"
    raise RecordError(f"{what}: unknown sex {value!r}")


_PARTIAL_DATE_RE = re.compile(r"^(?:(\d{1,2})/)?(\d{4})$")


def _partial_date(text: str, *, what: str) -> str:
    """A date known only to the year or month ("1950", "03/1950"), kept as text: older ID
    cards print what the birth register holds, and forms copy it as it is."""
    match = _PARTIAL_DATE_RE.match(text)
    assert match is not None
    year = int(match[2])
    if not 1800 <= year <= 2200:
        raise RecordError(f"{what}: year out of range")
    if match[1] is None:
        return f"{year:04d}"
    month = int(match[1])
    if not 1 <= month <= 12:
        raise RecordError(f"{what}: month out of range")
    return f"{month:02d}/{year:04d}"


def _normalise(name: str, value: object) -> RecordValue | None:
    if name not in FIELDS:
        raise RecordError(f"unknown record field {name!r}")
    if value is None:
        return None
    if FIELDS[name]:
        if isinstance(value, str):
            text = re.sub(r"^(?:00/)+", "", value.strip())  # "00/00/1950": day, month unknown
            if _PARTIAL_DATE_RE.match(text):
                return _partial_date(text, what=name)
        return parse_date(value, what=name)
    if name == "sex":
        return normalise_sex(value)
    if not isinstance(value, str):
        raise RecordError(f"{name}: expected text, got {type(value).__name__}")
    text = " ".join(value.split())
    if not text:
        return None
    if len(text) > MAX_VALUE_LENGTH:
        raise RecordError(f"{name}: longer than {MAX_VALUE_LENGTH} characters")
    if name == "id_number" and not ID_NUMBER_RE.match(text):
        raise RecordError("id_number: must be 12 digits")
    if name == "old_id_number" and not OLD_ID_NUMBER_RE.match(text):
        raise RecordError("old_id_number: must be 9 or 12 digits")
    return text


# Checks of cardreader.citizen that involve more than one record field.
_CHECK_FIELDS: dict[str, tuple[str, ...]] = {
    "id_number_birth_year": ("id_number", "date_of_birth"),
    "id_number_sex": ("id_number", "sex"),
    "document_number": ("id_number",),
}


def _inconsistent_fields(raw: Any) -> frozenset[str]:
    """Record fields named by the chip library's inconsistency report (``Inconsistency.field``
    or plain strings); a value the card contradicts itself on is not treated as verified."""
    names: set[str] = set()
    if not raw:
        return frozenset()
    for item in raw if isinstance(raw, Iterable) and not isinstance(raw, str) else [raw]:
        candidate = getattr(item, "field", item)
        if isinstance(candidate, str):
            names.update(_CHECK_FIELDS.get(candidate, (candidate,)))
    return frozenset(names)


@dataclass(frozen=True)
class CitizenRecord:
    """The merged record.  Build it with :meth:`from_chip`, :meth:`from_qr` or :meth:`merge`."""

    fields: Mapping[str, RecordField] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    face_image: bytes | None = None
    face_format: str | None = None
    #: Chip fields left out because their value did not fit the record's format.
    rejected: tuple[str, ...] = ()

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_chip(cls, citizen: ChipCitizen, *, verified: bool) -> CitizenRecord:
        """From the chip library's Citizen; ``verified`` = passive authentication succeeded.

        A chip value that does not fit the record's format (e.g. an ID number that is not 12
        digits) is left out, so the form asks for it instead of trusting it.
        """
        unsure = _inconsistent_fields(getattr(citizen, "inconsistencies", ()))
        fields: dict[str, RecordField] = {}
        skipped: list[str] = []
        for name in FIELDS:
            raw = getattr(citizen, name, None)
            if name == "date_of_birth" and raw is None:
                raw = getattr(citizen, "date_of_birth_text", None)  # "1950": year only
            try:
                value = _normalise(name, raw)
            except RecordError:
                skipped.append(name)
                continue
            if value is not None:
                trusted = verified and name not in unsure
                fields[name] = RecordField(name, value, Source.CHIP, trusted)
        face = getattr(citizen, "face", None)
        return cls(
            fields=fields,
            face_image=face.image if face is not None else None,
            face_format=face.format if face is not None else None,
            rejected=tuple(skipped),
        )

    @classmethod
    def from_qr(cls, qr: Mapping[str, object]) -> CitizenRecord:
        """From the QR code's decoded mapping; 'address' is the place of residence."""
        fields: dict[str, RecordField] = {}
        for key, raw in qr.items():
            name = "place_of_residence" if key == "address" else key
            if name not in FIELDS:
                continue
            value = _normalise(name, raw)
            if value is not None:
                fields[name] = RecordField(name, value, Source.QR, False)
        return cls(fields=fields)

    @classmethod
    def merge(cls, chip: CitizenRecord | None, qr: CitizenRecord | None) -> CitizenRecord:
        """Chip values win; QR values fill gaps; disagreements are listed in ``conflicts``."""
        if chip is None and qr is None:
            return cls()
        if chip is None:
            assert qr is not None
            return qr
        if qr is None:
            return chip
        chip_id, qr_id = chip.value("id_number"), qr.value("id_number")
        if chip_id is not None and qr_id is not None and chip_id != qr_id:
            raise RecordMismatchError("the QR code belongs to another card than the chip")
        merged = dict(chip.fields)
        conflicts: list[str] = []
        for name, qr_field in qr.fields.items():
            existing = merged.get(name)
            if existing is None:
                merged[name] = qr_field
            elif _comparable(existing.value) != _comparable(qr_field.value):
                conflicts.append(name)
        return cls(
            fields=merged,
            conflicts=tuple(conflicts),
            face_image=chip.face_image,
            face_format=chip.face_format,
            rejected=chip.rejected,
        )

    def with_typed(self, name: str, value: object) -> CitizenRecord:
        """A copy with ``name`` set from typed input; verified fields refuse."""
        existing = self.fields.get(name)
        if existing is not None and existing.verified:
            raise ReadOnlyFieldError(f"{name} is verified from the chip and cannot be changed")
        normalised = _normalise(name, value)
        fields = dict(self.fields)
        if normalised is None:
            fields.pop(name, None)
        else:
            fields[name] = RecordField(name, normalised, Source.TYPED, False)
        return CitizenRecord(
            fields, self.conflicts, self.face_image, self.face_format, self.rejected
        )

    # -- access ------------------------------------------------------------------------------

    def get(self, name: str) -> RecordField | None:
        if name not in FIELDS:
            raise RecordError(f"unknown record field {name!r}")
        return self.fields.get(name)

    def value(self, name: str) -> RecordValue | None:
        item = self.get(name)
        return None if item is None else item.value

    @property
    def id_number(self) -> str | None:
        value = self.value("id_number")
        return value if isinstance(value, str) else None

    def age_on(self, day: date) -> int | None:
        """Whole years of age on ``day``; None without a birth date."""
        born = self.value("date_of_birth")
        if not isinstance(born, date):
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __repr__(self) -> str:  # never print personal data by accident
        summary = ", ".join(
            f"{f.name}:{f.source.value}{'+v' if f.verified else ''}" for f in self.fields.values()
        )
        return f"CitizenRecord({summary})"


def _comparable(value: RecordValue) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(value.split()).casefold()
