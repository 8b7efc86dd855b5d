"""NCTypes: how the node stores and renders a value of a given annotation.

`nc_type_for(annotation, type_map)` follows hathorlib's `NCType.from_type`: it maps the annotation's
origin (after aliasing) to an NCType class through a type map, checks the annotation as written,
then builds the NCType from the aliased annotation. The three maps below are the node's maps for
fields, method arguments and return values. An annotation no map accepts raises TypeError, with
the node's reason, which callers turn into an `unsupported` descriptor.

Each NCType renders itself as a descriptor (`src/encoding/nc-type/descriptor.ts`).
"""

from __future__ import annotations

import typing
from collections import OrderedDict, deque
from collections.abc import Collection, Hashable, Mapping, Sequence, Set
from functools import reduce
from operator import or_
from types import MappingProxyType, NoneType, UnionType
from typing import Any, NamedTuple

from hathor.address import ADDRESS_SIZE, decode_address, encode_address
from hathor.types import (
    HATHOR_TOKEN_UID,
    Address,
    Amount,
    BlueprintId,
    ContractId,
    InnerTypeMixin,
    SignedData,
    Timestamp,
    TokenUid,
    TxOutputScript,
    VertexId,
)


def get_origin(annotation: Any) -> Any:
    """`typing.get_origin`, extended to `SignedData[X]`-style classes."""
    if isinstance(annotation, type) and issubclass(annotation, InnerTypeMixin):
        return getattr(annotation, '__origin__', None)
    return typing.get_origin(annotation)


def get_args(annotation: Any) -> tuple | None:
    """`typing.get_args`, extended to `SignedData[X]`-style classes (None when unsubscripted)."""
    if isinstance(annotation, type) and issubclass(annotation, InnerTypeMixin):
        return getattr(annotation, '__args__', None)
    return typing.get_args(annotation)


def is_subclass(cls: Any, parent: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, parent)


def format_annotation(annotation: Any) -> str:
    """Render an annotation as a blueprint author writes it (`dict[Address, Amount]`, `str | None`)."""
    if annotation is None or annotation is NoneType:
        return 'None'
    if annotation is Ellipsis:
        return '...'
    if isinstance(annotation, str):
        return repr(annotation)
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is UnionType or origin is typing.Union:
        return ' | '.join(format_annotation(arg) for arg in args or ())
    if origin is not None and args is not None:
        name = getattr(origin, '__name__', str(origin))
        inner = ', '.join(format_annotation(arg) for arg in args) if args else '()'
        return f'{name}[{inner}]'
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def is_origin_hashable(annotation: Any) -> bool:
    """Return whether every origin class of `annotation` (each member of a union) is hashable."""
    origin = get_origin(annotation) or annotation
    if origin is UnionType:
        classes = [get_origin(arg) or arg for arg in get_args(annotation) or ()]
    else:
        classes = [origin]
    return all(_is_class_hashable(cls) for cls in classes)


def _is_class_hashable(cls: Any) -> bool:
    if cls is MappingProxyType:
        return False
    return is_subclass(cls, Hashable)


class TypeMap(NamedTuple):
    """Aliases applied to an annotation before lookup, and the NCType class for each origin."""
    aliases: Mapping[Any, type]
    classes: Mapping[Any, type['NCType']]


def get_aliased_type(annotation: Any, aliases: Mapping[Any, type]) -> Any:
    """Replace aliased origins (`list` by `tuple[X, ...]`, `set` by `frozenset`) throughout `annotation`."""
    origin = get_origin(annotation) or annotation
    if origin is typing.Union:
        new_origin = UnionType
    elif origin in aliases:
        new_origin = aliases[origin]
    else:
        new_origin = origin

    if not hasattr(annotation, '__args__'):
        return new_origin

    args = tuple(get_aliased_type(arg, aliases) for arg in get_args(annotation))
    if new_origin is UnionType:
        return reduce(or_, args)
    if isinstance(origin, type) and issubclass(origin, list) and issubclass(new_origin, tuple):
        if len(args) != 1:
            raise TypeError('to make an alias from `list` to `tuple` exactly 1 argument is required')
        return new_origin[args[0], ...]
    return new_origin[*args]


def get_usable_origin_type(annotation: Any, type_map: TypeMap) -> Any:
    """Return the key of `type_map.classes` that `annotation` maps to, or raise TypeError."""
    if isinstance(annotation, str):
        raise NotImplementedError('string annotations are not currently supported')
    aliased = get_aliased_type(annotation, type_map.aliases)
    origin = get_origin(aliased) or aliased
    if origin is UnionType:
        args = get_args(aliased)
        # A union without None is looked up by its members, which is how `Address | ContractId` is found.
        if NoneType not in args:
            origin = args
    if origin in type_map.classes:
        return origin
    if NamedTuple in type_map.classes and NamedTuple in getattr(annotation, '__orig_bases__', ()):
        return NamedTuple
    raise TypeError(f'type {annotation} is not supported by any NCType class')


