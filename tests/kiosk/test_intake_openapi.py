"""assets/openapi/intake.yaml is a valid OpenAPI 3.1 document and matches the live server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.device_key import DeviceKey
from kiosk.intake import IntakeServer, SqliteIntakeDB
from tests.kiosk.outbox_support import REPO, TOKEN, enroll

SPEC_PATH = REPO / "assets" / "openapi" / "intake.yaml"


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


def check(spec: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    responses = spec["paths"][path][method]["responses"]
    entry = responses[str(response.status_code)]
    if "$ref" in entry:
        entry = spec["components"]["responses"][entry["$ref"].rsplit("/", 1)[1]]
    schema = entry["content"]["application/json"]["schema"]
    registry: Registry[Any] = Registry().with_resource(
        "urn:intake", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    if "$ref" in schema:
        schema = {"$ref": "urn:intake" + schema["$ref"]}
    Draft202012Validator(schema, registry=registry).validate(response.json())
    for name in entry.get("headers", {}):
        assert name in response.headers, name


def test_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/v1/health", "/v1/devices", "/v1/submissions"}


def test_live_responses_match_the_document(spec: dict[str, Any], server: IntakeServer) -> None:
    sub = "/v1/submissions"
    check(spec, "/v1/health", "get", httpx.get(server.url + "/v1/health"))
    key = DeviceKey.generate()
    check(spec, "/v1/devices", "post", enroll(server.url, key))
    check(spec, "/v1/devices", "post", enroll(server.url, key))
    check(spec, "/v1/devices", "post", enroll(server.url, key, token="nope"))

    body = json.dumps({"kind": "ct01", "citizen_ref": "ab" * 16,
                       "created_at": "2026-11-23T10:00:00Z", "payload": {"x": 1}}).encode()
    headers = key.sign_request("POST", sub, body, idempotency_key="01935f8e-6a3c-7d21")
    first = httpx.post(server.url + sub, content=body, headers=headers)
    assert first.status_code == 201
    check(spec, sub, "post", first)
    again = httpx.post(server.url + sub, content=body, headers=headers)
    assert again.status_code == 200
    check(spec, sub, "post", again)
    other = body.replace(b'"x": 1', b'"x": 2')
    conflict = httpx.post(server.url + sub, content=other,
                          headers=key.sign_request("POST", sub, other,
                                                   idempotency_key="01935f8e-6a3c-7d21"))
    assert conflict.status_code == 422
    check(spec, sub, "post", conflict)
    unsigned = httpx.post(server.url + sub, content=body,
                          headers={"Idempotency-Key": "01935f8e-6a3c-7d21"})
    check(spec, sub, "post", unsigned)
    stranger = DeviceKey.generate()
    check(spec, sub, "post", httpx.post(server.url + sub, content=body, headers=stranger
                                        .sign_request("POST", sub, body,
                                                      idempotency_key="01935f8e-6a3c-7d21")))
    text = SPEC_PATH.read_text(encoding="utf-8")
    for r in (conflict, unsigned):
        assert f"`{r.json()['error']['code']}`" in text  # every code is documented
