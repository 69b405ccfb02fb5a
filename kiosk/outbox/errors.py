"""Error types of the outbox, the sync worker and the key material.

Every failure carries a stable, machine-readable ``code`` (used by the ``kiosk`` command line's
JSON output) and a message that names what failed. Messages never contain personal data.
"""

from __future__ import annotations


class OutboxError(Exception):
    """Base class of every error the outbox package raises."""

    code: str = "outbox_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class KeyMaterialError(OutboxError):
    """The encryption or hashing keys are missing, unreadable, or badly formed."""

    code = "key_material"


class DecryptionError(OutboxError):
    """A stored payload failed authentication (wrong key, tampering or corruption)."""

    code = "decryption_failed"


class InvalidSubmissionError(OutboxError):
    """A caller passed a submission the outbox refuses (bad kind, citizen ref, payload)."""

    code = "invalid_submission"


class StoreError(OutboxError):
    """The SQLite store could not be opened, migrated or written."""

    code = "store"
