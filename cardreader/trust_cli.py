"""``cccd trust``: manage the trust store of CSCA certificates and CRLs.

    cccd trust import FILE... [--ml-anchor CERT] [--unverified] [--store DIR] [--json]
    cccd trust list [--country VN] [--crls] [--store DIR] [--json]

Errors raise :class:`CardReaderError`; ``cardreader.cli.main`` turns them into exit code 1 and
``{"error": {"code", "message"}}`` with --json.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
from pathlib import Path
from typing import Any

from cardreader.errors import InputError

EXIT_OK = 0
_STORE_HELP = "thư mục kho tin cậy / trust store folder (default: the user data folder)"


def add_trust_commands(sub: Any) -> None:
    """Register ``trust import`` and ``trust list`` on the ``cccd`` sub-parser set."""
    trust = sub.add_parser(
        "trust",
        help="kho tin cậy CSCA / the CSCA trust store (import, list)",
        description="Kho chứng chỉ CSCA và CRL dùng để xác thực thẻ / "
        "the CSCA certificates and CRLs used to verify cards.",
    )
    tsub = trust.add_subparsers(dest="trust_command", required=True)

    imp = tsub.add_parser(
        "import",
        help="nhập danh sách ICAO (.ml), chứng chỉ hoặc CRL / import master lists, "
        "certificates or CRLs",
    )
    imp.add_argument(
        "files", nargs="+", metavar="FILE", help="tệp .ml, .cer/.pem, .crl / files to import"
    )
    imp.add_argument(
        "--ml-anchor",
        metavar="CERT",
        help="chứng chỉ CSCA của bên ký danh sách / CSCA certificate of the master list's "
        "signer (e.g. DE_ROOT_CA_CSCA07.cer)",
    )
    imp.add_argument(
        "--unverified",
        action="store_true",
        help="nhập danh sách không xác minh được / import a master list without an anchor "
        "(its entries are marked NOT verified)",
    )
    imp.add_argument("--store", metavar="DIR", help=_STORE_HELP)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_trust_import)

    ls = tsub.add_parser("list", help="liệt kê kho tin cậy / list the trust store")
    ls.add_argument("--country", metavar="CC", help="mã quốc gia / country code, e.g. VN")
    ls.add_argument(
        "--crls", action="store_true", help="liệt kê CRL / list CRLs instead of certificates"
    )
    ls.add_argument("--store", metavar="DIR", help=_STORE_HELP)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_trust_list)


def _store(args: argparse.Namespace) -> Any:
    from cardreader.verify.trust_store import TrustStore

    return TrustStore(Path(args.store) if args.store else None)


def cmd_trust_import(args: argparse.Namespace) -> int:
    for name in [*args.files, *([args.ml_anchor] if args.ml_anchor else [])]:
        if not Path(name).is_file():
            raise InputError(f"không có tệp / no such file: {name}")
    store = _store(args)
    results = [
        store.import_file(Path(name), ml_anchor=args.ml_anchor, unverified=args.unverified)
        for name in args.files
    ]
    payload = {
        "store": str(store.path),
        "imported": [r.to_dict() for r in results],
        "total_certificates": len(store.entries(kind="certificate")),
        "total_crls": len(store.entries(kind="crl")),
    }
    lines = []
    for r in results:
        state = "đã xác minh / verified" if r.verified else "CHƯA xác minh / NOT verified"
        lines.append(
            f"{r.path}: {r.kind}, thêm {r.added} / added {r.added}, "
            f"đã có {r.already_present} / already present {r.already_present} [{state}]"
        )
        if r.message:
            lines.append(f"  {r.message}")
        lines.extend(f"  bỏ qua / skipped: {s}" for s in r.skipped)
    lines.append(
        f"Kho / store {store.path}: {payload['total_certificates']} chứng chỉ / certificates, "
        f"{payload['total_crls']} CRL"
    )
    _emit(args, payload, "\n".join(lines))
    return EXIT_OK


def cmd_trust_list(args: argparse.Namespace) -> int:
    country = args.country
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise InputError(f"mã quốc gia phải có 2 chữ cái / country must be 2 letters: {country}")
    store = _store(args)
    now = _dt.datetime.now(_dt.UTC)
    entries = store.entries(country=country, kind="crl" if args.crls else "certificate")
    payload = {"store": str(store.path), "entries": [e.to_dict(now) for e in entries]}
    lines = []
    for e in entries:
        flag = " [HẾT HẠN / EXPIRED]" if e.expired(now) else ""
        unverified = " [CHƯA xác minh / NOT verified]" if not e.verified else ""
        lines.append(f"{e.country or '??'}  {e.subject}{flag}{unverified}")
        label = "AKI" if e.kind == "crl" else "SKI"
        ident = (e.aki if e.kind == "crl" else e.ski) or "-"
        lines.append(
            f"    {label} {ident}  {e.not_before[:10]} → {e.not_after[:10] or '-'}  "
            f"{e.key}".rstrip()
        )
        lines.append(f"    {e.source}")
    lines.append(f"{len(entries)} mục / entries in {store.path}")
    _emit(args, payload, "\n".join(lines))
    return EXIT_OK


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(text)
