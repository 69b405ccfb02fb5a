"""``kiosk support-bundle``: one zip a provincial IT person sends to support, with no personal data.

Contents (every file UTF-8 JSON unless said otherwise):

- ``manifest.json``: when, which files, and what is deliberately left out;
- ``versions.json``: the application, Python, Qt (PySide6), pyscard, cryptography, the OS;
- ``config.json``: the effective configuration with each value's source, secrets and personal
  data redacted (:func:`kiosk.config_doc.show_document`), and the problems
  :func:`kiosk.config_doc.check_config` finds in the file;
- ``doctor.json``: ``kiosk doctor --json`` (:func:`kiosk.doctor.run_checks`);
- ``outbox.json``: counts per state and ages (:meth:`Outbox.status`), never a payload;
- ``trust.json``: the trust store summary (counts, countries, expired and soon-expiring CSCAs,
  CRLs past their next update): certificate metadata only;
- ``readers.json``: the PC/SC reader names;
- ``logs/kiosk.log*``, ``logs/kiosk-cli.log*``: the log files, scrubbed once more on the way
  in (:func:`kiosk.logs.scrub`).

Left out on purpose: the outbox database and its keys, the device key, the audit log, the
ticket database, the configuration file itself (it may hold secrets; ``config.json`` is the
redacted view). Each part that fails is recorded as ``{"error": ...}``: a broken kiosk is exactly
when a bundle is needed, so nothing here may stop it from being written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
import zipfile
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from kiosk.config_doc import check_config, show_document
from kiosk.logs import log_files, scrub

#: Largest amount of log text taken (newest files first): support needs the recent past.
MAX_LOG_BYTES = 20 * 1024 * 1024
EXCLUDED = (
    "outbox database and payload keys", "device key", "audit log", "ticket database",
    "the configuration file itself (config.json is its redacted view)",
)
_PACKAGES = ("cccd-kiosk", "PySide6", "pyscard", "cryptography", "httpx", "zxing-cpp", "pyzbar")


def default_bundle_name(now: _dt.datetime | None = None) -> str:
    now = now or _dt.datetime.now()
    return f"cccd-kiosk-support-{now:%Y%m%d-%H%M%S}.zip"


def versions() -> dict[str, Any]:
    packages: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            packages[name] = dist_version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "executable_frozen": bool(getattr(sys, "frozen", False)),
        "os": platform.platform(),
        "machine": platform.machine(),
        "packages": packages,
    }


def outbox_summary(cfg: KioskConfig) -> dict[str, Any]:
    """Counts and ages only; the outbox is not created when missing."""
    if not cfg.outbox_path.exists():
        return {"exists": False}
    from kiosk.outbox.crypto import default_key_provider
    from kiosk.outbox.store import Outbox

    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    with Outbox(cfg.outbox_path, provider, dead_after=cfg.dead_letter_after,
                dead_blocks_citizen=cfg.dead_blocks_citizen) as outbox:  # fmt: skip
        return {"exists": True, **outbox.status().to_dict()}


def trust_summary(cfg: KioskConfig, now: _dt.datetime | None = None) -> dict[str, Any]:
    """Counts and certificate metadata (issuers are states, not people)."""
    from cardreader.verify.trust_store import TrustStore

    raw = cfg.sections.get("trust", {})
    store_path = raw.get("store") if isinstance(raw, dict) else None
    store = TrustStore(Path(store_path) if isinstance(store_path, str) else None)
    now = now or _dt.datetime.now(_dt.UTC)
    soon = now + _dt.timedelta(days=90)
    certs = store.entries(kind="certificate")
    crls = store.entries(kind="crl")
    return {
        "path": str(store.path),
        "exists": store.path.exists(),
        "certificates": len(certs),
        "crls": len(crls),
        "countries": sorted({e.country for e in certs if e.country}),
        "vietnam_cscas": [
            {"subject": e.subject, "not_after": e.not_after, "expired": e.expired(now),
             "key": e.key, "fingerprint": e.fingerprint}
            for e in certs if e.country == "VN"
        ],
        "expired_certificates": sum(e.expired(now) for e in certs),
        "expiring_within_90_days": sum(not e.expired(now) and e.expired(soon) for e in certs),
        "crls_past_next_update": sum(e.expired(now) for e in crls),
    }


def reader_list() -> dict[str, Any]:
    from smartcard.System import readers

    return {"readers": [str(r) for r in readers()]}


def doctor_report(cfg: KioskConfig, only: Iterable[str] | None = None) -> dict[str, Any]:
    from kiosk.doctor import run_checks

    report: dict[str, Any] = run_checks(cfg, only=only).to_dict()
    return report


def _guarded(part: Callable[[], Any]) -> Any:
    try:
        return part()
    except Exception as exc:  # recorded, never fatal (see the module docstring)
        return {"error": f"{type(exc).__name__}: {scrub(str(exc))[:500]}"}


def _json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def build_bundle(
    cfg: KioskConfig,
    out: Path,
    *,
    log_dir_of: Path | None = None,
    doctor_checks: Iterable[str] | None = None,
    include_readers: bool = True,
    config_error: str | None = None,
    config_path: Path | None = None,
) -> Path:
    """Write the support bundle to ``out`` (a .zip, created 0600) and return its path.

    ``log_dir_of``: the data directory whose ``logs/`` are taken (default ``cfg.data_dir``);
    ``doctor_checks``: the doctor checks to run (default all); ``config_error``: why the
    configuration file could not be loaded (``cfg`` is then the defaults) and ``config_path``
    that file, checked for every problem."""
    created = _dt.datetime.now(_dt.UTC)
    files: dict[str, str] = {
        "versions.json": _json(_guarded(versions)),
        "config.json": _json(_guarded(lambda: {
            **show_document(cfg),
            "load_error": config_error,
            "problems": [i.to_dict() for i in check_config(config_path or cfg.source, env={})],
        })),
        "doctor.json": _json(_guarded(lambda: doctor_report(cfg, doctor_checks))),
        "outbox.json": _json(_guarded(lambda: outbox_summary(cfg))),
        "trust.json": _json(_guarded(lambda: trust_summary(cfg, created))),
    }
    if include_readers:
        files["readers.json"] = _json(_guarded(reader_list))
    budget = MAX_LOG_BYTES
    for path in log_files(log_dir_of or cfg.data_dir):
        try:
            data = path.read_bytes()[-budget:]
        except OSError as exc:
            files[f"logs/{path.name}.error"] = f"{type(exc).__name__}\n"
            continue
        budget -= len(data)
        files[f"logs/{path.name}"] = scrub(data.decode("utf-8", errors="replace"))
        if budget <= 0:
            break
    manifest = {
        "created": created.isoformat(),
        "files": sorted(files),
        "excluded": list(EXCLUDED),
        "personal_data": "none: values are redacted, logs scrubbed; outbox counted, not read",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", _json(manifest))
        for name, text in files.items():
            zf.writestr(name, text)
    return out
