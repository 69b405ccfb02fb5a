"""Vietnamese composition: Telex, tone keys, the modern tone-placement rule."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.vn_compose import (
    Tone,
    apply_tone,
    strip_tone,
    telex,
    telex_key,
    toggle_tone,
    tone_of,
    tone_position,
    word_before,
)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("nguowif", "người"),
        ("Vieetj", "Việt"),
        ("Vieejt", "Việt"),  # the tone key may come before the final consonant
        ("gif", "gì"),
        ("giaf", "già"),
        ("quas", "quá"),
        ("hoaf", "hoà"),  # modern rule: open "oa" -> second vowel
        ("khoer", "khoẻ"),
        ("thuyr", "thuỷ"),
        ("huynhf", "huỳnh"),  # closed: last vowel
        ("hoangf", "hoàng"),
        ("tofan", "toàn"),  # the tone moves as letters are added
        ("ddaays", "đấy"),
        ("Thuwr", "Thử"),
        ("NGUYEENX", "NGUYỄN"),
        ("Traanf", "Trần"),
        ("muaf", "mùa"),  # open "ua" -> first vowel
        ("cuwar", "cửa"),
        ("ngoafi", "ngoài"),  # three vowels -> the middle one
        ("khuyru", "khuỷu"),
        ("truwowngf", "trường"),
        ("ddi", "đi"),
        ("awn", "ăn"),
        ("aaa", "aa"),  # undo
        ("ass", "as"),
        ("ddd", "dd"),
        ("asz", "a"),
        ("Nguyeenx Vawn Thuwr, Haf Nooij", "Nguyễn Văn Thử, Hà Nội"),
        # The examples of Decision 1989/QĐ-BGDĐT (2018), Article 8.
        ("biaf luaj luwar", "bìa lụa lửa"),
        ("bieenr thuyeenf nhuoomj dduwowcj", "biển thuyền nhuộm được"),
        ("quys hoas, thuyr thur, manhj khoer, tris tueej", "quý hoá, thuỷ thủ, mạnh khoẻ, trí tuệ"),
    ],
)
def test_telex(keys: str, expected: str) -> None:
    assert telex(keys) == expected


@pytest.mark.parametrize(
    ("word", "tone", "expected"),
    [
        ("hoa", Tone.HUYEN, "hoà"),
        ("thuy", Tone.HOI, "thuỷ"),
        ("qua", Tone.SAC, "quá"),
        ("gi", Tone.HUYEN, "gì"),
        ("gia", Tone.HUYEN, "già"),
        ("nguoi", Tone.SAC, "nguói"),
        ("người", Tone.NANG, "người".replace("ờ", "ợ")),
        ("Nguyên", Tone.NGA, "Nguyễn"),
        ("tiêng", Tone.SAC, "tiếng"),
        ("mua", Tone.HUYEN, "mùa"),
        ("hai", Tone.SAC, "hái"),
        ("THU", Tone.HOI, "THỦ"),
        ("ngoai", Tone.HUYEN, "ngoài"),
        ("khuyu", Tone.HOI, "khuỷu"),
        ("bcd", Tone.SAC, "bcd"),
    ],
)
def test_apply_tone(word: str, tone: Tone, expected: str) -> None:
    assert apply_tone(word, tone) == expected


def test_tone_key_toggles_and_replaces() -> None:
    assert toggle_tone("Thu", Tone.HOI) == "Thủ"
    assert toggle_tone("Thủ", Tone.HOI) == "Thu"
    assert toggle_tone("Thủ", Tone.SAC) == "Thú"
    assert tone_of("Nguyễn") is Tone.NGA
    assert strip_tone("Nguyễn Văn Thử") == "Nguyên Văn Thư"


def test_word_before_cursor() -> None:
    assert word_before("Nguyễn Van", 10) == (7, "Van")
    assert word_before("abc ", 4) == (4, "")
    assert word_before("abc", 99) == (0, "abc")


def test_non_letter_keys_pass_through() -> None:
    assert telex_key("abc", "1") == "abc1"
    assert telex_key("ab1", "s") == "ab1s"
    assert telex_key("", "s") == "s"


# -- generated syllables: typing the Telex of a syllable gives the syllable back -------------

_ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
           "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x", "gi"]  # fmt: skip
_OPEN = ["a", "e", "i", "o", "u", "y", "ê", "ô", "ơ", "ư", "ai", "ao", "au", "ay", "âu", "ây",
         "eo", "êu", "ia", "iu", "oa", "oe", "oi", "ôi", "ơi", "ua", "ưa", "ui", "ưi", "ưu", "uy",
         "oai", "oay", "uôi", "ươi", "iêu", "yêu", "ươu", "uya"]  # fmt: skip
_CLOSED = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "oă", "oe", "uâ", "uê",
           "uy", "iê", "yê", "uô", "ươ", "uyê"]  # fmt: skip
_FINALS = ["c", "ch", "m", "n", "ng", "nh", "p", "t"]
_TELEX_SHAPE = {"ă": "aw", "â": "aa", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}
_TONE_KEY = {Tone.SAC: "s", Tone.HUYEN: "f", Tone.HOI: "r", Tone.NGA: "x", Tone.NANG: "j"}


def _to_telex(word: str) -> str:
    tone = tone_of(word)
    keys = "".join(_TELEX_SHAPE.get(c, c) for c in strip_tone(word))
    return keys + _TONE_KEY.get(tone, "")


@st.composite
def syllables(draw: st.DrawFn) -> str:
    onset = draw(st.sampled_from(_ONSETS))
    if draw(st.booleans()):
        body = draw(st.sampled_from(_OPEN))
    else:
        body = draw(st.sampled_from(_CLOSED)) + draw(st.sampled_from(_FINALS))
    if onset == "qu" and body.startswith("u"):
        onset = "q"
    if onset == "gi" and body.startswith("i"):
        onset = "g"
    word = apply_tone(onset + body, draw(st.sampled_from(list(Tone))))
    if draw(st.booleans()):
        word = word[0].upper() + word[1:]
    return word


@settings(max_examples=400, deadline=None)
@given(syllables())
def test_telex_round_trip(word: str) -> None:
    assert telex(_to_telex(word)) == word


@settings(max_examples=300, deadline=None)
@given(syllables(), st.sampled_from(list(Tone)))
def test_tone_lands_on_one_vowel(word: str, tone: Tone) -> None:
    toned = apply_tone(word, tone)
    assert unicodedata.is_normalized("NFC", toned)
    assert len(toned) == len(word)
    assert strip_tone(toned) == strip_tone(word)
    assert tone_of(toned) is tone
    tone_marks = "\u0300\u0301\u0303\u0309\u0323"
    marks = [c for c in unicodedata.normalize("NFD", toned) if c in tone_marks]
    assert len(marks) == (0 if tone is Tone.NONE else 1)
    position = tone_position(word)
    assert position is not None
    assert strip_tone(toned[position]) != toned[position] or tone is Tone.NONE


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40), st.text(min_size=1, max_size=1))
def test_random_input_never_fails(text: str, key: str) -> None:
    composed = telex(text)
    assert isinstance(composed, str)
    assert isinstance(telex_key(text, key), str)
    for tone in Tone:
        assert strip_tone(apply_tone(text, tone)) == strip_tone(unicodedata.normalize("NFC", text))
