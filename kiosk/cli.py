"""``kiosk``: the application's command line: the Qt application, and the operator's commands.

    kiosk [--mode kiosk|counter|clinic] [--demo] [--lang vi|en] [--windowed] [--config FILE]
                                               run the application (no command)
    kiosk --demo --headless [--screenshots DIR] [--mode M]
                                               walk every screen of each mode by itself and
                                               save a PNG of each (no display needed)
    kiosk --version
    kiosk pin-hash [--json]                    hash an operator PIN for [ui] operator_pin_hash
    kiosk config show [--json] [--defaults]    the configuration in force, each value's source
    kiosk config check [FILE] [--json]         every problem of a file (exit 1 when invalid)
    kiosk support-bundle [--out FILE.zip] [--json]
                                               a zip for the support desk, no personal data
    kiosk [--config FILE] outbox status [--json]
    kiosk outbox retry-dead [--json]
    kiosk outbox purge --sent-before DATE [--json]
    kiosk outbox sync [--json]                 deliver what is due now, once
    kiosk outbox rotate-key [--retire] [--json]
    kiosk enroll [--url URL] [--label LABEL] [--token-file FILE] [--json]
    kiosk doctor [--json] [--check NAME]... [--strict] [--reader NAME]
                                               is this kiosk ready? (exit 1 when a check fails)

Errors are printed as ``{"error": {"code": ..., "message": ...}}`` on stdout with exit status 1,
never as a traceback. Human-readable output is Vietnamese first, English second.

To add a command: write ``def _cmd_x(args, cfg) -> int``, register its parser in
:func:`build_parser` with ``set_defaults(handler=_cmd_x)``. Options of the application go on the
top-level parser; they are refused with a command. This module imports no Qt: the UI is imported
only when it runs (after ``QT_QPA_PLATFORM`` is settled for ``--headless``).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any, NoReturn

import httpx

from kiosk.audit import OUTBOX_OPERATOR, AuditLog
from kiosk.config import (
    UI_LANGUAGES,
    UI_MODES,
    ConfigError,
    KioskConfig,
    hash_operator_pin,
    load_config,
    valid_pin,
)
from kiosk.device_key import DeviceKey, DeviceKeyError
from kiosk.doctor import CHECK_NAMES, run_checks
from kiosk.outbox.crypto import default_key_provider, retire_unused, rotate
from kiosk.outbox.errors import OutboxError
from kiosk.outbox.store import STATUSES, Outbox, OutboxStatus
from kiosk.outbox.sync import tls_verify

ENV_ENROLMENT_TOKEN = "KIOSK_ENROLMENT_TOKEN"
DEFAULT_SCREENSHOTS = Path("out/screenshots/walkthrough")
#: Top-level options that only make sense for the application (not with a command).
UI_OPTIONS = ("mode", "demo", "headless", "screenshots", "lang", "windowed")

Handler = Callable[[argparse.Namespace, KioskConfig], int]


class CliError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Parser(argparse.ArgumentParser):
    """Usage errors as JSON, exit status 1 (same contract as every other error)."""

    def error(self, message: str) -> NoReturn:
        _print_error("usage", f"{self.prog}: {message}")
        raise SystemExit(1)


def _print_error(code: str, message: str) -> None:
    print(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))


def _emit(doc: dict[str, Any], as_json: bool, human: str) -> None:
    print(json.dumps(doc, ensure_ascii=False) if as_json else human)


def _open_outbox(cfg: KioskConfig, *, recover: bool = False) -> Outbox:
    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    return Outbox(cfg.outbox_path, provider, dead_after=cfg.dead_letter_after,
                  dead_blocks_citizen=cfg.dead_blocks_citizen, recover=recover)


def _audit_operator(cfg: KioskConfig, action: str, **fields: object) -> None:
    """Operator actions on the outbox go to the audit log (counts only)."""
    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    with AuditLog(cfg.audit_log_path, provider.load().hmac_key) as log:
        log.record(OUTBOX_OPERATOR, action=action, **fields)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} giây ({seconds:.0f} s)"
    if seconds < 7200:
        return f"{seconds / 60:.0f} phút ({seconds / 60:.0f} min)"
    return f"{seconds / 3600:.1f} giờ ({seconds / 3600:.1f} h)"


def _status_text(st: OutboxStatus) -> str:
    c = st.counts
    lines = [
        f"Đang chờ gửi / queued: {c['queued']}",
        f"Đang gửi / sending: {c['sending']}",
        f"Đã gửi / sent: {c['sent']}",
        f"Lỗi, cần xử lý / dead: {c['dead']}",
        f"Hồ sơ chờ lâu nhất / oldest pending: {_age(st.oldest_pending_age_s)}",
    ]
    if st.dead:
        lines.append(f"Lỗi cũ nhất / oldest dead: {_age(st.oldest_dead_age_s)}")
    if st.blocked_by_dead:
        lines.append(f"Chờ hồ sơ lỗi của cùng người / held behind dead: {st.blocked_by_dead}")
    if st.last_error:
        lines.append(f"Lỗi gần nhất / last error: {st.last_error}")
    return "\n".join(lines)


# --- commands ----------------------------------------------------------------------------------


def _cmd_status(args: argparse.Namespace, cfg: KioskConfig) -> int:
    if not cfg.outbox_path.exists():
        st = OutboxStatus(dict.fromkeys(STATUSES, 0), None, None, None, None)
    else:
        with _open_outbox(cfg) as outbox:
            st = outbox.status()
    doc = {"outbox": str(cfg.outbox_path), **st.to_dict()}
    _emit(doc, args.json, _status_text(st))
    return 0


def _cmd_retry_dead(args: argparse.Namespace, cfg: KioskConfig) -> int:
    with _open_outbox(cfg) as outbox:
        n = outbox.retry_dead()
    _audit_operator(cfg, "retry_dead", count=n)
    _emit({"requeued": n}, args.json, f"Đã đưa lại vào hàng đợi / requeued: {n}")
    return 0


def parse_cutoff(text: str) -> datetime:
    """``YYYY-MM-DD`` (start of that day, local time) or an ISO 8601 date-time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            "invalid_input", f"--sent-before: not an ISO date (YYYY-MM-DD): {text!r}"
        ) from None
    if len(text) == 10:
        value = datetime.combine(value.date(), time())
    if value.tzinfo is None:
        value = value.astimezone()  # local time zone of the kiosk
    return value


