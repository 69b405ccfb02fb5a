"""The ``[bhyt]`` table of the kiosk configuration (``kiosk.config.KioskConfig.sections``).

Example::

    [bhyt]
    base_url = "https://egw.baohiemxahoi.gov.vn"
    username = "01013_BV"            # the facility's gateway account
    password = "…"                   # sent MD5-hashed, as the gateway expects
    clinic_code = "01013"            # mã cơ sở KCB (5 digits)
    clinic_name = "Phòng khám Đa khoa Thử Nghiệm"
    receptionist_name = "…"          # default receptionist; the UI passes the logged-in one
    receptionist_id = "…"            # their 12-digit ID number (required by the 2024 rules)
    timeout_s = 10
    tickets_path = "tickets.sqlite3" # relative to data_dir
    timezone = "Asia/Ho_Chi_Minh"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.bhyt.errors import BhytConfigError

DEFAULT_TOKEN_PATH = "/api/token/take"
DEFAULT_LOOKUP_PATH = "/api/egw/KQNhanLichSuKCB2024"
_KEYS = {
    "base_url", "username", "password", "clinic_code", "clinic_name", "receptionist_name",
    "receptionist_id", "timeout_s", "tickets_path", "timezone", "token_path", "lookup_path",
}  # fmt: skip


class _HasSections(Protocol):
    @property
    def sections(self) -> Mapping[str, Any]: ...
    @property
    def data_dir(self) -> Path: ...


@dataclass(frozen=True)
class Receptionist:
    """The officer doing the check-in; the gateway wants their name and ID number."""

    name: str
    id_number: str

    def __repr__(self) -> str:
        return "Receptionist(<redacted>)"


@dataclass(frozen=True)
class BhytSettings:
    base_url: str
    username: str
    password: str
    clinic_code: str
    clinic_name: str
    receptionist: Receptionist | None = None
    timeout_s: float = 10.0
    tickets_path: Path = Path("tickets.sqlite3")
    timezone: str = "Asia/Ho_Chi_Minh"
    token_path: str = DEFAULT_TOKEN_PATH
    lookup_path: str = DEFAULT_LOOKUP_PATH

    def __repr__(self) -> str:
        return f"BhytSettings(base_url={self.base_url!r}, clinic_code={self.clinic_code!r})"

    @classmethod
    def from_config(cls, config: _HasSections) -> BhytSettings:
        """From a loaded ``kiosk.config.KioskConfig`` (its raw ``sections`` and ``data_dir``)."""
        return cls.from_sections(config.sections, data_dir=config.data_dir)

    @classmethod
    def from_sections(
        cls, sections: Mapping[str, Any], *, data_dir: Path | None = None
    ) -> BhytSettings:
        raw = sections.get("bhyt")
        if not isinstance(raw, Mapping):
            raise BhytConfigError("config: [bhyt] table is missing")
        unknown = sorted(set(raw) - _KEYS)
        if unknown:
            raise BhytConfigError(f"config: unknown key [bhyt] {unknown[0]}")

        def text(key: str, *, required: bool = True, default: str = "") -> str:
            value = raw.get(key, default)
            if not isinstance(value, str) or (required and not value.strip()):
                raise BhytConfigError(f"config: [bhyt] {key} must be a non-empty string")
            return value.strip()

        base_url = text("base_url")
        if not re.match(r"^https?://[^\s/]+", base_url):
            raise BhytConfigError("config: [bhyt] base_url must be an http(s) URL")
        clinic_code = text("clinic_code")
        if not re.fullmatch(r"\d{5}", clinic_code):
            raise BhytConfigError("config: [bhyt] clinic_code must be the 5-digit facility code")
        timeout = raw.get("timeout_s", 10.0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise BhytConfigError("config: [bhyt] timeout_s must be a positive number")
        zone = text("timezone", required=False, default="Asia/Ho_Chi_Minh")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BhytConfigError(f"config: [bhyt] timezone {zone!r} is unknown") from None
        name = text("receptionist_name", required=False)
        id_number = text("receptionist_id", required=False)
        if bool(name) != bool(id_number):
            raise BhytConfigError(
                "config: [bhyt] receptionist_name and receptionist_id go together"
            )
        if id_number and not re.fullmatch(r"\d{12}", id_number):
            raise BhytConfigError("config: [bhyt] receptionist_id must be 12 digits")
        tickets = Path(text("tickets_path", required=False, default="tickets.sqlite3"))
        if data_dir is not None and not tickets.is_absolute():
            tickets = data_dir / tickets
        return cls(
            base_url=base_url.rstrip("/"),
            username=text("username"),
            password=text("password"),
            clinic_code=clinic_code,
            clinic_name=text("clinic_name"),
            receptionist=Receptionist(name, id_number) if name else None,
            timeout_s=float(timeout),
            tickets_path=tickets,
            timezone=zone,
            token_path=text("token_path", required=False, default=DEFAULT_TOKEN_PATH),
            lookup_path=text("lookup_path", required=False, default=DEFAULT_LOOKUP_PATH),
        )
