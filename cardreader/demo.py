"""The headless demo: the built-in fake citizen card, read through a real PC/SC stack.

It starts pcscd with the vpcd driver (or reuses a running one), plugs the chip emulator in as a
virtual card, reads it exactly as a real card is read (``cccd read``), writes the dump and
card.json, and prints what was read. Fake citizen only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardreader.bac import BacKey
from cardreader.dump import parse_files, parsed_card_to_json, write_dump
from cardreader.emulator.chip import ChipConfig
from cardreader.emulator.fake_card import CSCA_PEM, demo_card_dir, load_chip_secrets
from cardreader.emulator.from_dump import chip_from_dump
from cardreader.emulator.pcscd import PcscdStack
from cardreader.emulator.vpcd import VirtualCard
from cardreader.reading import read_from_reader
from cardreader.verify.passive import passive_authentication
from cardreader.verify.trust_store import load_trust_sources
from cardreader.verify.verdict import card_verdict

VIRTUAL_READER = "Virtual PCD 00 00"


def run_demo(out: Path, *, as_json: bool = False) -> int:
    card_dir = demo_card_dir()
    secrets = load_chip_secrets(card_dir)
    key = BacKey(secrets.document_number, secrets.date_of_birth, secrets.date_of_expiry)
    with PcscdStack() as stack:
        card = VirtualCard(chip_from_dump(card_dir, ChipConfig(max_le=0xDF)))
        card.insert()
        try:
            _wait_present()
            result, reader, _atr = read_from_reader(VIRTUAL_READER, key)
        finally:
            card.remove()
        started = stack.started
    write_dump(out, result.files)
    data = parsed_card_to_json(parse_files(result.files))
    data["read"] = result.statistics()
    data["access"] = result.access.to_dict()
    # The demo card is signed by the project's TEST CSCA: trust it for the demo only, and say so.
    trust = load_trust_sources([card_dir / CSCA_PEM])
    verdict = card_verdict(
        passive_authentication(result.files, trust), result.chip_auth, result.active_auth
    )
    data["verification"] = verdict.to_dict()
    (out / "card.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    p = data["personal"]
    print("Thẻ CCCD ảo (dữ liệu giả) / Virtual CCCD card (fake data)")
    print(f"  Đầu đọc / reader: {reader} (pcscd {'started for the demo' if started else 'reused'})")
    print(f"  Truy cập / access: {result.access.method}, PACE {result.access.pace_result}")
    for label, field in (
        ("Số định danh / ID number", "id_number"),
        ("Họ và tên / Full name", "full_name"),
        ("Ngày sinh / Date of birth", "date_of_birth"),
        ("Giới tính / Sex", "sex"),
        ("Quê quán / Place of origin", "place_of_origin"),
        ("Nơi thường trú / Residence", "place_of_residence"),
        ("Có giá trị đến / Expires", "date_of_expiry"),
    ):
        print(f"  {label}: {p.get(field)}")
    print(f"  Xác thực / verdict: {verdict.message_vi} / {verdict.message_en}")
    print("    (chữ ký của CSCA THỬ NGHIỆM / signed by the TEST CSCA, trusted for the demo only)")
    for label, auth in (("CA", result.chip_auth), ("AA", result.active_auth)):
        if auth is not None:
            print(f"    {label}: {'ok' if auth.ok else 'FAILED'} ({auth.detail})")
    face = data.get("face") or {}
    print(f"  Ảnh / face: {face.get('format')} {face.get('width')}x{face.get('height')}")
    text_ms = (result.seconds_to_text or 0) * 1000
    print(
        f"  Đọc / read: {result.apdus} APDUs, {result.bytes_received} bytes in "
        f"{result.seconds_total * 1000:.0f} ms (text after {text_ms:.0f} ms)"
    )
    print(f"  Files: {out}")
    return 0


def _wait_present(timeout: float = 10.0) -> None:
    import time

    from cardreader.transport.pcsc import PcscContext

    deadline = time.monotonic() + timeout
    with PcscContext() as ctx:
        while time.monotonic() < deadline:
            if VIRTUAL_READER in ctx.readers() and ctx.card_present(VIRTUAL_READER):
                return
            time.sleep(0.02)
    raise TimeoutError("pcscd did not see the virtual card")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="cccd demo")
    p.add_argument("--out", default="out/demo-card")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    from cardreader.cli import main as cli_main

    return cli_main(["demo", "--out", args.out, *(["--json"] if args.json else [])])


if __name__ == "__main__":
    sys.exit(main())
