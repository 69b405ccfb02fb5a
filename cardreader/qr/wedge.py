"""Text typed by a handheld 2D scanner in keyboard-wedge mode (USB HID keyboard emulation).

A wedge scanner does not hand over the QR's bytes: it *types* them, key by key, through the
host's keyboard layout and code page. Vietnamese text survives that only when scanner and host
agree; the common failures, and what :func:`parse_wedge_text` does about them:

* **Terminators and framing**: a trailing Enter (CR, LF, CR LF) or Tab, STX/ETX framing, an AIM
  symbology identifier prefix ("]Q1" for QR, ISO/IEC 15424): stripped.
* **UTF-8 read as Windows-1252 / Latin-1 ("mojibake")**: "Đống Đa" typed as "Äá»‘ng Äa".
  The bytes are recovered and decoded as UTF-8. Windows-1252 has no character for the bytes
  81, 8D, 8F, 90, 9D, so they are often dropped ("Ä" + lost 0x90 = "Đ"); a lost byte is
  restored when exactly one choice gives a Vietnamese letter, and typographic quotes that
  arrive straightened (‘ -> ') are restored the same way.
* **Alt codes**: scanners that type non-ASCII characters as Alt+numpad sequences. Written-out
  sequences ("<Alt+0208>", "[ALT+7889]") are decoded (leading 0: the ANSI code page; otherwise
  values above 255 are Unicode code points, up to 255 the OEM code page 437). Sequences sent in
  the Vietnamese ANSI code page (Windows-1258) but received on a Western host arrive as
  Windows-1252 or OEM-437 characters ("Ð" for "Đ", "Þ" for a tilde): re-read as Windows-1258.
* **The '|' separator arriving as another character** (the scanner's layout differs from the
  host's: '|' becomes '\\', '¦', '~', '#', '<', '>', '`', '§', '£', 'µ', a Tab...): detected as
  the character right after the 12-digit ID number, and replaced when it occurs often enough.
* **Dropped diacritics** ("NGUYEN VAN THU"), or non-ASCII characters replaced by '?': cannot be
  repaired. The card is returned with ``degraded=True`` and a reason, so the caller may use the
  ID number and dates (e.g. for the chip key) but must not pre-fill names from it.

Text that cannot be parsed even after repair raises :class:`~cardreader.errors.QrFormatError`
("scanner text unusable: ..."), naming what failed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import product

from cardreader.errors import QrFormatError
from cardreader.qr.payload import (
    CORE_FIELDS,
    MAX_PAYLOAD_CHARS,
    QrCard,
    normalise_text,
    parse_cccd_qr,
)

REPAIR_FRAMING = "framing"
REPAIR_ALT_CODES = "alt_codes"
REPAIR_UTF8_AS_CP1252 = "utf8_as_cp1252"
REPAIR_CP1258_AS_CP1252 = "cp1258_as_cp1252"
REPAIR_CP1258_AS_CP437 = "cp1258_as_cp437"
REPAIR_SEPARATOR = "separator"

_Attempt = Callable[[str], str | None]

_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _viet_letters() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in _VOWELS:
        letters.add(vowel)
        for tone in _TONES:
            composed = unicodedata.normalize("NFC", vowel + tone)
            if len(composed) == 1:
                letters.add(composed)
    return frozenset(letters | {c.upper() for c in letters})


#: Every letter of the Vietnamese alphabet (with tone marks), both cases, NFC.
VIET_LETTERS = _viet_letters()
_ALLOWED_EXTRA = frozenset("–—‘’“”…°№·")  # typographic marks seen in addresses
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_QUOTE_BYTES = {0x27: (0x91, 0x92), 0x22: (0x93, 0x94)}
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_FRAMING = " \t\r\n\x00\x02\x03\x04\x1c\x1d\x1e"
_ALT_CODE = re.compile(
    r"[<\[{]\s*alt\s*[+\- ]?\s*(\d{2,7})\s*[>\]}]|\balt\+(\d{2,7})", flags=re.IGNORECASE
)
# A Vietnamese syllable without its tone: onset, vowel cluster, coda (the orthography's
# inventory; "gi" and "qu" are onsets). Used only to choose between letters lost in transit.
_CLUSTERS = [
    "iêu",
    "yêu",
    "uyê",
    "uya",
    "uyu",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "oo",
    "ôi",
    "ơi",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "ya",
    "yê",
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
]
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđfghjklmnprstvwxz])?"
    f"(?:{'|'.join(_CLUSTERS)})"
    "(?:ch|nh|ng|[cmnptk])?"  # k: "Đắk Lắk" and other minority place names
)
_STOP_CODAS = ("p", "t", "c", "ch")
_WORD = re.compile(r"[^\W\d_]+")
_SEPARATOR_AFTER_ID = re.compile(r"\d{12}([^\w ,./()-])")


@dataclass(frozen=True, slots=True)
class WedgeResult:
    """A card read from scanner-typed text.

    ``repairs`` lists what was repaired (REPAIR_* codes, in order); ``degraded`` means the
    names and address are not trustworthy (``reasons`` says why, Vietnamese / English): use the
    ID number and dates, ask for the names.
    """

    card: QrCard
    text: str
    repairs: tuple[str, ...]
    degraded: bool
    reasons: tuple[str, ...]


def parse_wedge_text(text: str, *, today: date | None = None) -> WedgeResult:
    """Repair ``text`` typed by a keyboard-wedge scanner and parse it as a card QR."""
    if not isinstance(text, str):
        raise QrFormatError("scanner text must be a string")
    if len(text) > MAX_PAYLOAD_CHARS * 8:  # room for written-out Alt codes
        raise QrFormatError(
            "văn bản từ máy quét quá dài / scanner text is too long for a card QR code"
        )
    repaired, repairs = repair_wedge_text(text)
    try:
        card = parse_cccd_qr(repaired, today=today)
    except QrFormatError as exc:
        raise QrFormatError(
            f"văn bản từ máy quét không dùng được / scanner text unusable: {exc.message}"
        ) from exc
    reasons = _degradation(card)
    return WedgeResult(card, repaired, tuple(repairs), bool(reasons), tuple(reasons))


def repair_wedge_text(text: str) -> tuple[str, list[str]]:
    """The repaired payload text and the REPAIR_* codes applied; raises if it stays garbled."""
    repairs: list[str] = []
    stripped = _strip_framing(text)
    if stripped != text:
        repairs.append(REPAIR_FRAMING)
    text = stripped
    if _ALT_CODE.search(text):
        text = _ALT_CODE.sub(_alt_code_char, text)
        repairs.append(REPAIR_ALT_CODES)
    text = normalise_text(text)
    if text.count("|") < CORE_FIELDS - 1:
        m = _SEPARATOR_AFTER_ID.match(text)
        if m is not None and text.count(m.group(1)) >= CORE_FIELDS - 1:
            text = text.replace(m.group(1), "|")
            repairs.append(REPAIR_SEPARATOR)
    score = _garbling(text)
    if score != (0, 0, 0):
        best: tuple[tuple[int, int, int], str, str] | None = None
        for code, attempt in (
            (REPAIR_UTF8_AS_CP1252, _utf8_read_as_cp1252),
            (REPAIR_CP1258_AS_CP1252, _cp1258_read_as("cp1252")),
            (REPAIR_CP1258_AS_CP437, _cp1258_read_as("cp437")),
        ):
            candidate = attempt(text)
            if candidate is None or candidate == text:
                continue
            cand_score = _garbling(candidate)
            better = cand_score < (best[0] if best is not None else score)
            if cand_score[:2] == (0, 0) and better:
                best = (cand_score, candidate, code)
        if best is not None:
            score, text = best[0], best[1]
            repairs.append(best[2])
        if score[:2] != (0, 0):
            raise QrFormatError(
                "văn bản từ máy quét không dùng được: ký tự bị sai bảng mã, không sửa được; hãy "
                "đặt máy quét gửi Unicode (UTF-8) hoặc dùng camera / scanner text unusable: "
                "characters were garbled by the scanner's keyboard or code-page settings and "
                "cannot be repaired; set the scanner to send Unicode (UTF-8) or use the camera"
            )
        # Words that only fail the syllable shape (minority names: "Ksor", "H'Hen") are kept.
    return text, repairs


def _strip_framing(text: str) -> str:
    text = text.strip(_FRAMING)
    m = _AIM_PREFIX.match(text)
    if m is not None:
        text = text[m.end() :].strip(_FRAMING)
    return text


def _alt_code_char(m: re.Match[str]) -> str:
    digits = m.group(1) or m.group(2)
    value = int(digits)
    if digits.startswith("0") and value <= 0xFF:
        return bytes([value]).decode("cp1252", errors="replace")  # ANSI code page
    if value > 0xFF:
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise QrFormatError(f"scanner text: Alt code {digits} is not a character")
        return chr(value)
    return bytes([value]).decode("cp437")  # OEM code page


def _garbling(text: str) -> tuple[int, int, int]:
    """How garbled ``text`` looks: (characters outside a Vietnamese card's repertoire, words
    with two tone marks, non-ASCII words that are not a Vietnamese syllable); (0, 0, 0) = clean.
    The first two never occur in real card text; the third does (minority names)."""
    foreign = 0 if _looks_vietnamese(text) else 1
    two_tones = odd = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        nfd = unicodedata.normalize("NFD", word)
        if sum(c in _TONES for c in nfd) > 1:
            two_tones += 1
        elif not _plausible_word(word.lower(), False):
            odd += 1
    return foreign, two_tones, odd


def _looks_vietnamese(text: str) -> bool:
    """No character a Vietnamese card QR would not hold (ASCII, Vietnamese letters, dashes)."""
    return all(
        (ch.isascii() and (ch.isprintable() or ch in "\t\r\n"))
        or ch in VIET_LETTERS
        or ch in _ALLOWED_EXTRA
        for ch in text
    )


def _cp1258_read_as(codec: str) -> _Attempt:
    def attempt(text: str) -> str | None:
        try:
            raw = text.encode(codec)
            return unicodedata.normalize("NFC", raw.decode("cp1258"))
        except UnicodeError:
            return None

    return attempt


def _utf8_read_as_cp1252(text: str) -> str | None:
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            raw.append(ord(ch))  # Latin-1 / C1 pass-through
    data = bytes(raw)
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lenient = _utf8_with_lost_bytes(data)
    return None if lenient is None else unicodedata.normalize("NFC", lenient)


def _utf8_with_lost_bytes(data: bytes) -> str | None:
    """UTF-8 whose continuation bytes undefined in Windows-1252 were dropped (or whose curly
    quotes were straightened). Each gap is filled with the one Vietnamese letter that fits: the
    case of its word, and a well-formed Vietnamese syllable with one tone mark; None if no
    single choice remains."""
    slots: list[str | tuple[str, ...]] = []
    i, n = 0, len(data)
    while i < n:
        lead = data[i]
        if lead < 0x80:
            slots.append(chr(lead))
            i += 1
            continue
        need = _continuations(lead)
        if need == 0:
            return None
        tail = data[i + 1 : i + 1 + need]
        if len(tail) == need and all(0x80 <= b <= 0xBF for b in tail):
            try:
                slots.append(data[i : i + 1 + need].decode("utf-8"))
            except UnicodeDecodeError:
                return None
            i += 1 + need
            continue
        partial: list[tuple[bytes, int]] = [(bytes([lead]), i + 1)]
        for _ in range(need):
            grown: list[tuple[bytes, int]] = []
            for prefix, pos in partial:
                nxt = data[pos] if pos < n else None
                if nxt is not None and 0x80 <= nxt <= 0xBF:
                    grown.append((prefix + bytes([nxt]), pos + 1))
                    continue
                if nxt is not None and nxt in _QUOTE_BYTES and _quote_fits(prefix, nxt):
                    # A straight quote where a continuation byte belongs was a curly one.
                    grown.extend((prefix + bytes([q]), pos + 1) for q in _QUOTE_BYTES[nxt])
                else:
                    grown.extend((prefix + bytes([u]), pos) for u in _CP1252_UNDEFINED)
            partial = grown
        found: dict[str, int] = {}
        for seq, pos in partial:
            try:
                ch = seq.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if ch in VIET_LETTERS or ch in _ALLOWED_EXTRA:
                found.setdefault(ch, pos)
        if not found or len(set(found.values())) != 1:
            return None  # nothing fits, or fillings disagree on how many bytes were consumed
        slots.append(tuple(sorted(found)))
        i = next(iter(found.values()))
    return _resolve(slots)


def _quote_fits(prefix: bytes, quote: int) -> bool:
    """True if some curly quote byte after ``prefix`` can still end in a Vietnamese letter."""
    for q in _QUOTE_BYTES[quote]:
        seq = prefix + bytes([q])
        need = _continuations(seq[0]) + 1
        if len(seq) == need:
            try:
                if seq.decode("utf-8") in VIET_LETTERS:
                    return True
            except UnicodeDecodeError:
                continue
        elif len(seq) < need:
            return True
    return False


def _resolve(slots: list[str | tuple[str, ...]]) -> str | None:
    """Choose each ambiguous letter so that its word is a well-formed Vietnamese syllable in
    the case of its field (names are in capitals, addresses capitalised)."""
    out: list[str] = []
    k = 0
    field_start = 0
    while k < len(slots):
        slot = slots[k]
        if not _is_letter_slot(slot):
            if isinstance(slot, tuple):  # a lost byte inside punctuation ("”")
                if len(slot) != 1:
                    return None
                slot = slot[0]
            if slot == "|":
                field_start = k + 1
            out.append(slot)
            k += 1
            continue
        end = k
        while end < len(slots) and _is_letter_slot(slots[end]):
            end += 1
        choices = [s if isinstance(s, tuple) else (s,) for s in slots[k:end]]
        if all(len(c) == 1 for c in choices):  # no gap here: keep the word as it is
            out.append("".join(c[0] for c in choices))
            k = end
            continue
        capitals = _field_in_capitals(slots, field_start)
        fitting = {
            word
            for word in ("".join(c) for c in product(*choices))
            if _plausible_word(word, capitals)
        }
        if len(fitting) != 1:
            return None
        out.append(fitting.pop())
        k = end
    return "".join(out)


def _field_in_capitals(slots: list[str | tuple[str, ...]], start: int) -> bool:
    """True if the certain letters of the field starting at ``start`` are all capitals."""
    for slot in slots[start:]:
        if slot == "|":
            break
        if isinstance(slot, str) and slot.isalpha() and slot.islower():
            return False
    return True


def _is_letter_slot(slot: str | tuple[str, ...]) -> bool:
    if isinstance(slot, tuple):
        return all(c.isalpha() for c in slot)
    return slot.isalpha()


def _plausible_word(word: str, capitals: bool) -> bool:
    """One Vietnamese syllable with one tone mark, in capitals if its field is, else in lower
    case or capitalised."""
    if capitals:
        if not word.isupper():
            return False
    elif not (word.islower() or (word[0].isupper() and word[1:].islower())):
        return False
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if bare.endswith(_STOP_CODAS) and tones not in (["\u0301"], ["\u0323"]):
        return False  # a syllable ending in p, t, c, ch carries the sắc or nặng tone only
    return _SYLLABLE.fullmatch(bare) is not None


def _continuations(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return 0


def _degradation(card: QrCard) -> list[str]:
    reasons: list[str] = []
    texts = [card.full_name] + ([card.address] if card.address else [])
    texts += [e.value for e in card.extras if e.kind in ("name", "text")]
    if any("?" in t or "\ufffd" in t for t in texts):
        reasons.append(
            "có ký tự bị máy quét thay bằng '?': họ tên, địa chỉ không chính xác / the scanner "
            "replaced characters with '?': names and address are not exact"
        )
    if all(t.isascii() for t in texts):
        reasons.append(
            "họ tên, địa chỉ bị mất dấu tiếng Việt (máy quét gõ theo bàn phím không dấu); hãy "
            "đặt máy quét gửi Unicode hoặc dùng camera / names and address lost their Vietnamese "
            "diacritics (the scanner typed them without accents); set it to send Unicode or use "
            "the camera"
        )
    return reasons
