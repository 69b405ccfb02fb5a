"""Keyboard-wedge scanner text: every common mangling repaired, or flagged, or refused.

Every citizen here is invented.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from cardreader.errors import QrFormatError
from cardreader.qr.wedge import (
    REPAIR_ALT_CODES,
    REPAIR_CP1258_AS_CP437,
    REPAIR_CP1258_AS_CP1252,
    REPAIR_FRAMING,
    REPAIR_SEPARATOR,
    REPAIR_UTF8_AS_CP1252,
    VIET_LETTERS,
    parse_wedge_text,
)

TODAY = date(2026, 11, 23)
NAME = "NGUYỄN VĂN THỬ"
ADDRESS = "Số 12 Ngõ Mẫu, Phường Thử, Quận Đống Đa, Hà Nội"
GOOD = f"001099012345|123456789|{NAME}|17051999|Nam|{ADDRESS}|01072021"
FEMALE = "036305000123||TRẦN THỊ MẪU|02012005|Nữ|Xóm Thử, Xã Ứng, Nam Định|15082024"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 (Vietnamese ANSI): base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def strip_accents(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in nfd if not unicodedata.combining(c))


def wedge(text: str) -> object:
    return parse_wedge_text(text, today=TODAY)


def test_clean_text_needs_no_repair() -> None:
    result = parse_wedge_text(GOOD, today=TODAY)
    assert result.repairs == () and not result.degraded and result.reasons == ()
    assert result.card.full_name == NAME and result.text == GOOD


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n", "\t", "\x03", "\r\n\x04"])
def test_terminators_stripped(ending: str) -> None:
    result = parse_wedge_text(GOOD + ending, today=TODAY)
    assert result.repairs == (REPAIR_FRAMING,)
    assert result.card.date_of_issue == date(2021, 7, 1)


def test_aim_symbology_prefix_and_stx_framing() -> None:
    result = parse_wedge_text("\x02]Q1" + GOOD + "\x03\r", today=TODAY)
    assert result.repairs == (REPAIR_FRAMING,)
    assert result.card.id_number == "001099012345"


def test_the_dong_da_example_from_the_field() -> None:
    # "Đống Đa" as UTF-8 read as Windows-1252: 0x90 (undefined there) lost, ‘ straightened.
    mangled = GOOD.encode("utf-8").decode("cp1252", errors="ignore").replace("\u2018", "'")
    assert "Äá»'ng Äa" in mangled
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.card.address == ADDRESS
    assert REPAIR_UTF8_AS_CP1252 in result.repairs and not result.degraded


@pytest.mark.parametrize("text", [GOOD, FEMALE])
def test_utf8_read_as_cp1252_with_lost_bytes(text: str) -> None:
    mangled = text.encode("utf-8").decode("cp1252", errors="ignore")
    assert mangled != text
    result = parse_wedge_text(mangled + "\r\n", today=TODAY)
    assert result.repairs == (REPAIR_FRAMING, REPAIR_UTF8_AS_CP1252)
    assert result.text == text and not result.degraded


@pytest.mark.parametrize("field", ["Ngọc", "Phường", "Số", "Thuỳ", "Hiệp"])
def test_lost_byte_chosen_by_syllable_rules(field: str) -> None:
    # 'ọ' is E1 BB 8D: 8D is lost, and 81/8D/8F/90/9D would give ề/ọ/ỏ/Ố/ờ. Only 'ọ' fits:
    # a syllable ending in -c carries the sắc or nặng tone, and the field's case rules out 'Ố'.
    text = GOOD.replace(NAME, f"TRẦN {field.upper()}").replace("Số 12", f"{field} 12")
    mangled = text.encode("utf-8").decode("cp1252", errors="ignore")
    assert parse_wedge_text(mangled, today=TODAY).text == text


def test_utf8_read_as_latin1() -> None:
    mangled = GOOD.encode("utf-8").decode("latin-1")
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.repairs == (REPAIR_UTF8_AS_CP1252,) and result.text == GOOD


@pytest.mark.parametrize("text", [GOOD, FEMALE])
def test_cp1258_alt_codes_received_as_cp1252(text: str) -> None:
    mangled = cp1258_bytes(text).decode("cp1252")
    assert "Ð" in mangled or "Þ" in mangled or "Ò" in mangled
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.repairs == (REPAIR_CP1258_AS_CP1252,)
    assert result.text == text


def test_cp1258_alt_codes_received_as_oem_437() -> None:
    mangled = cp1258_bytes(GOOD).decode("cp437")
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.repairs == (REPAIR_CP1258_AS_CP437,)
    assert result.text == GOOD


def test_written_out_alt_codes() -> None:
    typed = "".join(c if c.isascii() else f"<Alt+{ord(c):04d}>" for c in GOOD)
    assert "<Alt+7876>" in typed  # Ễ
    result = parse_wedge_text(typed, today=TODAY)
    assert result.repairs == (REPAIR_ALT_CODES,)
    assert result.card.full_name == NAME and result.card.address == ADDRESS
    braces = "".join(c if c.isascii() else "{ALT " + f"{ord(c):04d}" + "}" for c in FEMALE)
    assert parse_wedge_text(braces, today=TODAY).text == FEMALE


def test_alt_code_in_the_oem_code_page() -> None:
    # Alt+NNN without a leading zero is the OEM code page (437): 130 is 'é'.
    text = GOOD.replace("Thử, Quận", "Thử, Qu[ALT+130]n")
    result = parse_wedge_text(text, today=TODAY)
    assert "Quén" in (result.card.address or "")


def test_impossible_alt_code() -> None:
    with pytest.raises(QrFormatError, match="Alt code"):
        parse_wedge_text(GOOD.replace("Nam", "N<Alt+1114112>m"), today=TODAY)


@pytest.mark.parametrize("sep", ["\\", "¦", "~", "#", "<", "`", "§", "\t"])
def test_separator_typed_as_another_character(sep: str) -> None:
    result = parse_wedge_text(GOOD.replace("|", sep) + "\r\n", today=TODAY)
    assert REPAIR_SEPARATOR in result.repairs
    assert result.card.full_name == NAME and result.card.date_of_issue == date(2021, 7, 1)


def test_separator_and_mojibake_together() -> None:
    mangled = GOOD.replace("|", "\\").encode("utf-8").decode("cp1252", errors="ignore")
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.repairs == (REPAIR_SEPARATOR, REPAIR_UTF8_AS_CP1252)
    assert result.text == GOOD


def test_full_width_digits_typed() -> None:
    wide = "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in GOOD)
    assert parse_wedge_text(wide, today=TODAY).card.id_number == "001099012345"


def test_dropped_diacritics_are_degraded_not_repaired() -> None:
    bare = strip_accents(GOOD)
    assert bare.isascii()
    result = parse_wedge_text(bare + "\r", today=TODAY)
    assert result.degraded
    assert len(result.reasons) == 1 and "diacritics" in result.reasons[0]
    assert result.card.full_name == "NGUYEN VAN THU"
    # The ID number and dates are intact: the chip key can still be derived.
    assert result.card.date_of_birth == date(1999, 5, 17)
    female = parse_wedge_text(strip_accents(FEMALE), today=TODAY)
    assert female.degraded and female.card.sex == "F"  # "Nu"


def test_characters_replaced_by_question_marks_are_degraded() -> None:
    replaced = GOOD.encode("ascii", errors="replace").decode("ascii")
    result = parse_wedge_text(replaced, today=TODAY)
    assert result.degraded
    assert any("'?'" in reason for reason in result.reasons)


def test_ascii_name_with_accented_address_is_not_degraded() -> None:
    text = GOOD.replace(NAME, "LY A SAN")
    assert not parse_wedge_text(text, today=TODAY).degraded


@pytest.mark.parametrize(
    ("text", "what"),
    [
        # Mojibake mixed with characters that cannot come from it: unrepairable.
        (GOOD.encode().decode("cp1252", errors="ignore") + "ố", "garbled"),
        # Garbage that is neither Vietnamese nor a known code-page mix-up.
        (GOOD.replace(NAME, "ЖЖЖ ☃"), "garbled"),
        # Lost separators cannot be guessed.
        (GOOD.replace("|", " "), "unusable"),
        ("", "unusable"),
        ("\r\n", "unusable"),
        (GOOD.replace("001099012345", "00109901234"), "ID number"),
    ],
)
def test_unusable_text_raises(text: str, what: str) -> None:
    with pytest.raises(QrFormatError, match=what) as info:
        parse_wedge_text(text, today=TODAY)
    assert info.value.code == "qr_format"


def test_typographic_marks_in_a_correct_address_are_kept() -> None:
    text = GOOD.replace("Số 12", "Nhà № 12 – Lô B·3, 21°").replace(NAME, "NGUYỄN “TÈO”")
    result = parse_wedge_text(text, today=TODAY)
    assert result.repairs == () and result.text == text
    # ...while the same marks inside mojibake do not hide it.
    mangled = text.encode("utf-8").decode("cp1252", errors="ignore")
    assert parse_wedge_text(mangled, today=TODAY).text == text


def test_minority_names_are_kept_as_they_are() -> None:
    # Ê Đê / Gia Rai names are not Kinh syllables ("Ksor", "H'Hen", "Byă"): no repair, no error.
    text = GOOD.replace(NAME, "KSOR H'HEN BYĂ").replace("Hà Nội", "Buôn Ma Thuột, Đắk Lắk")
    result = parse_wedge_text(text, today=TODAY)
    assert result.repairs == () and result.text == text and not result.degraded


def test_cp1258_lower_case_text_of_only_vietnamese_letters_is_repaired() -> None:
    # "Trần" in Windows-1258 read as Windows-1252 is "TrâÌn": every character is a Vietnamese
    # letter, only the syllables give it away.
    text = "036205000123||Trần Thị Hà|02012005|Nam|Hà Nội|15082024"
    mangled = cp1258_bytes(text).decode("cp1252")
    assert "TrâÌn" in mangled
    assert all(ch.isascii() or ch in VIET_LETTERS for ch in mangled if ch.isalpha())
    result = parse_wedge_text(mangled, today=TODAY)
    assert result.repairs == (REPAIR_CP1258_AS_CP1252,)
    assert result.card.full_name == "Trần Thị Hà" and result.card.address == "Hà Nội"


def test_two_tone_marks_in_a_word_is_refused_when_unrepairable() -> None:
    with pytest.raises(QrFormatError, match="garbled"):
        parse_wedge_text(GOOD.replace(NAME, "NGUYẾẾN VĂN THỬ"), today=TODAY)


def test_too_long_and_not_text() -> None:
    with pytest.raises(QrFormatError, match="too long"):
        parse_wedge_text("1" * 100_000, today=TODAY)
    with pytest.raises(QrFormatError):
        parse_wedge_text(b"001099012345", today=TODAY)  # type: ignore[arg-type]


def test_vietnamese_alphabet() -> None:
    for ch in "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ":
        assert ch in VIET_LETTERS
    for ch in "ÄÆÐÞ»ç":
        assert ch not in VIET_LETTERS
