"""Health-insurance card lookup through the social-insurance (BHXH) gateway.

Shape of the gateway (Cổng tiếp nhận dữ liệu Hệ thống thông tin giám định BHYT,
egw.baohiemxahoi.gov.vn), as documented by Vietnam Social Security and used by hospital
information systems (public integrations in PHP, C#, TypeScript agree on it):

1. ``POST /api/token/take`` with JSON ``{"username", "password"}`` — the password MD5-hashed —
   answers ``{"maKetQua": "200", "APIKey": {"access_token", "id_token", "token_type",
   "username", "expires_in"}}``; ``expires_in`` is the token's expiry time.
2. ``POST /api/egw/KQNhanLichSuKCB2024?token=…&id_token=…&username=…&password=…`` with JSON
   ``{"maThe", "hoTen", "ngaySinh" (dd/mm/yyyy), "hoTenCb", "cccdCb"}``.  Since Official
   Letter 1923/BHXH-CNTT (20 June 2024) the lookup must carry the receptionist's name
   (``hoTenCb``) and ID number (``cccdCb``), and ``maThe`` may be the 15-character card code,
   the 10-digit social-insurance number or the 12-digit ID number.  The answer carries
   ``maKetQua`` (result code), ``ghiChu`` (a human message) and the card: ``maThe``, ``hoTen``,
   ``ngaySinh``, ``gioiTinh``, ``diaChi``, ``maDKBD`` (registered facility), ``cqBHXH``,
   ``gtTheTu``/``gtTheDen`` (validity), ``maKV``, ``ngayDu5Nam``, ``maSoBHXH``, ``maTheCu``,
   ``maTheMoi``, ``gtTheTuMoi``/``gtTheDenMoi``.  A stale token answers ``maKetQua`` "401".

Result codes, as handled by those integrations: 000 valid; 001/002 valid, card managed by the
military / police social insurance; 003 old card expired, a new card was issued (``maTheMoi``:
looked up again automatically); 004 old card still valid but a new one exists; 010 expired;
050–053 card not found or malformed; 060/061 name does not match; 070 birth date does not
match; 100/101 gateway-side errors; 110/120 card withdrawn; 205 bad parameters; 401 auth.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import httpx

from kiosk.bhyt.errors import (
    GatewayAuthError,
    GatewayProtocolError,
    GatewayUnavailableError,
)
from kiosk.bhyt.settings import BhytSettings, Receptionist

MAX_RESPONSE_BYTES = 2 * 1024 * 1024
DEFAULT_TOKEN_TTL_S = 50 * 60
TOKEN_MARGIN_S = 60.0
MIN_TOKEN_TTL_S = 5 * 60.0
MAX_TOKEN_TTL_S = 24 * 3600.0


class CardStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_FOUND = "not_found"
    MISMATCH = "mismatch"  # name or birth date do not match the card
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


_STATUS_BY_CODE: dict[str, CardStatus] = {
    "000": CardStatus.VALID, "001": CardStatus.VALID, "002": CardStatus.VALID,
    "004": CardStatus.VALID, "003": CardStatus.EXPIRED, "010": CardStatus.EXPIRED,
    "050": CardStatus.NOT_FOUND, "051": CardStatus.NOT_FOUND, "052": CardStatus.NOT_FOUND,
    "053": CardStatus.NOT_FOUND, "060": CardStatus.MISMATCH, "061": CardStatus.MISMATCH,
    "070": CardStatus.MISMATCH, "110": CardStatus.WITHDRAWN, "120": CardStatus.WITHDRAWN,
}  # fmt: skip
_TRANSIENT_CODES = frozenset({"100", "101"})


@dataclass(frozen=True)
class CardLookup:
    """The gateway's answer about one card (values as the gateway wrote them)."""

    status: CardStatus
    result_code: str
    message: str
    card_number: str
    full_name: str
    date_of_birth: str
    sex: str
    address: str
    registered_facility: str
    valid_from: date | None
    valid_to: date | None
    area_code: str
    five_years_from: str
    new_card_number: str

    def __repr__(self) -> str:  # no personal data in logs
        return f"CardLookup(status={self.status.value!r}, result_code={self.result_code!r})"

    def summary(self) -> dict[str, Any]:
        """For the check-in submission payload."""
        return {
            "status": self.status.value,
            "result_code": self.result_code,
            "message": self.message,
            "card_number": self.card_number,
            "registered_facility": self.registered_facility,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "area_code": self.area_code,
            "five_years_from": self.five_years_from,
            "new_card_number": self.new_card_number,
        }


def _text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    return str(value)[:500]


