"""``GET /v1/devices`` (added for ``kiosk doctor``): the live answers match the OpenAPI document,
and the request changes nothing on the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from kiosk.device_key import DeviceKey
from kiosk.intake import IntakeServer, SqliteIntakeDB
from tests.kiosk.outbox_support import TOKEN, enroll
from tests.kiosk.test_intake_openapi import SPEC_PATH, check

PATH = "/v1/devices"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    doc = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IntakeServer]:
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "i.db"), enrolment_token=TOKEN).start()
    yield srv
    srv.stop()


def get(server: IntakeServer, key: DeviceKey | None, **sign: Any) -> httpx.Response:
    headers = key.sign_request("GET", PATH, b"", **sign) if key is not None else {}
    return httpx.get(server.url + PATH, headers=headers, timeout=10)


def test_own_enrolment_answers_match_the_document(
    spec: dict[str, Any], server: IntakeServer
) -> None:
    key = DeviceKey.generate()
    stranger = get(server, key)
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "unknown_device"
    check(spec, PATH, "get", stranger)
    unsigned = get(server, None)
    assert unsigned.status_code == 401 and unsigned.json()["error"]["code"] == "unsigned"
    check(spec, PATH, "get", unsigned)

    assert enroll(server.url, key).status_code == 201
    before = server.db.stats()
    known = get(server, key)
    assert known.status_code == 200
    assert known.json() == {"device_id": key.device_id, "enrolled": True, "new": False}
    check(spec, PATH, "get", known)
    assert server.db.stats() == before  # nothing written

    stale = get(server, key, timestamp=0)
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "stale_timestamp"
    check(spec, PATH, "get", stale)
    assert "`stale_timestamp`" in SPEC_PATH.read_text(encoding="utf-8")

    other = DeviceKey.generate()  # a valid signature by another key for this device id
    forged = other.sign_request("GET", PATH, b"")
    forged["X-Kiosk-Device"] = key.device_id
    refused = httpx.get(server.url + PATH, headers=forged, timeout=10)
    assert refused.status_code == 401
    check(spec, PATH, "get", refused)