def _cmd_purge(args: argparse.Namespace, cfg: KioskConfig) -> int:
    cutoff = parse_cutoff(args.sent_before)
    with _open_outbox(cfg) as outbox:
        n = outbox.purge(cutoff)
    _audit_operator(cfg, "purge", count=n)
    _emit({"purged": n, "sent_before": cutoff.isoformat()}, args.json,
          f"Đã xoá hồ sơ đã gửi / purged sent: {n}")
    return 0


def _cmd_sync(args: argparse.Namespace, cfg: KioskConfig) -> int:
    from kiosk.outbox.backoff import Backoff
    from kiosk.outbox.sync import SyncWorker

    key = DeviceKey.load(cfg.device_key_path)
    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    with _open_outbox(cfg, recover=True) as outbox, \
            AuditLog(cfg.audit_log_path, provider.load().hmac_key) as audit:
        worker = SyncWorker(
            outbox, cfg.intake_url, key, audit=audit,
            backoff=Backoff(cfg.backoff_base_s, cfg.backoff_cap_s),
            timeout_s=cfg.request_timeout_s,
            verify=str(cfg.intake_ca_file) if cfg.intake_ca_file else True,
        )
        totals = {"attempted": 0, "delivered": 0, "transient_failures": 0,
                  "permanent_failures": 0, "dead_lettered": 0}
        errors: list[str] = []
        try:
            while True:
                report = worker.run_once()
                for k in totals:
                    totals[k] += int(getattr(report, k))
                errors.extend(e for e in report.errors if e not in errors)
                if not report.batch_full or report.delivered == 0:
                    break
        finally:
            worker.close()
        st = outbox.status()
    doc = {**totals, "errors": errors, "status": st.to_dict()}
    _emit(doc, args.json, f"Đã gửi / delivered: {totals['delivered']} / "
          f"{totals['attempted']}\n{_status_text(st)}")
    return 0


def _cmd_rotate_key(args: argparse.Namespace, cfg: KioskConfig) -> int:
    provider = default_key_provider(cfg.key_file_path, use_keyring=cfg.use_keyring)
    keyset = rotate(provider)
    with _open_outbox(cfg) as outbox:
        rewrapped = outbox.rewrap()
        retired = retire_unused(provider, outbox.key_ids_in_use()) if args.retire else []
    _audit_operator(cfg, "rotate_key", key_id=keyset.current_id, rewrapped=rewrapped,
                    retired=len(retired))
    doc = {"current_key": keyset.current_id, "rewrapped": rewrapped, "retired": retired,
           "key_store": provider.description}
    _emit(doc, args.json,
          f"Khoá mới / new key: {keyset.current_id}; mã hoá lại / re-sealed: {rewrapped}; "
          f"khoá đã bỏ / retired: {', '.join(retired) or '-'}")
    return 0


