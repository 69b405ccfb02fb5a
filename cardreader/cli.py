"""The ``cccd`` command line: list readers, read a card, parse a dump, run the emulator.

Every failure exits with code 1 and a one-line message (``{"error": {"code", "message"}}`` with
--json); never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cardreader.bac import BacKey
from cardreader.errors import CardReaderError, InputError
from cardreader.trust_cli import add_trust_commands

EXIT_OK = 0
EXIT_ERROR = 1


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(text)


# --- readers ---------------------------------------------------------------------------------


def cmd_readers(args: argparse.Namespace) -> int:
    from cardreader.transport.pcsc import list_readers

    readers = list_readers()
    lines = [f"{r.name}\t{'card' if r.card_present else 'empty'}" for r in readers]
    _emit(
        args,
        {"readers": [r.to_dict() for r in readers]},
        "\n".join(lines) if lines else "no readers",
    )
    return EXIT_OK


# --- keys --------------------------------------------------------------------------------


def _date_arg(text: str, what: str) -> datetime.date:
    """YYYY-MM-DD, or YYMMDD as in the MRZ (a birth date is never in the future)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.date.fromisoformat(text)
        if re.fullmatch(r"\d{6}", text):
            day = datetime.datetime.strptime(text, "%y%m%d").date()
            if day > datetime.date.today():
                day = day.replace(year=day.year - 100)
            return day
    except ValueError:
        pass
    raise InputError(f"{what} must be YYYY-MM-DD or YYMMDD, not {text!r}")


def _chip_keys(args: argparse.Namespace) -> Any:
    """The keys to open the chip, from whatever the operator gave (QR text, ID number and
    birth date, CAN, or the MRZ fields)."""
    from cardreader.access import ChipKeys
    from cardreader.access_keys import access_keys_from_qr, bac_candidates

    given = [bool(args.qr_text), bool(args.id_number), bool(args.doc_number)]
    if sum(given) > 1:
        raise InputError("give only one of --qr-text, --id-number, --doc-number")
    if args.qr_text:
        from cardreader.qr.wedge import parse_wedge_text

        return access_keys_from_qr(parse_wedge_text(args.qr_text).card)
    if args.id_number:
        if not args.birth_date:
            raise InputError("--id-number needs --birth-date (YYYY-MM-DD)")
        dob = _date_arg(args.birth_date, "--birth-date")
        bac = tuple(bac_candidates(args.id_number, dob))
        return ChipKeys(args.can or args.id_number[-6:], bac)
    if args.doc_number:
        if not (args.birth_date and args.expiry_date):
            raise InputError("--doc-number needs --birth-date and --expiry-date (YYMMDD)")
        return ChipKeys(args.can, (BacKey(args.doc_number, args.birth_date, args.expiry_date),))
    if args.can:
        return ChipKeys(args.can, ())
    raise InputError(
        "give the QR text (--qr-text), the ID number and birth date (--id-number, --birth-date),"
        " the CAN (--can) or the MRZ fields (--doc-number, --birth-date, --expiry-date)"
    )


# --- qr ----------------------------------------------------------------------------------


