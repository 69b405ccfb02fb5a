"""The card-level result: one typed record of the holder, merged from DG1, DG13 and DG2.

DG13 (Vietnamese text with diacritics, full dates) is preferred for every field it states;
the MRZ in DG1 fills what DG13 lacks. Where both state a field and disagree, the DG13 value is
kept and the disagreement is listed in ``inconsistencies`` (names only, never the values, so
the list can be logged). The 12-digit ID number is also checked against the birth year and sex
it encodes (Circular 07/2016/TT-BCA art. 7: 4th digit = sex and century, 5th-6th = birth year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cardreader.lds.dg1 import Dg1
from cardreader.lds.dg2 import Dg2, FaceImage
from cardreader.lds.dg13 import Dg13
from cardreader.lds.mrz import Td1Mrz, to_mrz_chars


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """A check that failed: ``field`` names it ("id_number"), ``message`` explains (no values)."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Citizen:
    id_number: str | None
    full_name: str | None
    date_of_birth: date | None
    sex: str | None  # "M" | "F" | None
    nationality: str | None
    ethnicity: str | None
    religion: str | None
    place_of_origin: str | None
    place_of_residence: str | None
    identifying_features: str | None
    date_of_issue: date | None
    date_of_expiry: date | None  # None: no expiry (see ``no_expiry``) or not stated
    father_name: str | None
    mother_name: str | None
    spouse_name: str | None
    old_id_number: str | None
    face: FaceImage | None
    mrz: Td1Mrz | None
    inconsistencies: tuple[Inconsistency, ...]
    no_expiry: bool = False
    date_of_birth_text: str | None = None  # DG13's text, e.g. "1950" when only the year is known

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def _id_number_checks(id_number: str, dob: date | None, sex: str | None) -> list[Inconsistency]:
    out: list[Inconsistency] = []
    code = int(id_number[3])
    if dob is not None:
        century = 1900 + 100 * (code // 2)
        if century + int(id_number[4:6]) != dob.year:
            out.append(
                Inconsistency(
                    "id_number_birth_year",
                    "the ID number's birth-year digits do not match the date of birth",
                )
            )
    if sex is not None and ("M" if code % 2 == 0 else "F") != sex:
        out.append(Inconsistency("id_number_sex", "the ID number's sex digit does not match sex"))
    return out


def citizen_from_groups(dg1: Dg1 | None, dg13: Dg13 | None, dg2: Dg2 | None) -> Citizen:
    """Merge the parsed groups (any may be None) into one :class:`Citizen`."""
    mrz = dg1.mrz if dg1 is not None else None
    p = dg13.personal if dg13 is not None else None
    issues: list[Inconsistency] = []

    def disagree(field: str, what: str) -> None:
        issues.append(Inconsistency(field, f"DG1 (MRZ) and DG13 disagree on the {what}"))

    if mrz is not None and not mrz.check_digits_valid:
        issues.append(
            Inconsistency(
                "mrz_check_digits",
                "MRZ check digits fail: " + ", ".join(mrz.failed_checks),
            )
        )

    # ID number
    mrz_id = mrz.id_number if mrz is not None else None
    dg13_id = p.id_number if p is not None else None
    id_number = dg13_id or mrz_id
    if mrz_id and dg13_id and mrz_id != dg13_id:
        disagree("id_number", "ID number")
    if (
        mrz is not None
        and id_number is not None
        and mrz.document_number
        not in (
            id_number,
            id_number[3:],
        )
    ):
        issues.append(
            Inconsistency(
                "document_number", "the MRZ document number is not the ID number's last 9 digits"
            )
        )

    # Name
    mrz_name = mrz.full_name if mrz is not None and mrz.full_name else None
    dg13_name = p.full_name if p is not None else None
    if mrz_name and dg13_name:
        translit = to_mrz_chars(dg13_name).replace("<", " ")
        mrz_flat = mrz_name.replace(" ", "")
        # The MRZ line may truncate a long name: compare the part it holds, spaces ignored.
        if not translit.replace(" ", "").startswith(mrz_flat):
            disagree("full_name", "name")
    full_name = dg13_name or mrz_name

    # Date of birth
    mrz_dob = mrz.date_of_birth if mrz is not None else None
    dg13_dob = p.date_of_birth if p is not None else None
    if mrz_dob and dg13_dob and mrz_dob != dg13_dob:
        disagree("date_of_birth", "date of birth")
    date_of_birth = dg13_dob or mrz_dob

    # Sex
    mrz_sex = mrz.sex if mrz is not None and mrz.sex in ("M", "F") else None
    dg13_sex = p.sex_code if p is not None else None
    if mrz_sex and dg13_sex and mrz_sex != dg13_sex:
        disagree("sex", "sex")
    sex = dg13_sex or mrz_sex

    # Expiry: DG13's date or "Không thời hạn" first, then the MRZ (991231 = no expiry).
    dg13_states_expiry = p is not None and (p.date_of_expiry is not None or p.no_expiry)
    if p is not None and dg13_states_expiry:
        date_of_expiry, no_expiry = p.date_of_expiry, p.no_expiry
        if mrz is not None and (
            mrz.no_expiry != p.no_expiry
            or (mrz.date_of_expiry is not None and mrz.date_of_expiry != p.date_of_expiry)
        ):
            disagree("date_of_expiry", "date of expiry")
    elif mrz is not None:
        date_of_expiry, no_expiry = mrz.date_of_expiry, mrz.no_expiry
    else:
        date_of_expiry, no_expiry = None, False

    if id_number is not None:
        issues.extend(_id_number_checks(id_number, date_of_birth, sex))

    nationality = p.nationality if p is not None and p.nationality else None
    if nationality is None and mrz is not None and mrz.nationality:
        nationality = mrz.nationality

    return Citizen(
        id_number=id_number,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
        nationality=nationality,
        ethnicity=p.ethnicity if p else None,
        religion=p.religion if p else None,
        place_of_origin=p.place_of_origin if p else None,
        place_of_residence=p.place_of_residence if p else None,
        identifying_features=p.identifying_features if p else None,
        date_of_issue=p.date_of_issue if p else None,
        date_of_expiry=date_of_expiry,
        father_name=p.father_name if p else None,
        mother_name=p.mother_name if p else None,
        spouse_name=p.spouse_name if p else None,
        old_id_number=p.old_id_number if p else None,
        face=dg2.face if dg2 is not None else None,
        mrz=mrz,
        inconsistencies=tuple(issues),
        no_expiry=no_expiry,
        date_of_birth_text=p.date_of_birth_text if p else None,
    )
