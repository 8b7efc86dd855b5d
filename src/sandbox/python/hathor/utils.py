"""Helper functions blueprints import from `hathor`: `sha3`, `verify_ecdsa`, `json_dumps`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# secp256k1 curve parameters (SEC 2, section 2.4.1).
_P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def sha3(data: bytes) -> bytes:
    """SHA3-256 digest of `data`."""
    return hashlib.sha3_256(data).digest()


def _point_add(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % _P == 0:
        return None
    if a == b:
        slope = 3 * a[0] * a[0] * pow(2 * a[1], -1, _P) % _P
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], -1, _P) % _P
    x = (slope * slope - a[0] - b[0]) % _P
    return x, (slope * (a[0] - x) - a[1]) % _P


def _point_multiply(k: int, point: tuple[int, int] | None) -> tuple[int, int] | None:
    result = None
    while k:
        if k & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        k >>= 1
    return result


def _decompress_public_key(public_key: bytes) -> tuple[int, int]:
    if len(public_key) != 33 or public_key[0] not in (2, 3):
        raise ValueError('not a compressed secp256k1 point')
    x = int.from_bytes(public_key[1:], 'big')
    if x >= _P:
        raise ValueError('x coordinate out of range')
    y = pow((pow(x, 3, _P) + 7) % _P, (_P + 1) // 4, _P)
    if (y * y - x * x * x - 7) % _P != 0:
        raise ValueError('point is not on the curve')
    if (y & 1) != (public_key[0] & 1):
        y = _P - y
    return x, y


def _read_der_integer(data: bytes, offset: int) -> tuple[int, int]:
    if data[offset] != 0x02:
        raise ValueError('expected a DER integer')
    length = data[offset + 1]
    start = offset + 2
    return int.from_bytes(data[start:start + length], 'big'), start + length


def _parse_der_signature(signature: bytes) -> tuple[int, int]:
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        raise ValueError('not a DER signature')
    r, offset = _read_der_integer(signature, 2)
    s, offset = _read_der_integer(signature, offset)
    if offset != len(signature):
        raise ValueError('trailing bytes after the DER signature')
    return r, s


def verify_ecdsa(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Verify an ECDSA (secp256k1, SHA-256) DER signature of `data` by a compressed public key."""
    from hathor.exceptions import NCFail
    if len(public_key) == 0 or public_key[0] not in (0x02, 0x03):
        raise NCFail('public_key is not compressed')
    try:
        point = _decompress_public_key(public_key)
    except ValueError as e:
        raise NCFail('public_key is invalid') from e

    try:
        r, s = _parse_der_signature(signature)
    except (ValueError, IndexError):
        return False
    if not (1 <= r < _N and 1 <= s < _N):
        return False

    digest = int.from_bytes(hashlib.sha256(data).digest(), 'big')
    s_inverse = pow(s, -1, _N)
    result = _point_add(_point_multiply(digest * s_inverse % _N, _G), _point_multiply(r * s_inverse % _N, point))
    return result is not None and result[0] % _N == r


def json_dumps(
    obj: object,
    *,
    ensure_ascii: bool = True,
    indent: int | str | None = None,
    separators: tuple[str, str] | None = (',', ':'),
    sort_keys: bool = False,
) -> str:
    """Serialize `obj` as JSON, writing bytes values as hex."""
    def dump_bytes(data: Any) -> str:
        if isinstance(data, bytes):
            return data.hex()
        raise TypeError(f'Object of type {type(data).__name__} is not JSON serializable')

    return json.dumps(obj, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys, default=dump_bytes)
