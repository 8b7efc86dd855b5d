"""`Blueprint`, the base class of every blueprint, and the metaclass that turns annotations into fields."""

from __future__ import annotations

import annotationlib
from types import NoneType
from typing import Any

from hathor.decorators import FALLBACK_METHOD, INITIALIZE_METHOD, MethodKind, method_kind
from hathor.exceptions import BlueprintSyntaxError
from hathor.containers import node_for, read_value
from hathor.fields import FieldLayout, ValueLayout, field_layout

FORBIDDEN_FIELD_NAMES = frozenset({'syscall', 'log'})

# Class attribute holding the field annotations, in definition order.
FIELDS_ATTR = '__fields'


def pretty_type(annotation: Any) -> str:
    """Format an annotation the way the node writes it in syntax errors."""
    if annotation is NoneType or annotation is None:
        return 'None'
    if hasattr(annotation, '__args__'):
        return str(annotation)
    return annotation.__name__


class Field:
    """Descriptor for one blueprint field. Reads go to the storage of the blueprint instance's contract."""

    __slots__ = ('__name', '__annotation', '__layout', '__key', '__value_type')

    def __init__(self, name: str, annotation: Any, layout: FieldLayout) -> None:
        self.__name = name
        self.__annotation = annotation
        self.__layout = layout
        self.__key = name.encode('utf-8')
        # NCType of a field that stores a plain value, or None for a container field.
        self.__value_type = layout.nc_type if isinstance(layout, ValueLayout) else None

    def __field_name__(self) -> str:
        return self.__name

    def __field_annotation__(self) -> Any:
        return self.__annotation

    def __field_layout__(self) -> FieldLayout:
        return self.__layout

    def __node(self, instance: Any) -> Any:
        if instance is None:
            # As in the node, a field read from the class itself is missing, so `getattr(cls, field, None)` is None.
            raise AttributeError(f'field `{self.__name}` has no value outside a contract')
        return node_for(instance.syscall.__storage__, self.__layout)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is not None:
            # What this call already read (see `hathor.containers.Leaf`), without building a node.
            storage = instance.syscall.__storage__
            cache = storage.cache
            if self.__key in cache:
                return cache[self.__key]
            if self.__value_type is not None:
                try:
                    return read_value(storage, self.__key, self.__value_type)
                except KeyError:
                    raise AttributeError('attribute not initialized')
        node = self.__node(instance)
        try:
            return node.get_value(self.__key)
        except KeyError:
            raise AttributeError('attribute not initialized')

    def __set__(self, instance: Any, value: Any) -> None:
        self.__node(instance).set_value(self.__key, value)

    def __delete__(self, instance: Any) -> None:
        try:
            self.__node(instance).del_value(self.__key)
        except KeyError:
            raise AttributeError('attribute not initialized')


class _BlueprintBase(type):
    """Metaclass of blueprints: checks the class against the node's rules and installs a Field per annotation."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], /, **kwargs: Any) -> type:
        if not any(isinstance(base, _BlueprintBase) for base in bases):
            return super().__new__(mcs, name, bases, attrs, **kwargs)

        _check_initialize_method(attrs)
        _check_fallback_method(attrs)

        # Instances must keep no state of their own: all of it lives in fields, that is, in storage.
        attrs['__slots__'] = ()
        new_class = super().__new__(mcs, name, bases, attrs, **kwargs)

        # Python 3.14 evaluates class annotations lazily, so they are read once the class exists.
        annotations = annotationlib.get_annotations(new_class, format=annotationlib.Format.VALUE)
        for field_name in annotations:
            if field_name in FORBIDDEN_FIELD_NAMES:
                raise BlueprintSyntaxError(f'field name is forbidden: `{field_name}`')
            if field_name.startswith('_'):
                raise BlueprintSyntaxError(f'field name cannot start with underscore: `{field_name}`')
        type.__setattr__(new_class, FIELDS_ATTR, dict(annotations))

        for field_name, annotation in annotations.items():
            if getattr(new_class, field_name, None) is not None:
                raise BlueprintSyntaxError(f'fields with default values are currently not supported: `{field_name}`')
            assert field_name.isidentifier()
            try:
                layout = field_layout(annotation)
            except TypeError:
                raise BlueprintSyntaxError(f'unsupported field type: `{field_name}: {pretty_type(annotation)}`')
            type.__setattr__(new_class, field_name, Field(field_name, annotation, layout))

        return new_class

    def __setattr__(cls, name: str, value: object) -> None:
        # The base class is shared by every blueprint in the interpreter, so it stays as defined.
        if cls is Blueprint:
            raise AttributeError(f'cannot set attribute `{name}` on Blueprint')
        super().__setattr__(name, value)


def _check_initialize_method(attrs: dict[str, Any]) -> None:
    if INITIALIZE_METHOD not in attrs:
        raise BlueprintSyntaxError(f'blueprints require a method called `{INITIALIZE_METHOD}`')
    if method_kind(attrs[INITIALIZE_METHOD]) is not MethodKind.PUBLIC:
        raise BlueprintSyntaxError(f'`{INITIALIZE_METHOD}` method must be annotated with @public')


def _check_fallback_method(attrs: dict[str, Any]) -> None:
    if FALLBACK_METHOD not in attrs:
        return
    if method_kind(attrs[FALLBACK_METHOD]) is not MethodKind.FALLBACK:
        raise BlueprintSyntaxError(f'`{FALLBACK_METHOD}` method must be annotated with @fallback')


def blueprint_fields(blueprint_class: type) -> dict[str, Any]:
    """Return the field annotations of a blueprint class, in definition order."""
    return dict(getattr(blueprint_class, FIELDS_ATTR, {}))


class Blueprint(metaclass=_BlueprintBase):
    """Base class of all blueprints. Annotated class attributes become fields stored in the contract."""

    __slots__ = ('__env',)

    def __init__(self, env: Any) -> None:
        self.__env = env

    @property
    def syscall(self) -> Any:
        """The environment of the running contract (its id, balances, other contracts)."""
        return self.__env

    @property
    def log(self) -> Any:
        return self.__env.__log__
