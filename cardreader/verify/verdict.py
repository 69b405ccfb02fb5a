"""One verdict for a card, from passive authentication and the live-chip checks.

- ``data_altered``: passive authentication failed (a hash, the signature, the structure);
- ``clone_suspected``: the data is signed, but the chip failed chip or active authentication
  (right data, wrong chip: a copy);
- ``unknown_issuer``: data consistent and well signed, chip checks passed, but the document
  signer does not chain to a CSCA in the trust store ("signature valid, issuer not verified");
- ``genuine``: everything passed.

Never a silent green: ``chip_verified`` says whether a clone check actually ran and passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from cardreader.verify.report import PassiveResult

Verdict = Literal["genuine", "data_altered", "unknown_issuer", "clone_suspected"]

MESSAGES: dict[str, tuple[str, str]] = {
    "genuine": (
        "Thẻ thật: dữ liệu đúng như cơ quan cấp đã ký",
        "Genuine: the data is exactly what the issuing state signed",
    ),
    "data_altered": (
        "Dữ liệu trên chip đã bị thay đổi hoặc hỏng: không dùng được",
        "The chip's data was altered or is damaged: do not rely on it",
    ),
    "unknown_issuer": (
        "Chữ ký hợp lệ, nhưng chưa xác minh được cơ quan cấp",
        "Signature valid, but the issuing authority is not verified",
    ),
    "clone_suspected": (
        "Nghi ngờ thẻ sao chép: chip không chứng minh được là chip gốc",
        "Possible clone: the chip could not prove it is the original",
    ),
}


class AuthOutcome(Protocol):
    @property
    def performed(self) -> bool: ...

    @property
    def ok(self) -> bool: ...

    @property
    def detail(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CardVerdict:
    verdict: Verdict
    passive: PassiveResult
    chip_authentication: AuthOutcome | None
    active_authentication: AuthOutcome | None

    @property
    def chip_verified(self) -> bool:
        return any(a is not None and a.performed and a.ok for a in self._auths())

    def _auths(self) -> tuple[AuthOutcome | None, AuthOutcome | None]:
        return self.chip_authentication, self.active_authentication

    @property
    def message_vi(self) -> str:
        return MESSAGES[self.verdict][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.verdict][1]

    def to_dict(self) -> dict[str, object]:
        def auth(a: AuthOutcome | None) -> dict[str, object] | None:
            if a is None or not a.performed:
                return {"performed": False, "ok": None, "detail": a.detail if a else "not run"}
            return {"performed": True, "ok": a.ok, "detail": a.detail}

        return {
            "verdict": self.verdict,
            "message": {"vi": self.message_vi, "en": self.message_en},
            "chip_verified": self.chip_verified,
            "passive_authentication": self.passive.to_dict(),
            "chip_authentication": auth(self.chip_authentication),
            "active_authentication": auth(self.active_authentication),
        }


def card_verdict(
    passive: PassiveResult,
    chip_authentication: AuthOutcome | None = None,
    active_authentication: AuthOutcome | None = None,
) -> CardVerdict:
    verdict: Verdict
    clone_failed = any(
        a is not None and a.performed and not a.ok
        for a in (chip_authentication, active_authentication)
    )
    if passive.status == "invalid":
        verdict = "data_altered"
    elif clone_failed:
        verdict = "clone_suspected"
    elif passive.status == "untrusted":
        verdict = "unknown_issuer"
    else:
        verdict = "genuine"
    return CardVerdict(verdict, passive, chip_authentication, active_authentication)
