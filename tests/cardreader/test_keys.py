"""Public-key loading, explicit EC parameters above all (cardreader.verify.keys, curves)."""

from __future__ import annotations

import dataclasses

import pytest
from asn1crypto import core
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from cardreader.errors import LimitExceededError, ParseError, UnsupportedAlgorithmError
from cardreader.verify.curves import CURVES_BY_NAME, NAMED_CURVES, NamedCurveParameters
from cardreader.verify.keys import load_public_key, load_public_key_info, named_curve_spki

SUPPORTED = [c for c in NAMED_CURVES if c.cryptography_curve is not None]
UNSUPPORTED = [c for c in NAMED_CURVES if c.cryptography_curve is None]


def _point_bytes(x: int, y: int, size: int, *, compressed: bool = False) -> bytes:
    if compressed:
        return bytes([2 | (y & 1)]) + x.to_bytes(size, "big")
    return b"\x04" + x.to_bytes(size, "big") + y.to_bytes(size, "big")


def explicit_spki(
    curve: NamedCurveParameters,
    point: bytes,
    *,
    compressed_generator: bool = False,
    with_cofactor: bool = True,
    strip_leading_zeros: bool = False,
) -> bytes:
    """A SubjectPublicKeyInfo with specifiedCurve parameters, as some CSCAs publish them."""
    size = curve.field_bytes

    def element(value: int) -> bytes:
        raw = value.to_bytes(size, "big")
        return raw.lstrip(b"\x00") or b"\x00" if strip_leading_zeros else raw

    domain: dict[str, object] = {
        "version": "ecdpVer1",
        "field_id": {"field_type": "prime_field", "parameters": curve.p},
        "curve": {"a": element(curve.a), "b": element(curve.b)},
        "base": _point_bytes(curve.gx, curve.gy, size, compressed=compressed_generator),
        "order": curve.n,
    }
    if with_cofactor:
        domain["cofactor"] = curve.h
    info = asn1_keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": asn1_keys.ECDomainParameters(name="specified", value=domain),
            },
            "public_key": point,
        }
    )
    return bytes(info.dump())


def _ec_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _on_curve(curve: NamedCurveParameters, x: int, y: int) -> bool:
    return (y * y - (x * x * x + curve.a * x + curve.b)) % curve.p == 0


def _scalar_mult(curve: NamedCurveParameters, k: int, x: int, y: int) -> tuple[int, int] | None:
    """Affine double-and-add, enough to check n * G = O for the table's values."""
    p = curve.p
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = (x, y)

    def add(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
        if a is None:
            return b
        if b is None:
            return a
        if a[0] == b[0] and (a[1] + b[1]) % p == 0:
            return None
        if a == b:
            lam = (3 * a[0] * a[0] + curve.a) * pow(2 * a[1], -1, p) % p
        else:
            lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, p) % p
        x3 = (lam * lam - a[0] - b[0]) % p
        return x3, (lam * (a[0] - x3) - a[1]) % p

    while k:
        if k & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        k >>= 1
    return result


# --- the curve table ---------------------------------------------------------------------


@pytest.mark.parametrize("curve", NAMED_CURVES, ids=lambda c: c.name)
def test_table_generator_is_on_the_curve_with_order_n(curve: NamedCurveParameters) -> None:
    assert _on_curve(curve, curve.gx, curve.gy)
    assert _scalar_mult(curve, curve.n, curve.gx, curve.gy) is None
    assert _scalar_mult(curve, curve.n - 1, curve.gx, curve.gy) == (curve.gx, -curve.gy % curve.p)


@pytest.mark.parametrize("curve", SUPPORTED, ids=lambda c: c.name)
def test_table_generator_matches_pyca_cryptography(curve: NamedCurveParameters) -> None:
    # The public key of private scalar 1 is the generator itself.
    crypto_curve = curve.cryptography_curve
    assert crypto_curve is not None
    g = ec.derive_private_key(1, crypto_curve).public_key().public_numbers()
    assert (g.x, g.y) == (curve.gx, curve.gy)
    assert crypto_curve.key_size == curve.p.bit_length()


def test_table_has_the_curves_the_brief_names() -> None:
    for name in ("secp192r1", "secp224r1", "secp256r1", "secp384r1", "secp521r1"):
        assert name in CURVES_BY_NAME
    for bits in (160, 192, 224, 256, 320, 384, 512):
        assert f"brainpoolP{bits}r1" in CURVES_BY_NAME
    assert CURVES_BY_NAME["brainpoolP512r1"].oid == "1.3.36.3.3.2.8.1.1.13"  # RFC 5639 4.1


# --- explicit parameters -----------------------------------------------------------------


@pytest.mark.parametrize("curve", SUPPORTED, ids=lambda c: c.name)
@pytest.mark.parametrize("variant", ["plain", "compressed-G", "no-cofactor", "stripped"])
def test_explicit_parameters_load_as_the_named_curve(
    curve: NamedCurveParameters, variant: str
) -> None:
    crypto_curve = curve.cryptography_curve
    assert crypto_curve is not None
    public = ec.generate_private_key(crypto_curve).public_key()
    spki = explicit_spki(
        curve,
        _ec_point(public),
        compressed_generator=variant == "compressed-G",
        with_cofactor=variant != "no-cofactor",
        strip_leading_zeros=variant == "stripped",
    )
    loaded = load_public_key_info(spki)
    assert loaded.algorithm == "ec"
    assert loaded.curve == curve.name
    assert loaded.explicit_parameters is True
    assert isinstance(loaded.key, ec.EllipticCurvePublicKey)
    assert loaded.key.public_numbers() == public.public_numbers()
    assert loaded.describe() == f"EC {curve.name} (explicit parameters)"
    # Re-encoded with the namedCurve OID: the same bytes pyca/cryptography would write.
    assert named_curve_spki(loaded.key) == named_curve_spki(public)