def _gateway_date(text: str) -> date | None:
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text.strip())
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def _parse_expiry(value: object, now_wall: float) -> float | None:
    """Seconds until the token's ``expires_in`` (a timestamp, or a number of seconds)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp() - now_wall
    return None


@dataclass
class _Token:
    access_token: str
    id_token: str
    expires_at: float  # monotonic


class BhytGateway:
    """Client of the gateway.  Thread-safe; keeps the token until it expires or is refused."""

    def __init__(
        self,
        settings: BhytSettings,
        *,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._client = client or httpx.Client(timeout=settings.timeout_s)
        self._own_client = client is None
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self._password_md5 = hashlib.md5(
            settings.password.encode("utf-8"), usedforsecurity=False
        ).hexdigest()
        self.token_requests = 0

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> BhytGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP ---------------------------------------------------------------------------------

    def _post(
        self, path: str, body: Mapping[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        url = self.settings.base_url + path
        try:
            response = self._client.post(url, json=dict(body), params=params)
        except httpx.TimeoutException:
            raise GatewayUnavailableError("BHYT gateway: timed out") from None
        except httpx.HTTPError as exc:
            raise GatewayUnavailableError(
                f"BHYT gateway: connection failed ({type(exc).__name__})"
            ) from None
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise GatewayUnavailableError(f"BHYT gateway: HTTP {response.status_code}")
        if response.status_code in (401, 403):
            return {"maKetQua": "401"}
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise GatewayProtocolError("BHYT gateway: answer too large")
        try:
            doc = response.json()
        except ValueError:
            raise GatewayProtocolError(
                f"BHYT gateway: HTTP {response.status_code} without a JSON body"
            ) from None
        if not isinstance(doc, dict):
            raise GatewayProtocolError("BHYT gateway: answer is not a JSON object")
        return doc

    def _fetch_token(self) -> _Token:
        self.token_requests += 1
        doc = self._post(
            self.settings.token_path,
            {"username": self.settings.username, "password": self._password_md5},
        )
        key = doc.get("APIKey") if isinstance(doc.get("APIKey"), dict) else doc
        assert isinstance(key, dict)
        access, id_token = key.get("access_token"), key.get("id_token")
        if not isinstance(access, str) or not access:
            if str(doc.get("maKetQua")) == "401":
                raise GatewayAuthError("BHYT gateway: account or password refused")
            raise GatewayProtocolError(
                f"BHYT gateway: no token in the answer (maKetQua {doc.get('maKetQua')!r})"
            )
        ttl = _parse_expiry(key.get("expires_in"), self._wall())
        if ttl is None:
            ttl = DEFAULT_TOKEN_TTL_S
        # The expiry is a wall-clock time: a kiosk whose clock is off must neither fetch a token
        # for every lookup nor keep one for days. A refused token is refreshed anyway (401).
        ttl = min(max(ttl, MIN_TOKEN_TTL_S), MAX_TOKEN_TTL_S)
        return _Token(access, id_token if isinstance(id_token, str) else "", self._clock() + ttl)

    def _current_token(self, *, refresh: bool) -> _Token:
        with self._lock:
            token = self._token
            if refresh or token is None or self._clock() >= token.expires_at - TOKEN_MARGIN_S:
                token = self._fetch_token()
                self._token = token
            return token

    # -- lookup -------------------------------------------------------------------------------

    def lookup(
        self,
        card_or_id: str,
        full_name: str,
        date_of_birth: date | str,
        *,
        receptionist: Receptionist | None = None,
    ) -> CardLookup:
        """Look a card up by BHYT card code, social-insurance number or ID number."""
        officer = receptionist or self.settings.receptionist
        if officer is None:
            raise GatewayAuthError(
                "BHYT lookup needs the receptionist's name and ID number (Letter 1923/BHXH-CNTT)"
            )
        if isinstance(date_of_birth, date):
            dob = f"{date_of_birth.day:02d}/{date_of_birth.month:02d}/{date_of_birth.year}"
        else:
            dob = date_of_birth
        card = re.sub(r"[\s\-]", "", card_or_id).upper()
        doc = self._lookup_once(card, full_name, dob, officer)
        code = str(doc.get("maKetQua", ""))
        new_card = _text(doc, "maTheMoi")
        if code == "003" and new_card and new_card != card:
            doc = self._lookup_once(new_card, full_name, dob, officer)
        return self._result(doc)

    def _lookup_once(self, card: str, name: str, dob: str, officer: Receptionist) -> dict[str, Any]:
        body = {
            "maThe": card, "hoTen": name, "ngaySinh": dob,
            "hoTenCb": officer.name, "cccdCb": officer.id_number,
        }  # fmt: skip
        for attempt in range(2):
            token = self._current_token(refresh=attempt > 0)
            params = {
                "token": token.access_token,
                "id_token": token.id_token,
                "username": self.settings.username,
                "password": self._password_md5,
            }
            doc = self._post(self.settings.lookup_path, body, params)
            code = str(doc.get("maKetQua", ""))
            if code != "401":
                if code in _TRANSIENT_CODES:
                    raise GatewayUnavailableError(f"BHYT gateway: server error {code}")
                if code == "205":
                    raise GatewayProtocolError("BHYT gateway: refused the parameters (205)")
                return doc
        raise GatewayAuthError("BHYT gateway: token refused after a refresh")

    @staticmethod
    def _result(doc: Mapping[str, Any]) -> CardLookup:
        code = str(doc.get("maKetQua", ""))
        if not re.fullmatch(r"\d{3}", code):
            raise GatewayProtocolError("BHYT gateway: answer without a result code")
        return CardLookup(
            status=_STATUS_BY_CODE.get(code, CardStatus.UNKNOWN),
            result_code=code,
            message=_text(doc, "ghiChu"),
            card_number=_text(doc, "maThe"),
            full_name=_text(doc, "hoTen"),
            date_of_birth=_text(doc, "ngaySinh"),
            sex=_text(doc, "gioiTinh"),
            address=_text(doc, "diaChi"),
            registered_facility=_text(doc, "maDKBD"),
            valid_from=_gateway_date(_text(doc, "gtTheTu")),
            valid_to=_gateway_date(_text(doc, "gtTheDen")),
            area_code=_text(doc, "maKV"),
            five_years_from=_text(doc, "ngayDu5Nam"),
            new_card_number=_text(doc, "maTheMoi"),
        )
