"""The fake citizen card: every file parses, data matches the citizen, SOD and chain verify."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from PIL import Image

from cardreader.dump import parse_dump
from cardreader.emulator.face import draw_face, make_face_jpeg
from cardreader.emulator.fake_card import (
    DEMO_CITIZEN,
    DEMO_CITIZEN_FEMALE,
    FakeCard,
    FakeCitizen,
    build_fake_card,
    cccd_expiry,
    demo_card_dir,
    load_chip_secrets,
)
from cardreader.emulator.issuer import make_issuer
from cardreader.errors import ParseError
from cardreader.lds.card_access import parse_card_access
from cardreader.lds.com import parse_com
from cardreader.lds.dg1 import parse_dg1
from cardreader.lds.dg2 import decode_face, parse_dg2
from cardreader.lds.dg13 import parse_dg13
from cardreader.lds.dg14 import parse_dg14
from cardreader.lds.dg15 import parse_dg15
from cardreader.lds.files import by_dump_name
from cardreader.lds.sod import Sod, hash_algorithm, parse_sod

TODAY = dt.date(2026, 11, 23)  # the project's reference "today" for validity checks


@functools.cache
def _card(citizen: FakeCitizen = DEMO_CITIZEN) -> FakeCard:
    return build_fake_card(citizen)


def _spki(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _verify_sod(sod: Sod, cert: x509.Certificate) -> None:
    key = cert.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(
        sod.signature, sod.signed_attrs_der, ec.ECDSA(hash_algorithm(sod.signature_hash_algorithm))
    )


@pytest.mark.parametrize("citizen", [DEMO_CITIZEN, DEMO_CITIZEN_FEMALE])
def test_every_file_parses_and_matches_the_citizen(citizen: FakeCitizen) -> None:
    card = _card(citizen)
    assert set(card.files) == {
        "cardaccess.bin", "com.bin", "sod.bin",
        "dg1.bin", "dg2.bin", "dg13.bin", "dg14.bin", "dg15.bin",
    }  # fmt: skip

    mrz = parse_dg1(card.files["dg1.bin"], today=TODAY).mrz
    assert mrz.check_digits_valid
    assert mrz.document_code == "ID" and mrz.issuing_state == "VNM"
    assert mrz.document_number == citizen.id_number[3:] == card.document_number
    assert mrz.id_number == citizen.id_number
    assert mrz.date_of_birth == citizen.date_of_birth
    assert mrz.date_of_expiry == citizen.date_of_expiry
    assert mrz.date_of_birth_raw == card.date_of_birth
    assert mrz.date_of_expiry_raw == card.date_of_expiry
    assert mrz.sex == {"Nam": "M", "Nữ": "F"}[citizen.sex]
    assert mrz.nationality == "VNM"

    personal = parse_dg13(card.files["dg13.bin"]).personal
    assert personal == citizen.personal_data()
    assert personal.full_name == citizen.full_name
    assert personal.place_of_residence == citizen.place_of_residence
    assert personal.date_of_expiry == citizen.date_of_expiry
    assert card.can == citizen.id_number[-6:]

    com = parse_com(card.files["com.bin"])
    assert com.dg_numbers == (1, 2, 13, 14, 15)

    face = parse_dg2(card.files["dg2.bin"]).face
    assert face is not None and face.format == "jpeg"
    assert (face.width, face.height) == (360, 480)
    assert abs(len(face.image) - 18_000) <= 1_800
    img = decode_face(face)
    assert img.size == (360, 480)
    assert Image.open(io.BytesIO(face.image)).format == "JPEG"


@pytest.mark.parametrize("citizen", [DEMO_CITIZEN, DEMO_CITIZEN_FEMALE])
def test_citizen_record_from_the_dump_equals_the_fake_citizen(
    citizen: FakeCitizen, tmp_path: Path
) -> None:
    parsed = parse_dump(_card(citizen).write(tmp_path / "card"), today=TODAY)
    assert parsed.errors == ()
    c = parsed.citizen
    assert c.consistent, c.inconsistencies
    assert c.id_number == citizen.id_number
    assert c.full_name == citizen.full_name
    assert c.date_of_birth == citizen.date_of_birth
    assert c.sex == citizen.sex_code
    assert c.nationality == citizen.nationality
    assert c.ethnicity == citizen.ethnicity
    assert c.religion == citizen.religion
    assert c.place_of_origin == citizen.place_of_origin
    assert c.place_of_residence == citizen.place_of_residence
    assert c.identifying_features == citizen.identifying_features
    assert c.date_of_issue == citizen.date_of_issue
    assert c.date_of_expiry == citizen.date_of_expiry
    assert not c.no_expiry
    assert c.father_name == citizen.father_name
    assert c.mother_name == citizen.mother_name
    assert c.spouse_name == citizen.spouse_name
    assert c.old_id_number == citizen.old_id_number
    assert c.face is not None and c.face.width == 360


def test_sod_hashes_signature_and_chain() -> None:
    card = _card()
    sod = parse_sod(card.files["sod.bin"])
    groups = {n: card.files[f"dg{n}.bin"] for n in (1, 2, 13, 14, 15)}
    assert sod.data_group_hashes == {n: hashlib.sha256(raw).digest() for n, raw in groups.items()}
    ds_cert = x509.load_der_x509_certificate(sod.certificates[0])
    assert ds_cert == card.document_signer.certificate
    _verify_sod(sod, ds_cert)
    ds_cert.verify_directly_issued_by(card.issuer.certificate)
    # The DS and CSCA are valid on the day the card was issued and today.
    for day in (card.citizen.date_of_issue, TODAY):
        when = dt.datetime.combine(day, dt.time(12), dt.UTC)
        for cert in (ds_cert, card.issuer.certificate):
            assert cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


def test_chip_keys_match_dg14_dg15_and_card_access() -> None:
    card = _card()
    secrets = card.secrets()
    aa = secrets.aa_private_key()
    assert isinstance(aa, rsa.RSAPrivateKey) and aa.key_size == 1024
    assert parse_dg15(card.files["dg15.bin"]).public_key_der == _spki(aa)

    dg14 = parse_dg14(card.files["dg14.bin"])
    ca = secrets.ca_private_key()
    assert ca is not None and isinstance(ca.curve, ec.SECP256R1)
    (pk,) = dg14.chip_authentication_public_keys
    assert pk.public_key_der == _spki(ca)
    (info,) = dg14.chip_authentication_infos
    assert (info.key_agreement, info.cipher, info.version) == ("ECDH", "AES-128", 1)
    assert dg14.active_authentication_info is None  # RSA AA needs no AA info

    (pace,) = parse_card_access(card.files["cardaccess.bin"]).pace_infos
    assert (pace.key_agreement, pace.mapping, pace.cipher) == ("ECDH", "GM", "AES-128")
    assert pace.version == 2 and pace.parameter_id == 13
    assert pace.parameter_name == "brainpoolP256r1"
    assert dg14.pace_infos == (pace,)


def test_variants_without_optional_groups_and_with_other_keys() -> None:
    issuer = make_issuer("rsa-pss-2048")
    card = build_fake_card(
        DEMO_CITIZEN_FEMALE,
        issuer=issuer,
        signer_key="rsa-pss-2048",
        digest="sha512",
        with_dg14=False,
        pace=False,
        aa_key="ecdsa-p256",
        face_bytes=12_000,
    )
    assert set(card.files) == {"com.bin", "sod.bin", "dg1.bin", "dg2.bin", "dg13.bin", "dg15.bin"}
    assert parse_com(card.files["com.bin"]).dg_numbers == (1, 2, 13, 15)
    sod = parse_sod(card.files["sod.bin"])
    assert sod.data_group_numbers == (1, 2, 13, 15)
    assert sod.digest_algorithm.name == "sha512"
    assert sod.signature_algorithm.scheme == "rsa-pss"
    card.document_signer.certificate.verify_directly_issued_by(issuer.certificate)
    assert parse_dg15(card.files["dg15.bin"]).algorithm == "ec"
    assert card.ca_private_key_pem is None and card.secrets().ca_key_id is None
    face = parse_dg2(card.files["dg2.bin"]).face
    assert face is not None and abs(len(face.image) - 12_000) <= 1_200

    ecdsa_aa = build_fake_card(aa_key="ecdsa-p256", ca_key="ecdh-brainpoolp256r1", ca_key_id=1)
    dg14 = parse_dg14(ecdsa_aa.files["dg14.bin"])
    aa_info = dg14.active_authentication_info
    assert aa_info is not None and aa_info.signature_algorithm_oid == "1.2.840.10045.4.3.2"
    assert dg14.chip_authentication_infos[0].key_id == 1
    assert dg14.chip_authentication_public_keys[0].key_id == 1
    assert ecdsa_aa.secrets().ca_key_id == 1


def test_reusing_a_document_signer() -> None:
    issuer = make_issuer()
    ds = issuer.new_document_signer()
    a = build_fake_card(issuer=issuer, document_signer=ds)
    b = build_fake_card(DEMO_CITIZEN_FEMALE, issuer=issuer, document_signer=ds)
    assert parse_sod(a.files["sod.bin"]).certificates == parse_sod(b.files["sod.bin"]).certificates
    with pytest.raises(ValueError, match="needs the issuer"):
        build_fake_card(document_signer=ds)


def test_bad_build_arguments() -> None:
    with pytest.raises(ValueError):
        build_fake_card(signer_key="rsa-1024")
    with pytest.raises(ValueError):
        build_fake_card(ca_key="rsa-2048")
    with pytest.raises(ValueError):
        build_fake_card(aa_key="ecdh-p256")


def test_lds_files_for_the_emulator() -> None:
    card = _card()
    files = card.lds_files()
    assert {f.dump_name for f in files} == set(card.files)
    assert files[by_dump_name("dg13.bin")] == card.files["dg13.bin"]


# --- citizens ------------------------------------------------------------------------------


@pytest.mark.parametrize("citizen", [DEMO_CITIZEN, DEMO_CITIZEN_FEMALE])
def test_demo_citizens_are_consistent_and_valid(citizen: FakeCitizen) -> None:
    assert citizen.date_of_expiry == cccd_expiry(citizen.date_of_birth, citizen.date_of_issue)
    assert citizen.date_of_expiry is not None and citizen.date_of_expiry > TODAY
    assert citizen.date_of_issue < TODAY
    # ID number: century/sex digit and year of birth agree with the citizen.
    century_sex = int(citizen.id_number[3])
    assert century_sex % 2 == (0 if citizen.sex == "Nam" else 1)
    assert 1900 + 100 * (century_sex // 2) + int(citizen.id_number[4:6]) == (
        citizen.date_of_birth.year
    )
    assert citizen.old_id_number is not None and len(citizen.old_id_number) == 9


@pytest.mark.parametrize(
    ("born", "issued", "expected"),
    [
        (dt.date(1999, 5, 17), dt.date(2021, 5, 17), dt.date(2024, 5, 17)),  # at 22: until 25
        (dt.date(1999, 5, 17), dt.date(2022, 5, 17), dt.date(2039, 5, 17)),  # at 23: until 40
        (dt.date(1999, 5, 17), dt.date(2022, 5, 16), dt.date(2024, 5, 17)),  # a day early
        (dt.date(1986, 9, 2), dt.date(2024, 10, 1), dt.date(2046, 9, 2)),  # at 38: until 60
        (dt.date(2012, 1, 10), dt.date(2024, 1, 9), dt.date(2026, 1, 10)),  # at 11: until 14
        (dt.date(2012, 1, 10), dt.date(2024, 8, 1), dt.date(2037, 1, 10)),  # at 12: until 25
        (dt.date(1960, 1, 1), dt.date(2018, 6, 1), None),  # at 58: never expires
        (dt.date(2000, 2, 29), dt.date(2016, 3, 1), dt.date(2025, 3, 1)),  # leap-day birthday
    ],
)
def test_cccd_expiry_rule(born: dt.date, issued: dt.date, expected: dt.date | None) -> None:
    assert cccd_expiry(born, issued) == expected


def test_no_expiry_citizen_card() -> None:
    elder = FakeCitizen(
        id_number="001060000123",
        full_name="PHẠM VĂN THỬ",
        date_of_birth=dt.date(1960, 1, 1),
        sex="Nam",
        nationality="Việt Nam",
        ethnicity="Kinh",
        religion="Không",
        place_of_origin="Xã Thử, Hà Nội",
        place_of_residence="Số 2 Ngõ Mẫu, Hà Nội",
        identifying_features="Sẹo chấm C:1cm trên mày trái",
        date_of_issue=dt.date(2021, 4, 1),
        date_of_expiry=None,
    )
    card = build_fake_card(elder, with_dg14=False, with_dg15=False)
    assert card.date_of_expiry == "991231"
    mrz = parse_dg1(card.files["dg1.bin"], today=TODAY).mrz
    assert mrz.no_expiry and mrz.check_digits_valid
    personal = parse_dg13(card.files["dg13.bin"]).personal
    assert personal.no_expiry and personal.date_of_expiry is None


def test_citizen_validation() -> None:
    base = DEMO_CITIZEN
    for change in ({"id_number": "12345"}, {"sex": "M"}, {"full_name": "THỬ"}):
        kwargs = {f: getattr(base, f) for f in base.__dataclass_fields__} | change
        with pytest.raises(ValueError):
            FakeCitizen(**kwargs)


# --- directories ----------------------------------------------------------------------------


def test_write_and_load_chip_secrets(tmp_path: Path) -> None:
    card = _card()
    out = card.write(tmp_path / "card")
    for name, raw in card.files.items():
        assert (out / name).read_bytes() == raw
    assert (out / "chip.json").stat().st_mode & 0o077 == 0  # test secrets: owner only
    assert x509.load_pem_x509_certificate((out / "csca.pem").read_bytes()) == (
        card.issuer.certificate
    )
    assert x509.load_pem_x509_certificate((out / "ds.pem").read_bytes()) == (
        card.document_signer.certificate
    )
    data = json.loads((out / "chip.json").read_text(encoding="utf-8"))
    assert set(data) == {
        "aa_private_key_pem", "ca_private_key_pem", "ca_key_id", "can",
        "document_number", "date_of_birth", "date_of_expiry",
    }  # fmt: skip
    assert load_chip_secrets(out) == card.secrets()
    assert card.secrets().document_number == "099012345"
    assert (card.secrets().date_of_birth, card.secrets().date_of_expiry) == ("990517", "390517")

    (out / "chip.json").unlink()
    derived = load_chip_secrets(out)
    assert (derived.document_number, derived.date_of_birth, derived.date_of_expiry) == (
        "099012345",
        "990517",
        "390517",
    )
    assert derived.can == "012345"
    assert derived.aa_private_key_pem is None and derived.ca_private_key_pem is None


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"document_number": "1", "date_of_birth": "990517", "date_of_expiry": "390517"}',
        '{"document_number": "099012345", "date_of_birth": "990517", "date_of_expiry": "390517",'
        ' "ca_key_id": "one"}',
        '{"document_number": "099012345", "date_of_birth": "990517", "date_of_expiry": "390517",'
        ' "aa_private_key_pem": "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}',
    ],
)
def test_bad_chip_json(tmp_path: Path, content: str) -> None:
    (tmp_path / "chip.json").write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match=r"chip\.json"):
        load_chip_secrets(tmp_path)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"neither chip\.json nor"):
        load_chip_secrets(tmp_path)


def test_demo_card_dir_is_built_once_reused_and_repaired(tmp_path: Path) -> None:
    first = demo_card_dir(tmp_path)
    assert first.parent == tmp_path
    sod_bytes = (first / "sod.bin").read_bytes()
    assert load_chip_secrets(first).document_number == DEMO_CITIZEN.document_number

    again = demo_card_dir(tmp_path)
    assert again == first
    assert (again / "sod.bin").read_bytes() == sod_bytes  # reused, not rebuilt

    dg2 = bytearray((first / "dg2.bin").read_bytes())
    dg2[-100] ^= 0xFF
    (first / "dg2.bin").write_bytes(bytes(dg2))
    repaired = demo_card_dir(tmp_path)
    assert (repaired / "sod.bin").read_bytes() != sod_bytes  # rebuilt, freshly signed
    sod = parse_sod((repaired / "sod.bin").read_bytes())
    assert sod.data_group_hashes[2] == hashlib.sha256((repaired / "dg2.bin").read_bytes()).digest()

    (repaired / "chip.json").unlink()
    (repaired / "dg1.bin").unlink()
    assert (demo_card_dir(tmp_path) / "dg1.bin").is_file()
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no staging leftovers


# --- the synthetic portrait -----------------------------------------------------------------


@pytest.mark.parametrize("target", [10_000, 18_000, 30_000])
def test_face_jpeg_lands_near_the_target(target: int) -> None:
    jpeg, width, height = make_face_jpeg(target)
    assert abs(len(jpeg) - target) <= target // 10
    img = Image.open(io.BytesIO(jpeg))
    assert img.format == "JPEG" and img.size == (width, height) == (360, 480)
    img.load()


def test_face_is_deterministic_per_seed() -> None:
    assert make_face_jpeg(seed=3) == make_face_jpeg(seed=3)
    assert make_face_jpeg(seed=3)[0] != make_face_jpeg(seed=4)[0]
    assert make_face_jpeg(seed=3)[0] != make_face_jpeg(seed=3, long_hair=True)[0]
    assert draw_face(240, 320, seed=1).size == (240, 320)


def test_face_limits() -> None:
    smallest, _, _ = make_face_jpeg(500)  # below what quality 5 gives: the smallest file
    assert len(smallest) > 500
    assert len(smallest) < len(make_face_jpeg(10_000)[0])
    with pytest.raises(ValueError):
        make_face_jpeg(0)
    with pytest.raises(ValueError):
        make_face_jpeg(width=10)
    with pytest.raises(ValueError):
        draw_face(5000, 480)
