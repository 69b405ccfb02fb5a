"""Formatting record values for forms.

Vietnamese forms write dates day first with two-digit day and month (CT01's own guidance:
"ghi 02 chữ số cho ngày sinh, 02 chữ số cho các tháng sinh là tháng 01 và tháng 02, 04 chữ số
cho năm sinh", e.g. 15/05/1978), names usually in capitals with full diacritics, sex as
"Nam"/"Nữ", and the address split into its administrative units where a form has boxes for them.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from kiosk.address import AddressError, split_address
from kiosk.procedures.validation import format_vn_date

FORMATS = (
    "none", "upper", "date_vn", "sex_vn",
    "address:street", "address:ward", "address:district", "address:province", "address:full",
)  # fmt: skip


def vn_upper(text: str) -> str:
    """Upper case keeping Vietnamese diacritics, composed (NFC) as forms and fonts expect."""
    return unicodedata.normalize("NFC", text).upper()


def format_value(value: str | date, fmt: str) -> str:
    """Render one record value with a named format (see :data:`FORMATS`)."""
    if isinstance(value, date):
        return format_vn_date(value)
    text = unicodedata.normalize("NFC", value)
    if fmt in ("none", "date_vn"):
        return text
    if fmt == "upper":
        return vn_upper(text)
    if fmt == "sex_vn":
        return {"M": "Nam", "F": "Nữ"}.get(text, text)
    if fmt.startswith("address:"):
        part = fmt.split(":", 1)[1]
        if part == "full":
            return text
        try:
            return split_address(text).part(part)
        except AddressError:
            return text if part == "street" else ""
    raise ValueError(f"unknown format {fmt!r}")