def nc_type_for(annotation: Any, type_map: TypeMap) -> 'NCType':
    """Build the NCType of `annotation` with `type_map`, as hathorlib's `NCType.from_type` does."""
    origin = get_usable_origin_type(annotation, type_map)
    nc_type_class = type_map.classes[origin]
    # The annotation as written must be valid too, not only its aliased form.
    nc_type_class.build(annotation, type_map)
    aliased = get_aliased_type(annotation, type_map.aliases)
    nc_type = nc_type_class.build(aliased, type_map)
    if isinstance(aliased, type):
        nc_type.actual_type = aliased
    return nc_type


def check_type(annotation: Any, type_map: TypeMap) -> None:
    """Raise TypeError when `annotation` cannot be built with `type_map`."""
    nc_type_for(annotation, type_map)


class SerializationError(Exception):
    """Bytes that do not decode as the expected value, or a value too long to encode."""


# Largest encoding of a bytes or str value, length prefix included (hathorlib's default bound).
BYTES_MAX_LENGTH = 2 ** 16
# Largest encoding of an `int` or `Amount` (signed or unsigned LEB128).
VARINT_MAX_BYTES = 32


class Reader:
    """Cursor over stored bytes."""

    __slots__ = ('data', 'offset')

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.offset = 0

    def read(self, size: int) -> bytes:
        end = self.offset + size
        if size < 0 or end > len(self.data):
            raise SerializationError(f'expected {size} more bytes at offset {self.offset}, {len(self.data) - self.offset} left')
        chunk = self.data[self.offset:end]
        self.offset = end
        return chunk

    def read_byte(self) -> int:
        return self.read(1)[0]

    def finish(self) -> None:
        if self.offset != len(self.data):
            raise SerializationError(f'{len(self.data) - self.offset} trailing bytes after the value')


def encode_leb128(out: bytearray, value: int, *, signed: bool, max_bytes: int | None = None) -> None:
    start = len(out)
    while True:
        byte = value & 0x7F
        value >>= 7
        if signed:
            done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        else:
            done = value == 0
        out.append(byte if done else byte | 0x80)
        if done:
            break
    if max_bytes is not None and len(out) - start > max_bytes:
        raise ValueError('value too long')


def decode_leb128(reader: Reader, *, signed: bool, max_bytes: int | None = None) -> int:
    result = 0
    shift = 0
    count = 0
    while True:
        count += 1
        if max_bytes is not None and count > max_bytes:
            raise ValueError('value too long')
        byte = reader.read_byte()
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if signed and byte & 0x40:
                result -= 1 << shift
            return result


def encode_bytes(out: bytearray, data: bytes) -> None:
    start = len(out)
    encode_leb128(out, len(data), signed=False)
    out += data
    if len(out) - start > BYTES_MAX_LENGTH:
        raise SerializationError('bytes value too long')


def decode_bytes(reader: Reader) -> bytes:
    start = reader.offset
    size = decode_leb128(reader, signed=False)
    data = reader.read(size)
    if reader.offset - start > BYTES_MAX_LENGTH:
        raise SerializationError('bytes value too long')
    return data


def encode_bool(out: bytearray, value: bool) -> None:
    out.append(1 if value else 0)


def decode_bool(reader: Reader) -> bool:
    byte = reader.read_byte()
    if byte > 1:
        raise SerializationError(f'invalid bool byte {byte}')
    return byte == 1


