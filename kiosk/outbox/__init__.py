"""The durable, encrypted outbox and its sync worker.

``Outbox`` stores submissions (sealed with AES-GCM) in SQLite until the intake server
acknowledged them; ``kiosk.outbox.sync.SyncWorker`` delivers them exactly once.
"""

from kiosk.outbox.crypto import (
    FileKeyProvider,
    KeyProvider,
    KeyringKeyProvider,
    KeySet,
    default_key_provider,
)
from kiosk.outbox.errors import (
    DecryptionError,
    InvalidSubmissionError,
    KeyMaterialError,
    OutboxError,
    StoreError,
)
from kiosk.outbox.store import ClaimedItem, Outbox, OutboxStatus, QueuedItem, Status

__all__ = [
    "ClaimedItem",
    "DecryptionError",
    "FileKeyProvider",
    "InvalidSubmissionError",
    "KeyMaterialError",
    "KeyProvider",
    "KeySet",
    "KeyringKeyProvider",
    "Outbox",
    "OutboxError",
    "OutboxStatus",
    "QueuedItem",
    "Status",
    "StoreError",
    "default_key_provider",
]
