"""A local fake of the BHYT gateway: real HTTP on loopback, for tests and demos.

It speaks the same two endpoints as the real gateway (see :mod:`kiosk.bhyt.client`) over a
``ThreadingHTTPServer`` bound to 127.0.0.1, holds a few fake cards (invented people only), and
can be told to expire its tokens, to go down (HTTP 503 or dropped connections) or to be slow.

Demo: ``python -m kiosk.bhyt.fake_gateway --port 8766`` then point ``[bhyt] base_url`` at it
with user name ``demo`` and password ``demo``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.bhyt.settings import DEFAULT_LOOKUP_PATH, DEFAULT_TOKEN_PATH

MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class FakeCard:
    card_number: str  # 15 characters
    id_number: str
    full_name: str
    date_of_birth: str  # dd/mm/yyyy
    sex: str  # "Nam" / "Nữ"
    address: str
    registered_facility: str
    valid_from: str
    valid_to: str
    social_insurance_number: str
    new_card_number: str = ""
    withdrawn: bool = False


def demo_cards(year: int) -> list[FakeCard]:
    """Invented people only; validity periods relative to ``year`` (the gateway's today)."""
    y, last, prev, nxt = str(year), str(year - 1), str(year - 2), str(year + 1)
    return [
        FakeCard("DN4010123456789", "001099012345", "NGUYỄN VĂN THỬ", "05/09/1999", "Nam",
                 "Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội", "01013",
                 f"01/01/{y}", f"31/12/{y}", "0123456789"),
        FakeCard("HT3790111222333", "079160000111", "TRẦN THỊ KIỂM", "12/03/1960", "Nữ",
                 "Phường Bến Nghé, Thành phố Hồ Chí Minh", "79024",
                 f"01/01/{last}", f"31/12/{last}", "0111222333"),
        FakeCard("GD4010999888777", "001210000222", "LÊ VĂN MỚI", "01/06/2021", "Nam",
                 "Xã Tân Lập, Thành phố Hà Nội", "01013",
                 "01/06/2021", f"31/05/{prev}", "0999888777", new_card_number="TE1010999888777"),
        FakeCard("TE1010999888777", "001210000222", "LÊ VĂN MỚI", "01/06/2021", "Nam",
                 "Xã Tân Lập, Thành phố Hà Nội", "01013",
                 f"01/06/{prev}", f"31/05/{nxt}", "0999888777"),
        # Born before birth registers recorded days: the card, like the ID card, says "1950".
        FakeCard("HT2010555444333", "001150000777", "HOÀNG THỊ NĂM", "1950", "Nữ",
                 "Xã Tân Lập, Thành phố Hà Nội", "01013",
                 f"01/01/{y}", f"31/12/{y}", "0555444333"),
    ]  # fmt: skip


def _parse_vn(text: str) -> date | None:
    try:
        d, m, y = (int(p) for p in text.split("/"))
        return date(y, m, d)
    except ValueError:
        return None


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and went away is expected in fault tests: stay quiet."""


class FakeBhytGateway:
    """Run with ``with FakeBhytGateway() as gw: ... gw.url ...``."""

    def __init__(
        self,
        cards: Iterable[FakeCard] | None = None,
        *,
        username: str = "demo",
        password: str = "demo",
        token_ttl_s: float = 3600.0,
        today: Callable[[], date] = date.today,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.cards = list(cards if cards is not None else demo_cards(today().year))
        self.username = username
        self.password_md5 = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()
        self.token_ttl_s = token_ttl_s
        self.today = today
        self.mode = "up"  # up | down (503) | drop (close the connection) | slow
        self.slow_s = 0.0
        self.tokens: dict[str, float] = {}  # access token -> expiry (time.time)
        self.token_requests = 0
        self.lookup_requests = 0
        self.last_receptionist: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._server = _QuietServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeBhytGateway:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBhytGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = {token: 0.0 for token in self.tokens}

    # -- behaviour ----------------------------------------------------------------------------

    def _take_token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.token_requests += 1
            if body.get("username") != self.username or body.get("password") != self.password_md5:
                return 200, {"maKetQua": "401", "APIKey": None}
            access = secrets.token_urlsafe(24)
            expiry = time.time() + self.token_ttl_s
            self.tokens[access] = expiry
        expires = datetime.fromtimestamp(expiry, UTC).isoformat()
        return 200, {
            "maKetQua": "200",
            "APIKey": {
                "access_token": access, "id_token": secrets.token_urlsafe(16),
                "token_type": "bearer", "username": self.username, "expires_in": expires,
            },
        }  # fmt: skip

    def _lookup(
        self, query: dict[str, list[str]], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.lookup_requests += 1
            token = (query.get("token") or [""])[0]
            if self.tokens.get(token, 0.0) <= time.time():
                return 200, {"maKetQua": "401", "ghiChu": "Token không đúng hoặc đã hết hạn"}
            if (query.get("username") or [""])[0] != self.username:
                return 200, {"maKetQua": "401", "ghiChu": "Sai tài khoản"}
        fields = ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")
        if not all(isinstance(body.get(k), str) and body[k].strip() for k in fields):
            return 200, {"maKetQua": "205", "ghiChu": "Thiếu tham số"}
        with self._lock:
            self.last_receptionist = (body["hoTenCb"], body["cccdCb"])
        key = body["maThe"].strip().upper()
        card = next(
            (c for c in self.cards
             if key in (c.card_number, c.id_number, c.social_insurance_number)
             and (len(key) == 15 or not c.new_card_number)),
            None,
        )  # fmt: skip
        if card is None:
            return 200, {"maKetQua": "050", "ghiChu": "Không thấy thông tin thẻ"}
        if " ".join(body["hoTen"].split()).upper() != card.full_name:
            return 200, {"maKetQua": "060", "ghiChu": "Thẻ sai họ tên"}
        if body["ngaySinh"].strip() != card.date_of_birth:
            return 200, {"maKetQua": "070", "ghiChu": "Thẻ sai ngày sinh"}
        doc = {
            "maThe": card.card_number, "hoTen": card.full_name, "ngaySinh": card.date_of_birth,
            "gioiTinh": card.sex, "diaChi": card.address, "maDKBD": card.registered_facility,
            "cqBHXH": "Bảo hiểm xã hội (giả lập)", "gtTheTu": card.valid_from,
            "gtTheDen": card.valid_to, "maKV": "", "ngayDu5Nam": "",
            "maSoBHXH": card.social_insurance_number, "maTheCu": "",
            "maTheMoi": card.new_card_number, "dsLichSuKCB2018": [], "dsLichSuKT2018": [],
        }  # fmt: skip
        end = _parse_vn(card.valid_to)
        if card.withdrawn:
            doc.update(maKetQua="110", ghiChu="Thẻ đã thu hồi")
        elif end is not None and end < self.today():
            code = "003" if card.new_card_number else "010"
            doc.update(maKetQua=code, ghiChu="Thẻ hết giá trị sử dụng")
        else:
            doc.update(maKetQua="000", ghiChu="Thẻ còn giá trị sử dụng")
        return 200, doc

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # no request logs
                return

            def do_POST(self) -> None:
                if gateway.mode == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if gateway.mode == "slow":
                    time.sleep(gateway.slow_s)
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._send(413, {"error": "too large"})
                    return
                raw = self.rfile.read(length)
                if gateway.mode == "down":
                    self._send(503, {"error": "unavailable"})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, {"maKetQua": "205"})
                    return
                if not isinstance(body, dict):
                    self._send(400, {"maKetQua": "205"})
                    return
                parts = urlsplit(self.path)
                if parts.path == DEFAULT_TOKEN_PATH:
                    status, doc = gateway._take_token(body)
                elif parts.path == DEFAULT_LOOKUP_PATH:
                    status, doc = gateway._lookup(parse_qs(parts.query), body)
                else:
                    status, doc = 404, {"error": "not found"}
                self._send(status, doc)

            def _send(self, status: int, doc: dict[str, Any]) -> None:
                data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake BHYT gateway on loopback (demo/tests)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    args = parser.parse_args(argv)
    gateway = FakeBhytGateway(username=args.username, password=args.password, port=args.port)
    print(f"fake BHYT gateway on {gateway.url} (user {args.username})", flush=True)
    try:
        gateway._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