class NCType:
    """One annotation's storage and JSON form.

    Subclasses implement `build`, `descriptor`, and the hooks `check` (raise TypeError or ValueError
    for a value of the wrong type), `encode`, `decode`, `to_json` and `from_json`.
    """

    hashable: bool = True
    actual_type: Any = None

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> 'NCType':
        raise TypeError(f'{cls} is not compatible with use in a NCType.TypeMap')

    def descriptor(self) -> dict:
        raise NotImplementedError

    def check(self, value: Any, deep: bool) -> None:
        raise NotImplementedError

    def encode(self, out: bytearray, value: Any) -> None:
        raise NotImplementedError

    def decode(self, reader: Reader) -> Any:
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        raise ValueError('this class does not support JSON conversion')

    def from_json(self, json_value: Any) -> Any:
        raise ValueError('this class does not support JSON conversion')

    def inner_types(self) -> list['NCType']:
        """Return the NCTypes this one is built from (items, keys, values)."""
        return []

    def holds_set(self) -> bool:
        """Return whether a value of this type can contain a set or frozenset, at any depth."""
        return any(inner.holds_set() for inner in self.inner_types())

    # The public operations check values on the way, as hathorlib's NCType does.

    def serialize(self, out: bytearray, value: Any) -> None:
        self.check(value, False)
        self.encode(out, value)

    def deserialize(self, reader: Reader) -> Any:
        value = self.wrap(self.decode(reader))
        self.check(value, False)
        return value

    def to_bytes(self, value: Any) -> bytes:
        out = bytearray()
        self.serialize(out, value)
        return bytes(out)

    def from_bytes(self, data: bytes) -> Any:
        reader = Reader(data)
        value = self.deserialize(reader)
        reader.finish()
        return value

    def value_to_json(self, value: Any) -> Any:
        self.check(value, False)
        return self.to_json(value)

    def checked_json(self, value: Any) -> Any:
        """Raise what `serialize` raises for `value`, in the same order, and return its JSON form.

        The default encodes into a scratch buffer. Subclasses whose encoding cannot fail once
        `check` passes skip it, and containers recurse item by item as `serialize` does."""
        self.serialize(bytearray(), value)
        return self.to_json(value)

    def json_to_value(self, json_value: Any) -> Any:
        value = self.wrap(self.from_json(json_value))
        self.check(value, False)
        return value

    def wrap(self, value: Any) -> Any:
        """Turn a base value into the declared newtype-like class (`int` into `Amount`)."""
        actual = self.actual_type
        if not isinstance(actual, type) or isinstance(value, actual) or not issubclass(actual, type(value)):
            return value
        return actual(value)


class BoolNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not bool:
            raise TypeError('expected bool type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'bool'}

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError('expected boolean')

    def encode(self, out: bytearray, value: Any) -> None:
        encode_bool(out, value)

    def decode(self, reader: Reader) -> Any:
        return decode_bool(reader)

    def to_json(self, value: Any) -> Any:
        return value

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return value

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, bool):
            raise ValueError('expected bool')
        return json_value


class StrNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not str:
            raise TypeError('expected str type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'str'}

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, str):
            raise TypeError('expected str')

    def encode(self, out: bytearray, value: Any) -> None:
        encode_bytes(out, value.encode('utf-8'))

    def decode(self, reader: Reader) -> Any:
        return decode_bytes(reader).decode('utf-8')

    def to_json(self, value: Any) -> Any:
        return value

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        return json_value


class _BytesLikeNCType(NCType):
    """Length-prefixed bytes, shown as hex."""

    value_class: type = bytes

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, bytes):
            raise TypeError('expected bytes instance')

    def encode(self, out: bytearray, value: Any) -> None:
        encode_bytes(out, bytes(value))

    def decode(self, reader: Reader) -> Any:
        return self.value_class(decode_bytes(reader))

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        return self.value_class(bytes.fromhex(json_value))


class BytesNCType(_BytesLikeNCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not bytes:
            raise TypeError('expected bytes type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'bytes'}


class TxOutputScriptNCType(_BytesLikeNCType):
    """Length-prefixed bytes, like `bytes`, but values are `TxOutputScript`."""

    value_class = TxOutputScript

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes-like type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'tx_output_script'}


class _IntNCType(NCType):
    signed: bool = True
    lower_bound: int = 0
    upper_bound: int = 0
    # Smallest value whose encoding cannot fail once `check` passed.
    encodable_from: int = 0

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, int):
            raise TypeError('expected int type')
        return cls()

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, int):
            raise TypeError('expected integer')
        if value > self.upper_bound:
            raise ValueError('above upper bound')
        if value < self.lower_bound:
            raise ValueError('below lower bound')

    def to_json(self, value: Any) -> Any:
        return int(value)

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        if value < self.encodable_from:
            self.encode(bytearray(), value)
        return int(value)


class _VarIntNCType(_IntNCType):
    def encode(self, out: bytearray, value: Any) -> None:
        encode_leb128(out, int(value), signed=self.signed, max_bytes=VARINT_MAX_BYTES)

    def decode(self, reader: Reader) -> Any:
        return decode_leb128(reader, signed=self.signed, max_bytes=VARINT_MAX_BYTES)

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, (int, str)):
            raise ValueError('expected int or str')
        return int(json_value)


class VarInt32NCType(_VarIntNCType):
    """Signed LEB128 of at most 32 bytes (`int`)."""

    signed = True
    # hathorlib's bounds for 32 LEB128 bytes, asymmetric as there.
    upper_bound = 2 ** (VARINT_MAX_BYTES * 7 - 1) - 1
    lower_bound = -(2 ** (VARINT_MAX_BYTES * 7))
    # Signed LEB128 of anything below this takes 33 bytes, which `encode` rejects.
    encodable_from = -(2 ** (VARINT_MAX_BYTES * 7 - 1))

    def descriptor(self) -> dict:
        return {'kind': 'int'}


