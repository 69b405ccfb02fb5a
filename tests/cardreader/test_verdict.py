"""The card verdict from passive authentication and the live-chip checks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cardreader.verify.report import Check, Finding, PassiveResult, status_from
from cardreader.verify.verdict import card_verdict


@dataclass(frozen=True)
class Auth:
    performed: bool
    ok: bool
    detail: str = ""


def passive(*codes: str) -> PassiveResult:
    errors = tuple(Finding(c, c) for c in codes)
    return PassiveResult(status_from(errors), (Check("x", not codes, ""),), errors)


@pytest.mark.parametrize(
    "codes,status",
    [
        ((), "valid"),
        (("untrusted_issuer",), "untrusted"),
        (("untrusted_issuer", "hash_mismatch"), "invalid"),
        (("expired",), "invalid"),
        (("revoked",), "invalid"),
        (("malformed",), "invalid"),
        (("unsupported_algorithm",), "invalid"),
    ],
)
def test_status(codes: tuple[str, ...], status: str) -> None:
    assert passive(*codes).status == status


GOOD, BAD, NONE = Auth(True, True), Auth(True, False), Auth(False, False)


@pytest.mark.parametrize(
    "codes,ca,aa,verdict,chip_verified",
    [
        ((), GOOD, GOOD, "genuine", True),
        ((), GOOD, NONE, "genuine", True),
        ((), NONE, NONE, "genuine", False),
        ((), BAD, GOOD, "clone_suspected", True),
        ((), GOOD, BAD, "clone_suspected", True),
        (("untrusted_issuer",), GOOD, GOOD, "unknown_issuer", True),
        (("untrusted_issuer",), BAD, GOOD, "clone_suspected", True),
        (("hash_mismatch",), GOOD, GOOD, "data_altered", True),
        (("bad_signature",), BAD, BAD, "data_altered", False),
    ],
)
def test_verdict(
    codes: tuple[str, ...], ca: Auth, aa: Auth, verdict: str, chip_verified: bool
) -> None:
    v = card_verdict(passive(*codes), ca, aa)
    assert v.verdict == verdict
    assert v.chip_verified is chip_verified
    d = v.to_dict()
    assert d["verdict"] == verdict
    assert d["message"]["vi"] and d["message"]["en"]
