"""Fuzz the QR text parsers: random and mutated input may only raise QrFormatError; generated
cards round-trip; mangled scanner text is repaired to the original or refused, never altered.

Every citizen here is generated from invented syllables.
"""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardreader.access_keys import MAX_BAC_CANDIDATES, access_keys_from_qr, bac_candidates
from cardreader.errors import InputError, QrFormatError
from cardreader.id_number import check_id_number
from cardreader.qr.payload import parse_cccd_qr
from cardreader.qr.wedge import parse_wedge_text
from cardreader.validity import cccd_expiry
from kiosk.record import CitizenRecord
from tests.cardreader.test_qr_wedge import cp1258_bytes

TODAY = date(2026, 11, 23)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD = (
    "001099012345|123456789|NGUYỄN VĂN THỬ|17051999|Nam|"
    "Số 12 Ngõ Mẫu, Phường Thử, Quận Đống Đa, Hà Nội|01072021"
)
CAN_CUOC = "036305000123||TRẦN THỊ MẪU|02012005|Nữ|Xóm Thử, Nam Định|15082024|036305000999|||"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Quốc", "Thanh", "Xuân", "Minh", "Thuỳ"]
GIVEN = ["Thử", "Mẫu", "Giả", "Khuê", "Quỳnh", "Hương", "Tuyết", "Nguyệt", "Trường", "Yến"]
PLACES = ["Phường", "Xã", "Quận", "Huyện", "Tỉnh", "Thôn", "Xóm", "Ấp", "Đường", "Ngõ", "Tổ"]
PLACE_NAMES = ["Đống Đa", "Hà Nội", "Cần Thơ", "Đắk Lắk", "Thủ Đức", "Ninh Kiều", "Mỹ Tho"]


def mutate(data: bytes, draw_ops: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, value in draw_ops:
        if not buf:
            buf.append(value)
            continue
        i = pos % len(buf)
        if kind == 0:
            buf[i] = value
        elif kind == 1:
            buf.insert(i, value)
        else:
            del buf[i]
    return bytes(buf)


OPS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 255)), max_size=8
)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    with contextlib.suppress(QrFormatError):
        parse_cccd_qr(data, today=TODAY)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_payload_and_wedge(text: str) -> None:
    for parse in (parse_cccd_qr, parse_wedge_text):
        with contextlib.suppress(QrFormatError):
            parse(text, today=TODAY)


@SETTINGS
@given(st.sampled_from([GOOD, CAN_CUOC]), OPS)
def test_mutated_valid_payloads(base: str, ops: list[tuple[int, int, int]]) -> None:
    data = mutate(base.encode("utf-8"), ops)
    try:
        card = parse_cccd_qr(data, today=TODAY)
    except QrFormatError:
        return
    # Whatever parses is a card the kiosk and the key derivation accept.
    CitizenRecord.from_qr(card.to_mapping())
    access_keys_from_qr(card, today=TODAY)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    with contextlib.suppress(QrFormatError):
        parse_wedge_text(text, today=TODAY)


FIELD = st.one_of(
    st.text(alphabet="0123456789", min_size=0, max_size=14),
    st.text(max_size=20),
    st.sampled_from(["Nam", "Nữ", "nu", "", "17051999", "00001950", "31022000", "|"]),
)


@SETTINGS
@given(st.lists(FIELD, min_size=0, max_size=40))
def test_random_field_lists(fields: list[str]) -> None:
    text = "|".join(fields)
    for parse in (parse_cccd_qr, parse_wedge_text):
        try:
            card = parse(text, today=TODAY)
        except QrFormatError:
            continue
        assert card is not None


