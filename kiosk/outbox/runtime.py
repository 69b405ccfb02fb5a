"""Everything the application needs for submissions, built from the configuration in one call.

    runtime = open_runtime(load_config())
    runtime.start()                      # background sync
    runtime.connectivity.subscribe(...)  # the UI banner: online/offline, queue depth
    runtime.outbox.enqueue(kind, payload, citizen_ref=runtime.audit.citizen_ref(id_number))
    ...
    runtime.close()

The key set (outbox data keys and the citizen-reference key of the audit log) comes from
:func:`kiosk.outbox.crypto.default_key_provider`; the device key is created on first use
(register it with ``kiosk enroll``; until then the server answers 403 and
``connectivity.status().auth_problem`` is true).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.audit import AuditLog
from kiosk.config import KioskConfig
from kiosk.device_key import DeviceKey
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.connectivity import Connectivity, http_probe
from kiosk.outbox.crypto import KeyProvider, default_key_provider
from kiosk.outbox.store import Outbox
from kiosk.outbox.sync import SyncWorker


@dataclass
class OutboxRuntime:
    config: KioskConfig
    key_provider: KeyProvider
    outbox: Outbox
    audit: AuditLog
    device_key: DeviceKey
    connectivity: Connectivity
    worker: SyncWorker

    def start(self) -> None:
        """Start background delivery."""
        self.worker.start()

    def close(self) -> None:
        """Stop delivery and close the outbox and the audit log (in that order)."""
        self.worker.close()
        self.outbox.close()
        self.audit.close()


def open_runtime(cfg: KioskConfig, *, key_provider: KeyProvider | None = None) -> OutboxRuntime:
    provider = key_provider or default_key_provider(cfg.key_file_path,
                                                    use_keyring=cfg.use_keyring)
    keyset = provider.load()
    audit = AuditLog(cfg.audit_log_path, keyset.hmac_key)
    outbox = Outbox(cfg.outbox_path, provider, dead_after=cfg.dead_letter_after,
                    dead_blocks_citizen=cfg.dead_blocks_citizen)
    try:
        device_key = DeviceKey.load_or_create(cfg.device_key_path)
        verify: bool | str = str(cfg.intake_ca_file) if cfg.intake_ca_file else True
        connectivity = Connectivity(
            outbox, probe=http_probe(cfg.intake_url, timeout_s=min(cfg.request_timeout_s, 5.0),
                                     verify=verify)
        )
        worker = SyncWorker(
            outbox, cfg.intake_url, device_key,
            backoff=Backoff(cfg.backoff_base_s, cfg.backoff_cap_s),
            connectivity=connectivity, audit=audit, timeout_s=cfg.request_timeout_s,
            verify=verify,
        )
    except BaseException:
        outbox.close()
        audit.close()
        raise
    return OutboxRuntime(cfg, provider, outbox, audit, device_key, connectivity, worker)
