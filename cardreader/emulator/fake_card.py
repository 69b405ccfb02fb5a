"""The built-in fake citizen card: a complete, signed CCCD file set for demo mode and tests.

Everything here is invented: the citizens do not exist, the portrait is a drawing
(:mod:`cardreader.emulator.face`) and the signatures come from a TEST issuing authority
(:mod:`cardreader.emulator.issuer`) that no production trust store contains.

A card is built the way a real CCCD is laid out (see /work/shared/engineering-notes.md):
EF.CardAccess (PACE: ECDH generic mapping, AES-128, brainpoolP256r1), EF.COM, EF.SOD, DG1 (TD1
MRZ), DG2 (face), DG13 (personal data), DG14 (chip authentication, PACE infos), DG15 (active
authentication key). BAC uses the last 9 digits of the 12-digit ID number as document number;
the CAN is the last 6 digits.

ID number layout (Circular 07/2016/TT-BCA, Art. 7, as widely documented): 3 digits province
code (001 = Hà Nội, 079 = TP. Hồ Chí Minh), 1 digit century and sex (0/1: 20th century male/
female, 2/3: 21st century), 2 digits year of birth, 6 random digits.

Expiry (Law on Citizen Identification 2014 Art. 21, Law on Identification 2023 Art. 21): the
card must be renewed at 14 (2023 law), 25, 40 and 60; a card issued within the 2 years before
one of those ages stays valid until the next; a card issued at 58 or later never expires.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.dump import write_dump
from cardreader.emulator.face import make_face_jpeg
from cardreader.emulator.issuer import (
    DEFAULT_NOT_BEFORE,
    KEY_TYPES,
    DocumentSigner,
    Issuer,
    PrivateKey,
    generate_key,
    make_issuer,
)
from cardreader.errors import CardReaderError, ParseError
from cardreader.lds.card_access import encode_card_access
from cardreader.lds.com import encode_com
from cardreader.lds.dg1 import encode_dg1, parse_dg1
from cardreader.lds.dg2 import encode_dg2
from cardreader.lds.dg13 import PersonalData, encode_dg13, format_vn_date
from cardreader.lds.dg14 import encode_dg14
from cardreader.lds.dg15 import encode_dg15
from cardreader.lds.files import LdsFile, by_dump_name
from cardreader.lds.mrz import format_cccd_td1
from cardreader.lds.security_infos import (
    ID_AA,
    ID_CA,
    ID_PK_ECDH,
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    SecurityInfo,
    pace_info,
)
from cardreader.lds.sod import build_sod, parse_sod
from cardreader.validity import cccd_expiry as cccd_expiry  # re-exported: the renewal rule

CHIP_JSON = "chip.json"
CSCA_PEM = "csca.pem"
DS_PEM = "ds.pem"
DEMO_FORMAT_VERSION = 1  # bump to regenerate every cached demo card

# id-CA-ECDH-AES-CBC-CMAC-128 (BSI TR-03110-3 A.1.1.2; ICAO 9303-11 9.2.6).
ID_CA_ECDH_AES_CBC_CMAC_128 = ID_CA + ".2.2"
# ecdsa-with-SHA256 (RFC 5758) for ECDSA active authentication (ICAO 9303-11 6.1).
ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2"
PACE_PARAMETER_BRAINPOOL_P256R1 = 13  # BSI TR-03110-3 table 4 / ICAO 9303-11 9.5.1

_TAGS = {1: 0x61, 2: 0x75, 13: 0x6D, 14: 0x6E, 15: 0x6F}


@dataclass(frozen=True, slots=True)
class FakeCitizen:
    """An invented card holder: DG13 fields (Vietnamese, as printed) plus what the MRZ needs."""

    id_number: str
    full_name: str
    date_of_birth: _dt.date
    sex: str  # "Nam" / "Nữ"
    nationality: str
    ethnicity: str
    religion: str
    place_of_origin: str
    place_of_residence: str
    identifying_features: str
    date_of_issue: _dt.date
    date_of_expiry: _dt.date | None  # None: "Không thời hạn"
    father_name: str | None = None
    mother_name: str | None = None
    spouse_name: str | None = None
    old_id_number: str | None = None

    def __post_init__(self) -> None:
        if len(self.id_number) != 12 or not self.id_number.isdigit():
            raise ValueError("id_number must be 12 digits")
        if self.sex not in ("Nam", "Nữ"):
            raise ValueError('sex must be "Nam" or "Nữ"')
        if len(self.full_name.split()) < 2:
            raise ValueError("full_name needs a family name and a given name")

    @property
    def sex_code(self) -> str:
        return "M" if self.sex == "Nam" else "F"

    @property
    def document_number(self) -> str:
        """BAC document number: the last 9 digits of the ID number."""
        return self.id_number[3:]

    @property
    def can(self) -> str:
        """Card access number for PACE: the last 6 digits of the ID number."""
        return self.id_number[6:]

    @property
    def surname(self) -> str:
        return self.full_name.split()[0]

    @property
    def given_names(self) -> str:
        return " ".join(self.full_name.split()[1:])

    def personal_data(self) -> PersonalData:
        return PersonalData(
            id_number=self.id_number,
            full_name=self.full_name,
            date_of_birth=self.date_of_birth,
            date_of_birth_text=format_vn_date(self.date_of_birth),
            sex=self.sex,
            nationality=self.nationality,
            ethnicity=self.ethnicity,
            religion=self.religion,
            place_of_origin=self.place_of_origin,
            place_of_residence=self.place_of_residence,
            identifying_features=self.identifying_features,
            date_of_issue=self.date_of_issue,
            date_of_expiry=self.date_of_expiry,
            expiry_text=(
                "Không thời hạn"
                if self.date_of_expiry is None
                else format_vn_date(self.date_of_expiry)
            ),
            father_name=self.father_name,
            mother_name=self.mother_name,
            spouse_name=self.spouse_name,
            old_id_number=self.old_id_number,
        )

    def mrz(self) -> str:
        return format_cccd_td1(
            id_number=self.id_number,
            date_of_birth=self.date_of_birth,
            sex=self.sex_code,
            date_of_expiry=self.date_of_expiry,
            primary_identifier=self.surname,
            secondary_identifier=self.given_names,
        )


# Born 1999-05-17 (ID 001 0 99 ...: Hà Nội, male, 20th century). Turned 25 on 2024-05-17; a
# card issued after 2022-05-17 (within 2 years of 25) is valid until 40 = 2039-05-17.
DEMO_CITIZEN = FakeCitizen(
    id_number="001099012345",
    full_name="NGUYỄN VĂN THỬ",
    date_of_birth=_dt.date(1999, 5, 17),
    sex="Nam",
    nationality="Việt Nam",
    ethnicity="Kinh",
    religion="Không",
    place_of_origin="Xã Thử Nghiệm, Huyện Đông Anh, Hà Nội",
    place_of_residence="Số 1 Ngõ Mẫu, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
    identifying_features="Nốt ruồi C:1cm dưới sau cánh mũi phải",
    date_of_issue=_dt.date(2023, 3, 15),
    date_of_expiry=_dt.date(2039, 5, 17),
    father_name="NGUYỄN VĂN MẪU",
    mother_name="TRẦN THỊ MẪU",
    old_id_number="012345678",
)

# Born 1986-09-02 (ID 079 1 86 ...: TP. Hồ Chí Minh, female, 20th century). Issued at 38 (within
# 2 years of 40), so valid until 60 = 2046-09-02.
DEMO_CITIZEN_FEMALE = FakeCitizen(
    id_number="079186004321",
    full_name="LÊ THỊ THỬ",
    date_of_birth=_dt.date(1986, 9, 2),
    sex="Nữ",
    nationality="Việt Nam",
    ethnicity="Kinh",
    religion="Phật giáo",
    place_of_origin="Xã Mẫu Thử, Huyện Củ Chi, TP. Hồ Chí Minh",
    place_of_residence="123 Đường Thử Nghiệm, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
    identifying_features="Sẹo chấm C:2cm trên trước đầu lông mày trái",
    date_of_issue=_dt.date(2024, 10, 1),
    date_of_expiry=_dt.date(2046, 9, 2),
    father_name="LÊ VĂN MẪU",
    mother_name="PHẠM THỊ MẪU",
    spouse_name="HOÀNG VĂN THỬ",
    old_id_number="023456789",
)


def _pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _spki(key: PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True, slots=True)
class ChipSecrets:
    """What the emulator needs beyond the files: BAC/PACE data and the chip's private keys.

    TEST ONLY: a real chip never reveals its private keys.
    """

    document_number: str
    date_of_birth: str  # YYMMDD
    date_of_expiry: str  # YYMMDD
    can: str | None = None
    aa_private_key_pem: bytes | None = field(default=None, repr=False)
    ca_private_key_pem: bytes | None = field(default=None, repr=False)
    ca_key_id: int | None = None

    def aa_private_key(self) -> PrivateKey | None:
        return None if self.aa_private_key_pem is None else _load_key(self.aa_private_key_pem)

    def ca_private_key(self) -> ec.EllipticCurvePrivateKey | None:
        if self.ca_private_key_pem is None:
            return None
        key = _load_key(self.ca_private_key_pem)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ParseError("chip.json: the chip authentication key is not an EC key")
        return key

    def to_json(self) -> str:
        return json.dumps(
            {
                "aa_private_key_pem": _text(self.aa_private_key_pem),
                "ca_private_key_pem": _text(self.ca_private_key_pem),
                "ca_key_id": self.ca_key_id,
                "can": self.can,
                "document_number": self.document_number,
                "date_of_birth": self.date_of_birth,
                "date_of_expiry": self.date_of_expiry,
            },
            indent=2,
            ensure_ascii=False,
        )


def _text(pem: bytes | None) -> str | None:
    return None if pem is None else pem.decode("ascii")


def _load_key(pem: bytes) -> PrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ParseError(f"chip.json: unreadable private key ({exc})") from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ParseError(f"chip.json: unsupported private key {type(key).__name__}")
    return key


@dataclass(frozen=True, slots=True)
class FakeCard:
    """A complete fake card: raw files by dump name plus the test-only secrets."""

    citizen: FakeCitizen
    files: dict[str, bytes] = field(repr=False)
    issuer: Issuer = field(repr=False)
    document_signer: DocumentSigner = field(repr=False)
    aa_private_key_pem: bytes | None = field(default=None, repr=False)
    ca_private_key_pem: bytes | None = field(default=None, repr=False)
    ca_key_id: int | None = None

    @property
    def document_number(self) -> str:
        return self.citizen.document_number

    @property
    def date_of_birth(self) -> str:
        return self.citizen.date_of_birth.strftime("%y%m%d")

    @property
    def date_of_expiry(self) -> str:
        expiry = self.citizen.date_of_expiry
        return "991231" if expiry is None else expiry.strftime("%y%m%d")

    @property
    def can(self) -> str:
        return self.citizen.can

    def secrets(self) -> ChipSecrets:
        return ChipSecrets(
            document_number=self.document_number,
            date_of_birth=self.date_of_birth,
            date_of_expiry=self.date_of_expiry,
            can=self.can,
            aa_private_key_pem=self.aa_private_key_pem,
            ca_private_key_pem=self.ca_private_key_pem,
            ca_key_id=self.ca_key_id,
        )

    def lds_files(self) -> dict[LdsFile, bytes]:
        """The files keyed by :class:`LdsFile` (what the chip emulator serves)."""
        return {by_dump_name(name): raw for name, raw in self.files.items()}

    def write(self, directory: str | os.PathLike[str]) -> Path:
        """Write the raw files, ``chip.json`` (test secrets) and ``csca.pem`` / ``ds.pem``."""
        out = write_dump(directory, self.lds_files())  # folder 0700, files 0600
        chip = out / CHIP_JSON
        chip.touch(mode=0o600)
        chip.write_text(self.secrets().to_json() + "\n", encoding="utf-8")
        (out / CSCA_PEM).write_bytes(self.issuer.certificate_pem())
        (out / DS_PEM).write_bytes(self.document_signer.certificate_pem())
        return out


def build_fake_card(
    citizen: FakeCitizen = DEMO_CITIZEN,
    *,
    issuer: Issuer | None = None,
    document_signer: DocumentSigner | None = None,
    signer_key: str = "ecdsa-p256",
    digest: str = "sha256",
    face_bytes: int = 18_000,
    face_seed: int = 0,
    with_dg14: bool = True,
    with_dg15: bool = True,
    aa_key: str = "rsa-1024",
    ca_key: str = "ecdh-p256",
    ca_key_id: int | None = None,
    pace: bool = True,
    signing_time: _dt.datetime | None = None,
) -> FakeCard:
    """Build every file of a fake CCCD for ``citizen`` and sign EF.SOD.

    ``issuer`` (default: a fresh TEST CSCA of ``signer_key``'s type) issues a Document Signer
    of ``signer_key`` valid 10 years from 90 days before the card's issue date, unless
    ``document_signer`` is given. ``aa_key`` ("rsa-1024", "rsa-2048", "ecdsa-p256", ...) is the
    DG15 key, ``ca_key`` ("ecdh-p256", "ecdh-brainpoolp256r1", ...) the DG14 chip
    authentication key.
    """
    if signer_key not in KEY_TYPES:
        raise ValueError(f"unknown signer key type {signer_key!r}")
    if not ca_key.startswith("ecdh-"):
        raise ValueError("ca_key must be an ECDH key type such as 'ecdh-p256'")
    if not (aa_key.startswith("rsa-") or aa_key.startswith("ecdsa-")):
        raise ValueError("aa_key must be an RSA or ECDSA key type")

    if document_signer is None:
        ds_start = _dt.datetime.combine(
            citizen.date_of_issue - _dt.timedelta(days=90), _dt.time(), _dt.UTC
        )
        if issuer is None:
            issuer = make_issuer(signer_key, not_before=min(DEFAULT_NOT_BEFORE, ds_start))
        document_signer = issuer.new_document_signer(signer_key, not_before=ds_start)
    elif issuer is None:
        raise ValueError("a document_signer needs the issuer that issued it")

    groups: dict[int, bytes] = {}
    groups[1] = encode_dg1(citizen.mrz())
    jpeg, width, height = make_face_jpeg(
        face_bytes, seed=face_seed, long_hair=citizen.sex_code == "F"
    )
    groups[2] = encode_dg2(jpeg, width, height)
    groups[13] = encode_dg13(citizen.personal_data())

    pace_infos = (
        [
            pace_info(
                key_agreement="ECDH",
                mapping="GM",
                cipher="AES-128",
                parameter_id=PACE_PARAMETER_BRAINPOOL_P256R1,
            )
        ]
        if pace
        else []
    )

    aa_pem: bytes | None = None
    ca_pem: bytes | None = None
    aa_private: PrivateKey | None = None
    if with_dg15:
        aa_private = generate_key(aa_key)
        aa_pem = _pem(aa_private)
        groups[15] = encode_dg15(_spki(aa_private))
    if with_dg14:
        ca_private = generate_key(ca_key)
        ca_pem = _pem(ca_private)
        infos: list[SecurityInfo] = [
            ChipAuthenticationInfo(ID_CA_ECDH_AES_CBC_CMAC_128, 1, ca_key_id, "ECDH", "AES-128"),
            ChipAuthenticationPublicKeyInfo(ID_PK_ECDH, _spki(ca_private), "ec", ca_key_id),
            *pace_infos,  # ICAO 9303-10 4.7.14: PACE infos are repeated, signed, in DG14
        ]
        if isinstance(aa_private, ec.EllipticCurvePrivateKey):
            # ICAO 9303-11 6.1: ECDSA active authentication announces its hash in DG14.
            infos.append(ActiveAuthenticationInfo(ID_AA, 1, ECDSA_WITH_SHA256))
        groups[14] = encode_dg14(infos)

    files: dict[str, bytes] = {}
    if pace:
        files["cardaccess.bin"] = encode_card_access(pace_infos)
    files["com.bin"] = encode_com([_TAGS[n] for n in sorted(groups)])
    files["sod.bin"] = build_sod(
        groups, signer=document_signer, digest=digest, signing_time=signing_time
    )
    for n in sorted(groups):
        files[f"dg{n}.bin"] = groups[n]

    return FakeCard(
        citizen=citizen,
        files=files,
        issuer=issuer,
        document_signer=document_signer,
        aa_private_key_pem=aa_pem,
        ca_private_key_pem=ca_pem,
        ca_key_id=ca_key_id if with_dg14 else None,
    )


# --- reading a card directory back ---------------------------------------------------------


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ParseError(f"chip.json: {key} is not a string")
    return value


def _required_str(data: dict[str, Any], key: str, length: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or len(value) != length:
        raise ParseError(f"chip.json: {key} must be a string of {length} characters")
    return value


def load_chip_secrets(directory: str | os.PathLike[str]) -> ChipSecrets:
    """The chip's secrets for a card directory.

    Reads ``chip.json`` when present; otherwise derives BAC data (and the CAN, from the ID
    number in the MRZ) from ``dg1.bin``, with no AA/CA private keys.
    """
    path = Path(directory)
    chip = path / CHIP_JSON
    if chip.exists():
        try:
            data = json.loads(chip.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParseError(f"chip.json: unreadable ({exc})") from exc
        if not isinstance(data, dict):
            raise ParseError("chip.json: not a JSON object")
        key_id = data.get("ca_key_id")
        if key_id is not None and (not isinstance(key_id, int) or isinstance(key_id, bool)):
            raise ParseError("chip.json: ca_key_id is not an integer")
        aa = _optional_str(data, "aa_private_key_pem")
        ca = _optional_str(data, "ca_private_key_pem")
        secrets = ChipSecrets(
            document_number=_required_str(data, "document_number", 9),
            date_of_birth=_required_str(data, "date_of_birth", 6),
            date_of_expiry=_required_str(data, "date_of_expiry", 6),
            can=_optional_str(data, "can"),
            aa_private_key_pem=None if aa is None else aa.encode("ascii"),
            ca_private_key_pem=None if ca is None else ca.encode("ascii"),
            ca_key_id=key_id,
        )
        secrets.aa_private_key()  # fail now, not in the middle of a session
        secrets.ca_private_key()
        return secrets
    dg1_path = path / "dg1.bin"
    try:
        dg1_raw = dg1_path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: neither chip.json nor a readable dg1.bin") from exc
    mrz = parse_dg1(dg1_raw).mrz
    id_number = mrz.id_number
    return ChipSecrets(
        document_number=mrz.document_number,
        date_of_birth=mrz.date_of_birth_raw,
        date_of_expiry=mrz.date_of_expiry_raw,
        can=id_number[6:] if id_number else None,
    )


# --- the cached demo card -------------------------------------------------------------------


def _demo_root() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("cccd-kiosk"))


def _card_dir_ok(path: Path) -> bool:
    """Every file present, EF.SOD parses and hashes every data group correctly, secrets load."""
    try:
        sod = parse_sod((path / "sod.bin").read_bytes())
        for n, expected in sod.data_group_hashes.items():
            raw = (path / f"dg{n}.bin").read_bytes()
            if hashlib.new(sod.digest_algorithm.name, raw).digest() != expected:
                return False
        for name in ("com.bin", "cardaccess.bin", CSCA_PEM, DS_PEM):
            if not (path / name).is_file():
                return False
        load_chip_secrets(path)
    except (OSError, ValueError, CardReaderError):
        return False
    return True


def demo_card_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The built-in demo card (:data:`DEMO_CITIZEN`), generated once and reused.

    Lives under ``platformdirs.user_cache_dir("cccd-kiosk")`` (or ``cache_dir``); a missing or
    corrupt copy is rebuilt. Generation writes to a temporary directory and renames it into
    place, so concurrent callers never see a half-written card.
    """
    root = Path(cache_dir) if cache_dir is not None else _demo_root()
    target = root / f"demo-card-v{DEMO_FORMAT_VERSION}"
    if target.is_dir() and _card_dir_ok(target):
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-card-", dir=root))
    try:
        build_fake_card(DEMO_CITIZEN).write(staging)
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:
            # Another process won the race; use its card if it is sound.
            if not _card_dir_ok(target):
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
