"""Dict, set and list fields, read from (and, in a view, tentatively written to) contract storage.

Each container works on a storage object with `get_obj(key, nc_type, default)`, `has_obj(key)`,
`put_obj(key, nc_type, value)` and `del_obj(key)`, and lays out its keys as the node does:
`prefix:__init__`, `prefix:__length__` (dict, set), `prefix:__metadata__` (list) and
`prefix:<encoded key>` per entry. Operations the node leaves unimplemented raise
NotImplementedError here too (iterating a dict or a set, for example).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass, replace
from typing import Any

from hathor.fields import DictLayout, FieldLayout, ListLayout, SetLayout, ValueLayout
from hathor.nc_types import BoolNCType, NCType, Reader, VarInt32NCType, VarUint32NCType, decode_bool, decode_leb128, \
    encode_bool, encode_leb128
from hathor.types import Address, Amount, BlueprintId, ContractId, Timestamp, TokenUid, VertexId

KEY_SEPARATOR = b':'
INIT_KEY = b'__init__'
LENGTH_KEY = b'__length__'
METADATA_KEY = b'__metadata__'

_INIT_TYPE = BoolNCType()
_LENGTH_TYPE = VarUint32NCType()
_INDEX_TYPE = VarInt32NCType()


def join_key(prefix: bytes, suffix: bytes) -> bytes:
    return prefix + KEY_SEPARATOR + suffix


@dataclass(frozen=True)
class DequeMetadata:
    first_index: int = 0
    length: int = 0
    reversed: bool = False

    @property
    def last_index(self) -> int:
        return self.first_index + self.length - 1


class DequeMetadataNCType(NCType):
    """The list metadata record: first index and length (signed LEB128), then the reversed flag."""

    def check(self, value: Any, deep: bool) -> None:
        if not isinstance(value, DequeMetadata):
            raise TypeError('expected deque metadata')

    def encode(self, out: bytearray, value: Any) -> None:
        encode_leb128(out, value.first_index, signed=True, max_bytes=32)
        encode_leb128(out, value.length, signed=True, max_bytes=32)
        encode_bool(out, value.reversed)

    def decode(self, reader: Reader) -> Any:
        first_index = decode_leb128(reader, signed=True, max_bytes=32)
        length = decode_leb128(reader, signed=True, max_bytes=32)
        return DequeMetadata(first_index, length, decode_bool(reader))


_METADATA_TYPE = DequeMetadataNCType()


class Leaf:
    """A stored value: a dict entry's value, a list item, or a plain field.

    As in the node, a call keeps each value it read or wrote in `storage.cache` (one dict per
    call), so reading a key again in the same call returns the same object.
    """
    __slots__ = ('storage', 'nc_type')
    is_leaf = True

    def __init__(self, storage: Any, nc_type: NCType) -> None:
        self.storage = storage
        self.nc_type = nc_type

    def has_value(self, key: bytes) -> bool:
        if key in self.storage.cache:
            return True
        return self.storage.has_obj(key)

    def get_value(self, key: bytes) -> Any:
        return read_value(self.storage, key, self.nc_type)

    def set_value(self, key: bytes, value: Any) -> None:
        self.storage.put_obj(key, self.nc_type, value)
        self.storage.cache[key] = value

    def del_value(self, key: bytes) -> None:
        self.storage.del_obj(key)
        self.storage.cache.pop(key, None)


class Nested:
    """A container stored under a key: a whole field, a dict entry's value, or a list item.
    Built containers are kept in `storage.cache` like values (see `Leaf`)."""
    __slots__ = ('storage', 'layout')
    is_leaf = False

    def __init__(self, storage: Any, layout: FieldLayout) -> None:
        self.storage = storage
        self.layout = layout

    def build(self, prefix: bytes) -> Any:
        return CONTAINER_CLASSES[type(self.layout)](self.storage, prefix, self.layout)

    def has_value(self, prefix: bytes) -> bool:
        if prefix in self.storage.cache:
            return True
        return self.storage.get_obj(join_key(prefix, INIT_KEY), _INIT_TYPE, default=False)

    def get_value(self, prefix: bytes) -> Any:
        cache = self.storage.cache
        if prefix in cache:
            return cache[prefix]
        container = self.build(prefix)
        if not self.storage.get_obj(join_key(prefix, INIT_KEY), _INIT_TYPE, default=False):
            raise ValueError('not initialized')
        cache[prefix] = container
        return container

    def set_value(self, prefix: bytes, value: Any) -> None:
        container = self.build(prefix)
        if isinstance(value, _Container):
            if value == container:
                return
            raise ValueError('invalid assigned value')
        if self.storage.get_obj(join_key(prefix, INIT_KEY), _INIT_TYPE, default=False):
            raise ValueError('already initialized')
        container.init_storage(value)
        self.storage.put_obj(join_key(prefix, INIT_KEY), _INIT_TYPE, True)
        self.storage.cache[prefix] = container

    def del_value(self, prefix: bytes) -> None:
        container = self.build(prefix)
        if len(container) != 0:
            raise ValueError('container is not empty')
        self.storage.del_obj(join_key(prefix, INIT_KEY))
        self.storage.cache.pop(prefix, None)


def read_value(storage: Any, key: bytes, nc_type: NCType) -> Any:
    """Return what this call read or wrote under `key`, else the value stored (`Leaf.get_value`).

    A value the contract root already decoded and shares between calls (`storage.shared`, only
    immutable values) is taken without going through `get_obj` while the call wrote nothing."""
    cache = storage.cache
    if key in cache:
        return cache[key]
    if not storage.overlay:
        try:
            shared = storage.shared[key]
        except KeyError:
            shared = None
        if shared is not None and shared[0] is nc_type:
            value = cache[key] = shared[1]
            return value
    value = cache[key] = storage.get_obj(key, nc_type)
    return value


def node_for(storage: Any, layout: FieldLayout) -> Leaf | Nested:
    if isinstance(layout, ValueLayout):
        return Leaf(storage, layout.nc_type)
    return Nested(storage, layout)


# Encoded container keys (dict keys, set members, list indexes) by NCType, key class and key.
_encoded_keys: dict[tuple, bytes] = {}
_MAX_ENCODED_KEYS = 100_000
_MAX_REUSED_KEY_LENGTH = 64
# Key classes whose equal values always encode and check alike, so an encoding can be reused.
_REUSABLE_KEY_CLASSES = frozenset({bool, int, str, bytes, Address, Amount, BlueprintId, ContractId, Timestamp,
                                   TokenUid, VertexId})


def encode_key(nc_type: NCType, key: Any) -> bytes:
    """`nc_type.to_bytes(key)`, remembered for keys of the simple classes."""
    key_class = type(key)
    memo_key = (nc_type, key_class, key)
    try:
        # Only keys of the simple classes are ever stored, so a key of another class misses here.
        return _encoded_keys[memo_key]
    except (KeyError, TypeError):
        pass

    encoded = nc_type.to_bytes(key)
    if key_class in _REUSABLE_KEY_CLASSES and not (isinstance(key, (str, bytes)) and len(key) > _MAX_REUSED_KEY_LENGTH):
        if len(_encoded_keys) >= _MAX_ENCODED_KEYS:
            _encoded_keys.clear()
        _encoded_keys[memo_key] = encoded
    return encoded


# Encoded list indexes, which every list shares (`range` yields exact ints).
_index_keys: dict[int, bytes] = {}


def index_key_for(index: int) -> bytes:
    encoded = encode_key(_INDEX_TYPE, index)
    if len(_index_keys) >= _MAX_ENCODED_KEYS:
        _index_keys.clear()
    _index_keys[index] = encoded
    return encoded


# Entry keys of each dict field (by prefix and key NCType), then by key class and key. A key
# class is part of the lookup because equal keys of different classes may check differently
# (`True` and `1`), and only keys that `encode_key` would reuse are stored.
_entry_keys: dict[tuple[bytes, NCType], dict[type, dict[Any, bytes]]] = {}
_MAX_ENTRY_KEY_DICTS = 10_000
_MAX_ENTRY_KEYS = 100_000


def entry_keys_for(prefix: bytes, key_type: NCType) -> dict[type, dict[Any, bytes]]:
    memo_key = (prefix, key_type)
    entry_keys = _entry_keys.get(memo_key)
    if entry_keys is None:
        if len(_entry_keys) >= _MAX_ENTRY_KEY_DICTS:
            _entry_keys.clear()
        entry_keys = _entry_keys[memo_key] = {}
    return entry_keys


def remember_entry_key(entry_keys: dict[type, dict[Any, bytes]], key: Any, entry_key: bytes) -> None:
    key_class = type(key)
    if key_class not in _REUSABLE_KEY_CLASSES or (isinstance(key, (str, bytes)) and len(key) > _MAX_REUSED_KEY_LENGTH):
        return
    by_key = entry_keys.get(key_class)
    if by_key is None:
        by_key = entry_keys[key_class] = {}
    elif len(by_key) >= _MAX_ENTRY_KEYS:
        by_key.clear()
    by_key[key] = entry_key


class _Container:
    """Base of the container classes. Attribute names carry `__` so blueprint code cannot reach them."""

    __slots__ = ('__storage__', '__prefix__')

    def __init__(self, storage: Any, prefix: bytes) -> None:
        self.__storage__ = storage
        self.__prefix__ = prefix

    def init_storage(self, initial_value: Any) -> None:
        raise NotImplementedError


class _CountedContainer(_Container):
    """Dict and set keep their size under `prefix:__length__`."""

    __slots__ = ()

    def __length_key__(self) -> bytes:
        return join_key(self.__prefix__, LENGTH_KEY)

    def __len__(self) -> int:
        return self.__storage__.get_obj(self.__length_key__(), _LENGTH_TYPE)

    def __add_length__(self, delta: int) -> None:
        length = len(self)
        assert length + delta >= 0
        self.__storage__.put_obj(self.__length_key__(), _LENGTH_TYPE, length + delta)

    def __iter__(self) -> Any:
        raise NotImplementedError


class DictContainer(_CountedContainer):
    __slots__ = ('__key_type__', '__value_node__', '__entry_keys__')

    def __init__(self, storage: Any, prefix: bytes, layout: DictLayout) -> None:
        super().__init__(storage, prefix)
        self.__key_type__ = layout.key
        self.__value_node__ = node_for(storage, layout.value)
        self.__entry_keys__ = entry_keys_for(prefix, layout.key)

    def init_storage(self, initial_value: Any) -> None:
        self.__storage__.put_obj(self.__length_key__(), _LENGTH_TYPE, 0)
        if initial_value is not None:
            if not isinstance(initial_value, Mapping):
                raise TypeError('expected initial_value to be a Mapping')
            self.update(initial_value)

    def __entry_key__(self, key: Any) -> bytes:
        """Return the storage key of entry `key`, remembered by key class for the classes `encode_key` reuses."""
        try:
            return self.__entry_keys__[type(key)][key]
        except (KeyError, TypeError):
            pass
        entry_key = self.__prefix__ + KEY_SEPARATOR + encode_key(self.__key_type__, key)
        remember_entry_key(self.__entry_keys__, key, entry_key)
        return entry_key

    def __getitem__(self, key: Any) -> Any:
        # Dict reads are most of what views do, so the entry key lookup and `read_value` are inlined.
        try:
            entry_key = self.__entry_keys__[type(key)][key]
        except (KeyError, TypeError):
            entry_key = None
        if entry_key is None:
            entry_key = self.__entry_key__(key)
        node = self.__value_node__
        try:
            if node.is_leaf:
                storage = self.__storage__
                cache = storage.cache
                if entry_key in cache:
                    return cache[entry_key]
                nc_type = node.nc_type
                if not storage.overlay:
                    try:
                        shared = storage.shared[entry_key]
                    except KeyError:
                        shared = None
                    if shared is not None and shared[0] is nc_type:
                        value = cache[entry_key] = shared[1]
                        return value
                value = cache[entry_key] = storage.get_obj(entry_key, nc_type)
                return value
            return node.get_value(entry_key)
        except (KeyError, ValueError):
            raise KeyError(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        entry_key = self.__entry_key__(key)
        if key not in self:
            self.__add_length__(1)
        self.__value_node__.set_value(entry_key, value)

    def __delitem__(self, key: Any) -> None:
        entry_key = self.__entry_key__(key)
        if key not in self:
            return
        try:
            self.__value_node__.del_value(entry_key)
        except KeyError:
            raise KeyError(key)
        self.__add_length__(-1)

    def __contains__(self, key: Any) -> bool:
        return self.__value_node__.has_value(self.__entry_key__(key))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dict):
            if len(other) != len(self):
                return False
            return all(key in self and self[key] == other[key] for key in other.keys())
        if isinstance(other, DictContainer):
            if self.__prefix__ == other.__prefix__:
                return True
            raise ValueError('cannot compare dict-containers that point to different data')
        raise TypeError(f'cannot compare with value of type {type(other)}')

    __hash__ = None

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        if self.__value_node__.is_leaf:
            return default
        # A missing nested container is created with `default` as its contents, as the node does.
        entry_key = self.__entry_key__(key)
        self.__add_length__(1)
        self.__value_node__.set_value(entry_key, default)
        return self.__value_node__.get_value(entry_key)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        if isinstance(other, Mapping):
            for key in other.keys():
                self[key] = other[key]
        else:
            for key, value in other:
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def __or__(self, other: Any) -> Any:
        raise NotImplementedError

    def copy(self) -> Any:
        raise NotImplementedError


class SetContainer(_CountedContainer):
    __slots__ = ('__item_type__',)

    def __init__(self, storage: Any, prefix: bytes, layout: SetLayout) -> None:
        super().__init__(storage, prefix)
        self.__item_type__ = layout.item

    def init_storage(self, initial_value: Any) -> None:
        self.__storage__.put_obj(self.__length_key__(), _LENGTH_TYPE, 0)
        if initial_value is not None:
            if not isinstance(initial_value, set):
                raise TypeError('expected initial_value to be a set')
            self.update(initial_value)

    def __member_key__(self, member: Any) -> bytes:
        return join_key(self.__prefix__, encode_key(self.__item_type__, member))

    def __contains__(self, member: Any) -> bool:
        return self.__storage__.has_obj(self.__member_key__(member))

    def add(self, member: Any) -> None:
        key = self.__member_key__(member)
        if self.__storage__.has_obj(key):
            return
        self.__storage__.put_obj(key, self.__item_type__, member)
        self.__add_length__(1)

    def discard(self, member: Any) -> None:
        key = self.__member_key__(member)
        if not self.__storage__.has_obj(key):
            return
        self.__storage__.del_obj(key)
        self.__add_length__(-1)

    def remove(self, member: Any) -> None:
        key = self.__member_key__(member)
        if not self.__storage__.has_obj(key):
            raise KeyError
        self.__storage__.del_obj(key)
        self.__add_length__(-1)

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for member in other:
                self.add(member)

    def difference_update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for member in other:
                self.discard(member)

    def intersection(self, other: Iterable[Any]) -> set:
        return set(member for member in other if member in self)

    def isdisjoint(self, other: Iterable[Any]) -> bool:
        return len(self.intersection(other)) == 0

    def issuperset(self, other: Iterable[Any]) -> bool:
        return all(member in self for member in other)

    def copy(self) -> Any:
        raise NotImplementedError

    def union(self, *others: Any) -> Any:
        raise NotImplementedError

    def difference(self, *others: Any) -> Any:
        raise NotImplementedError


class DequeContainer(_Container):
    """A `list` or `deque` field: items at signed storage indexes, described by a metadata record."""

    __slots__ = ('__item_node__',)

    def __init__(self, storage: Any, prefix: bytes, layout: ListLayout) -> None:
        super().__init__(storage, prefix)
        self.__item_node__ = node_for(storage, layout.item)

    def init_storage(self, initial_value: Any) -> None:
        self.__storage__.put_obj(self.__metadata_key__(), _METADATA_TYPE, DequeMetadata())
        if initial_value is not None:
            self.extend(initial_value)

    def __metadata_key__(self) -> bytes:
        return join_key(self.__prefix__, METADATA_KEY)

    def __metadata__(self) -> DequeMetadata:
        return self.__storage__.get_obj(self.__metadata_key__(), _METADATA_TYPE)

    def __item_key__(self, index: int) -> bytes:
        return join_key(self.__prefix__, encode_key(_INDEX_TYPE, index))

    def __storage_index__(self, index: Any) -> int:
        metadata = self.__metadata__()
        position = index.__index__()
        if position < 0:
            position += metadata.length
        if position < 0 or position >= metadata.length:
            raise IndexError
        return metadata.last_index - position if metadata.reversed else metadata.first_index + position

    def __len__(self) -> int:
        return self.__metadata__().length

    def __getitem__(self, index: Any) -> Any:
        key = self.__item_key__(self.__storage_index__(index))
        try:
            return self.__item_node__.get_value(key)
        except KeyError:
            raise KeyError(index)

    def __setitem__(self, index: Any, item: Any) -> None:
        self.__item_node__.set_value(self.__item_key__(self.__storage_index__(index)), item)

    def __iter__(self) -> Any:
        metadata = self.__metadata__()
        if metadata.reversed:
            indexes = range(metadata.last_index, metadata.first_index - 1, -1)
        else:
            indexes = range(metadata.first_index, metadata.last_index + 1)
        prefix = self.__prefix__ + KEY_SEPARATOR
        item_node = self.__item_node__
        if not item_node.is_leaf:
            for index in indexes:
                yield item_node.get_value(prefix + encode_key(_INDEX_TYPE, index))
            return
        # `read_value` is inlined because views often loop over a list to read a dict entry per item.
        storage = self.__storage__
        cache = storage.cache
        shared = storage.shared
        nc_type = item_node.nc_type
        index_keys = _index_keys
        for index in indexes:
            try:
                key = prefix + index_keys[index]
            except KeyError:
                key = prefix + index_key_for(index)
            if key in cache:
                yield cache[key]
                continue
            if not storage.overlay and key in shared:
                value = shared[key]
                if value[0] is nc_type:
                    cache[key] = value[1]
                    yield value[1]
                    continue
            value = cache[key] = storage.get_obj(key, nc_type)
            yield value

    def __write_right__(self, items: Iterable[Any], metadata: DequeMetadata) -> None:
        last_index = metadata.last_index
        for item in items:
            last_index += 1
            self.__item_node__.set_value(self.__item_key__(last_index), item)
        new_metadata = replace(metadata, length=last_index - metadata.first_index + 1)
        self.__storage__.put_obj(self.__metadata_key__(), _METADATA_TYPE, new_metadata)

    def __write_left__(self, items: Iterable[Any], metadata: DequeMetadata) -> None:
        first_index = metadata.first_index
        for item in items:
            first_index -= 1
            self.__item_node__.set_value(self.__item_key__(first_index), item)
        new_metadata = replace(metadata, first_index=first_index, length=metadata.last_index - first_index + 1)
        self.__storage__.put_obj(self.__metadata_key__(), _METADATA_TYPE, new_metadata)

    def __pop_end__(self, metadata: DequeMetadata, left: bool) -> Any:
        if metadata.length == 0:
            raise IndexError
        index = metadata.first_index if left else metadata.last_index
        key = self.__item_key__(index)
        item = self.__item_node__.get_value(key)
        self.__item_node__.del_value(key)
        first_index = metadata.first_index + 1 if left else metadata.first_index
        new_metadata = replace(metadata, first_index=first_index, length=metadata.length - 1)
        self.__storage__.put_obj(self.__metadata_key__(), _METADATA_TYPE, new_metadata)
        return item

    def append(self, item: Any) -> None:
        self.extend((item,))

    def extend(self, items: Iterable[Any]) -> None:
        metadata = self.__metadata__()
        if metadata.reversed:
            self.__write_left__(items, metadata)
        else:
            self.__write_right__(items, metadata)

    def appendleft(self, item: Any) -> None:
        self.extendleft((item,))

    def extendleft(self, items: Iterable[Any]) -> None:
        metadata = self.__metadata__()
        if metadata.reversed:
            self.__write_right__(items, metadata)
        else:
            self.__write_left__(items, metadata)

    def pop(self) -> Any:
        metadata = self.__metadata__()
        return self.__pop_end__(metadata, left=metadata.reversed)

    def popleft(self) -> Any:
        metadata = self.__metadata__()
        return self.__pop_end__(metadata, left=not metadata.reversed)

    def reverse(self) -> None:
        metadata = self.__metadata__()
        self.__storage__.put_obj(self.__metadata_key__(), _METADATA_TYPE, replace(metadata, reversed=not metadata.reversed))

    @property
    def maxlen(self) -> None:
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DequeContainer) and self.__prefix__ == other.__prefix__:
            return True
        if isinstance(other, Iterable) and isinstance(other, Sized):
            if len(other) != len(self):
                return False
            return all(a == b for a, b in zip(other, self))
        raise TypeError(f'cannot compare with value of type {type(other)}')

    __hash__ = None

    def insert(self, index: int, item: Any) -> None:
        raise NotImplementedError

    def copy(self) -> Any:
        raise NotImplementedError

    def rotate(self, steps: int = 1) -> None:
        raise NotImplementedError


CONTAINER_CLASSES = {DictLayout: DictContainer, SetLayout: SetContainer, ListLayout: DequeContainer}
