"""Everything the application runs on, built once at start-up: configuration, outbox runtime,
trust store, reader backend, the procedures this site offers and the clinic check-in desk.

``build_environment(cfg, demo=False)``: the PC/SC readers, the configured trust store
(``[trust] store``, else the default store of ``cardreader.verify.trust_store``), the procedures
named in ``[site] procedures`` (else every shipped one but the clinic check-in) and, when a
``[bhyt]`` table is configured, the clinic check-in desk.

``build_environment(cfg, demo=True)``: nothing real is touched. A temporary data directory, the
reference intake server (``kiosk.intake``) on a free loopback port with this kiosk's device key
enrolled (so deliveries succeed), the fake BHYT gateway (``kiosk.bhyt.fake_gateway``) knowing
the demo citizen, the demo card's TEST CSCA as the only trust anchor, and the virtual reader
with the built-in fake card. :meth:`AppEnvironment.set_network` takes the demo intake server
down and back up (same port), so "no network" can be shown and recovered from.

Example ``[site]`` table::

    [site]
    name = "UBND Phường Dịch Vọng"     # printed on forms and receipts
    procedures = ["ct01", "luu_tru"]    # offered, in this order
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.bhyt.checkin import CHECKIN_PROCEDURE, ClinicCheckIn
from kiosk.config import ConfigError, KioskConfig
from kiosk.outbox.runtime import OutboxRuntime, open_runtime
from kiosk.procedures.loader import load_procedures
from kiosk.procedures.model import Procedure
from kiosk.readers import PcscBackend, ReaderBackend, VirtualBackend

_log = logging.getLogger("kiosk.environment")

#: Display order of the shipped procedures when the site does not choose.
DEFAULT_ORDER = ("ct01", "luu_tru", "khai_sinh_lien_thong", "generic_request")
DEMO_SITE = "Điểm phục vụ thử nghiệm (demo)"
DEMO_CLINIC_CODE = "01013"
DEMO_CLINIC_NAME = "Phòng khám Đa khoa Thử Nghiệm (demo)"
DEMO_RECEPTIONIST = ("PHẠM THỊ TIẾP", "001190000333")  # an invented receptionist


class EnvironmentSetupError(ConfigError):
    """The environment cannot be built (a procedure named by the site is unknown…)."""


@dataclass
class DemoServices:
    """The local servers of ``--demo``: intake (restartable on its port) and the fake gateway."""

    root: Path
    intake: Any  # kiosk.intake.IntakeServer | None (None while the "network" is down)
    intake_port: int
    intake_db: Any  # kiosk.intake.SqliteIntakeDB
    gateway: Any  # kiosk.bhyt.fake_gateway.FakeBhytGateway
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def intake_url(self) -> str:
        return f"http://127.0.0.1:{self.intake_port}"

    @property
    def online(self) -> bool:
        return self.intake is not None

    def stop_intake(self) -> None:
        with self._lock:
            server, self.intake = self.intake, None
        if server is not None:
            server.stop()

    def start_intake(self) -> None:
        from kiosk.intake import IntakeServer

        with self._lock:
            if self.intake is not None:
                return
            self.intake = IntakeServer(self.intake_db, port=self.intake_port).start()

    def close(self) -> None:
        self.stop_intake()
        with contextlib.suppress(Exception):
            self.intake_db.close()
        with contextlib.suppress(Exception):
            self.gateway.stop()


@dataclass
class AppEnvironment:
    config: KioskConfig
    runtime: OutboxRuntime
    trust: Any  # a trust source for passive authentication (TrustStore / MemoryTrustSource)
    backend: ReaderBackend
    procedures: list[Procedure]  # offered at this site, in display order
    clinic: ClinicCheckIn | None  # None: no [bhyt] configuration
    demo: bool
    place: str = ""  # the site's name, printed on forms
    context: dict[str, str] = field(default_factory=dict)  # form "context:" values
    services: DemoServices | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _closed: bool = field(default=False, repr=False)

    @property
    def virtual(self) -> VirtualBackend | None:
        """The virtual reader (demo), to place and remove the fake card from the screen."""
        return self.backend if isinstance(self.backend, VirtualBackend) else None

    def procedure(self, procedure_id: str) -> Procedure:
        for item in self.procedures:
            if item.id == procedure_id:
                return item
        if self.clinic is not None and procedure_id == self.clinic.procedure.id:
            return self.clinic.procedure
        raise KeyError(procedure_id)

    def set_network(self, online: bool) -> None:
        """Demo only: take the local intake server down (offline) or bring it back."""
        if self.services is None:
            raise RuntimeError("set_network is only for the demo")
        if online:
            self.services.start_intake()
        else:
            self.services.stop_intake()

    def close(self) -> None:
        """Stop the backend, the sync worker and the demo servers; remove demo data."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self.backend.stop()
        for closer in reversed(self._closers):
            try:
                closer()
            except Exception:
                _log.exception("closing the environment")