@st.composite
def citizens(draw: st.DrawFn) -> tuple[str, str, str, date, str, date]:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)))
    female = draw(st.booleans())
    digit = (born.year // 100 - 19) * 2 + int(female)
    province = draw(st.sampled_from(["001", "036", "079", "092", "066"]))
    id_number = f"{province}{digit}{born.year % 100:02d}{draw(st.integers(0, 999_999)):06d}"
    name = " ".join(
        [draw(st.sampled_from(FAMILY)), draw(st.sampled_from(MIDDLE)), draw(st.sampled_from(GIVEN))]
    )
    upper = draw(st.booleans())
    address = (
        f"Số {draw(st.integers(1, 300))}, {draw(st.sampled_from(PLACES))} "
        f"{draw(st.sampled_from(PLACE_NAMES))}, {draw(st.sampled_from(PLACE_NAMES))}"
    )
    issued = max(born + timedelta(days=14 * 366), date(2021, 1, 1))
    issued = min(issued + timedelta(days=draw(st.integers(0, 1200))), TODAY)
    return (
        id_number,
        name.upper() if upper else name,
        address,
        born,
        "Nữ" if female else "Nam",
        issued,
    )


def payload(c: tuple[str, str, str, date, str, date]) -> str:
    id_number, name, address, born, sex, issued = c
    return f"{id_number}||{name}|{born:%d%m%Y}|{sex}|{address}|{issued:%d%m%Y}"


@SETTINGS
@given(citizens())
def test_generated_cards_round_trip(c: tuple[str, str, str, date, str, date]) -> None:
    text = payload(c)
    card = parse_cccd_qr(text.encode("utf-8"), today=TODAY)
    assert card.id_number == c[0] and card.full_name == c[1] and card.address == c[2]
    assert card.date_of_birth == c[3] and card.date_of_issue == c[5]
    assert card.problems == ()
    record = CitizenRecord.from_qr(card.to_mapping())
    assert record.value("id_number") == c[0]
    keys = access_keys_from_qr(card, today=TODAY)
    assert keys.can == c[0][-6:]
    assert keys.bac and {k.document_number for k in keys.bac} == {c[0][-9:]}
    assert keys.bac[0].expiry == cccd_expiry(c[3], c[5])
    nfd = parse_cccd_qr(unicodedata.normalize("NFD", text), today=TODAY)
    assert nfd == card


@SETTINGS
@given(citizens(), st.sampled_from(["cp1252", "latin-1"]), st.booleans())
def test_mangled_wedge_text_is_restored_or_refused(
    c: tuple[str, str, str, date, str, date], codec: str, straighten: bool
) -> None:
    original = payload(c)
    mangled = original.encode("utf-8").decode(codec, errors="ignore")
    if straighten:
        mangled = mangled.replace("\u2018", "'").replace("\u2019", "'")
    try:
        result = parse_wedge_text(mangled + "\r\n", today=TODAY)
    except QrFormatError:
        return
    assert result.text == original  # never a silently different name or address


HIGH_CP1252 = st.sampled_from(
    [bytes([b]).decode("cp1252", errors="ignore") or "'" for b in range(0x80, 0x100)]
)


@SETTINGS
@given(
    st.sampled_from([GOOD, CAN_CUOC]),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), HIGH_CP1252), max_size=6),
)
def test_mutated_mojibake_only_raises_qr_format_error(
    base: str, ops: list[tuple[int, int, str]]
) -> None:
    chars = list(base.encode("utf-8").decode("cp1252", errors="ignore"))
    for kind, pos, ch in ops:
        i = pos % (len(chars) or 1)
        if kind == 0 and chars:
            chars[i] = ch
        elif kind == 1:
            chars.insert(i, ch)
        elif chars:
            del chars[i]
    with contextlib.suppress(QrFormatError):
        parse_wedge_text("".join(chars), today=TODAY)


@SETTINGS
@given(citizens(), st.sampled_from(["cp1252", "cp437"]))
def test_cp1258_alt_code_text_is_restored_or_refused(
    c: tuple[str, str, str, date, str, date], codec: str
) -> None:
    original = payload(c)
    mangled = cp1258_bytes(original).decode(codec)
    try:
        result = parse_wedge_text(mangled, today=TODAY)
    except QrFormatError:
        return
    assert result.text == original


@SETTINGS
@given(citizens(), st.sampled_from(["\\", "\t", "~", "¦", "#"]))
def test_substituted_separator_is_restored(
    c: tuple[str, str, str, date, str, date], sep: str
) -> None:
    original = payload(c)
    result = parse_wedge_text(original.replace("|", sep) + "\r", today=TODAY)
    assert result.text == original.replace("||", "||")
    assert result.card.id_number == c[0] and result.card.full_name == c[1]


@SETTINGS
@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.one_of(st.none(), st.dates()),
    st.sampled_from([None, "M", "F"]),
)
def test_id_number_checks_never_raise_on_12_digits(
    id_number: str, born: date | None, sex: str | None
) -> None:
    info = check_id_number(id_number, born, sex, today=TODAY)
    assert info.province_code == id_number[:3]
    assert all(p.field.startswith("id_number_") for p in info.problems)


@SETTINGS
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_bac_candidates_always_valid_keys(born: date, issued: date | None, today: date) -> None:
    cands = bac_candidates("001099012345", born, issued, today=today)
    assert 1 <= len(cands) <= MAX_BAC_CANDIDATES
    for cand in cands:
        assert cand.document_number == "099012345"
        assert len(cand.mrz_information()) == 24
    assert len({c.date_of_expiry for c in cands}) == len(cands)


@pytest.mark.parametrize("bad", ["", "12345678901", "1234567890123", "12345678901a"])
def test_bac_candidates_refuse_bad_id_numbers(bad: str) -> None:
    with pytest.raises(InputError):
        bac_candidates(bad, date(1999, 5, 17))


def test_regression_too_young_for_a_card_before_2024() -> None:
    # Found by the fuzzer: 13 years old on 1 January 2021, no issue date fits: still candidates.
    cands = bac_candidates("001207012345", date(2007, 1, 2), today=date(2021, 1, 1))
    assert [c.date_of_expiry for c in cands] == ["210102", "320102", "470102", "670102"]
