"""``kiosk doctor``: is this kiosk ready to serve citizens?

Each check looks at one real part of the kiosk and answers a :class:`Check`: a status (``ok``,
``warn``, ``fail``, ``skip``), a message and a fix hint in Vietnamese and English, and details
for the support desk. :func:`run_checks` runs them (all, or those named) into a
:class:`DoctorReport`; its ``exit_code`` is 1 when a check failed (with ``strict``, also when
one warns), else 0.

The checks (names as given to ``kiosk doctor --check NAME``):

* ``config`` - the configuration file: errors in the tables other parts own ([site], [bhyt],
  [trust]; :func:`kiosk.config_doc.check_config`) that would stop the application at start-up,
  and settings that are valid but unwise (plain http:// intake, no operator PIN).
* ``reader`` - the PC/SC service answers and at least one reader is connected.
* ``card`` - a card on a reader answers SELECT of the LDS1 eMRTD application (AID A0 00 00 02
  47 10 01, ICAO Doc 9303-10; selected in plain before BAC as in Doc 9303-11 section 4.2 and
  :mod:`cardreader.access`; ISO/IEC 7816-4 SELECT, P1 04 = by DF name, P2 0C = no response
  data). No key is needed and nothing personal is read. Skipped without a card.
* ``trust`` - the trust store: a CSCA of Vietnam valid today, the newest master list's age
  (warning past :data:`MASTER_LIST_MAX_AGE_DAYS`), expired CSCAs, CRLs past their nextUpdate.
* ``outbox`` - the outbox opens, ``PRAGMA integrity_check`` says ok, no dead letters, nothing
  held back, nothing pending for long.
* ``intake`` - ``GET /v1/health`` of the intake server answers 200.
* ``clock`` - this computer's clock against the intake server's ``Date`` header (RFC 9110
  section 6.6.1): device signatures are refused past the server's skew limit (300 s) and
  certificate validity depends on the date.
* ``enrolment`` - a signed ``GET /v1/devices``: 200 when this kiosk's device key is enrolled,
  403 when not (it submits nothing).
* ``printer`` - the configured printer exists (CUPS ``lpstat`` on Linux; ``Get-Printer`` on
  Windows, which is not tested here).
* ``disk`` - free space of the data folder (warning under 1 GB, failure under 200 MB) and that
  it is writable.
* ``keys`` - the key files (outbox data keys, device key) are readable by their owner only.

No check reads or prints personal data: the outbox is counted, never opened row by row.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import email.utils
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from kiosk.config import KioskConfig

Status = Literal["ok", "warn", "fail", "skip"]
STATUSES: tuple[Status, ...] = get_args(Status)

#: ICAO master lists are reissued every few months; older than this, the list is stale.
MASTER_LIST_MAX_AGE_DAYS = 90
#: Clock skew limits: the warning leaves room before the server's 300 s signature window.
CLOCK_WARN_S = 60.0
CLOCK_FAIL_S = 300.0
#: Free space of the data folder.
DISK_WARN_BYTES = 1024**3
DISK_FAIL_BYTES = 200 * 1024**2
#: Submissions pending longer than this are worth a look; past the second, citizens wait.
PENDING_WARN_S = 3600.0
PENDING_FAIL_S = 24 * 3600.0
#: Network checks never wait longer than this, whatever the configured timeout.
MAX_HTTP_TIMEOUT_S = 10.0
#: The country whose CSCA must be present.
HOME_COUNTRY = "VN"


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text, Vietnamese first."""

    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True, slots=True)
class Check:
    """The answer of one check."""

    name: str
    status: Status
    message: Text
    hint: Text | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message.to_dict(),
            "hint": self.hint.to_dict() if self.hint else None,
            "details": dict(self.details),
            "duration_s": round(self.duration_s, 3),
        }