def _cmd_enroll(args: argparse.Namespace, cfg: KioskConfig) -> int:
    token = os.environ.get(ENV_ENROLMENT_TOKEN, "")
    if args.token_file is not None:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CliError("invalid_input", f"--token-file: cannot read ({exc.strerror})") from exc
    if not token:
        raise CliError("invalid_input",
                       f"enrolment token needed: --token-file FILE or ${ENV_ENROLMENT_TOKEN}")
    url = (args.url or cfg.intake_url).rstrip("/")
    key = DeviceKey.load_or_create(cfg.device_key_path)
    body = json.dumps({"device_id": key.device_id, "public_key": key.public_key_b64,
                       "label": args.label}).encode("utf-8")
    verify = tls_verify(str(cfg.intake_ca_file)) if cfg.intake_ca_file else True
    with httpx.Client(timeout=cfg.request_timeout_s, verify=verify) as client:
        request = client.build_request("POST", url + "/v1/devices", content=body,
                                       headers={"Content-Type": "application/json",
                                                "Authorization": f"Bearer {token}"})
        request.headers.update(
            key.sign_request("POST", request.url.raw_path.decode("ascii"), body)
        )
        response = client.send(request)
    if response.status_code not in (200, 201):
        code = "enrolment_refused"
        with contextlib.suppress(ValueError, KeyError, TypeError):
            code = str(response.json()["error"]["code"])
        raise CliError(code, f"intake server refused the enrolment (HTTP {response.status_code})")
    doc = {"device_id": key.device_id, "enrolled": True, "new": response.status_code == 201,
           "intake_url": url}
    _emit(doc, args.json, f"Đã đăng ký thiết bị / device enrolled: {key.device_id} → {url}")
    return 0


def _cmd_doctor(args: argparse.Namespace, cfg: KioskConfig) -> int:
    report = run_checks(cfg, only=args.check or None, strict=args.strict, reader=args.reader)
    _emit(report.to_dict(), args.json, report.to_text())
    return report.exit_code


def _read_pin() -> str:
    if sys.stdin.isatty():
        pin = getpass.getpass("Mã PIN mới / new PIN (4-12 digits): ")
        if getpass.getpass("Nhập lại / again: ") != pin:
            raise CliError("invalid_input", "the two PINs differ")
        return pin
    return sys.stdin.readline().strip()


def _cmd_pin_hash(args: argparse.Namespace, cfg: KioskConfig) -> int:
    pin = _read_pin()
    if not valid_pin(pin):
        raise CliError("invalid_input", "operator PIN must be 4 to 12 digits")
    value = hash_operator_pin(pin)
    _emit({"operator_pin_hash": value}, args.json,
          f"# [ui] trong tệp cấu hình / in the configuration file:\n"
          f'operator_pin_hash = "{value}"')
    return 0


def _cmd_config_show(args: argparse.Namespace, cfg: KioskConfig) -> int:
    from kiosk import config_doc

    if not args.defaults:
        _emit(config_doc.show_document(cfg), args.json, config_doc.show_text(cfg))
    elif args.json:
        settings = {
            s.name: {"default": s.default, "allowed": s.allowed, "doc": s.doc,
                     "secret": s.secret, "when_unset": s.default_note or None}
            for s in config_doc.SETTINGS
        }  # fmt: skip
        print(json.dumps({"settings": settings}, ensure_ascii=False))
    else:
        print(config_doc.render_example(), end="")
    return 0


def _cmd_config_check(args: argparse.Namespace, cfg: KioskConfig) -> int:
    from kiosk.config import ENV_CONFIG
    from kiosk.config_doc import check_config

    path = args.file or args.config or os.environ.get(ENV_CONFIG)
    if not path:
        raise CliError("usage", f"which file? kiosk config check FILE (or --config FILE, "
                                f"${ENV_CONFIG})")
    issues = check_config(path)
    errors = [i for i in issues if i.severity == "error"]
    lines = [f"{'Lỗi / error' if i.severity == 'error' else 'Lưu ý / warning'}: "
             f"{i.key or '(file)'}: {i.message}" for i in issues]
    lines.append(f"Tệp cấu hình hợp lệ / valid: {path}" if not errors else
                 f"Tệp cấu hình có {len(errors)} lỗi / {len(errors)} error(s): {path}")
    _emit({"file": str(path), "valid": not errors, "problems": [i.to_dict() for i in issues]},
          args.json, "\n".join(lines))
    return 1 if errors else 0