def cmd_qr(args: argparse.Namespace) -> int:
    from cardreader.errors import QrNotFoundError
    from cardreader.qr.decode import decode_qr
    from cardreader.qr.payload import parse_cccd_qr
    from cardreader.qr.wedge import parse_wedge_text

    if args.text is not None:
        result = parse_wedge_text(args.text)
        data = result.card.to_mapping()
        data.update(
            {"repairs": list(result.repairs), "degraded": result.degraded,
             "reasons": list(result.reasons)}
        )  # fmt: skip
        _emit(args, data, _qr_text(data))
        return EXIT_OK
    if not args.images:
        raise InputError("give one or more images, or --text")
    from PIL import Image

    found: list[dict[str, object]] = []
    last_error: CardReaderError | None = None
    for name in args.images:
        try:
            with Image.open(name) as image:
                payloads = decode_qr(image)
        except QrNotFoundError as exc:
            last_error = exc
            continue
        except OSError as exc:
            raise InputError(f"{name}: not a readable image ({exc})") from exc
        for payload in payloads:
            try:
                card = parse_cccd_qr(payload)
            except CardReaderError as exc:
                last_error = exc
                continue
            found.append({"image": str(name), **card.to_mapping()})
            break
    if not found:
        raise QrNotFoundError(
            "không tìm thấy mã QR của thẻ / no card QR code found"
            + (f" ({last_error.message})" if last_error else "")
        )
    payload_out: object = found[0] if len(found) == 1 else found
    if args.json:
        print(json.dumps(payload_out, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(_qr_text(d) for d in found))
    return EXIT_OK


def _qr_text(data: dict[str, object]) -> str:
    keys = ("id_number", "old_id_number", "full_name", "date_of_birth", "sex", "address",
            "date_of_issue")  # fmt: skip
    return "\n".join(f"{k}: {data.get(k)}" for k in keys if data.get(k) is not None)


# --- read ------------------------------------------------------------------------------------


def cmd_read(args: argparse.Namespace) -> int:
    from cardreader.dump import parse_files, parsed_card_to_json, write_dump
    from cardreader.reading import read_from_reader

    key = _chip_keys(args)
    out = Path(args.out)

    def progress(f: Any, done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{f.name}: {done}/{total} bytes", end="", file=sys.stderr, flush=True)

    trust = _trust_source(args.trust) if args.verify else None
    result, reader_name, atr = read_from_reader(
        args.reader,
        key,
        skip_face=args.skip_face,
        on_progress=progress,
        authenticate=args.verify,
    )
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    write_dump(out, result.files)
    parsed = parse_files(result.files)
    card = parsed_card_to_json(parsed)
    card["read"] = result.statistics()
    card["access"] = result.access.to_dict()
    card["reader"] = {"name": reader_name, "atr": atr.hex().upper()}
    card["failures"] = [f.to_dict() for f in result.failures]
    verdict = None
    if args.verify:
        from cardreader.verify.passive import passive_authentication
        from cardreader.verify.verdict import card_verdict

        verdict = card_verdict(
            passive_authentication(result.files, trust), result.chip_auth, result.active_auth
        )
        card["verification"] = verdict.to_dict()
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), "utf-8")
    (out / "card.json").chmod(0o600)
    summary = (
        f"read {len(result.files)} files in {result.seconds_total:.2f} s "
        f"({result.apdus} APDUs) into {out}"
    )
    if verdict is not None:
        summary += f"\n{verdict.message_vi} / {verdict.message_en} [{verdict.verdict}]"
    _emit(args, card, summary)
    return EXIT_OK


# --- verify ----------------------------------------------------------------------------------

EXIT_UNTRUSTED = 2


def _trust_source(paths: list[str] | None) -> Any:
    """--trust PATH... (certificates, folders, master lists, CRLs), else the default store."""
    if paths:
        from cardreader.verify.trust_store import load_trust_sources

        return load_trust_sources(paths)
    from cardreader.verify.trust_store import TrustStore

    return TrustStore()