def offered_procedures(cfg: KioskConfig) -> list[Procedure]:
    """The procedures named by ``[site] procedures`` (in that order), else the shipped ones."""
    available = load_procedures()
    site = cfg.sections.get("site", {})
    wanted = site.get("procedures") if isinstance(site, dict) else None
    if wanted is None:
        order = [p for p in DEFAULT_ORDER if p in available]
        order += sorted(p for p in available if p not in order and p != CHECKIN_PROCEDURE)
        return [available[p] for p in order]
    if not isinstance(wanted, list) or not all(isinstance(p, str) for p in wanted):
        raise EnvironmentSetupError("config: [site] procedures must be a list of procedure ids")
    unknown = [p for p in wanted if p not in available]
    if unknown:
        raise EnvironmentSetupError(f"config: [site] procedures: unknown procedure {unknown[0]!r}")
    return [available[p] for p in wanted]


def _site_name(cfg: KioskConfig) -> str:
    site = cfg.sections.get("site", {})
    name = site.get("name", "") if isinstance(site, dict) else ""
    return name if isinstance(name, str) else ""


def site_context(cfg: KioskConfig, place: str) -> dict[str, str]:
    """The values of the forms' ``context:`` fields: every text of ``[site]`` (agency,
    facility_name, facility_address, facility_phone…), the agency defaulting to the site."""
    site = cfg.sections.get("site", {})
    context = {
        k: v for k, v in (site.items() if isinstance(site, dict) else ()) if isinstance(v, str)
    }
    if place:
        context.setdefault("agency", place)
        context.setdefault("facility_name", place)
    return context


def _clinic(cfg: KioskConfig, runtime: OutboxRuntime,
            closers: list[Callable[[], None]]) -> ClinicCheckIn | None:  # fmt: skip
    from kiosk.bhyt import BhytGateway, BhytSettings, TicketBook

    if "bhyt" not in cfg.sections:
        return None
    settings = BhytSettings.from_config(cfg)
    gateway = BhytGateway(settings)
    closers.append(gateway.close)
    tickets = TicketBook(settings.tickets_path, timezone=settings.timezone)
    closers.append(tickets.close)
    return ClinicCheckIn(
        settings, gateway=gateway, tickets=tickets, outbox=runtime.outbox, audit=runtime.audit
    )


def _undo(closers: list[Callable[[], None]]) -> None:
    """Close what a failed set-up had opened, newest first, keeping the set-up's error."""
    for closer in reversed(closers):
        with contextlib.suppress(Exception):
            closer()


def build_environment(
    cfg: KioskConfig, *, demo: bool, backend: ReaderBackend | None = None
) -> AppEnvironment:
    """Build the environment (see the module docstring); ``backend`` replaces the default."""
    if demo:
        return _build_demo(cfg, backend)
    closers: list[Callable[[], None]] = []
    procedures = offered_procedures(cfg)
    runtime = open_runtime(cfg)
    closers.append(runtime.close)
    try:
        from cardreader.verify.trust_store import TrustStore

        trust_cfg = cfg.sections.get("trust", {})
        store = trust_cfg.get("store") if isinstance(trust_cfg, dict) else None
        if store is not None and not isinstance(store, str):
            raise EnvironmentSetupError("config: [trust] store must be a path")
        trust = TrustStore(Path(store) if store else None)
        clinic = _clinic(cfg, runtime, closers)
    except BaseException:
        _undo(closers)
        raise
    return AppEnvironment(
        config=cfg, runtime=runtime, trust=trust, backend=backend or PcscBackend(),
        procedures=procedures, clinic=clinic, demo=False, place=_site_name(cfg),
        context=site_context(cfg, _site_name(cfg)), _closers=closers,
    )  # fmt: skip


