from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from cardreader.dump import (
    MAX_FILE_BYTES,
    load_dump,
    parse_dump,
    parsed_card_to_json,
    write_dump,
)
from cardreader.errors import InputError, LimitExceededError
from cardreader.lds import files
from cardreader.lds.card_access import encode_card_access, pace_info
from cardreader.lds.com import encode_com
from cardreader.lds.dg1 import encode_dg1
from cardreader.lds.dg2 import encode_dg2
from cardreader.lds.dg13 import encode_dg13
from tests.cardreader.lds_fakes import FAKE_ID, fake_mrz, fake_personal, image_bytes

TODAY = date(2026, 11, 23)


def fake_card() -> dict[files.LdsFile, bytes]:
    pace = pace_info(key_agreement="ECDH", mapping="GM", cipher="AES-128", parameter_id=13)
    return {
        files.COM: encode_com((0x61, 0x75, 0x6D)),
        files.SOD: b"\x77\x03\x30\x01\x00",
        files.DG1: encode_dg1(fake_mrz()),
        files.DG2: encode_dg2(image_bytes(30, 40), 30, 40),
        files.DG13: encode_dg13(fake_personal()),
        files.CARD_ACCESS: encode_card_access([pace]),
    }


def test_write_then_load_round_trip(tmp_path: Path) -> None:
    card = fake_card()
    out = write_dump(tmp_path / "card", card)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f.dump_name for f in card)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert load_dump(out) == card


def test_load_ignores_unknown_files(tmp_path: Path) -> None:
    write_dump(tmp_path, {files.DG1: encode_dg1(fake_mrz())})
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "dg3.bin").write_bytes(b"\x63\x00")
    assert list(load_dump(tmp_path)) == [files.DG1]


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_dump(tmp_path / "nope")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(InputError, match="not a folder"):
        load_dump(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds none of"):
        load_dump(tmp_path / "empty")


def test_size_cap(tmp_path: Path) -> None:
    (tmp_path / "dg2.bin").write_bytes(b"\x00" * (MAX_FILE_BYTES + 1))
    with pytest.raises(LimitExceededError, match=r"dg2\.bin"):
        load_dump(tmp_path)


def test_parse_dump_and_json(tmp_path: Path) -> None:
    write_dump(tmp_path, fake_card())
    parsed = parse_dump(tmp_path, today=TODAY)
    assert parsed.errors == ()
    assert parsed.sod == b"\x77\x03\x30\x01\x00"
    assert parsed.card_access is not None and len(parsed.card_access.pace_infos) == 1
    doc = parsed_card_to_json(parsed)
    assert set(doc) == {"mrz", "personal", "face", "errors"}
    json.dumps(doc, ensure_ascii=False)  # serialisable as is
    assert doc["errors"] == []
    assert doc["face"] == {"format": "jpeg", "width": 30, "height": 40}
    assert doc["personal"] == {
        "id_number": FAKE_ID,
        "full_name": "Nguyễn Văn Thử",
        "date_of_birth": "2003-04-05",
        "sex": "M",
        "nationality": "Việt Nam",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Xã Thử Nghiệm, Huyện Mẫu, Tỉnh Giả Định",
        "place_of_residence": "Số 1 Phố Thử, Phường Mẫu, Quận Giả, Hà Nội",
        "identifying_features": "Nốt ruồi C:1cm trên đuôi mắt phải",
        "date_of_issue": "2021-01-02",
        "date_of_expiry": "2028-04-05",
        "father_name": "Nguyễn Văn Cha",
        "mother_name": "Trần Thị Mẹ",
        "spouse_name": None,
        "old_id_number": "012345678",
    }
    mrz = doc["mrz"]
    assert mrz["document_number"] == FAKE_ID[3:]
    assert mrz["date_of_birth"] == "2003-04-05"
    assert mrz["date_of_expiry"] == "2028-04-05"
    assert mrz["check_digits_valid"] is True
    assert mrz["failed_checks"] == []
    assert mrz["primary_identifier"] == "NGUYEN"
    for key in (
        "document_code", "issuing_state", "document_number_check", "optional_data_1",
        "date_of_birth_raw", "date_of_birth_check", "sex", "date_of_expiry_raw",
        "date_of_expiry_check", "nationality", "optional_data_2", "composite_check",
        "secondary_identifier",
    ):  # fmt: skip
        assert key in mrz


def test_errors_are_collected_not_fatal(tmp_path: Path) -> None:
    card = fake_card()
    card[files.DG13] = b"\x6d\x05\x30\x03\x02\x01"  # truncated
    card[files.DG1] = encode_dg1(fake_mrz())[:-3]
    del card[files.DG2]
    write_dump(tmp_path, card)
    parsed = parse_dump(tmp_path, today=TODAY)
    by_file = {e.file: e for e in parsed.errors}
    assert set(by_file) == {"dg1", "dg13", "dg2"}
    assert by_file["dg1"].code == "malformed"
    assert by_file["dg13"].code == "malformed"
    assert by_file["dg2"].code == "missing"  # EF.COM lists it
    assert parsed.dg1 is None and parsed.dg13 is None
    assert parsed.card_access is not None  # the rest still parsed
    doc = parsed_card_to_json(parsed)
    assert doc["mrz"] is None and doc["face"] is None
    assert doc["personal"]["id_number"] is None
    assert {e["file"] for e in doc["errors"]} == {"dg1", "dg13", "dg2"}
    assert all(set(e) == {"file", "code", "message"} for e in doc["errors"])


def test_inconsistencies_reach_the_json_errors(tmp_path: Path) -> None:
    card = fake_card()
    card[files.DG13] = encode_dg13(fake_personal(id_number="001203099999"))
    write_dump(tmp_path, card)
    doc = parsed_card_to_json(parse_dump(tmp_path, today=TODAY))
    assert {"file": "citizen", "code": "inconsistent"}.items() <= doc["errors"][0].items()


def test_no_expiry_json(tmp_path: Path) -> None:
    card = fake_card()
    card[files.DG1] = encode_dg1(fake_mrz(expiry=None))
    card[files.DG13] = encode_dg13(fake_personal(date_of_expiry=None, expiry_text="Không thời hạn"))
    write_dump(tmp_path, card)
    doc = parsed_card_to_json(parse_dump(tmp_path, today=TODAY))
    assert doc["personal"]["date_of_expiry"] is None
    assert doc["mrz"]["date_of_expiry_raw"] == "991231"
    assert doc["mrz"]["no_expiry"] is True
    assert doc["errors"] == []