class VarUint32NCType(_VarIntNCType):
    """Unsigned LEB128 of at most 32 bytes (`Amount`)."""

    signed = False
    upper_bound = 2 ** (VARINT_MAX_BYTES * 7) - 1
    lower_bound = 0

    def descriptor(self) -> dict:
        return {'kind': 'amount'}


class Uint32NCType(_IntNCType):
    """4-byte big-endian unsigned integer (`Timestamp`)."""

    signed = False
    upper_bound = 2 ** 32 - 1
    lower_bound = 0

    def descriptor(self) -> dict:
        return {'kind': 'timestamp'}

    def encode(self, out: bytearray, value: Any) -> None:
        out += int(value).to_bytes(4, 'big')

    def decode(self, reader: Reader) -> Any:
        return int.from_bytes(reader.read(4), 'big')

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, int):
            raise ValueError('expected int')
        return json_value


class Bytes32NCType(NCType):
    """32 raw bytes: `ContractId`, `BlueprintId` or `VertexId`."""

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes-like type')
        return cls()

    def descriptor(self) -> dict:
        name = getattr(self.actual_type, '__name__', 'VertexId')
        if name not in ('ContractId', 'BlueprintId', 'VertexId'):
            name = 'VertexId'
        return {'kind': 'bytes32', 'name': name}

    def _value_class(self) -> type:
        return self.actual_type if isinstance(self.actual_type, type) else bytes

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, bytes):
            raise TypeError(f'expected bytes type, not {type(value)}')
        if len(value) != 32:
            raise TypeError(f'value has {len(value)} bytes, expected {self._value_class().__name__} to always have 32 bytes')

    def encode(self, out: bytearray, value: Any) -> None:
        out += bytes(value)

    def decode(self, reader: Reader) -> Any:
        return self._value_class()(reader.read(32))

    def to_json(self, value: Any) -> Any:
        return bytes(value).hex()

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return bytes(value).hex()

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        return self._value_class()(bytes.fromhex(json_value))


class TokenUidNCType(NCType):
    """HTR's one byte 0x00 (stored as an absent optional) or 32 bytes."""

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'token_uid'}

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, bytes):
            raise TypeError('expected bytes instance')
        if bytes(value) != HATHOR_TOKEN_UID and len(value) != 32:
            raise TypeError(f'value has {len(value)} bytes, expected TokenUid to always have 32 bytes')

    def encode(self, out: bytearray, value: Any) -> None:
        if bytes(value) == HATHOR_TOKEN_UID:
            encode_bool(out, False)
        else:
            encode_bool(out, True)
            out += bytes(value)

    def decode(self, reader: Reader) -> Any:
        return TokenUid(reader.read(32) if decode_bool(reader) else HATHOR_TOKEN_UID)

    def to_json(self, value: Any) -> Any:
        return '00' if bytes(value) == HATHOR_TOKEN_UID else bytes(value).hex()

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return self.to_json(value)

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        if json_value == '00':
            return TokenUid(HATHOR_TOKEN_UID)
        data = bytes.fromhex(json_value)
        if len(data) != 32:
            raise ValueError('TokenUid must either be a null byte or have 32 bytes')
        return TokenUid(data)


class AddressNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes-like type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'address'}

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, bytes):
            raise TypeError('expected bytes type')
        if len(value) != ADDRESS_SIZE:
            raise ValueError(f'an address must always have {ADDRESS_SIZE} bytes')

    def encode(self, out: bytearray, value: Any) -> None:
        out += bytes(value)

    def decode(self, reader: Reader) -> Any:
        return Address(reader.read(ADDRESS_SIZE))

    def to_json(self, value: Any) -> Any:
        return encode_address(value)

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return encode_address(value)

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        return Address(decode_address(json_value))


