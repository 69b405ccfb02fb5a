"""The outcome of verifying a card: named checks, stable error codes and a status.

Status ``valid``: every check passed and the document signer chains to a trusted CSCA.
``untrusted``: the data is consistent and well signed, but the signer's issuer is not in the
trust store (an honest verdict of its own: never genuine, never forged). ``invalid``: anything
else, with the errors saying exactly what failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["valid", "invalid", "untrusted"]

# Stable error codes of `cccd verify` (documented in the README).
HASH_MISMATCH = "hash_mismatch"
MISSING_HASH = "missing_hash"
BAD_SIGNATURE = "bad_signature"
UNTRUSTED_ISSUER = "untrusted_issuer"
EXPIRED = "expired"
REVOKED = "revoked"
MALFORMED = "malformed"
UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
ERROR_CODES = (
    HASH_MISMATCH,
    MISSING_HASH,
    BAD_SIGNATURE,
    UNTRUSTED_ISSUER,
    EXPIRED,
    REVOKED,
    MALFORMED,
    UNSUPPORTED_ALGORITHM,
)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class PassiveResult:
    status: Status
    checks: tuple[Check, ...]
    errors: tuple[Finding, ...]
    signer_subject: str | None = None
    issuer_subject: str | None = None
    not_verified: tuple[str, ...] = field(default=())  # groups listed in the SOD but not read

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors}

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "checks": [c.to_dict() for c in self.checks],
            "errors": [e.to_dict() for e in self.errors],
            "document_signer": self.signer_subject,
            "csca": self.issuer_subject,
            "not_read": list(self.not_verified),
        }


def status_from(errors: tuple[Finding, ...]) -> Status:
    if not errors:
        return "valid"
    if all(e.code == UNTRUSTED_ISSUER for e in errors):
        return "untrusted"
    return "invalid"
