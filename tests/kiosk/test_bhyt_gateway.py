"""BHYT gateway client against the fake gateway over real HTTP on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from kiosk.bhyt import (
    BhytConfigError,
    BhytGateway,
    BhytSettings,
    CardStatus,
    GatewayAuthError,
    GatewayProtocolError,
    GatewayUnavailableError,
    Receptionist,
)
from kiosk.bhyt.fake_gateway import FakeBhytGateway

TODAY = date(2026, 11, 23)
OFFICER = Receptionist("PHẠM THỊ TIẾP", "001190000333")


def _settings(url: str, **overrides: object) -> BhytSettings:
    raw: dict[str, object] = {
        "base_url": url, "username": "demo", "password": "demo", "clinic_code": "01013",
        "clinic_name": "Phòng khám Thử", "receptionist_name": OFFICER.name,
        "receptionist_id": OFFICER.id_number, "timeout_s": 2,
    }  # fmt: skip
    raw.update(overrides)
    return BhytSettings.from_sections({"bhyt": raw})


@pytest.fixture
def fake() -> Iterator[FakeBhytGateway]:
    with FakeBhytGateway(today=lambda: TODAY) as gateway:
        yield gateway


@pytest.fixture
def client(fake: FakeBhytGateway) -> Iterator[BhytGateway]:
    with BhytGateway(_settings(fake.url)) as gateway:
        yield gateway


@pytest.mark.parametrize("key", ["DN4010123456789", "dn4-01-0123456789", "001099012345",
                                 "0123456789"])  # fmt: skip
def test_valid_card_by_card_id_or_social_insurance_number(
    client: BhytGateway, fake: FakeBhytGateway, key: str
) -> None:
    result = client.lookup(key, "NGUYỄN VĂN THỬ", date(1999, 9, 5))
    assert result.status is CardStatus.VALID and result.result_code == "000"
    assert result.card_number == "DN4010123456789"
    assert result.valid_to == date(2026, 12, 31)
    assert result.registered_facility == "01013"
    assert fake.last_receptionist == (OFFICER.name, OFFICER.id_number)


def test_not_found_mismatch_and_expired(client: BhytGateway) -> None:
    assert client.lookup("DN4019999999999", "NGUYỄN VĂN THỬ", "05/09/1999").status is (
        CardStatus.NOT_FOUND
    )
    wrong_name = client.lookup("001099012345", "NGUYỄN VĂN THỦ", "05/09/1999")
    assert (wrong_name.status, wrong_name.result_code) == (CardStatus.MISMATCH, "060")
    wrong_dob = client.lookup("001099012345", "NGUYỄN VĂN THỬ", "06/09/1999")
    assert (wrong_dob.status, wrong_dob.result_code) == (CardStatus.MISMATCH, "070")
    expired = client.lookup("079160000111", "TRẦN THỊ KIỂM", date(1960, 3, 12))
    assert (expired.status, expired.result_code) == (CardStatus.EXPIRED, "010")


def test_replaced_card_is_followed_to_the_new_one(
    client: BhytGateway, fake: FakeBhytGateway
) -> None:
    result = client.lookup("GD4010999888777", "LÊ VĂN MỚI", "01/06/2021")
    assert result.status is CardStatus.VALID
    assert result.card_number == "TE1010999888777"
    assert fake.lookup_requests == 2


def test_token_is_reused_then_refreshed_when_the_gateway_expires_it(
    client: BhytGateway, fake: FakeBhytGateway
) -> None:
    for _ in range(3):
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
    assert fake.token_requests == 1
    fake.expire_tokens()
    result = client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
    assert result.status is CardStatus.VALID
    assert fake.token_requests == 2
    assert fake.lookup_requests == 5  # the refused lookup plus the retry


def test_token_is_refreshed_before_its_stated_expiry(fake: FakeBhytGateway) -> None:
    fake.token_ttl_s = 600
    now = [1000.0]
    with BhytGateway(_settings(fake.url), clock=lambda: now[0]) as client:
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        now[0] += 500  # still valid (margin 60 s)
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        assert fake.token_requests == 1
        now[0] += 50  # within the margin of the 600 s expiry: fetch a fresh one first
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        assert fake.token_requests == 2
        assert fake.lookup_requests == 3  # no refused request was needed


def test_wrong_password(fake: FakeBhytGateway) -> None:
    with (
        BhytGateway(_settings(fake.url, password="wrong")) as client,
        pytest.raises(GatewayAuthError),
    ):
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")


def test_receptionist_is_required(fake: FakeBhytGateway) -> None:
    settings = _settings(fake.url, receptionist_name="", receptionist_id="")
    with BhytGateway(settings) as client:
        with pytest.raises(GatewayAuthError, match="receptionist"):
            client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        assert fake.token_requests == 0
        other = Receptionist("ĐỖ VĂN CA", "001080000555")
        result = client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999", receptionist=other)
        assert result.status is CardStatus.VALID
        assert fake.last_receptionist == (other.name, other.id_number)


@pytest.mark.parametrize("mode", ["down", "drop", "slow"])
def test_gateway_down(fake: FakeBhytGateway, mode: str) -> None:
    with BhytGateway(_settings(fake.url, timeout_s=0.3)) as client:
        fake.mode, fake.slow_s = mode, 1.0
        with pytest.raises(GatewayUnavailableError):
            client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        fake.mode = "up"
        assert client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999").status is (
            CardStatus.VALID
        )


def test_gateway_not_listening() -> None:
    gateway = FakeBhytGateway()
    url = gateway.url
    gateway.stop()  # never started serving; the port is closed now
    with BhytGateway(_settings(url)) as client, pytest.raises(GatewayUnavailableError):
        client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")


def _mock(handler: httpx.MockTransport) -> BhytGateway:
    return BhytGateway(_settings("http://gateway.invalid"), client=httpx.Client(transport=handler))


def test_malformed_answers_are_protocol_errors() -> None:
    def not_json(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    with pytest.raises(GatewayProtocolError):
        _mock(httpx.MockTransport(not_json)).lookup("001099012345", "A", "05/09/1999")

    def no_code(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/take"):
            return httpx.Response(200, json={"APIKey": {"access_token": "t", "id_token": "i"}})
        return httpx.Response(200, json={"hoTen": "X"})

    with pytest.raises(GatewayProtocolError, match="result code"):
        _mock(httpx.MockTransport(no_code)).lookup("001099012345", "A", "05/09/1999")

    def server_error_code(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/take"):
            return httpx.Response(200, json={"APIKey": {"access_token": "t", "id_token": "i"}})
        return httpx.Response(200, json={"maKetQua": "101"})

    with pytest.raises(GatewayUnavailableError):
        _mock(httpx.MockTransport(server_error_code)).lookup("001099012345", "A", "05/09/1999")


def test_password_goes_md5_hashed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"maKetQua": "401"})

    with pytest.raises(GatewayAuthError):
        _mock(httpx.MockTransport(handler)).lookup("001099012345", "A", "05/09/1999")
    body = json.loads(seen[0].content)
    assert body == {"username": "demo", "password": "fe01ce2a7fbac8fafaed7c982a04e229"}  # md5


@pytest.mark.parametrize(
    ("override", "needle"),
    [({"clinic_code": "1013"}, "clinic_code"), ({"base_url": "ftp://x"}, "base_url"),
     ({"timeout_s": 0}, "timeout_s"), ({"receptionist_id": "12"}, "receptionist_id"),
     ({"receptionist_name": ""}, "go together"), ({"colour": "red"}, "colour"),
     ({"password": ""}, "password"), ({"timezone": "Mars/Olympus"}, "timezone")],
)  # fmt: skip
def test_settings_errors_name_the_key(override: dict[str, object], needle: str) -> None:
    with pytest.raises(BhytConfigError, match=needle):
        _settings("http://127.0.0.1:1", **override)


def test_settings_resolve_tickets_path_and_hide_secrets(tmp_path: Path) -> None:
    settings = BhytSettings.from_sections(
        {"bhyt": {"base_url": "http://127.0.0.1:1/", "username": "u", "password": "secret",
                  "clinic_code": "01013", "clinic_name": "PK"}}, data_dir=tmp_path,
    )  # fmt: skip
    assert settings.tickets_path == tmp_path / "tickets.sqlite3"
    assert settings.base_url == "http://127.0.0.1:1"
    assert "secret" not in repr(settings)
    with pytest.raises(BhytConfigError, match="missing"):
        BhytSettings.from_sections({})


def test_settings_from_the_kiosk_config_file(tmp_path: Path) -> None:
    from kiosk.config import load_config

    toml = tmp_path / "kiosk.toml"
    toml.write_text(
        f'data_dir = "{tmp_path}"\n[bhyt]\nbase_url = "http://127.0.0.1:8766"\n'
        'username = "demo"\npassword = "demo"\nclinic_code = "01013"\n'
        'clinic_name = "Phòng khám Thử"\ntickets_path = "q/tickets.sqlite3"\n',
        encoding="utf-8",
    )
    settings = BhytSettings.from_config(load_config(toml, env={}))
    assert settings.clinic_code == "01013"
    assert settings.tickets_path == tmp_path / "q" / "tickets.sqlite3"
    assert settings.receptionist is None


def test_demo_command_serves_the_fake_gateway() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.bhyt.fake_gateway", "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=root,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[4]
        assert url.startswith("http://127.0.0.1:")
        with BhytGateway(_settings(url)) as client:
            result = client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
        assert result.status is CardStatus.VALID
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_kiosk_clock_far_ahead_does_not_fetch_a_token_per_lookup(fake: FakeBhytGateway) -> None:
    import time

    # The gateway's expiry looks already past to a kiosk whose clock runs ten hours ahead.
    with BhytGateway(_settings(fake.url), wall_clock=lambda: time.time() + 36_000) as client:
        for _ in range(3):
            client.lookup("001099012345", "NGUYỄN VĂN THỬ", "05/09/1999")
    assert fake.token_requests == 1