class CallerIdNCType(NCType):
    """`Address | ContractId`, stored after a tag byte (0 address, 1 contract)."""

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not isinstance(annotation, UnionType):
            raise TypeError('expected type union')
        args = get_args(annotation)
        if len(args) != 2 or Address not in args or ContractId not in args:
            raise TypeError('type must be either `Address | ContractId` or `ContractId | Address`')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'caller_id'}

    def check(self, value: Any, deep: bool) -> None:
        if isinstance(value, Address):
            if len(value) != ADDRESS_SIZE:
                raise ValueError(f'an address must always have {ADDRESS_SIZE} bytes')
        elif isinstance(value, ContractId):
            if len(value) != 32:
                raise ValueError('an contract id must always have 32 bytes')
        else:
            raise TypeError('expected Address or ContractId')

    def encode(self, out: bytearray, value: Any) -> None:
        encode_bool(out, isinstance(value, ContractId))
        out += bytes(value)

    def decode(self, reader: Reader) -> Any:
        if decode_bool(reader):
            return ContractId(reader.read(32))
        return Address(reader.read(ADDRESS_SIZE))

    def to_json(self, value: Any) -> Any:
        return encode_address(value) if isinstance(value, Address) else bytes(value).hex()

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, str):
            raise ValueError('expected str')
        if len(json_value) == 34:
            return Address(decode_address(json_value))
        if len(json_value) == 64:
            return ContractId(bytes.fromhex(json_value))
        raise ValueError(f'cannot decode "{json_value}" as CallerId')


class NullNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is None or annotation is NoneType:
            return cls()
        raise TypeError('expected None type')

    def descriptor(self) -> dict:
        return {'kind': 'null'}

    def check(self, value: Any, deep: bool) -> None:
        if value is not None:
            raise TypeError('expected None')

    def encode(self, out: bytearray, value: Any) -> None:
        pass

    def decode(self, reader: Reader) -> Any:
        return None

    def to_json(self, value: Any) -> Any:
        return None

    def from_json(self, json_value: Any) -> Any:
        if json_value is not None:
            raise ValueError('expected None/null')
        return None


class OptionalNCType(NCType):
    def __init__(self, inner: NCType) -> None:
        self.inner = inner
        self.hashable = inner.hashable

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not isinstance(annotation, UnionType):
            raise TypeError('expected type union')
        args = get_args(annotation)
        if len(args) != 2 or NoneType not in args:
            raise TypeError('type must be either `None | T` or `T | None`')
        inner, = tuple(set(args) - {NoneType})
        return cls(nc_type_for(inner, type_map))

    def descriptor(self) -> dict:
        return {'kind': 'optional', 'inner': self.inner.descriptor()}

    def inner_types(self) -> list[NCType]:
        return [self.inner]

    def check(self, value: Any, deep: bool) -> None:
        if value is not None and deep:
            self.inner.check(value, True)

    def encode(self, out: bytearray, value: Any) -> None:
        if value is None:
            encode_bool(out, False)
        else:
            encode_bool(out, True)
            self.inner.serialize(out, value)

    def decode(self, reader: Reader) -> Any:
        return self.inner.deserialize(reader) if decode_bool(reader) else None

    def to_json(self, value: Any) -> Any:
        return None if value is None else self.inner.value_to_json(value)

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return None if value is None else self.inner.checked_json(value)

    def from_json(self, json_value: Any) -> Any:
        return None if json_value is None else self.inner.json_to_value(json_value)


class TupleNCType(NCType):
    """`tuple[A, B]` (fixed items) or `tuple[X, ...]` (variadic)."""

    def __init__(self, items: list[NCType], variadic: bool) -> None:
        self.items = items
        self.variadic = variadic
        self.hashable = all(item.hashable for item in items)

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        origin = get_origin(annotation) or annotation
        if not is_subclass(origin, (tuple, list)):
            raise TypeError('expected tuple-like type')
        args = list(get_args(annotation))
        if issubclass(origin, list):
            args.append(Ellipsis)
        if args and args[-1] == Ellipsis:
            if len(args) != 2:
                raise TypeError('ellipsis only allowed with one type: tuple[T, ...]')
            return cls([nc_type_for(args[0], type_map)], variadic=True)
        return cls([nc_type_for(arg, type_map) for arg in args], variadic=False)

    def descriptor(self) -> dict:
        if self.variadic:
            return {'kind': 'variadic_tuple', 'item': self.items[0].descriptor()}
        return {'kind': 'tuple', 'items': [item.descriptor() for item in self.items]}

    def inner_types(self) -> list[NCType]:
        return list(self.items)

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, (tuple, list)):
            raise TypeError('expected tuple-like')
        if not deep:
            return
        if self.variadic:
            for item in value:
                self.items[0].check(item, True)
            return
        if len(value) != len(self.items):
            raise TypeError('wrong tuple size')
        for item, item_type in zip(value, self.items):
            item_type.check(item, True)

    def encode(self, out: bytearray, value: Any) -> None:
        if self.variadic:
            encode_leb128(out, len(value), signed=False)
            for item in value:
                self.items[0].serialize(out, item)
            return
        if len(value) != len(self.items):
            raise TypeError('wrong tuple size')
        for item, item_type in zip(value, self.items):
            item_type.serialize(out, item)

    def decode(self, reader: Reader) -> Any:
        if self.variadic:
            count = decode_leb128(reader, signed=False)
            return tuple(self.items[0].deserialize(reader) for _ in range(count))
        return tuple(item_type.deserialize(reader) for item_type in self.items)

    def to_json(self, value: Any) -> Any:
        if self.variadic:
            return [self.items[0].value_to_json(item) for item in value]
        return [item_type.value_to_json(item) for item, item_type in zip(value, self.items)]

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        if self.variadic:
            return [self.items[0].checked_json(item) for item in value]
        if len(value) != len(self.items):
            raise TypeError('wrong tuple size')
        return [item_type.checked_json(item) for item, item_type in zip(value, self.items)]

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, list):
            raise ValueError('expected list')
        if self.variadic:
            return tuple(self.items[0].json_to_value(item) for item in json_value)
        return tuple(item_type.json_to_value(item) for item, item_type in zip(json_value, self.items))