def _cmd_support_bundle(args: argparse.Namespace, cfg: KioskConfig) -> int:
    from kiosk.support_bundle import build_bundle, default_bundle_name

    out = Path(args.out) if args.out else Path.cwd() / default_bundle_name()
    if out.suffix.lower() != ".zip":
        raise CliError("usage", f"--out must be a .zip file: {out}")
    from kiosk.config import ENV_CONFIG

    path = args.config or os.environ.get(ENV_CONFIG)
    build_bundle(cfg, out, config_error=getattr(args, "config_error", None),
                 config_path=Path(path) if path else None)
    _emit({"bundle": str(out), "bytes": out.stat().st_size}, args.json,
          f"Đã tạo gói hỗ trợ / support bundle written: {out}\n"
          f"Gửi tệp này cho bộ phận hỗ trợ / send this file to support.")
    return 0


def _load_for(args: argparse.Namespace) -> KioskConfig:
    """The configuration for a command; commands that must work with a broken file
    (``config check``, ``support-bundle``) get the defaults and ``args.config_error``."""
    if not getattr(args, "lenient_config", False):
        return load_config(args.config)
    try:
        return load_config(args.config)
    except ConfigError as exc:
        from kiosk.config import ENV_DATA_DIR

        args.config_error = exc.message
        data_dir = os.environ.get(ENV_DATA_DIR)
        return KioskConfig.defaults(Path(data_dir) if data_dir else None)


@contextlib.contextmanager
def _command_logging(cfg: KioskConfig) -> Iterator[None]:
    """A command logs to the data directory's rotating file (created only when something is
    logged) and, on a terminal, warnings to stderr; stdout stays the command's output."""
    import logging

    from kiosk.logs import CLI_LOG_FILE_NAME, setup_logging

    setup = setup_logging(cfg.data_dir, cfg.logs, console_level=logging.WARNING,
                          file_name=CLI_LOG_FILE_NAME)
    try:
        yield
    finally:
        setup.close()