# --- the demo ---------------------------------------------------------------------------------


def demo_qr_text() -> str:
    """The demo card's QR code as a keyboard-wedge scanner types it (CCCD 2021 layout:
    ID | old ID | name | birth ddmmyyyy | sex | residence | issue ddmmyyyy)."""
    from cardreader.emulator.fake_card import DEMO_CITIZEN as c

    return "|".join(
        (
            c.id_number,
            c.old_id_number or "",
            c.full_name,
            c.date_of_birth.strftime("%d%m%Y"),
            c.sex,
            c.place_of_residence,
            c.date_of_issue.strftime("%d%m%Y"),
        )
    )


def _demo_gateway_cards() -> list[Any]:
    """The fake gateway's cards, with the demo citizen's card matching the demo chip card."""
    from cardreader.emulator.fake_card import DEMO_CITIZEN
    from kiosk.bhyt.fake_gateway import demo_cards

    cards = demo_cards(date.today().year)
    out = []
    for card in cards:
        if card.id_number == DEMO_CITIZEN.id_number:
            card = dataclasses.replace(
                card,
                full_name=DEMO_CITIZEN.full_name,
                date_of_birth=DEMO_CITIZEN.date_of_birth.strftime("%d/%m/%Y"),
            )
        out.append(card)
    return out


def _build_demo(cfg: KioskConfig, backend: ReaderBackend | None) -> AppEnvironment:
    from cardreader.emulator.fake_card import CSCA_PEM, demo_card_dir
    from cardreader.verify.trust_store import load_trust_sources
    from kiosk.bhyt import BhytGateway, BhytSettings, TicketBook
    from kiosk.bhyt.fake_gateway import FakeBhytGateway
    from kiosk.device_key import public_key_from_b64
    from kiosk.intake import IntakeServer, SqliteIntakeDB

    closers: list[Callable[[], None]] = []
    root = Path(tempfile.mkdtemp(prefix="cccd-kiosk-demo-"))
    closers.append(lambda: shutil.rmtree(root, ignore_errors=True))
    try:
        intake_db = SqliteIntakeDB(root / "intake.sqlite3")
        intake = IntakeServer(intake_db).start()
        gateway_server = FakeBhytGateway(_demo_gateway_cards()).start()
        services = DemoServices(root, intake, intake.port, intake_db, gateway_server)
        closers.append(services.close)
        demo_cfg = dataclasses.replace(
            KioskConfig.defaults(root / "data"),
            intake_url=services.intake_url,
            use_keyring=False,
            request_timeout_s=3.0,
            backoff_base_s=0.5,
            backoff_cap_s=3.0,
            sections={
                **dict(cfg.sections),
                "bhyt": {
                    "base_url": gateway_server.url,
                    "username": "demo",
                    "password": "demo",
                    "clinic_code": DEMO_CLINIC_CODE,
                    "clinic_name": DEMO_CLINIC_NAME,
                    "receptionist_name": DEMO_RECEPTIONIST[0],
                    "receptionist_id": DEMO_RECEPTIONIST[1],
                    "timeout_s": 3,
                },
            },
        )
        runtime = open_runtime(demo_cfg)
        closers.append(runtime.close)
        key = runtime.device_key
        intake_db.enrol_device(key.device_id, public_key_from_b64(key.public_key_b64), "demo")
        settings = BhytSettings.from_config(demo_cfg)
        gateway = BhytGateway(settings)
        closers.append(gateway.close)
        tickets = TicketBook(settings.tickets_path, timezone=settings.timezone)
        closers.append(tickets.close)
        clinic = ClinicCheckIn(
            settings, gateway=gateway, tickets=tickets, outbox=runtime.outbox,
            audit=runtime.audit,
        )  # fmt: skip
        trust = load_trust_sources([demo_card_dir() / CSCA_PEM])
        procedures = offered_procedures(demo_cfg)
    except BaseException:
        _undo(closers)
        raise
    return AppEnvironment(
        config=demo_cfg, runtime=runtime, trust=trust, backend=backend or VirtualBackend(),
        procedures=procedures, clinic=clinic, demo=True,
        place=_site_name(cfg) or DEMO_SITE,
        context=site_context(cfg, _site_name(cfg) or DEMO_SITE), services=services,
        _closers=closers,
    )  # fmt: skip