class _CollectionNCType(NCType):
    kind: str = ''
    hashable = False

    def __init__(self, item: NCType) -> None:
        self.item = item

    @classmethod
    def member_type(cls, annotation: Any) -> Any:
        origin = get_origin(annotation) or annotation
        if not is_subclass(origin, Collection):
            raise TypeError('expected Collection type')
        args = get_args(annotation)
        if not args or len(args) != 1:
            raise TypeError(f'expected {annotation.__name__}[<type>]')
        return args[0]

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        return cls(nc_type_for(cls.member_type(annotation), type_map))

    def descriptor(self) -> dict:
        return {'kind': self.kind, 'item': self.item.descriptor()}

    def inner_types(self) -> list[NCType]:
        return [self.item]

    def make(self, items: Any) -> Any:
        raise NotImplementedError

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, Collection):
            raise TypeError('expected Collection type')
        if deep:
            for item in value:
                self.check_item(item)

    def check_item(self, item: Any) -> None:
        self.item.check(item, True)

    def encode(self, out: bytearray, value: Any) -> None:
        encode_leb128(out, len(value), signed=False)
        for item in value:
            self.item.serialize(out, item)

    def decode(self, reader: Reader) -> Any:
        count = decode_leb128(reader, signed=False)
        return self.make(self.item.deserialize(reader) for _ in range(count))

    def to_json(self, value: Any) -> Any:
        return [self.item.value_to_json(item) for item in value]

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return [self.item.checked_json(item) for item in value]

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, list):
            raise ValueError('expected list')
        return self.make(self.item.json_to_value(item) for item in json_value)


class ListNCType(_CollectionNCType):
    kind = 'list'

    def make(self, items: Any) -> Any:
        return list(items)


class DequeNCType(_CollectionNCType):
    kind = 'deque'

    def make(self, items: Any) -> Any:
        return deque(items)


class SetNCType(_CollectionNCType):
    kind = 'set'

    @classmethod
    def member_type(cls, annotation: Any) -> Any:
        origin = get_origin(annotation) or annotation
        if not is_subclass(origin, Set):
            raise TypeError('expected Set type')
        args = get_args(annotation)
        if not args or len(args) != 1:
            raise TypeError(f'expected {annotation.__name__}[<type>]')
        if not is_origin_hashable(args[0]):
            raise TypeError(f'{args[0]} is not hashable')
        return args[0]

    def make(self, items: Any) -> Any:
        return set(items)

    def holds_set(self) -> bool:
        return True

    def check_item(self, item: Any) -> None:
        if not isinstance(item, Hashable):
            raise TypeError('expected Hashable type')
        super().check_item(item)


class FrozenSetNCType(SetNCType):
    kind = 'frozenset'
    hashable = True

    def make(self, items: Any) -> Any:
        return frozenset(items)


# Exact classes whose values `Bytes32NCType` and `TokenUidNCType` render as `value.hex()` when 32
# bytes long, and whose ints `_IntNCType` renders as themselves. Views return these classes unless
# they build subclasses of their own, which take the general path.
_HEX_BYTES_CLASSES = frozenset({bytes, TokenUid, VertexId, ContractId, BlueprintId})
_PLAIN_INT_CLASSES = frozenset({int, Amount, Timestamp})


def hex_json_type(nc_type: NCType) -> bool:
    """Return whether `nc_type` renders any 32-byte value of `_HEX_BYTES_CLASSES` as its hex."""
    return type(nc_type) in (Bytes32NCType, TokenUidNCType)


