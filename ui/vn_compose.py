"""Vietnamese diacritic composition for the on-screen keyboard (pure Python, no Qt).

Two ways to type Vietnamese:

* **Telex** (:func:`telex_key`, :func:`telex`): ``aa→â  aw→ă  ee→ê  oo→ô  ow→ơ  uw→ư  uow→ươ
  dd→đ`` and the tone keys ``s``/``f``/``r``/``x``/``j`` (sắc, huyền, hỏi, ngã, nặng), ``z``
  removes the tone. Pressing a key again undoes it (``aaa→aa``, ``ass→as``), as UniKey does.
* **Tap a tone key** (:func:`apply_tone`): the on-screen keyboard's tone keys put the tone on
  the right vowel of the word before the cursor.

Tone placement follows the modern rule ("kiểu mới"): Decision 1989/QĐ-BGDĐT of 25 May 2018
(Ministry of Education, spelling rules for school textbooks), Article 8 — the tone goes on the
main vowel: "hoà, thuỷ, khoẻ"; on the first letter of ia/ua/ưa ("bìa, lụa, lửa"), on the second
of iê/yê/uô/ươ ("biển, thuyền, nhuộm, được"); also most input methods' "new style" option:

1. a vowel with a shape mark (ă â ê ô ơ ư) takes the tone (``ươ`` → on ơ: "người");
2. otherwise, in a closed syllable (a final consonant follows), the last vowel ("hoàng", "huỳnh");
3. otherwise, in the open clusters ``oa oe uy`` the second vowel ("hoà", "thuỷ", "khoẻ"), in the
   other two-vowel clusters the first ("hái", "mùa"), in three-vowel clusters the middle one
   ("ngoài", "khuỷu");
4. the ``u`` of ``qu`` and the ``i`` of ``gi`` belong to the consonant ("quá", "già"), unless
   they are the only vowel ("gì").

Everything works on NFC text and returns NFC text; unknown characters pass through unchanged.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Tone(StrEnum):
    NONE = "none"
    SAC = "sac"  # sắc  á
    HUYEN = "huyen"  # huyền à
    HOI = "hoi"  # hỏi  ả
    NGA = "nga"  # ngã  ã
    NANG = "nang"  # nặng ạ


# Combining marks (NFD) of the five tones.
_TONE_MARK: dict[Tone, str] = {
    Tone.SAC: "\u0301",
    Tone.HUYEN: "\u0300",
    Tone.HOI: "\u0309",
    Tone.NGA: "\u0303",
    Tone.NANG: "\u0323",
}
_MARK_TONE = {mark: tone for tone, mark in _TONE_MARK.items()}
_SHAPE_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn

TELEX_TONES: dict[str, Tone] = {
    "s": Tone.SAC,
    "f": Tone.HUYEN,
    "r": Tone.HOI,
    "x": Tone.NGA,
    "j": Tone.NANG,
    "z": Tone.NONE,
}

_VOWELS = frozenset("aăâeêioôơuưy")
MAX_WORD = 64  # longer "words" are not syllables: keys pass through unchanged


def _base(ch: str) -> str:
    """The lower-case letter without its tone (keeps the shape mark: 'ấ' -> 'â')."""
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _MARK_TONE))


def _plain(ch: str) -> str:
    """The lower-case ASCII letter without any mark ('ấ' -> 'a', 'đ' -> 'đ')."""
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return decomposed[0] if decomposed else ch


def is_vowel(ch: str) -> bool:
    return len(ch) == 1 and _base(ch) in _VOWELS


def tone_of(word: str) -> Tone:
    """The tone carried by ``word`` (the first tone mark found)."""
    for ch in unicodedata.normalize("NFD", word):
        if ch in _MARK_TONE:
            return _MARK_TONE[ch]
    return Tone.NONE


def strip_tone(text: str) -> str:
    """``text`` without tone marks (shape marks kept: 'Nguyễn' -> 'Nguyên')."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _MARK_TONE))


def _with_tone(ch: str, tone: Tone) -> str:
    bare = strip_tone(ch)
    if tone is Tone.NONE:
        return bare
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", bare) + _TONE_MARK[tone])


def tone_position(word: str) -> int | None:
    """Index (in the NFC ``word``) of the vowel that carries the tone; None without a vowel."""
    word = unicodedata.normalize("NFC", word)
    # The vowel cluster: the first run of vowels (a Vietnamese syllable has one).
    start = next((i for i, ch in enumerate(word) if is_vowel(ch)), None)
    if start is None:
        return None
    end = start
    while end < len(word) and is_vowel(word[end]):
        end += 1
    lowered = [_base(c) for c in word]
    # qu / gi: the u / i belongs to the onset when another vowel follows.
    if end - start > 1 and start >= 1:
        onset_last = lowered[start - 1]
        if (onset_last == "q" and lowered[start] == "u") or (
            onset_last == "g" and lowered[start] == "i" and start == 1
        ):
            start += 1
    cluster = lowered[start:end]
    closed = end < len(word) and word[end].isalpha()
    shaped = [i for i, c in enumerate(cluster) if c in "ăâêôơư"]
    if shaped:
        # "ươ": the tone goes on ơ, the last shaped vowel.
        return start + shaped[-1]
    if len(cluster) == 1:
        return start
    if closed:
        return start + len(cluster) - 1
    if len(cluster) == 2:
        if "".join(cluster) in ("oa", "oe", "uy"):
            return start + 1
        return start
    return start + 1


