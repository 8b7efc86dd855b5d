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

from hathor.types import (
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
    """Whether every origin class of `annotation` (each member of a union) is hashable."""
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


class NCType:
    """One annotation's storage and JSON form. Subclasses implement `build` and `descriptor`."""

    hashable: bool = True
    actual_type: Any = None

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> 'NCType':
        raise TypeError(f'{cls} is not compatible with use in a NCType.TypeMap')

    def descriptor(self) -> dict:
        raise NotImplementedError


class BoolNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not bool:
            raise TypeError('expected bool type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'bool'}


class StrNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not str:
            raise TypeError('expected str type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'str'}


class BytesNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is not bytes:
            raise TypeError('expected bytes type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'bytes'}


class TxOutputScriptNCType(NCType):
    """Length-prefixed bytes, like `bytes`, but values are `TxOutputScript`."""

    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes-like type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'tx_output_script'}


class _IntNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, int):
            raise TypeError('expected int type')
        return cls()


class VarInt32NCType(_IntNCType):
    """Signed LEB128 of at most 32 bytes (`int`)."""

    def descriptor(self) -> dict:
        return {'kind': 'int'}


class VarUint32NCType(_IntNCType):
    """Unsigned LEB128 of at most 32 bytes (`Amount`)."""

    def descriptor(self) -> dict:
        return {'kind': 'amount'}


class Uint32NCType(_IntNCType):
    """4-byte big-endian unsigned integer (`Timestamp`)."""

    def descriptor(self) -> dict:
        return {'kind': 'timestamp'}


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


class TokenUidNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'token_uid'}


class AddressNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if not is_subclass(annotation, bytes):
            raise TypeError('expected bytes-like type')
        return cls()

    def descriptor(self) -> dict:
        return {'kind': 'address'}


class CallerIdNCType(NCType):
    """`Address | ContractId`, stored with a tag byte."""

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


class NullNCType(NCType):
    @classmethod
    def build(cls, annotation: Any, type_map: TypeMap) -> NCType:
        if annotation is None or annotation is NoneType:
            return cls()
        raise TypeError('expected None type')

    def descriptor(self) -> dict:
        return {'kind': 'null'}


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


class ListNCType(_CollectionNCType):
    kind = 'list'


class DequeNCType(_CollectionNCType):
    kind = 'deque'


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


class FrozenSetNCType(SetNCType):
    kind = 'frozenset'
    hashable = True


class DictNCType(NCType):
    hashable = False

    def __init__(self, key: NCType, value: NCType) -> None:
        self.key = key
        self.value = value

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
