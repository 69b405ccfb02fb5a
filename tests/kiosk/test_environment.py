"""The application environment: the demo (local intake, fake gateway, virtual card) and a real
configuration (PC/SC, trust store, the site's procedures, the clinic desk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cardreader.verify.trust_store import TrustStore
from kiosk.config import KioskConfig, load_config
from kiosk.environment import (
    AppEnvironment,
    EnvironmentSetupError,
    build_environment,
    demo_qr_text,
)
from kiosk.outbox.sync import SyncReport
from kiosk.readers import PcscBackend, VirtualBackend


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[AppEnvironment]:
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True)
    yield env
    env.close()


def health(env: AppEnvironment) -> int:
    try:
        return httpx.get(env.config.intake_url + "/v1/health", timeout=2).status_code
    except httpx.HTTPError:
        return 0


def test_demo_environment(demo: AppEnvironment) -> None:
    assert demo.demo and isinstance(demo.backend, VirtualBackend) and demo.virtual is demo.backend
    assert [p.id for p in demo.procedures][:2] == ["ct01", "luu_tru"]
    assert "bhyt_checkin" not in [p.id for p in demo.procedures]
    assert demo.clinic is not None and demo.procedure("bhyt_checkin").id == "bhyt_checkin"
    assert demo.place and demo.context["agency"] == demo.place
    assert demo.services is not None and demo.services.online
    assert demo.config.intake_url == demo.services.intake_url
    assert demo.config.data_dir.is_relative_to(demo.services.root)
    assert health(demo) == 200
    with pytest.raises(KeyError):
        demo.procedure("no_such_procedure")


def test_demo_device_is_enrolled_so_deliveries_succeed(demo: AppEnvironment) -> None:
    runtime = demo.runtime
    ref = runtime.audit.citizen_ref("001099012345")
    queued = runtime.outbox.enqueue("test.demo", {"hello": "thử"}, citizen_ref=ref)
    report: SyncReport = runtime.worker.run_once()
    assert report.delivered == 1, report
    state = runtime.outbox.item(queued.id)
    assert state.status == "sent" and state.receipt


def test_demo_network_goes_down_and_comes_back_on_the_same_port(demo: AppEnvironment) -> None:
    url = demo.config.intake_url
    demo.set_network(False)
    assert health(demo) == 0 and demo.services is not None and not demo.services.online
    ref = demo.runtime.audit.citizen_ref("001099012345")
    queued = demo.runtime.outbox.enqueue("test.demo", {"n": 1}, citizen_ref=ref)
    assert demo.runtime.worker.run_once().delivered == 0
    assert demo.runtime.outbox.item(queued.id).status == "queued"
    demo.set_network(True)
    assert health(demo) == 200 and demo.config.intake_url == url


def test_demo_clinic_gateway_knows_the_demo_citizen(demo: AppEnvironment) -> None:
    from kiosk.card_flow import keys_from_qr_text

    assert demo.clinic is not None
    record = keys_from_qr_text(demo_qr_text()).record
    done = demo.clinic.check_in(record)
    assert done.card is not None and done.card.status.value == "valid", done.card
    assert done.ticket.label.startswith("A-")


def test_close_removes_the_demo_data_and_is_idempotent(tmp_path: Path) -> None:
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True)
    assert env.services is not None
    root = env.services.root
    assert root.is_dir()
    env.close()
    env.close()
    assert not root.exists() and health(env) == 0


def test_demo_qr_text_is_the_demo_card() -> None:
    fields = demo_qr_text().split("|")
    assert len(fields) == 7 and fields[0] == "001099012345" and fields[3] == "17051999"


def write_config(tmp_path: Path, extra: str = "") -> KioskConfig:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n[keys]\nuse_keyring = false\n{extra}', "utf-8"
    )
    return load_config(path, env={})


def test_real_environment_from_the_configuration(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        f'[site]\nname = "UBND Phường Thử"\nprocedures = ["luu_tru", "ct01"]\n'
        f'facility_phone = "0240000000"\n[trust]\nstore = "{tmp_path / "trust"}"\n',
    )
    env = build_environment(cfg, demo=False)
    try:
        assert not env.demo and isinstance(env.backend, PcscBackend) and env.virtual is None
        assert [p.id for p in env.procedures] == ["luu_tru", "ct01"]
        assert env.clinic is None  # no [bhyt] table
        assert isinstance(env.trust, TrustStore) and env.trust.path == tmp_path / "trust"
        assert env.place == "UBND Phường Thử"
        assert env.context["agency"] == "UBND Phường Thử"
        assert env.context["facility_phone"] == "0240000000"
        with pytest.raises(RuntimeError):
            env.set_network(False)
    finally:
        env.close()


def test_real_environment_with_a_clinic(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        '[bhyt]\nbase_url = "http://127.0.0.1:9"\nusername = "u"\npassword = "p"\n'
        'clinic_code = "01013"\nclinic_name = "Phòng khám Thử"\n',
    )
    env = build_environment(cfg, demo=False, backend=VirtualBackend())
    try:
        assert env.clinic is not None and env.clinic.settings.clinic_code == "01013"
        assert isinstance(env.backend, VirtualBackend)
    finally:
        env.close()


def test_unknown_site_procedure_is_a_configuration_error(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, '[site]\nprocedures = ["ct01", "no_such"]\n')
    with pytest.raises(EnvironmentSetupError, match="no_such"):
        build_environment(cfg, demo=False)
    cfg = write_config(tmp_path, "[site]\nprocedures = 3\n")
    with pytest.raises(EnvironmentSetupError):
        build_environment(cfg, demo=False)
