"""Render a filled form to PDF (A4, for printing and as the submitted attachment).

Uses fpdf2 with DejaVu Serif embedded (subset) from ``assets/fonts/`` — a Unicode TrueType font
covering all Vietnamese letters, so diacritics survive printing and text extraction.  The layout
follows the official forms: the national motto at the top, the form code at the top right, the
title, the numbered fields, tables, the place and date line and the signature blocks; fields read
from a verified chip are marked with an asterisk explained in the footer.

No personal data goes into the document's metadata (title = the form's title only).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kiosk.procedures.filling import FilledField, FilledForm
from kiosk.procedures.model import Text

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
FAMILY = "DejaVuSerif"


class PdfRenderError(RuntimeError):
    """The PDF could not be produced (missing font, layout failure)."""

    code = "pdf"


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "I", 7)
        self.cell(0, 4, f"{self.footer_text}   —   Trang {self.page_no()}/{{nb}}", align="C")


def _vn_long_date(day: date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _field_line(item: FilledField) -> str:
    number = f"{item.number}. " if item.number else ""
    value = item.display if isinstance(item.value, str) else ""
    marker = " *" if item.verified else ""
    return f"{number}{item.label_vi}: {value or '…………………………'}{marker}"


def render_pdf(form: FilledForm, *, place: str = "", fonts_dir: Path | None = None) -> bytes:
    """The filled form as PDF bytes.  ``place`` is written before the date ("Hà Nội, ngày …")."""
    folder = fonts_dir or FONTS_DIR
    pdf = _Document(format="A4", unit="mm")
    try:
        for style, file in FONT_FILES.items():
            pdf.add_font(FAMILY, style, str(folder / file))
    except (OSError, RuntimeError) as exc:
        raise PdfRenderError(f"cannot load the form font from {folder}: {exc}") from None
    procedure = form.procedure
    pdf.set_title(procedure.form_title.vi)
    pdf.set_author("cccd-kiosk")
    pdf.set_creator("cccd-kiosk")
    pdf.set_lang("vi")
    pdf.footer_text = "* Thông tin đã xác thực từ chip căn cước / verified from the ID card chip"
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    if procedure.code:
        pdf.set_font(FAMILY, "I", 8)
        pdf.cell(0, 4, f"Mẫu {procedure.code}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if procedure.national_header:
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(
            0,
            6,
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.cell(
            0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        middle = pdf.l_margin + width / 2
        pdf.line(middle - 25, pdf.get_y(), middle + 25, pdf.get_y())
        pdf.ln(6)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 7, procedure.form_title.vi, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "I", 8)
    pdf.multi_cell(0, 4, procedure.form_title.en, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    current_section = None
    for item in form.fields:
        section = next(s for s in procedure.sections if s.id == item.section)
        if section.id != current_section:
            current_section = section.id
            if section.title is not None:
                pdf.ln(2)
                pdf.set_font(FAMILY, "B", 10.5)
                pdf.multi_cell(0, 6, section.title.vi, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if item.type == "table":
            _table(pdf, item)
            continue
        pdf.set_font(FAMILY, "", 10.5)
        pdf.multi_cell(0, 6, _field_line(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(6)
    pdf.set_font(FAMILY, "I", 10)
    where = f"{place}, " if place else ""
    pdf.cell(
        0, 6, where + _vn_long_date(form.filled_on), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    if procedure.signatures:
        _signatures(pdf, procedure.signatures)
    if procedure.notes:
        pdf.ln(4)
        pdf.set_font(FAMILY, "I", 8)
        pdf.cell(0, 4, "Chú thích:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for note in procedure.notes:
            pdf.multi_cell(0, 4, note.vi, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    try:
        return bytes(pdf.output())
    except Exception as exc:  # fpdf2 raises plain exceptions for layout failures
        raise PdfRenderError(f"cannot lay out the form: {exc}") from None


# A table row must fit on one page (fpdf2 cannot split a row): a narrow column holds about
# 3,000 characters per page, so longer cell text (never valid in a form anyway) is cut.
MAX_CELL_CHARS = 600


def _fit_cell(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _table(pdf: FPDF, item: FilledField) -> None:
    pdf.set_font(FAMILY, "", 10.5)
    number = f"{item.number}. " if item.number else ""
    pdf.multi_cell(0, 6, f"{number}{item.label_vi}:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows = item.value if isinstance(item.value, tuple) else ()
    pdf.set_font(FAMILY, "", 8.5)
    widths = (6, *([24] * len(item.columns)))
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True
    ) as table:
        header = table.row()
        header.cell("TT")
        for col in item.columns:
            header.cell(col.label.vi)
        for index, row_values in enumerate(rows or ({},), start=1):
            row = table.row()
            row.cell(str(index) if rows else "")
            for col in item.columns:
                text = row_values.get(col.id, "")
                for choice in col.choices:
                    if choice.value == text:
                        text = choice.label.vi
                row.cell(_fit_cell(str(text)))
    pdf.ln(2)


def _signatures(pdf: FPDF, signatures: tuple[Text, ...]) -> None:
    """Signature blocks, two per row; a single block sits on the right half, as on paper."""
    per_row = 2 if len(signatures) > 1 else 1
    column = pdf.epw / 2
    for start in range(0, len(signatures), per_row):
        chunk = signatures[start : start + per_row]
        if pdf.will_page_break(35):
            pdf.add_page()
        top = pdf.get_y() + 4
        for index, block in enumerate(chunk):
            x = pdf.l_margin + column * (index if per_row == 2 else 1)
            pdf.set_xy(x, top)
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.multi_cell(column, 5, block.vi, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(x)
            pdf.set_font(FAMILY, "I", 8.5)
            pdf.multi_cell(
                column, 4, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
            )
        pdf.set_y(top + 32)


def pdf_attachment(form: FilledForm, *, place: str = "") -> dict[str, Any]:
    """The rendered form as a submission attachment (JSON-safe, with its SHA-256)."""
    data = render_pdf(form, place=place)
    return {
        "name": f"{form.procedure.id}.pdf",
        "media_type": "application/pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "data_base64": base64.b64encode(data).decode("ascii"),
    }
