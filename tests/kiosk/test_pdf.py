"""PDF rendering: a valid PDF, the Vietnamese text extractable with its diacritics, the font
embedded, no personal data in the metadata."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.pdf import PdfRenderError, pdf_attachment, render_pdf
from kiosk.procedures import fill_form, load_procedures
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import THU_ID, THU_NAME, chip_citizen

TODAY = date(2026, 11, 23)
CONTEXT = {
    "agency": "Công an phường Dịch Vọng", "facility_name": "Nhà nghỉ Thử Nghiệm",
    "facility_address": "Số 3 Phố Huế, Hà Nội", "clinic_name": "Phòng khám Thử",
    "clinic_code": "01013", "receptionist_name": "Phạm Thị Tiếp",
    "receptionist_id": "001190000333",
}  # fmt: skip


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def _ct01_pdf() -> bytes:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    answers = {"request": "Đăng ký thường trú", "members": [
        {"full_name": "Lê Thị Thử", "date_of_birth": "01/02/2001", "sex": "Nữ",
         "relation_to_head": "Con dâu"}]}  # fmt: skip
    form = fill_form(load_procedures()["ct01"], record, answers, context=CONTEXT, today=TODAY)
    return render_pdf(form, place="Hà Nội")


def test_ct01_pdf_is_valid_and_keeps_diacritics() -> None:
    pdf = _ct01_pdf()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = _text(pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Họ, chữ đệm và tên: NGUYỄN VĂN THỬ *",
        "Ngày, tháng, năm sinh: 05/09/1999", f"Số định danh cá nhân: {THU_ID}",
        "Lê Thị Thử", "Con dâu", "Hà Nội, ngày 23 tháng 11 năm 2026", "NGƯỜI KÊ KHAI",
        "Mẫu CT01",
    ):  # fmt: skip
        assert expected in text, expected


def test_font_is_embedded_and_metadata_is_not_personal() -> None:
    reader = PdfReader(io.BytesIO(_ct01_pdf()))
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        resources = resources.get_object()["/Font"]
        for ref in resources.values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # TrueType program embedded
            fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSerif" in f for f in fonts)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ"
    flat = " ".join(str(v) for v in meta.values())
    assert THU_NAME not in flat and THU_ID not in flat


@pytest.mark.parametrize(
    "pid", ["luu_tru", "khai_sinh_lien_thong", "generic_request", "bhyt_checkin"]
)
def test_every_form_renders(pid: str) -> None:
    procedure = load_procedures()[pid]
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = fill_form(procedure, record, {}, context=CONTEXT, today=TODAY)
    text = _text(render_pdf(form))
    assert procedure.form_title.vi.split()[0] in text
    assert THU_NAME in text
    for signature in procedure.form_title.vi, *[s.vi for s in procedure.signatures]:
        assert " ".join(signature.split()[:2]) in text


def test_missing_font_is_a_typed_error(tmp_path: Path) -> None:
    form = fill_form(load_procedures()["ct01"], CitizenRecord(), {}, today=TODAY)
    with pytest.raises(PdfRenderError, match="font"):
        render_pdf(form, fonts_dir=tmp_path)


def test_pdf_attachment_in_the_submission() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    answers = {"phone": "0912345678", "procedure_name": "Cấp bản sao trích lục",
               "request": "Đề nghị cấp 02 bản sao trích lục khai sinh"}  # fmt: skip
    form = fill_form(load_procedures()["generic_request"], record, answers, context=CONTEXT,
                     today=TODAY)  # fmt: skip
    attachment = pdf_attachment(form, place="Hà Nội")
    data = base64.b64decode(attachment["data_base64"])
    assert attachment["sha256"] == hashlib.sha256(data).hexdigest()
    assert attachment["size"] == len(data) and attachment["media_type"] == "application/pdf"
    assert "ĐƠN ĐỀ NGHỊ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in _text(data)
    _, payload = form.to_submission(attachments=[attachment])
    assert payload["attachments"][0]["name"] == "generic_request.pdf"
    json.dumps(payload)  # the outbox stores JSON


def test_a_huge_table_cell_still_prints() -> None:
    """Regression (found by test_any_filled_form_prints): a 2,500-character CT01 table cell made
    a row taller than a page and fpdf2 raised ValueError out of the renderer."""
    from kiosk.procedures import fill_form, load_procedures
    from kiosk.record import CitizenRecord

    procedures = load_procedures()
    table = next(f for f in procedures["ct01"].fields if f.type == "table")
    answers = {table.id: [{c.id: "x" * 2500 for c in table.columns}]}
    form = fill_form(procedures["ct01"], CitizenRecord(), answers, today=date(2026, 11, 23))
    pdf = render_pdf(form)
    assert pdf.startswith(b"%PDF-")