def apply_tone(word: str, tone: Tone) -> str:
    """``word`` with ``tone`` on the right vowel (any previous tone removed)."""
    word = strip_tone(word)
    position = tone_position(word)
    if position is None or tone is Tone.NONE:
        return word
    return word[:position] + _with_tone(word[position], tone) + word[position + 1 :]


def toggle_tone(word: str, tone: Tone) -> str:
    """For a tone key: set ``tone``, or remove it when the word already has it."""
    return apply_tone(word, Tone.NONE if tone_of(word) is tone else tone)


def _match_case(template: str, ch: str) -> str:
    return ch.upper() if template.isupper() else ch


def _shape(word: str, index: int, target: str) -> str:
    """Replace the letter at ``index`` by ``target`` keeping its case and the word's tone."""
    ch = word[index]
    return word[:index] + _match_case(ch, target) + word[index + 1 :]


def _retone(word: str) -> str:
    """Move the word's tone to where the rule puts it after a shape change."""
    tone = tone_of(word)
    return apply_tone(word, tone) if tone is not Tone.NONE else word


_DOUBLE = {"a": "â", "e": "ê", "o": "ô"}
_W = {"a": "ă", "o": "ơ", "u": "ư"}


def telex_key(word: str, key: str) -> str:
    """The word after typing ``key`` (one character) at its end with Telex.

    ``word`` is the text since the last non-letter (the on-screen keyboard passes the word
    before the cursor). Keys that compose nothing are appended.
    """
    if len(key) != 1:
        return word + key
    word = unicodedata.normalize("NFC", word)
    if len(word) >= MAX_WORD or not word or not all(c.isalpha() for c in word):
        return word + key
    low = key.lower()
    bases = [_base(c) for c in word]

    if low in TELEX_TONES and any(is_vowel(c) for c in word):
        tone = TELEX_TONES[low]
        current = tone_of(word)
        if tone is Tone.NONE:
            return strip_tone(word) if current is not Tone.NONE else word + key
        if current is tone:  # "ass" -> "as": undo and type the letter
            return strip_tone(word) + key
        if _toneable(word):
            return apply_tone(word, tone)
        return word + key

    if low == "d":
        if bases[0] == "d":
            return _shape(word, 0, "đ")
        if bases[0] == "đ" and len(word) == 1:  # "ddd" -> "dd"
            return _shape(word, 0, "d") + key
        return word + key

    if low in _DOUBLE:
        target = _DOUBLE[low]
        for i in range(len(word) - 1, -1, -1):
            b = bases[i]
            if not is_vowel(word[i]):
                if i < len(word) - 1 and any(is_vowel(c) for c in word[:i]):
                    continue  # a final consonant: "ngoon" -> "ngôn"
                break
            if b == low:
                return _retone(_shape(word, i, _with_tone(target, tone_of(word[i]))))
            if b == target:  # "aaa" -> "aa"
                return _retone(_shape(word, i, _with_tone(low, tone_of(word[i])))) + key
        return word + key

    if low == "w":
        # "uo" (also after "q"? no: "quơ") -> "ươ"
        for i in range(len(word) - 1):
            if bases[i] == "u" and bases[i + 1] == "o" and not (i > 0 and bases[i - 1] == "q"):
                t0, t1 = tone_of(word[i]), tone_of(word[i + 1])
                shaped = _shape(word, i, _with_tone("ư", t0))
                shaped = _shape(shaped, i + 1, _with_tone("ơ", t1))
                return _retone(shaped)
        for i in range(len(word) - 1, -1, -1):
            b = bases[i]
            if b in _W:
                return _retone(_shape(word, i, _with_tone(_W[b], tone_of(word[i]))))
            if b in ("ă", "ơ", "ư"):  # "aww" -> "aw"
                return _retone(_shape(word, i, _with_tone(_plain(b), tone_of(word[i])))) + key
            if b in ("â", "ê", "ô"):
                break
        return word + key

    # A plain letter: the tone moves where the longer syllable puts it ("tòa" -> "toà").
    return _retone(word + key)


def _toneable(word: str) -> bool:
    """A word a Telex tone key applies to: letters with a vowel, ending in a vowel or one of
    the final consonants a Vietnamese syllable can end in."""
    stripped = strip_tone(word).lower()
    end = len(stripped)
    while end > 0 and not is_vowel(stripped[end - 1]):
        end -= 1
    final = stripped[end:]
    return final in ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")


def telex(text: str) -> str:
    """``text`` typed with Telex, key by key (letters compose within a word)."""
    out: list[str] = []
    word = ""
    for key in text:
        if key.isalpha():
            word = telex_key(word, key)
        else:
            out.append(word)
            out.append(key)
            word = ""
    out.append(word)
    return unicodedata.normalize("NFC", "".join(out))


def word_before(text: str, cursor: int) -> tuple[int, str]:
    """(start index, word) of the letters just before ``cursor`` in ``text``."""
    cursor = max(0, min(cursor, len(text)))
    start = cursor
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return start, text[start:cursor]


__all__ = [
    "TELEX_TONES",
    "Tone",
    "apply_tone",
    "is_vowel",
    "strip_tone",
    "telex",
    "telex_key",
    "toggle_tone",
    "tone_of",
    "tone_position",
    "word_before",
]