def cmd_verify(args: argparse.Namespace) -> int:
    from cardreader.dump import load_dump
    from cardreader.verify.passive import passive_authentication

    files = load_dump(args.dir)
    trust = _trust_source(args.trust)
    result = passive_authentication(files, trust)
    data = result.to_dict()
    warnings = list(getattr(trust, "warnings", []))
    data["trust_warnings"] = warnings  # e.g. a master list used without a verified anchor
    lines = [f"status: {result.status}"] + [f"  warning: {w}" for w in warnings]
    lines += [f"  {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in result.checks]
    _emit(args, data, "\n".join(lines))
    return {"valid": EXIT_OK, "invalid": EXIT_ERROR, "untrusted": EXIT_UNTRUSTED}[result.status]


# --- parse -----------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    from cardreader.dump import parse_dump, parsed_card_to_json

    parsed = parse_dump(args.dir)
    data = parsed_card_to_json(parsed)
    personal = data.get("personal") or {}
    text = "\n".join(f"{k}: {v}" for k, v in personal.items() if v is not None)
    _emit(args, data, text or "no personal data parsed")
    return EXIT_OK


# --- emulate ---------------------------------------------------------------------------------


def cmd_emulate(args: argparse.Namespace) -> int:
    from cardreader.emulator.chip import ChipConfig
    from cardreader.emulator.from_dump import chip_from_dump
    from cardreader.emulator.vpcd import LinkModel, VirtualCard

    if args.demo:
        from cardreader.emulator.fake_card import demo_card_dir

        directory = demo_card_dir()
    elif args.dump:
        directory = Path(args.dump)
    else:
        raise InputError("give --dump DIR or --demo")
    if not 1 <= args.max_le <= 65536:
        raise InputError("--max-le must be 1..65536")
    config = ChipConfig(max_le=args.max_le, extended=args.extended, cloned=args.cloned)
    chip = chip_from_dump(directory, config)
    link = LinkModel(latency=args.latency_ms / 1000.0, link_bps=args.link_bps or None)
    card = VirtualCard(chip, host=args.host, port=args.port, link=link)
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    card.insert()
    _emit(
        args,
        {"emulating": str(directory), "host": args.host, "port": args.port, "cloned": args.cloned},
        f"{'CLONED ' if args.cloned else ''}card from {directory} inserted in vpcd "
        f"{args.host}:{args.port}; Ctrl-C to remove",
    )
    sys.stdout.flush()
    try:
        while not stop:
            if not card.inserted:  # pcscd went away: plug in again when it is back
                card.insert(timeout=3600)
            time.sleep(0.2)
    finally:
        card.remove()
    return EXIT_OK


# --- demo ----------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from cardreader.demo import run_demo

    return run_demo(Path(args.out), as_json=args.json)


# --- wiring ----------------------------------------------------------------------------------


def _add_trust_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trust",
        action="append",
        metavar="PATH",
        help="CSCA certificate, folder, master list or CRL (default: the trust store)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cccd", description="Read and check Vietnam's chip ID card (CCCD / Căn cước)."
    )
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("readers", help="list PC/SC readers")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_readers)

    rd = sub.add_parser("read", help="read a card into a dump folder")
    rd.add_argument("--reader", help="reader name (or part of it)")
    rd.add_argument("--doc-number", help="last 9 digits of the 12-digit ID number (MRZ)")
    rd.add_argument("--birth-date", help="YYMMDD (with --doc-number) or YYYY-MM-DD")
    rd.add_argument("--expiry-date", help="YYMMDD (with --doc-number)")
    rd.add_argument("--qr-text", help="the card's QR text (as a scanner types it)")
    rd.add_argument("--id-number", help="12-digit ID number (with --birth-date)")
    rd.add_argument("--can", help="6-digit CAN for PACE (the last 6 digits of the ID number)")
    rd.add_argument("--out", required=True, help="folder for the raw files and card.json")
    rd.add_argument("--skip-face", action="store_true", help="do not read DG2 (the photo)")
    rd.add_argument(
        "--no-verify",
        dest="verify",
        action="store_false",
        help="skip passive, active and chip authentication",
    )
    _add_trust_option(rd)
    rd.add_argument("--json", action="store_true")
    rd.set_defaults(func=cmd_read)

    qr = sub.add_parser("qr", help="read a card's QR code from images or scanner text")
    qr.add_argument("images", nargs="*", metavar="IMAGE")
    qr.add_argument("--text", help="QR text as a keyboard-wedge scanner typed it")
    qr.add_argument("--json", action="store_true")
    qr.set_defaults(func=cmd_qr)

    vf = sub.add_parser(
        "verify", help="passive authentication of a dump (exit 0 valid, 1 invalid, 2 untrusted)"
    )
    vf.add_argument("dir")
    _add_trust_option(vf)
    vf.add_argument("--json", action="store_true")
    vf.set_defaults(func=cmd_verify)

    ps = sub.add_parser("parse", help="parse a dump folder")
    ps.add_argument("dir")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(func=cmd_parse)

    em = sub.add_parser("emulate", help="plug the chip emulator into pcscd (vpcd)")
    src = em.add_mutually_exclusive_group(required=True)
    src.add_argument("--dump", help="dump folder to serve")
    src.add_argument("--demo", action="store_true", help="the built-in fake citizen card")
    em.add_argument("--host", default="127.0.0.1")
    em.add_argument("--port", type=int, default=35963)
    em.add_argument(
        "--max-le",
        type=lambda s: int(s, 0),
        default=256,
        help="largest READ BINARY answer in bytes (e.g. 0xDF)",
    )
    em.add_argument("--extended", action="store_true", help="support extended length")
    em.add_argument("--latency-ms", type=float, default=0.0, help="added delay per APDU")
    em.add_argument("--link-bps", type=int, default=0, help="emulated link speed, bits/s")
    em.add_argument(
        "--cloned",
        action="store_true",
        help="act as a copied chip: same files, fresh AA/CA private keys (must be caught)",
    )
    em.add_argument("--json", action="store_true")
    em.set_defaults(func=cmd_emulate)

    dm = sub.add_parser("demo", help="read the built-in virtual card through pcscd (headless)")
    dm.add_argument("--out", default="out/demo-card", help="folder for the dump and card.json")
    dm.add_argument("--json", action="store_true")
    dm.set_defaults(func=cmd_demo)
    add_trust_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    want_json = "--json" in argv
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage
        code = exc.code if isinstance(exc.code, int) else EXIT_ERROR
        return EXIT_ERROR if code else EXIT_OK
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CardReaderError as exc:
        return _fail(want_json, exc.code, exc.message)
    except BrokenPipeError:  # output piped into a program that stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        return _fail(want_json, "interrupted", "interrupted")
    except OSError as exc:
        return _fail(want_json, "os_error", f"{exc.strerror or exc}: {exc.filename or ''}".strip())
    except Exception as exc:
        return _fail(want_json, "internal", f"internal error: {type(exc).__name__}: {exc}")


def _fail(want_json: bool, code: str, message: str) -> int:
    if want_json:
        print(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    else:
        print(f"cccd: error: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
