"""Prime-field elliptic-curve arithmetic for PACE generic mapping (ICAO Doc 9303-11 4.4.3.3.1).

PACE computes on a *mapped* generator G^ = s*G + H, so the key agreement after the mapping runs
on a generator no library knows; pyca/cryptography only multiplies its named curves' fixed base
point and returns the x-coordinate of an ECDH result, never a point. This module adds points and
multiplies them by scalars in Jacobian coordinates with Python integers (a short fixed window).
It is not constant time: the scalars are ephemeral and used once per session on the host, the
same trade-off chip_auth makes for DH.

Domain parameters come from :mod:`cardreader.verify.curves` (SEC 2 / RFC 5639 values); the
standardized PACE parameter ids are ICAO 9303-11 9.5.1 (8-18, table in
:data:`cardreader.lds.security_infos.STANDARD_PARAMETERS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.errors import ParseError, UnsupportedAlgorithmError
from cardreader.lds.security_infos import STANDARD_PARAMETERS
from cardreader.verify.curves import CURVES_BY_NAME

Point = tuple[int, int]  # affine (x, y); the point at infinity never leaves this module
_Jacobian = tuple[int, int, int]  # (X, Y, Z), Z == 0 is infinity
_INF: _Jacobian = (1, 1, 0)
_WINDOW = 4
_PYCA_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp192r1": ec.SECP192R1,
    "secp224r1": ec.SECP224R1,
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1,
    "brainpoolP256r1": ec.BrainpoolP256R1,
    "brainpoolP384r1": ec.BrainpoolP384R1,
    "brainpoolP512r1": ec.BrainpoolP512R1,
}


@dataclass(frozen=True, slots=True)
class EcGroup:
    """y^2 = x^3 + ax + b over GF(p), base point ``g`` of prime order ``n``, cofactor ``h``."""

    name: str
    p: int
    a: int
    b: int
    g: Point
    n: int
    h: int = 1

    @property
    def field_bytes(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def with_generator(self, g: Point) -> EcGroup:
        return EcGroup(self.name, self.p, self.a, self.b, g, self.n, self.h)

    # --- encodings (BSI TR-03111 3.2.1, uncompressed) ---------------------------------------

    def encode(self, point: Point) -> bytes:
        size = self.field_bytes
        return b"\x04" + point[0].to_bytes(size, "big") + point[1].to_bytes(size, "big")

    def decode(self, data: bytes, what: str) -> Point:
        """An uncompressed point on this curve (not infinity); ParseError otherwise."""
        size = self.field_bytes
        if len(data) != 1 + 2 * size or data[0] != 0x04:
            raise ParseError(f"{what}: not an uncompressed {self.name} point")
        point = (int.from_bytes(data[1 : 1 + size], "big"), int.from_bytes(data[1 + size :], "big"))
        if not self.contains(point):
            raise ParseError(f"{what}: the point is not on {self.name}")
        return point

    def contains(self, point: Point) -> bool:
        x, y = point
        p = self.p
        if not (0 <= x < p and 0 <= y < p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % p == 0

    # --- arithmetic -----------------------------------------------------------------------

    def _double(self, q: _Jacobian) -> _Jacobian:
        x1, y1, z1 = q
        p = self.p
        if z1 == 0 or y1 == 0:
            return _INF
        yy = y1 * y1 % p
        s = 4 * x1 * yy % p
        zz = z1 * z1 % p
        m = (3 * x1 * x1 + self.a * zz * zz) % p
        x3 = (m * m - 2 * s) % p
        y3 = (m * (s - x3) - 8 * yy * yy) % p
        z3 = 2 * y1 * z1 % p
        return (x3, y3, z3)

    def _add(self, q: _Jacobian, r: _Jacobian) -> _Jacobian:
        if q[2] == 0:
            return r
        if r[2] == 0:
            return q
        p = self.p
        x1, y1, z1 = q
        x2, y2, z2 = r
        z1z1 = z1 * z1 % p
        z2z2 = z2 * z2 % p
        u1 = x1 * z2z2 % p
        u2 = x2 * z1z1 % p
        s1 = y1 * z2 * z2z2 % p
        s2 = y2 * z1 * z1z1 % p
        if u1 == u2:
            return self._double(q) if s1 == s2 else _INF
        hh = (u2 - u1) % p
        rr = (s2 - s1) % p
        h2 = hh * hh % p
        h3 = hh * h2 % p
        u1h2 = u1 * h2 % p
        x3 = (rr * rr - h3 - 2 * u1h2) % p
        y3 = (rr * (u1h2 - x3) - s1 * h3) % p
        z3 = hh * z1 * z2 % p
        return (x3, y3, z3)

    def _affine(self, q: _Jacobian, what: str) -> Point:
        x, y, z = q
        if z == 0:
            raise ParseError(f"{what}: the result is the point at infinity")
        p = self.p
        zi = pow(z, -1, p)
        zi2 = zi * zi % p
        return (x * zi2 % p, y * zi2 * zi % p)

    def _mul(self, k: int, point: Point) -> _Jacobian:
        base: _Jacobian = (point[0], point[1], 1)
        table: list[_Jacobian] = [_INF, base]
        for _ in range(2, 1 << _WINDOW):
            table.append(self._add(table[-1], base))
        acc = _INF
        digits = []
        while k:
            digits.append(k & ((1 << _WINDOW) - 1))
            k >>= _WINDOW
        for digit in reversed(digits):
            for _ in range(_WINDOW):
                acc = self._double(acc)
            if digit:
                acc = self._add(acc, table[digit])
        return acc

    def multiply(self, k: int, point: Point, what: str = "scalar multiplication") -> Point:
        if point == self._standard_base and 0 < k < self.n:
            # The named curve's own base point: pyca/cryptography (OpenSSL) does it in C.
            curve = _PYCA_CURVES.get(self.name)
            if curve is not None:
                numbers = ec.derive_private_key(k, curve()).public_key().public_numbers()
                return (numbers.x, numbers.y)
        return self._affine(self._mul(k, point), what)

    @property
    def _standard_base(self) -> Point | None:
        params = CURVES_BY_NAME.get(self.name)
        return None if params is None else (params.gx, params.gy)

    def add(self, q: Point, r: Point, what: str = "point addition") -> Point:
        return self._affine(self._add((q[0], q[1], 1), (r[0], r[1], 1)), what)

    def random_scalar(self, rng: Callable[[int], bytes]) -> int:
        """A scalar in 1..n-1 by rejection sampling over rng draws of the order's byte length
        (surplus top bits masked off), so a recorded scalar replays as itself."""
        size = (self.n.bit_length() + 7) // 8
        mask = (1 << self.n.bit_length()) - 1
        for _ in range(64):
            d = int.from_bytes(rng(size), "big") & mask
            if 0 < d < self.n:
                return d
        raise ValueError("the random source gave no usable EC scalar in 64 draws")


def group_for_parameter_id(parameter_id: int | None) -> EcGroup:
    """The standardized EC domain parameters of ICAO 9303-11 9.5.1 (ids 8-18)."""
    name = STANDARD_PARAMETERS.get(parameter_id) if parameter_id is not None else None
    if name is None:
        raise UnsupportedAlgorithmError(
            f"PACE: domain parameter id {parameter_id} is not a standardized one this build knows"
        )
    params = CURVES_BY_NAME.get(name)
    if params is None:
        raise UnsupportedAlgorithmError(f"PACE: {name} is not an elliptic curve (DH parameters)")
    return EcGroup(name, params.p, params.a % params.p, params.b, (params.gx, params.gy),
                   params.n, params.h)  # fmt: skip
