"""Describe a loaded blueprint class: its name, fields and methods, as descriptors for TypeScript."""

from __future__ import annotations

import inspect
from types import FunctionType
from typing import Any, Callable

from hathor.blueprint import Blueprint, blueprint_fields
from hathor.decorators import MethodKind, method_kind
from hathor.nc_types import (
    format_annotation,
    make_nc_type_for_arg_type,
    make_nc_type_for_field_type,
    make_nc_type_for_return_type,
)

_KIND_NAMES = {MethodKind.PUBLIC: 'public', MethodKind.VIEW: 'view', MethodKind.FALLBACK: 'fallback'}


def _annotation_text(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ''
    return format_annotation(annotation)


def type_descriptor(build: Callable[[Any], Any], annotation: Any) -> dict:
    """Descriptor of the NCType `build` makes for `annotation`, or `unsupported` with the reason."""
    try:
        return build(annotation).descriptor()
    except TypeError as e:
        return {'kind': 'unsupported', 'annotation': _annotation_text(annotation), 'reason': str(e)}
    except Exception as e:
        # NOTE: the node fails with an internal error (HTTP 500) on these (string annotations, bare containers).
        return {'kind': 'unsupported', 'annotation': _annotation_text(annotation), 'reason': f'{type(e).__name__}: {e}'}


def describe_fields(blueprint_class: type) -> list[dict]:
    fields = []
    for name, annotation in blueprint_fields(blueprint_class).items():
        layout = blueprint_class.__dict__[name].__field_layout__()
        fields.append({
            'name': name,
            'type': type_descriptor(make_nc_type_for_field_type, annotation),
            'container': layout.container,
            'annotation': format_annotation(annotation),
        })
    return fields


def blueprint_methods(blueprint_class: type) -> dict[str, FunctionType]:
    """Return the plain functions of the class and its blueprint bases, nearest definition first."""
    methods: dict[str, FunctionType] = {}
    for cls in blueprint_class.__mro__:
        if cls is Blueprint or not issubclass(cls, Blueprint):
            continue
        for name, value in vars(cls).items():
            # Blueprint source cannot contain `__`, so dunder names (Python's `__annotate_func__`) are not methods.
            if isinstance(value, FunctionType) and '__' not in name and name not in methods:
                methods[name] = value
    return methods


def describe_method(name: str, fn: FunctionType) -> dict:
    kind = method_kind(fn)
    kind_name = _KIND_NAMES.get(kind, 'internal')
    parameters = list(inspect.signature(fn).parameters.values())
    # `self` is never an argument, and public methods and the fallback also take `ctx` first.
    skipped = 2 if kind in (MethodKind.PUBLIC, MethodKind.FALLBACK) else 1
    args = [
        {'name': parameter.name, 'type': type_descriptor(make_nc_type_for_arg_type, parameter.annotation)}
        for parameter in parameters[skipped:]
    ]
    returns = type_descriptor(make_nc_type_for_return_type, inspect.signature(fn).return_annotation)
    return {'name': name, 'kind': kind_name, 'args': args, 'returns': returns}


def describe_blueprint(blueprint_class: type, blueprint_id: str) -> dict:
    methods = blueprint_methods(blueprint_class)
    return {
        'blueprintId': blueprint_id,
        'name': blueprint_class.__name__,
        'fields': describe_fields(blueprint_class),
        'methods': [describe_method(name, fn) for name, fn in methods.items()],
    }
