"""Base58 addresses: 25 bytes (version byte, 20-byte hash, 4-byte checksum) shown in base58."""

import hashlib

BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
_BASE58_INDEX = {character: index for index, character in enumerate(BASE58_ALPHABET)}

ADDRESS_SIZE = 25


class InvalidAddress(Exception):
    """A string that is not a valid base58 address (the node raises it with this name)."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, 'big')
    digits = []
    while number > 0:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b'\x00'))
    return '1' * leading_zeros + ''.join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Decode base58 text; trailing whitespace is ignored, as the `base58` package does."""
    text = text.rstrip()
    number = 0
    for character in text:
        index = _BASE58_INDEX.get(character)
        if index is None:
            raise ValueError(f'invalid base58 character {character!r}')
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, 'big') if number else b''
    leading_ones = len(text) - len(text.lstrip('1'))
    return b'\x00' * leading_ones + body


def address_checksum(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def decode_address(text: str) -> bytes:
    """Decode a base58 address to its 25 bytes, raising InvalidAddress with the node's messages."""
    try:
        data = b58decode(text)
    except ValueError:
        raise InvalidAddress('Invalid base58 address')
    if len(data) != ADDRESS_SIZE:
        raise InvalidAddress('Address size must have 25 bytes')
    if data[-4:] != address_checksum(data[:-4]):
        raise InvalidAddress('Invalid checksum of address')
    return data


def encode_address(data: bytes) -> str:
    return b58encode(bytes(data))