def plain_int_bounds(nc_type: NCType) -> tuple[int, int] | None:
    """Return the range of ints that `nc_type.checked_json` returns unchanged without encoding
    them (its bounds, above any value whose encoding could fail), or None for a non-int type."""
    if not isinstance(nc_type, _IntNCType):
        return None
    return max(nc_type.lower_bound, nc_type.encodable_from), nc_type.upper_bound


class DictNCType(NCType):
    hashable = False

    def __init__(self, key: NCType, value: NCType) -> None:
        self.key = key
        self.value = value
        # What `checked_json` may render inline, item by item: 32-byte keys as hex, ints in range.
        self._hex_keys = hex_json_type(key)
        self._int_bounds = plain_int_bounds(value)

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        origin = get_origin(annotation) or annotation
        if not is_subclass(origin, Mapping):
            raise TypeError('expected Mapping type')
        args = get_args(annotation)
        if not args or len(args) != 2:
            raise TypeError(f'expected {annotation.__name__}[<key type>, <value type>]')
        key_type, value_type = args
        if not is_origin_hashable(key_type):
            raise TypeError(f'{key_type} is not hashable')
        key = nc_type_for(key_type, type_map)
        assert key.hashable, 'hashable "types" must produce hashable "values"'
        return cls(key, nc_type_for(value_type, type_map))

    def descriptor(self) -> dict:
        return {'kind': 'dict', 'key': self.key.descriptor(), 'value': self.value.descriptor()}

    def inner_types(self) -> list[NCType]:
        return [self.key, self.value]

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, Mapping):
            raise TypeError('expected Mapping type')
        if deep:
            for key, item in value.items():
                self.key.check(key, True)
                self.value.check(item, True)

    def encode(self, out: bytearray, value: Any) -> None:
        encode_leb128(out, len(value), signed=False)
        for key, item in value.items():
            self.key.serialize(out, key)
            self.value.serialize(out, item)

    def decode(self, reader: Reader) -> Any:
        count = decode_leb128(reader, signed=False)
        result = {}
        for _ in range(count):
            key = self.key.deserialize(reader)
            result[key] = self.value.deserialize(reader)
        return result

    def to_json(self, value: Any) -> Any:
        return {self.key.value_to_json(key): self.value.value_to_json(item) for key, item in value.items()}

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        key_type = self.key
        value_type = self.value
        if not self._hex_keys or self._int_bounds is None:
            # A dict display evaluates each key before its value, the order in which `encode` serializes them.
            return {key_type.checked_json(key): value_type.checked_json(item) for key, item in value.items()}

        # Maps of token or contract ids to amounts are common view results, so the checks of
        # their usual keys and values run inline. Other items go through the NCTypes, in the same order.
        low, high = self._int_bounds
        result = {}
        for key, item in value.items():
            if type(key) in _HEX_BYTES_CLASSES and len(key) == 32:
                json_key = key.hex()
            else:
                json_key = key_type.checked_json(key)
            if type(item) in _PLAIN_INT_CLASSES and low <= item <= high:
                result[json_key] = int(item)
            else:
                result[json_key] = value_type.checked_json(item)
        return result

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, dict):
            raise ValueError('expected dict')
        return {self.key.json_to_value(key): self.value.json_to_value(item) for key, item in json_value.items()}


class NamedTupleNCType(NCType):
    def __init__(self, tuple_class: type, names: list[str], items: list[NCType]) -> None:
        self.tuple_class = tuple_class
        self.names = names
        self.items = items
        self.hashable = all(item.hashable for item in items)

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, tuple):
            raise TypeError('expected NamedTuple type')
        names = list(annotation._fields)
        items = [nc_type_for(annotation.__annotations__[name], type_map) for name in names]
        return cls(annotation, names, items)

    def descriptor(self) -> dict:
        fields = [{'name': name, 'type': item.descriptor()} for name, item in zip(self.names, self.items)]
        return {'kind': 'namedtuple', 'name': self.tuple_class.__name__, 'fields': fields}

    def inner_types(self) -> list[NCType]:
        return list(self.items)

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, (tuple, self.tuple_class)):
            raise TypeError('expected tuple or namedtuple')
        if len(value) != len(self.items):
            raise TypeError('wrong number of arguments')
        if deep:
            for item, item_type in zip(value, self.items):
                item_type.check(item, True)

    def encode(self, out: bytearray, value: Any) -> None:
        for item, item_type in zip(value, self.items):
            item_type.serialize(out, item)

    def decode(self, reader: Reader) -> Any:
        return self.tuple_class(*(item_type.deserialize(reader) for item_type in self.items))

    def to_json(self, value: Any) -> Any:
        return [item_type.value_to_json(item) for item, item_type in zip(value, self.items)]

    def checked_json(self, value: Any) -> Any:
        self.check(value, False)
        return [item_type.checked_json(item) for item, item_type in zip(value, self.items)]

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, list):
            raise ValueError('expected list')
        return self.tuple_class(*(item_type.json_to_value(item) for item, item_type in zip(json_value, self.items)))