@dataclass(frozen=True, slots=True)
class DoctorReport:
    checks: tuple[Check, ...]
    strict: bool = False

    @property
    def worst(self) -> Status:
        statuses = {c.status for c in self.checks}
        for s in ("fail", "warn", "ok"):
            if s in statuses:
                return s
        return "skip"

    @property
    def exit_code(self) -> int:
        """1 when a check failed (or, with ``strict``, warned), else 0."""
        bad = {"fail", "warn"} if self.strict else {"fail"}
        return 1 if any(c.status in bad for c in self.checks) else 0

    def check(self, name: str) -> Check:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        counts = {s: sum(1 for c in self.checks if c.status == s) for s in STATUSES}
        return {
            "status": self.worst,
            "exit_code": self.exit_code,
            "counts": counts,
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_text(self) -> str:
        marks = {"ok": "[ OK ]", "warn": "[CẢNH BÁO/WARN]", "fail": "[LỖI/FAIL]",
                 "skip": "[BỎ QUA/SKIP]"}
        lines: list[str] = []
        for c in self.checks:
            lines.append(f"{marks[c.status]} {c.name}: {c.message}")
            if c.hint is not None and c.status != "ok":
                lines.append(f"    → {c.hint}")
        counts = self.to_dict()["counts"]
        lines.append(
            f"Tổng / total: {counts['ok']} ok, {counts['warn']} cảnh báo/warn, "
            f"{counts['fail']} lỗi/fail, {counts['skip']} bỏ qua/skip"
        )
        return "\n".join(lines)


# --- context shared by the checks ---------------------------------------------------------------


@dataclass
class _Probe:
    """One ``GET /v1/health``, shared by the intake and clock checks."""

    status_code: int | None = None
    error: str | None = None
    date_header: str | None = None
    skew_s: float | None = None
    elapsed_s: float = 0.0
    #: The answer is the intake API's (``{"status": "ok"}`` in JSON), not a captive portal's
    #: login page or another web server's.
    is_intake: bool = False


#: The most of an answer the doctor reads (a captive portal's page must not fill memory).
MAX_ANSWER_BYTES = 64 * 1024


def _is_health_answer(body: bytes | None) -> bool:
    if body is None:
        return False
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("status") == "ok"


class DoctorContext:
    """What the checks share: the configuration, the clock, the reader to test, one probe."""

    def __init__(
        self,
        cfg: KioskConfig,
        *,
        reader: str | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.cfg = cfg
        self.reader = reader
        self.now = now
        self._probe: _Probe | None = None

    @property
    def timeout_s(self) -> float:
        return min(self.cfg.request_timeout_s, MAX_HTTP_TIMEOUT_S)

    def verify(self) -> Any:
        from kiosk.outbox.sync import tls_verify

        return tls_verify(str(self.cfg.intake_ca_file)) if self.cfg.intake_ca_file else True

    def health(self) -> _Probe:
        if self._probe is None:
            self._probe = self._get_health()
        return self._probe

    def _get_health(self) -> _Probe:
        import httpx

        from kiosk.outbox.sync import read_capped

        probe = _Probe()
        try:
            with httpx.Client(timeout=self.timeout_s, verify=self.verify()) as client:
                before = self.now()
                with client.stream("GET", self.cfg.intake_url + "/v1/health") as response:
                    after = self.now()
                    body = read_capped(response, MAX_ANSWER_BYTES)
        except httpx.HTTPError as exc:
            probe.error = type(exc).__name__
            return probe
        except OSError as exc:  # e.g. an unreadable CA file
            probe.error = f"{type(exc).__name__}: {exc.strerror or exc}"
            return probe
        probe.status_code = response.status_code
        probe.is_intake = response.status_code == 200 and _is_health_answer(body)
        probe.elapsed_s = after - before
        probe.date_header = response.headers.get("Date")
        if probe.date_header:
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                server = email.utils.parsedate_to_datetime(probe.date_header).timestamp()
                # The Date header has a resolution of one second and is stamped while the
                # server answers: compare it with the middle of the exchange.
                probe.skew_s = (before + after) / 2 - server
        return probe


CheckFunction = Callable[[DoctorContext], Check]


def _check(name: str, status: Status, vi: str, en: str, *, hint: tuple[str, str] | None = None,
           **details: Any) -> Check:
    return Check(name, status, Text(vi, en), Text(*hint) if hint else None, details)


# --- config ---------------------------------------------------------------------------------------


def check_config(ctx: DoctorContext) -> Check:
    cfg = ctx.cfg
    problems: list[tuple[str, str]] = []
    hints: list[tuple[str, str]] = []
    url = cfg.intake_url
    host = re.sub(r"^https?://", "", url).split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if url.startswith("http://") and host not in ("127.0.0.1", "localhost", "::1"):
        problems.append(("máy chủ tiếp nhận dùng http:// không mã hoá",
                         "the intake server is plain http://"))
        hints.append(("đặt [intake] url = \"https://...\"", "set [intake] url = \"https://...\""))
    if cfg.ui.operator_pin_hash is None:
        problems.append(("chưa đặt mã PIN người vận hành", "no operator PIN is set"))
        hints.append(("chạy kiosk pin-hash và chép vào [ui] operator_pin_hash",
                      "run kiosk pin-hash and put it in [ui] operator_pin_hash"))
    issues: list[dict[str, str]] = []
    if cfg.source is not None:
        # The tables other parts own ([site], [bhyt], [trust]) are checked only when the
        # application builds its environment: find their errors before it refuses to start.
        from kiosk.config_doc import check_config as check_file

        issues = [i.to_dict() for i in check_file(cfg.source)]
    errors = [i for i in issues if i["severity"] == "error"]
    for issue in issues:
        if issue["severity"] != "error":
            problems.append((f"{issue['key']}: {issue['message']}",
                             f"{issue['key']}: {issue['message']}"))
    if any(i["severity"] != "error" for i in issues):
        hints.append(("xem kiosk config check", "see kiosk config check"))
    source = str(cfg.source) if cfg.source else None
    where_vi = f"tệp {source}" if source else "mặc định (không có tệp cấu hình)"
    where_en = f"file {source}" if source else "defaults (no configuration file)"
    details: dict[str, Any] = {"source": source, "data_dir": str(cfg.data_dir), "intake_url": url,
               "mode": cfg.ui.mode, "issues": issues}
    if errors:
        first = f"{errors[0]['key']}: {errors[0]['message']}"
        return _check("config", "fail", f"tệp cấu hình có {len(errors)} lỗi ({first})",
                      f"the configuration file has {len(errors)} error(s) ({first})",
                      hint=("sửa các khoá trong details.issues (kiosk config check)",
                            "fix the keys in details.issues (kiosk config check)"), **details)
    if not problems:
        return _check("config", "ok", f"cấu hình hợp lệ: {where_vi}",
                      f"configuration valid: {where_en}", **details)
    return _check(
        "config", "warn",
        "cấu hình hợp lệ nhưng: " + "; ".join(p[0] for p in problems),
        "configuration valid, but: " + "; ".join(p[1] for p in problems),
        hint=("; ".join(h[0] for h in hints), "; ".join(h[1] for h in hints)), **details,
    )


# --- reader and card ------------------------------------------------------------------------------

_SERVICE_HINT = (
    "Linux: sudo systemctl enable --now pcscd.socket (gói pcscd, libccid); Windows: bật dịch vụ "
    "Smart Card (SCardSvr)",
    "Linux: sudo systemctl enable --now pcscd.socket (packages pcscd, libccid); Windows: start "
    "the Smart Card service (SCardSvr)",
)


def check_reader(ctx: DoctorContext) -> Check:
    from cardreader.errors import CardReaderError, NoReaderError
    from cardreader.transport.pcsc import list_readers

    try:
        readers = list_readers()
    except NoReaderError:
        readers = []
    except CardReaderError as exc:
        return _check("reader", "fail", "không kết nối được dịch vụ PC/SC",
                      "cannot reach the PC/SC service", hint=_SERVICE_HINT,
                      error=exc.code, reason=exc.message)
    names = [r.name for r in readers]
    if not names:
        return _check(
            "reader", "fail", "không có đầu đọc thẻ nào", "no card reader is connected",
            hint=("cắm đầu đọc USB; Linux: cài libccid rồi khởi động lại pcscd; Windows: cài "
                  "driver của hãng",
                  "plug in the USB reader; Linux: install libccid and restart pcscd; Windows: "
                  "install the vendor's driver"),
        )
    if ctx.reader is not None and not any(ctx.reader.lower() in n.lower() for n in names):
        return _check("reader", "fail", f"không thấy đầu đọc {ctx.reader!r}",
                      f"reader {ctx.reader!r} not found",
                      hint=("kiểm tra tên đầu đọc (xem details.readers)",
                            "check the reader's name (see details.readers)"), readers=names)
    return _check("reader", "ok", f"{len(names)} đầu đọc: {', '.join(names)}",
                  f"{len(names)} reader(s): {', '.join(names)}", readers=names,
                  cards=sum(1 for r in readers if r.card_present))


class _CardInUse(Exception):
    """Another program (the running application, mid-read) holds the card."""


def _select_emrtd(reader: str) -> int:
    """SELECT the eMRTD application on the card on ``reader``; returns the status word.

    The card is taken with an exclusive connection (PC/SC SCardConnect, SCARD_SHARE_EXCLUSIVE)
    and left as it is on disconnect (SCARD_LEAVE_CARD, no reset). While the running
    application reads a card it holds a connection, so the exclusive one is refused
    (SCARD_E_SHARING_VIOLATION) and the doctor stays out: a SELECT between the application's
    commands would end its secure-messaging session in the middle of a citizen's read."""
    from cardreader.access import EMRTD_AID
    from cardreader.apdu import CommandApdu
    from cardreader.errors import CardRemovedError, TransportError
    from cardreader.transport.pcsc import PcscContext, scard

    apdu = CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID).to_bytes()
    with PcscContext() as pcsc:
        hresult, handle, protocol = scard.SCardConnect(
            pcsc.handle, reader, scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult == scard.SCARD_E_SHARING_VIOLATION:
            raise _CardInUse(reader)
        if hresult != scard.SCARD_S_SUCCESS:
            raise TransportError(f"connecting to the card: PC/SC error 0x"
                                 f"{hresult & 0xFFFFFFFF:08X}")
        try:
            pci = scard.SCARD_PCI_T1 if protocol == scard.SCARD_PROTOCOL_T1 else \
                scard.SCARD_PCI_T0
            hresult, response = scard.SCardTransmit(handle, pci, list(apdu))
        finally:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError(f"SELECT: PC/SC error 0x{hresult & 0xFFFFFFFF:08X}")
    if len(response) < 2:
        raise CardRemovedError("the card answered no status word: contact lost")
    return int.from_bytes(bytes(response[-2:]), "big")


def check_card(ctx: DoctorContext) -> Check:
    from cardreader.apdu import describe_sw
    from cardreader.errors import CardReaderError
    from cardreader.transport.pcsc import list_readers

    try:
        readers = list_readers()
    except CardReaderError as exc:
        return _check("card", "skip", "không kiểm tra được thẻ: không có đầu đọc",
                      "card not tested: no reader", hint=_SERVICE_HINT, error=exc.code)
    if ctx.reader is not None:
        readers = [r for r in readers if ctx.reader.lower() in r.name.lower()]
    with_card = [r.name for r in readers if r.card_present]
    if not with_card:
        return _check("card", "skip", "không có thẻ trên đầu đọc: chưa thử đọc thẻ",
                      "no card on the reader: card reading not tested",
                      hint=("đặt một thẻ CCCD lên đầu đọc rồi chạy lại kiosk doctor",
                            "put a CCCD card on the reader and run kiosk doctor again"),
                      readers=[r.name for r in readers])
    reader = with_card[0]
    try:
        sw = _select_emrtd(reader)
    except _CardInUse:
        return _check("card", "skip", f"thẻ trên {reader} đang được chương trình khác đọc",
                      f"the card on {reader} is being read by another program",
                      hint=("chạy lại khi không có ai dùng ki-ốt",
                            "run again when nobody is using the kiosk"), reader=reader)
    except CardReaderError as exc:
        return _check("card", "fail", f"không nói chuyện được với thẻ trên {reader}",
                      f"cannot talk to the card on {reader}",
                      hint=("đặt thẻ nằm yên giữa đầu đọc; thử cáp/cổng USB khác",
                            "lay the card flat in the middle of the reader; try another USB "
                            "cable or port"), reader=reader, error=exc.code)
    if sw != 0x9000:
        return _check(
            "card", "fail", f"thẻ trên {reader} không phải thẻ CCCD gắn chip (SW {sw:04X})",
            f"the card on {reader} is not an eMRTD chip card (SW {sw:04X}: {describe_sw(sw)})",
            hint=("dùng thẻ CCCD gắn chip để kiểm tra", "test with a chip ID card (CCCD)"),
            reader=reader, sw=f"{sw:04X}",
        )
    return _check("card", "ok", f"thẻ trên {reader} trả lời (chọn ứng dụng eMRTD: 9000)",
                  f"the card on {reader} answers (SELECT eMRTD application: 9000)",
                  reader=reader, sw="9000")


# --- trust store ----------------------------------------------------------------------------------

_ML_SIGNED = re.compile(r"^master list (?P<name>.+?) signed (?P<date>\d{4}-\d{2}-\d{2})")
_TRUST_HINT = (
    "nhập danh sách CSCA mới: cccd trust import FILE.ml --ml-anchor CERT",
    "import a fresh master list: cccd trust import FILE.ml --ml-anchor CERT",
)


def trust_store_path(cfg: KioskConfig) -> Path:
    """Where the application's trust store is (``[trust] store``, else the default)."""
    from cardreader.verify.trust_store import default_store_path

    trust = cfg.sections.get("trust", {})
    store = trust.get("store") if isinstance(trust, dict) else None
    return Path(store) if isinstance(store, str) and store else default_store_path()


def check_trust(ctx: DoctorContext) -> Check:
    from cardreader.errors import CardReaderError
    from cardreader.verify.trust_store import TrustStore

    path = trust_store_path(ctx.cfg)
    try:
        store = TrustStore(path)
    except CardReaderError as exc:
        return _check("trust", "fail", "kho tin cậy hỏng", "the trust store is unreadable",
                      hint=("nhập lại danh sách CSCA vào một kho mới", "re-import the master "
                            "lists into a new store"), store=str(path), error=exc.code)
    now = _dt.datetime.fromtimestamp(ctx.now(), _dt.UTC)
    certs = store.entries(kind="certificate")
    crls = store.entries(kind="crl")
    home = [e for e in certs if e.country == HOME_COUNTRY]
    home_valid = [e for e in home if not e.expired(now)
                  and (not e.not_before or _dt.datetime.fromisoformat(e.not_before) <= now)]
    expired = [e for e in certs if e.expired(now)]
    home_expired = [e for e in home if e.expired(now)]
    stale_crls = [e for e in crls if e.expired(now)]
    lists: dict[str, _dt.date] = {}
    for e in certs:
        m = _ML_SIGNED.match(e.source)
        if m:
            lists[m["name"]] = _dt.date.fromisoformat(m["date"])
    newest = max(lists.values()) if lists else None
    age_days = (now.date() - newest).days if newest else None
    details: dict[str, Any] = {
        "store": str(path), "certificates": len(certs), "crls": len(crls),
        f"{HOME_COUNTRY.lower()}_cscas": len(home),
        f"{HOME_COUNTRY.lower()}_valid": len(home_valid),
        "expired_cscas": len(expired), "crls_past_next_update": len(stale_crls),
        "master_lists": {k: v.isoformat() for k, v in sorted(lists.items())},
        "newest_master_list_age_days": age_days,
    }
    if not home_valid:
        why_vi, why_en = (("có CSCA Việt Nam nhưng đã hết hạn", "Vietnam's CSCA has expired")
                          if home else ("không có CSCA của Việt Nam", "no CSCA of Vietnam"))
        return _check("trust", "fail", f"{why_vi}: không xác thực được thẻ",
                      f"{why_en}: cards cannot be verified", hint=_TRUST_HINT, **details)
    warnings: list[tuple[str, str]] = []
    if age_days is not None and age_days > MASTER_LIST_MAX_AGE_DAYS:
        warnings.append((f"danh sách CSCA mới nhất đã {age_days} ngày",
                         f"the newest master list is {age_days} days old"))
    if home_expired:
        warnings.append((f"{len(home_expired)} CSCA Việt Nam đã hết hạn",
                         f"{len(home_expired)} CSCA(s) of Vietnam expired"))
    if stale_crls:
        warnings.append((f"{len(stale_crls)} CRL đã quá hạn cập nhật (nextUpdate)",
                         f"{len(stale_crls)} CRL(s) past their nextUpdate"))
    if warnings:
        return _check("trust", "warn", "; ".join(w[0] for w in warnings),
                      "; ".join(w[1] for w in warnings),
                      hint=(_TRUST_HINT[0] + "; nhập CRL mới (cccd trust import FILE.crl)",
                            _TRUST_HINT[1] + "; import fresh CRLs (cccd trust import FILE.crl)"),
                      **details)
    age_vi = f", danh sách CSCA {age_days} ngày" if age_days is not None else ""
    age_en = f", master list {age_days} days old" if age_days is not None else ""
    return _check("trust", "ok", f"{len(home_valid)} CSCA Việt Nam còn hiệu lực{age_vi}",
                  f"{len(home_valid)} valid CSCA(s) of Vietnam{age_en}", **details)


# --- outbox ---------------------------------------------------------------------------------------


def check_outbox(ctx: DoctorContext) -> Check:
    from kiosk.outbox.crypto import FileKeyProvider, default_key_provider
    from kiosk.outbox.errors import OutboxError
    from kiosk.outbox.store import Outbox

    cfg = ctx.cfg
    path = cfg.outbox_path
    if not path.exists():
        return _check("outbox", "ok", "hàng đợi chưa được tạo (tạo khi có hồ sơ đầu tiên)",
                      "the outbox does not exist yet (created with the first submission)",
                      path=str(path))
    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    if isinstance(provider, FileKeyProvider) and not provider.exists():
        # Loading would create a new key, which cannot open the rows already stored.
        return _check("outbox", "fail", "mất khoá mã hoá của hàng đợi",
                      "the outbox's encryption key is missing",
                      hint=(f"khôi phục {cfg.key_file_path} từ bản sao lưu",
                            f"restore {cfg.key_file_path} from its backup"), path=str(path))
    try:
        with Outbox(path, provider, dead_after=cfg.dead_letter_after,
                    dead_blocks_citizen=cfg.dead_blocks_citizen, recover=False) as outbox:
            integrity = outbox.integrity_check()
            st = outbox.status()
    except sqlite3.DatabaseError as exc:  # unreadable pages, "file is not a database"
        integrity, st = f"{type(exc).__name__}: {exc}", None
    except OutboxError as exc:
        return _check("outbox", "fail", "không mở được hàng đợi", "cannot open the outbox",
                      hint=("xem details.error; kiểm tra quyền tệp và khoá",
                            "see details.error; check file permissions and the key"),
                      path=str(path), error=exc.code, reason=exc.message)
    if st is None or integrity != "ok":
        details: dict[str, Any] = {"path": str(path), "integrity": integrity[:300]}
        return _check("outbox", "fail", "cơ sở dữ liệu hàng đợi bị hỏng",
                      "the outbox database is corrupt",
                      hint=("dừng ứng dụng, sao lưu tệp rồi liên hệ hỗ trợ (kiosk support-bundle)",
                            "stop the application, back the file up and contact support "
                            "(kiosk support-bundle)"), **details)
    details = {"path": str(path), "integrity": integrity, **st.to_dict()}
    details.pop("last_error", None)
    details["last_error_code"] = st.last_error
    age = st.oldest_pending_age_s
    problems: list[tuple[str, str]] = []
    hints: list[tuple[str, str]] = []
    status: Status = "ok"
    if age is not None and age > PENDING_WARN_S:
        hours = age / 3600
        problems.append((f"hồ sơ chờ gửi lâu nhất {hours:.1f} giờ",
                         f"oldest pending submission is {hours:.1f} h old"))
        hints.append(("kiểm tra mạng và máy chủ tiếp nhận (kiosk outbox sync)",
                      "check the network and the intake server (kiosk outbox sync)"))
        status = "fail" if age > PENDING_FAIL_S else "warn"
    if st.dead:
        problems.append((f"{st.dead} hồ sơ lỗi", f"{st.dead} dead submission(s)"))
        hints.append(("sửa nguyên nhân rồi chạy kiosk outbox retry-dead",
                      "fix the cause, then run kiosk outbox retry-dead"))
        status = "fail" if status == "fail" else "warn"
    if st.blocked_by_dead:
        problems.append((f"{st.blocked_by_dead} hồ sơ bị giữ lại sau hồ sơ lỗi",
                         f"{st.blocked_by_dead} held back behind a dead one"))
    if not problems:
        return _check("outbox", "ok", f"hàng đợi tốt: {st.depth} hồ sơ đang chờ",
                      f"outbox healthy: {st.depth} pending", **details)
    return _check("outbox", status, "; ".join(p[0] for p in problems),
                  "; ".join(p[1] for p in problems),
                  hint=("; ".join(h[0] for h in hints), "; ".join(h[1] for h in hints)),
                  **details)


# --- intake, clock, enrolment ---------------------------------------------------------------------


def check_intake(ctx: DoctorContext) -> Check:
    url = ctx.cfg.intake_url
    probe = ctx.health()
    if probe.status_code is None:
        return _check(
            "intake", "fail", f"không kết nối được máy chủ tiếp nhận {url}",
            f"cannot reach the intake server {url} ({probe.error})",
            hint=("kiểm tra mạng, tường lửa, [intake] url và [intake] ca_file; hồ sơ vẫn được "
                  "lưu và gửi sau", "check the network, firewall, [intake] url and [intake] "
                  "ca_file; submissions are kept and sent later"),
            url=url, error=probe.error,
        )
    if probe.status_code != 200:
        return _check("intake", "fail", f"máy chủ tiếp nhận trả lời HTTP {probe.status_code}",
                      f"the intake server answered HTTP {probe.status_code}",
                      hint=("kiểm tra [intake] url (đúng máy chủ, đúng đường dẫn)",
                            "check [intake] url (right server, right path)"),
                      url=url, http_status=probe.status_code)
    if not probe.is_intake:
        return _check("intake", "fail", "địa chỉ trả lời nhưng không phải máy chủ tiếp nhận "
                      "(trang đăng nhập Wi-Fi hoặc sai địa chỉ)", "something answers, but not "
                      "the intake API (a captive portal's login page, or a wrong URL)",
                      hint=("kiểm tra [intake] url; đăng nhập mạng (Wi-Fi công cộng) hoặc dùng "
                            "mạng khác", "check [intake] url; log the network in (public "
                            "Wi-Fi) or use another network"), url=url, http_status=200)
    ms = probe.elapsed_s * 1000
    return _check("intake", "ok", f"máy chủ tiếp nhận trả lời ({ms:.0f} ms)",
                  f"intake server is up ({ms:.0f} ms)", url=url,
                  response_ms=round(ms, 1))


def clock_status(skew_s: float) -> Status:
    """ok within :data:`CLOCK_WARN_S`, warn to :data:`CLOCK_FAIL_S`, fail beyond."""
    if abs(skew_s) > CLOCK_FAIL_S:
        return "fail"
    return "warn" if abs(skew_s) > CLOCK_WARN_S else "ok"


def check_clock(ctx: DoctorContext) -> Check:
    probe = ctx.health()
    if probe.skew_s is None:
        return _check("clock", "skip", "không so được giờ: máy chủ không trả lời (hoặc không có "
                      "Date)", "clock not compared: no answer (or no Date header) from the "
                      "intake server", hint=("kiểm tra đồng bộ giờ: timedatectl (Linux), "
                      "w32tm /query /status (Windows)", "check time sync: timedatectl "
                      "(Linux), w32tm /query /status (Windows)"))
    skew = probe.skew_s
    status = clock_status(skew)
    ahead_vi = "nhanh" if skew > 0 else "chậm"
    ahead_en = "ahead of" if skew > 0 else "behind"
    details: dict[str, Any] = {"skew_s": round(skew, 1), "server_date": probe.date_header,
               "warn_s": CLOCK_WARN_S, "fail_s": CLOCK_FAIL_S}
    if status == "ok":
        return _check("clock", "ok", f"đồng hồ lệch {abs(skew):.0f} giây",
                      f"clock within {abs(skew):.0f} s of the server", **details)
    return _check(
        "clock", status, f"đồng hồ {ahead_vi} hơn máy chủ {abs(skew):.0f} giây",
        f"clock {abs(skew):.0f} s {ahead_en} the server",
        hint=("bật đồng bộ giờ: sudo timedatectl set-ntp true (Linux); w32tm /resync "
              "(Windows). Chữ ký thiết bị bị từ chối khi lệch quá 300 giây",
              "turn on time sync: sudo timedatectl set-ntp true (Linux); w32tm /resync "
              "(Windows). Device signatures are refused beyond 300 s"), **details)


def check_enrolment(ctx: DoctorContext) -> Check:
    import httpx

    from kiosk.device_key import DeviceKey, DeviceKeyError
    from kiosk.outbox.sync import read_capped

    cfg = ctx.cfg
    enrol_hint = ("đăng ký ki-ốt: kiosk enroll --token-file FILE",
                  "enrol this kiosk: kiosk enroll --token-file FILE")
    if not cfg.device_key_path.exists():
        return _check("enrolment", "fail", "chưa có khoá thiết bị", "no device key yet",
                      hint=enrol_hint, device_key=str(cfg.device_key_path))
    try:
        key = DeviceKey.load(cfg.device_key_path)
    except DeviceKeyError as exc:
        return _check("enrolment", "fail", "khoá thiết bị không đọc được",
                      "the device key is unreadable", hint=enrol_hint, error=exc.code)
    if not ctx.health().is_intake:
        return _check("enrolment", "skip", "chưa kiểm tra: không kết nối được máy chủ",
                      "not checked: the intake server is not reachable",
                      hint=("sửa lỗi kết nối (kiểm tra intake) trước",
                            "fix the connection first (see the intake check)"),
                      device_id=key.device_id)
    target = "/v1/devices"
    try:
        with httpx.Client(timeout=ctx.timeout_s, verify=ctx.verify()) as client:
            request = client.build_request("GET", cfg.intake_url + target)
            path = request.url.raw_path.decode("ascii")
            request.headers.update(key.sign_request("GET", path, b"",
                                                    timestamp=int(ctx.now())))
            response = client.send(request, stream=True)
            try:
                body = read_capped(response, MAX_ANSWER_BYTES)
            finally:
                response.close()
    except httpx.HTTPError as exc:
        return _check("enrolment", "fail", "không hỏi được máy chủ", "the enrolment query failed",
                      hint=enrol_hint, device_id=key.device_id, error=type(exc).__name__)
    code = ""
    doc: Any = None
    with contextlib.suppress(ValueError, RecursionError):
        doc = json.loads(body) if body is not None else None
    with contextlib.suppress(KeyError, TypeError):
        code = str(doc["error"]["code"])
    details: dict[str, Any] = {"device_id": key.device_id,
                               "http_status": response.status_code, "code": code}
    enrolled = (isinstance(doc, dict) and doc.get("enrolled") is True
                and doc.get("device_id") == key.device_id)
    if response.status_code == 200 and enrolled:
        return _check("enrolment", "ok", f"thiết bị {key.device_id} đã được đăng ký",
                      f"device {key.device_id} is enrolled", **details)
    if response.status_code == 403:
        return _check("enrolment", "fail", f"thiết bị {key.device_id} chưa đăng ký (hoặc đã bị "
                      "thu hồi)", f"device {key.device_id} is not enrolled (or was revoked)",
                      hint=enrol_hint, **details)
    if response.status_code == 401 and code == "stale_timestamp":
        return _check("enrolment", "fail", "máy chủ từ chối chữ ký: đồng hồ lệch",
                      "the server refused the signature: the clock is off",
                      hint=("sửa giờ (xem kiểm tra clock)", "fix the clock (see the clock "
                            "check)"), **details)
    if response.status_code in (404, 405):
        return _check("enrolment", "warn", "máy chủ không hỗ trợ kiểm tra đăng ký",
                      "the intake server cannot tell enrolment (no GET /v1/devices)",
                      hint=("gửi thử một hồ sơ: kiosk outbox sync", "try a delivery: kiosk "
                            "outbox sync"), **details)
    return _check("enrolment", "fail", f"máy chủ trả lời bất thường (HTTP {response.status_code})",
                  f"unexpected answer from the intake server (HTTP {response.status_code})",
                  hint=enrol_hint, **details)


# --- printer --------------------------------------------------------------------------------------

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False,
                          env={**os.environ, "LC_ALL": "C"})


def check_printer(ctx: DoctorContext) -> Check:
    name = ctx.cfg.ui.printer
    if name.lower() == "none":
        return _check("printer", "skip", "không dùng máy in ([ui] printer = \"none\")",
                      "printing is off ([ui] printer = \"none\")")
    if sys.platform == "win32":  # untested here: no Windows in CI
        return _printer_windows(name)
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        if not name:
            return _check("printer", "skip", "chưa cấu hình máy in và không có CUPS",
                          "no printer configured and no CUPS",
                          hint=("cài cups và đặt [ui] printer, hoặc [ui] printer = \"none\"",
                                "install cups and set [ui] printer, or [ui] printer = \"none\""))
        return _check("printer", "fail", "không có CUPS (lpstat) để in", "no CUPS (lpstat)",
                      hint=("sudo apt install cups cups-client", "sudo apt install cups "
                            "cups-client"), printer=name)
    try:
        if not name:
            out = _run([lpstat, "-d"])
            m = re.search(r"system default destination:\s*(\S+)", out.stdout)
            if m is None:
                return _check("printer", "skip", "chưa cấu hình máy in và không có máy in mặc "
                              "định", "no printer configured and no system default",
                              hint=("đặt [ui] printer = \"TÊN\" (lpstat -p), hoặc \"none\"",
                                    "set [ui] printer = \"NAME\" (lpstat -p), or \"none\""))
            name = m.group(1)
        out = _run([lpstat, "-p", name])
    except (OSError, subprocess.SubprocessError) as exc:
        return _check("printer", "fail", "không chạy được lpstat", "lpstat failed",
                      hint=("kiểm tra dịch vụ cups", "check the cups service"),
                      error=type(exc).__name__)
    text = (out.stdout + out.stderr).strip()
    if out.returncode != 0 or not out.stdout.startswith(f"printer {name} "):
        return _check("printer", "fail", f"không thấy máy in {name!r}", f"printer {name!r} not "
                      "found", hint=("kiểm tra tên: lpstat -p; đặt đúng [ui] printer",
                                     "check the name with lpstat -p; fix [ui] printer"),
                      printer=name, lpstat=text[:300])
    if "disabled" in out.stdout.split("\n", 1)[0]:
        return _check("printer", "fail", f"máy in {name} đang tắt (disabled)",
                      f"printer {name} is disabled", hint=(f"sudo cupsenable {name}",
                                                           f"sudo cupsenable {name}"),
                      printer=name, lpstat=text[:300])
    return _check("printer", "ok", f"máy in {name} sẵn sàng", f"printer {name} is ready",
                  printer=name, lpstat=text[:300])


def _printer_windows(name: str) -> Check:
    """Windows: ``Get-Printer`` (untested here; no Windows machine in CI)."""
    cmd = f"Get-Printer -Name '{name.replace(chr(39), chr(39) * 2)}'" if name else \
        "Get-CimInstance Win32_Printer -Filter 'Default=True' | Select-Object -ExpandProperty Name"
    try:
        out = _run(["powershell", "-NoProfile", "-Command", cmd])
    except (OSError, subprocess.SubprocessError) as exc:
        return _check("printer", "skip", "không chạy được PowerShell", "PowerShell failed",
                      error=type(exc).__name__)
    if out.returncode != 0 or not out.stdout.strip():
        return _check("printer", "fail", f"không thấy máy in {name or '(mặc định)'}",
                      f"printer {name or '(default)'} not found",
                      hint=("Settings > Printers; đặt đúng [ui] printer",
                            "Settings > Printers; fix [ui] printer"), printer=name)
    return _check("printer", "ok", "máy in sẵn sàng", "printer found", printer=name or
                  out.stdout.strip()[:100])


# --- disk and keys --------------------------------------------------------------------------------


def disk_status(free_bytes: int) -> Status:
    """fail under :data:`DISK_FAIL_BYTES`, warn under :data:`DISK_WARN_BYTES`, else ok."""
    if free_bytes < DISK_FAIL_BYTES:
        return "fail"
    return "warn" if free_bytes < DISK_WARN_BYTES else "ok"


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_disk(ctx: DoctorContext) -> Check:
    data_dir = ctx.cfg.data_dir
    where = _existing_parent(data_dir)
    usage = shutil.disk_usage(where)
    free_mb = usage.free // (1024 * 1024)
    details: dict[str, Any] = {"data_dir": str(data_dir), "free_mb": free_mb,
               "total_mb": usage.total // (1024 * 1024), "exists": data_dir.exists()}
    writable = True
    try:
        with tempfile.NamedTemporaryFile(dir=where, prefix=".doctor-"):
            pass
    except OSError:
        writable = False
    if not writable:
        return _check("disk", "fail", f"không ghi được vào {where}", f"{where} is not writable",
                      hint=(f"sudo chown -R <người dùng ki-ốt> {data_dir}",
                            f"sudo chown -R <kiosk user> {data_dir}"), **details)
    status = disk_status(usage.free)
    if status == "ok":
        return _check("disk", "ok", f"còn trống {free_mb} MB", f"{free_mb} MB free", **details)
    return _check("disk", status, f"ổ đĩa sắp đầy: còn {free_mb} MB", f"disk nearly full: "
                  f"{free_mb} MB free", hint=("xoá biên nhận cũ: kiosk outbox purge "
                  "--sent-before NGÀY; dọn tệp tạm", "purge old receipts: kiosk outbox purge "
                  "--sent-before DATE; clean temporary files"), **details)


def check_keys(ctx: DoctorContext) -> Check:
    cfg = ctx.cfg
    if os.name != "posix":
        return _check("keys", "skip", "quyền tệp kiểu POSIX không áp dụng trên Windows",
                      "POSIX file modes do not apply on Windows",
                      hint=("chỉ cho tài khoản ki-ốt đọc thư mục dữ liệu (icacls)",
                            "let only the kiosk account read the data folder (icacls)"))
    files = {"outbox_keys": cfg.key_file_path, "device_key": cfg.device_key_path}
    found: dict[str, str] = {}
    loose: list[Path] = []
    for label, path in files.items():
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        found[label] = f"{mode:o}"
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            loose.append(path)
    if loose:
        paths = " ".join(str(p) for p in loose)
        return _check("keys", "fail", "tệp khoá người khác đọc được",
                      "key files are readable by group or others",
                      hint=(f"chmod 600 {paths}", f"chmod 600 {paths}"), modes=found)
    if not found:
        return _check("keys", "ok", "chưa có tệp khoá (kho khoá hệ điều hành hoặc chưa tạo)",
                      "no key file (OS keyring, or not created yet)")
    return _check("keys", "ok", "tệp khoá chỉ chủ sở hữu đọc được (0600)",
                  "key files are private to their owner (0600)", modes=found)


# --- running --------------------------------------------------------------------------------------

CHECKS: dict[str, CheckFunction] = {
    "config": check_config,
    "reader": check_reader,
    "card": check_card,
    "trust": check_trust,
    "outbox": check_outbox,
    "intake": check_intake,
    "clock": check_clock,
    "enrolment": check_enrolment,
    "printer": check_printer,
    "disk": check_disk,
    "keys": check_keys,
}
CHECK_NAMES: tuple[str, ...] = tuple(CHECKS)


def _run_one(name: str, fn: CheckFunction, ctx: DoctorContext) -> Check:
    start = time.perf_counter()
    try:
        result = fn(ctx)
    except Exception as exc:  # a broken check must not hide the others
        result = _check(name, "fail", f"lỗi bất ngờ khi kiểm tra ({type(exc).__name__})",
                        f"the check itself failed ({type(exc).__name__})",
                        hint=("gửi kiosk support-bundle cho bộ phận hỗ trợ",
                              "send kiosk support-bundle to support"),
                        error=type(exc).__name__)
    return Check(result.name, result.status, result.message, result.hint, result.details,
                 time.perf_counter() - start)


def run_checks(
    cfg: KioskConfig,
    *,
    only: Iterable[str] | None = None,
    strict: bool = False,
    reader: str | None = None,
    now: Callable[[], float] = time.time,
) -> DoctorReport:
    """Run the checks named in ``only`` (all by default), in :data:`CHECK_NAMES` order.

    ``reader`` limits the reader and card checks to readers whose name contains it; ``now``
    is the clock (epoch seconds; tests move it).
    """
    wanted = set(CHECK_NAMES if only is None else only)
    unknown = sorted(wanted - set(CHECK_NAMES))
    if unknown:
        raise ValueError(f"unknown check {unknown[0]!r}; checks: {', '.join(CHECK_NAMES)}")
    ctx = DoctorContext(cfg, reader=reader, now=now)
    return DoctorReport(
        tuple(_run_one(n, CHECKS[n], ctx) for n in CHECK_NAMES if n in wanted), strict=strict
    )