def has_display(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a window can be shown (Linux: an X11 or Wayland display is set)."""
    env = os.environ if environ is None else environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) or sys.platform != "linux"


def _run_ui(args: argparse.Namespace) -> int:
    """No command: the application (or its headless walkthrough)."""
    if args.screenshots is not None and not args.headless:
        raise CliError("usage", "--screenshots needs --headless")
    if args.headless:
        if not args.demo:
            raise CliError("usage", "--headless needs --demo (it walks the demo card through "
                                    "every screen by itself)")
        if not has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # ui.walkthrough.run_walkthrough(out_dir, modes) -> int (the integration's module).
        walkthrough = importlib.import_module("ui.walkthrough")
        modes = [args.mode] if args.mode else list(UI_MODES)
        out = Path(args.screenshots) if args.screenshots else DEFAULT_SCREENSHOTS
        return int(walkthrough.run_walkthrough(out, modes))
    if not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise CliError("no_display", "no display (DISPLAY/WAYLAND_DISPLAY unset): run "
                                     "kiosk --demo --headless --screenshots DIR instead")
    cfg = load_config(args.config)
    from ui.app import AppOptions, run

    return run(AppOptions(mode=args.mode, demo=args.demo, config=args.config,
                          language=args.lang, windowed=args.windowed), cfg)


def program_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cccd-kiosk")
    except PackageNotFoundError:
        return "0+unknown"


# --- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="cccd-kiosk: ứng dụng ki-ốt / kiosk application")
    parser.add_argument("--config", help="TOML configuration file (else $CCCD_KIOSK_CONFIG)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    ui = parser.add_argument_group("ứng dụng / the application (no command)")
    ui.add_argument("--mode", choices=UI_MODES,
                    help="kiosk (touch, full screen), counter (one-stop desk), clinic (BHYT "
                         "check-in); default: [ui] mode")
    ui.add_argument("--demo", action="store_true",
                    help="the built-in virtual card and a local intake server (no reader)")
    ui.add_argument("--headless", action="store_true",
                    help="with --demo: walk every screen by itself and save screenshots")
    ui.add_argument("--screenshots", metavar="DIR",
                    help=f"with --headless: where the PNGs go (default {DEFAULT_SCREENSHOTS})")
    ui.add_argument("--lang", choices=UI_LANGUAGES, help="start language (default: [ui] language)")
    ui.add_argument("--windowed", action="store_true",
                    help="a normal window instead of full screen")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    outbox = commands.add_parser("outbox", help="hàng đợi gửi hồ sơ / the submission outbox")
    outbox_cmds = outbox.add_subparsers(dest="outbox_command", parser_class=_Parser)

    def sub(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = outbox_cmds.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(handler=handler)
        return p

    sub("status", _cmd_status, "số hồ sơ theo trạng thái / counts per state")
    sub("retry-dead", _cmd_retry_dead, "gửi lại hồ sơ lỗi / requeue dead submissions")
    purge = sub("purge", _cmd_purge, "xoá biên nhận cũ / delete old sent rows")
    purge.add_argument("--sent-before", required=True, metavar="DATE",
                       help="YYYY-MM-DD or ISO 8601 date-time")
    sub("sync", _cmd_sync, "gửi ngay / deliver what is due now")
    rot = sub("rotate-key", _cmd_rotate_key, "đổi khoá mã hoá / rotate the payload key")
    rot.add_argument("--retire", action="store_true",
                     help="drop keys no row uses (only after restarting the application)")

    enroll = commands.add_parser("enroll", help="đăng ký thiết bị / register this kiosk's key")
    enroll.add_argument("--url", help="intake server URL (default: from the configuration)")
    enroll.add_argument("--label", default="",
                        help="tên ki-ốt / a name for this kiosk, e.g. 'Quầy 1'")
    enroll.add_argument("--token-file", help=f"file with the enrolment token "
                        f"(else ${ENV_ENROLMENT_TOKEN})")
    enroll.add_argument("--json", action="store_true", help="machine-readable output")
    enroll.set_defaults(handler=_cmd_enroll)

    doctor = commands.add_parser("doctor", help="kiểm tra ki-ốt / is this kiosk ready? "
                                 "(exit status 1 when a check fails)")
    doctor.add_argument("--check", action="append", choices=CHECK_NAMES, metavar="NAME",
                        help=f"only this check (repeatable): {', '.join(CHECK_NAMES)}")
    doctor.add_argument("--strict", action="store_true", help="warnings also give exit status 1")
    doctor.add_argument("--reader", metavar="NAME",
                        help="test only readers whose name contains NAME")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.set_defaults(handler=_cmd_doctor)

    pin = commands.add_parser("pin-hash", help="mã PIN người vận hành / hash an operator PIN "
                              "(read from the terminal or one line of stdin)")
    pin.add_argument("--json", action="store_true", help="machine-readable output")
    pin.set_defaults(handler=_cmd_pin_hash)

    config = commands.add_parser("config", help="cấu hình / the configuration file")
    config_cmds = config.add_subparsers(dest="config_command", parser_class=_Parser)
    show = config_cmds.add_parser("show", help="cấu hình đang dùng / the configuration in "
                                  "force, each value with its source (secrets redacted)")
    show.add_argument("--defaults", action="store_true",
                      help="the documented defaults (the example file) instead")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_cmd_config_show)
    check = config_cmds.add_parser("check", help="kiểm tra tệp cấu hình / check a file: every "
                                   "problem, exit status 1 when invalid")
    check.add_argument("file", nargs="?", metavar="FILE",
                       help="the file (default: --config, else $CCCD_KIOSK_CONFIG)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_cmd_config_check, lenient_config=True)

    bundle = commands.add_parser("support-bundle", help="gói hỗ trợ / a zip for the support "
                                 "desk: versions, redacted config, doctor, logs (no personal "
                                 "data)")
    bundle.add_argument("--out", metavar="FILE.zip",
                        help="where to write it (default: ./cccd-kiosk-support-<time>.zip)")
    bundle.add_argument("--json", action="store_true", help="machine-readable output")
    bundle.set_defaults(handler=_cmd_support_bundle, lenient_config=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (1, already printed as JSON)
        return exc.code if isinstance(exc.code, int) else 1
    if args.version:
        print(f"kiosk {program_version()}")
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None and args.command is not None:  # "kiosk outbox" without its command
        parser.print_help()
        return 1
    try:
        if handler is None:
            return _run_ui(args)
        used = [f"--{o}" for o in UI_OPTIONS if getattr(args, o) not in (None, False)]
        if used:
            raise CliError("usage", f"{', '.join(used)}: only without a command")
        cfg = _load_for(args)
        with _command_logging(cfg):
            return handler(args, cfg)
    except CliError as exc:
        _print_error(exc.code, exc.message)
    except (ConfigError, DeviceKeyError, OutboxError) as exc:
        _print_error(exc.code, exc.message)
    except httpx.HTTPError as exc:
        _print_error("network", f"cannot reach the intake server ({type(exc).__name__})")
    except OSError as exc:
        _print_error("os_error", f"{type(exc).__name__}: {exc.strerror or exc}")
    except Exception as exc:  # the contract: never a traceback
        _print_error("internal", f"unexpected {type(exc).__name__}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