class SignedDataNCType(NCType):
    def __init__(self, inner: NCType, inner_type: Any) -> None:
        self.inner = inner
        self.inner_type = inner_type
        self.hashable = inner.hashable

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        origin = get_origin(annotation) or annotation
        if not is_subclass(origin, SignedData):
            raise TypeError('expected SignedData type')
        args = get_args(annotation) or ()
        if len(args) != 1:
            raise TypeError('expected one type argument')
        return cls(nc_type_for(args[0], type_map), args[0])

    def descriptor(self) -> dict:
        return {'kind': 'signed_data', 'inner': self.inner.descriptor()}

    def inner_types(self) -> list[NCType]:
        return [self.inner]

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, SignedData):
            raise TypeError('expected SignedData')
        if deep:
            self.inner.check(value.data, True)

    def encode(self, out: bytearray, value: Any) -> None:
        self.inner.serialize(out, value.data)
        encode_leb128(out, len(value.script_input), signed=False)
        out += bytes(value.script_input)

    def decode(self, reader: Reader) -> Any:
        data = self.inner.deserialize(reader)
        script_input = reader.read(decode_leb128(reader, signed=False))
        return SignedData[self.inner_type](data, script_input)

    def to_json(self, value: Any) -> Any:
        return [self.inner.value_to_json(value.data), value.script_input.hex()]

    def from_json(self, json_value: Any) -> Any:
        if not isinstance(json_value, list):
            raise ValueError('expected list')
        if len(json_value) != 2:
            raise ValueError('expected list of 2 elements')
        data_json, signature_json = json_value
        data = self.inner.json_to_value(data_json)
        if not isinstance(signature_json, str):
            raise ValueError('expected str for signature')
        return SignedData[self.inner_type](data, bytes.fromhex(signature_json))


# The node's maps, key for key: which NCType class each origin uses.

ESSENTIAL_ALIASES: dict[Any, type] = {typing.Union: UnionType}

# Fields store immutable variants, so the field map reads `list[X]` as `tuple[X, ...]`, `set` as `frozenset`.
DEFAULT_ALIASES: dict[Any, type] = {
    **ESSENTIAL_ALIASES,
    OrderedDict: dict,
    bytearray: bytes,
    list: tuple,
    set: frozenset,
}

FIELD_CLASSES: dict[Any, type[NCType]] = {
    bool: BoolNCType,
    bytes: BytesNCType,
    frozenset: FrozenSetNCType,
    int: VarInt32NCType,
    str: StrNCType,
    tuple: TupleNCType,
    typing.Union: OptionalNCType,
    UnionType: OptionalNCType,
    NamedTuple: NamedTupleNCType,
    Address: AddressNCType,
    Amount: VarUint32NCType,
    BlueprintId: Bytes32NCType,
    ContractId: Bytes32NCType,
    Timestamp: Uint32NCType,
    TokenUid: TokenUidNCType,
    TxOutputScript: TxOutputScriptNCType,
    VertexId: Bytes32NCType,
    SignedData: SignedDataNCType,
    (Address, ContractId): CallerIdNCType,
}

ARG_CLASSES: dict[Any, type[NCType]] = {
    **FIELD_CLASSES,
    dict: DictNCType,
    list: ListNCType,
    set: SetNCType,
    deque: DequeNCType,
    OrderedDict: DictNCType,
}

RETURN_CLASSES: dict[Any, type[NCType]] = {
    **ARG_CLASSES,
    None: NullNCType,
    NoneType: NullNCType,
}

FIELD_TYPE_MAP = TypeMap(DEFAULT_ALIASES, FIELD_CLASSES)
# Blueprint fields themselves are checked without the list/set aliases: those origins become containers.
FIELD_STORAGE_TYPE_MAP = TypeMap(ESSENTIAL_ALIASES, FIELD_CLASSES)
ARG_TYPE_MAP = TypeMap(ESSENTIAL_ALIASES, ARG_CLASSES)
RETURN_TYPE_MAP = TypeMap(ESSENTIAL_ALIASES, RETURN_CLASSES)


def make_nc_type_for_field_type(annotation: Any) -> NCType:
    return nc_type_for(annotation, FIELD_TYPE_MAP)


def make_nc_type_for_arg_type(annotation: Any) -> NCType:
    return nc_type_for(annotation, ARG_TYPE_MAP)


def make_nc_type_for_return_type(annotation: Any) -> NCType:
    return nc_type_for(annotation, RETURN_TYPE_MAP)
