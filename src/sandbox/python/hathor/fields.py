"""How each blueprint field is laid out in the contract's storage.

A field annotated `dict[K, V]`, `set[X]` or `list[X]` (also `OrderedDict` and `deque`) is a
container spread over several keys; any other annotation is one value under the field's own key.
`field_layout` checks an annotation the way the node's blueprint metaclass does (container types
first, else the field NCType map without the list/set aliases) and raises TypeError when the node
would reject the field.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hathor.nc_types import (
    FIELD_STORAGE_TYPE_MAP,
    NCType,
    get_args,
    get_origin,
    is_origin_hashable,
    nc_type_for,
)


class FieldLayout:
    """Base of the layouts; `container` is the descriptor's `container` value."""
    container: str = 'value'


@dataclass
class ValueLayout(FieldLayout):
    nc_type: NCType
    container: str = 'value'


@dataclass
class DictLayout(FieldLayout):
    key: NCType
    value: FieldLayout
    container: str = 'dict'


@dataclass
class SetLayout(FieldLayout):
    item: NCType
    container: str = 'set'


@dataclass
class ListLayout(FieldLayout):
    item: FieldLayout
    container: str = 'list'


def _require_origin(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is None:
        # The node asserts here, so a bare `dict`, `set` or `list` field fails with AssertionError.
        raise AssertionError('Unexpected `None`')
    return origin


def _dict_layout(annotation: Any) -> FieldLayout:
    origin = _require_origin(annotation)
    if not issubclass(origin, Mapping):
        raise TypeError('expected Mapping type')
    args = get_args(annotation)
    if not args or len(args) != 2:
        raise TypeError('expected exactly 2 type arguments')
    key_type, value_type = args
    if not is_origin_hashable(key_type):
        raise TypeError(f'{key_type} is not hashable')
    return DictLayout(nc_type_for(key_type, FIELD_STORAGE_TYPE_MAP), field_layout(value_type))


def _set_layout(annotation: Any) -> FieldLayout:
    origin = _require_origin(annotation)
    if not issubclass(origin, set):
        raise TypeError('expected set type')
    args = get_args(annotation)
    if not args or len(args) != 1:
        raise TypeError('expected exactly 1 type argument')
    item_type, = args
    if not is_origin_hashable(item_type):
        raise TypeError(f'{item_type} is not hashable')
    return SetLayout(nc_type_for(item_type, FIELD_STORAGE_TYPE_MAP))


def _list_layout(annotation: Any) -> FieldLayout:
    origin = _require_origin(annotation)
    if not issubclass(origin, Sequence):
        raise TypeError('expected Sequence type')
    args = get_args(annotation)
    if not args or len(args) != 1:
        raise TypeError('expected exactly 1 type argument')
    return ListLayout(field_layout(args[0]))


CONTAINER_LAYOUTS = {
    dict: _dict_layout,
    OrderedDict: _dict_layout,
    set: _set_layout,
    list: _list_layout,
    deque: _list_layout,
}


def field_layout(annotation: Any) -> FieldLayout:
    """Return the storage layout of a field (or of a container's value) annotated `annotation`."""
    origin = get_origin(annotation) or annotation
    if origin in CONTAINER_LAYOUTS:
        return CONTAINER_LAYOUTS[origin](annotation)
    return ValueLayout(nc_type_for(annotation, FIELD_STORAGE_TYPE_MAP))