def test_compressed_public_point_loads() -> None:
    public = ec.generate_private_key(ec.BrainpoolP384R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    loaded = load_public_key_info(explicit_spki(CURVES_BY_NAME["brainpoolP384r1"], point))
    assert isinstance(loaded.key, ec.EllipticCurvePublicKey)
    assert loaded.key.public_numbers() == public.public_numbers()


@pytest.mark.parametrize("curve", UNSUPPORTED, ids=lambda c: c.name)
def test_recognised_curve_pyca_cannot_use_is_unsupported_by_name(
    curve: NamedCurveParameters,
) -> None:
    spki = explicit_spki(curve, _point_bytes(curve.gx, curve.gy, curve.field_bytes))
    with pytest.raises(UnsupportedAlgorithmError, match=curve.name) as info:
        load_public_key(spki)
    assert info.value.code == "unsupported_algorithm"


def test_unknown_explicit_curve_names_the_field_size() -> None:
    base = CURVES_BY_NAME["brainpoolP256r1"]
    odd = dataclasses.replace(base, b=base.b ^ 1)
    spki = explicit_spki(odd, _point_bytes(base.gx, base.gy, base.field_bytes))
    with pytest.raises(UnsupportedAlgorithmError, match="256-bit prime field"):
        load_public_key(spki)


@pytest.mark.parametrize("field", ["gx", "gy", "h"])
def test_tampered_generator_or_cofactor_is_refused(field: str) -> None:
    base = CURVES_BY_NAME["secp384r1"]
    bad = dataclasses.replace(base, **{field: getattr(base, field) + 1})
    public = ec.generate_private_key(ec.SECP384R1()).public_key()
    with pytest.raises(ParseError, match="secp384r1"):
        load_public_key(explicit_spki(bad, _ec_point(public)))


def test_point_not_on_the_curve_is_malformed() -> None:
    curve = CURVES_BY_NAME["brainpoolP512r1"]
    point = _point_bytes(curve.gx, curve.gy + 1, curve.field_bytes)
    with pytest.raises(ParseError, match="not on brainpoolP512r1"):
        load_public_key(explicit_spki(curve, point))


def test_binary_field_parameters_are_unsupported() -> None:
    domain = {
        "version": "ecdpVer1",
        "field_id": {
            "field_type": "characteristic_two_field",
            "parameters": asn1_keys.CharacteristicTwo(
                {"m": 163, "basis": "tp_basis", "parameters": core.Integer(7)}
            ),
        },
        "curve": {"a": b"\x01", "b": b"\x01"},
        "base": b"\x04\x01\x01",
        "order": 7,
    }
    info = asn1_keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": asn1_keys.ECDomainParameters(name="specified", value=domain),
            },
            "public_key": b"\x04\x01\x01",
        }
    )
    with pytest.raises(UnsupportedAlgorithmError, match="binary field"):
        load_public_key(info.dump())


# --- named curves, RSA, errors -----------------------------------------------------------


@pytest.mark.parametrize("curve", SUPPORTED, ids=lambda c: c.name)
def test_named_curve_keys_load(curve: NamedCurveParameters) -> None:
    crypto_curve = curve.cryptography_curve
    assert crypto_curve is not None
    public = ec.generate_private_key(crypto_curve).public_key()
    loaded = load_public_key_info(named_curve_spki(public))
    assert (loaded.curve, loaded.explicit_parameters) == (curve.name, False)
    assert isinstance(loaded.key, ec.EllipticCurvePublicKey)
    assert loaded.key.public_numbers() == public.public_numbers()


def test_rsa_and_rsassa_pss_keys_load() -> None:
    public = rsa.generate_private_key(65537, 2048).public_key()
    loaded = load_public_key_info(named_curve_spki(public))
    assert loaded.describe() == "RSA-2048"
    assert isinstance(loaded.key, rsa.RSAPublicKey)
    assert loaded.key.public_numbers() == public.public_numbers()
    # id-RSASSA-PSS key (RFC 4055): same modulus, different AlgorithmIdentifier.
    info = asn1_keys.PublicKeyInfo.load(named_curve_spki(public))
    pss = asn1_keys.PublicKeyInfo(
        {"algorithm": {"algorithm": "rsassa_pss"}, "public_key": info["public_key"].parsed}
    )
    pss_key = load_public_key(pss.dump())
    assert isinstance(pss_key, rsa.RSAPublicKey)
    assert pss_key.public_numbers() == public.public_numbers()


def test_other_key_algorithms_are_unsupported() -> None:
    ed = asn1_keys.PublicKeyInfo(
        {"algorithm": {"algorithm": "1.3.101.112"}, "public_key": b"\x00" * 32}
    )
    with pytest.raises(UnsupportedAlgorithmError, match=r"1\.3\.101\.112"):
        load_public_key(ed.dump())


@pytest.mark.parametrize(
    "data",
    [b"", b"\x30", b"\x30\x00", b"\x04\x02ab", b"\x30\x05\x30\x03\x06\x01\x00", b"\xff" * 40],
)
def test_garbage_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match="public key"):
        load_public_key(data)


def test_oversized_input_is_capped() -> None:
    with pytest.raises(LimitExceededError):
        load_public_key(b"\x30\x82\x40\x00" + b"\x00" * 0x4000)
