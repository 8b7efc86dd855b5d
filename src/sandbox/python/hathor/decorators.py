"""The method decorators (`@public`, `@view`, `@fallback`) and `@export`, with the node's syntax checks.

A decorated function carries its kind and allowed actions in attributes whose names contain a
double underscore, because blueprint code can never write such a name (the node's code check
rejects any source text containing `__`).
"""

from __future__ import annotations

import inspect
import sys
from enum import Enum
from typing import Callable

from hathor.exceptions import BlueprintSyntaxError
from hathor.types import NCActionType, NCArgs

METHOD_KIND_ATTR = '__nc_method_type'
ALLOWED_ACTIONS_ATTR = '__nc_allowed_actions'
ALLOW_REENTRANCY_ATTR = '__nc_allow_reentrancy'

BLUEPRINT_EXPORT_NAME = '__blueprint__'
INITIALIZE_METHOD = 'initialize'
FALLBACK_METHOD = 'fallback'


class MethodKind(Enum):
    PUBLIC = 'public'
    VIEW = 'view'
    FALLBACK = 'fallback'


def method_kind(fn: object) -> MethodKind | None:
    """Return the kind a decorator gave `fn`, or None for a plain (internal) method."""
    return getattr(fn, METHOD_KIND_ATTR, None)


def _context_class() -> type:
    from hathor.context import Context
    return Context


def _set_method_kind(fn: Callable, kind: MethodKind) -> None:
    if hasattr(fn, METHOD_KIND_ATTR):
        raise BlueprintSyntaxError(f'method must be annotated with at most one method type: `{fn.__name__}()`')
    setattr(fn, METHOD_KIND_ATTR, kind)


def _check_self_arg(fn: Callable, decorator_name: str) -> None:
    spec = inspect.getfullargspec(fn)
    if len(spec.args) == 0:
        raise BlueprintSyntaxError(f'@{decorator_name} method must have `self` argument: `{fn.__name__}()`')
    if spec.args[0] != 'self':
        raise BlueprintSyntaxError(f'@{decorator_name} method first argument must be called `self`: `{fn.__name__}()`')
    if 'self' in spec.annotations:
        raise BlueprintSyntaxError(f'@{decorator_name} method `self` argument must not be typed: `{fn.__name__}()`')


def _check_annotated(fn: Callable) -> None:
    spec = inspect.getfullargspec(fn)
    if 'return' not in spec.annotations:
        raise BlueprintSyntaxError(f'missing return type on method `{fn.__name__}`')
    for name in spec.args:
        if name != 'self' and name not in spec.annotations:
            raise BlueprintSyntaxError(f'argument `{name}` on method `{fn.__name__}` must be typed')


def _check_context_arg(fn: Callable, decorator_name: str) -> None:
    spec = inspect.getfullargspec(fn)
    if len(spec.args) < 2:
        raise BlueprintSyntaxError(f'@{decorator_name} method must have `Context` argument: `{fn.__name__}()`')
    second = spec.args[1]
    if spec.annotations[second] is not _context_class():
        raise BlueprintSyntaxError(
            f'@{decorator_name} method second arg `{second}` argument must be of type `Context`: `{fn.__name__}()`'
        )


def _check_no_context_arg(fn: Callable, decorator_name: str) -> None:
    spec = inspect.getfullargspec(fn)
    if _context_class() in spec.annotations.values():
        raise BlueprintSyntaxError(f'@{decorator_name} method cannot have arg with type `Context`: `{fn.__name__}()`')


def _with_allowed_actions(
    body: Callable[[Callable], None],
    maybe_fn: Callable | None,
    flags: dict[NCActionType, bool | None],
    allow_actions: list[NCActionType] | None,
    allow_reentrancy: bool,
) -> Callable:
    def decorate(fn: Callable) -> Callable:
        if allow_actions is not None and any(flag is not None for flag in flags.values()):
            raise BlueprintSyntaxError(f'use only one of `allow_actions` or per-action flags: `{fn.__name__}()`')
        allowed = set(allow_actions) if allow_actions else set()
        allowed.update(action for action, flag in flags.items() if flag)
        setattr(fn, ALLOWED_ACTIONS_ATTR, allowed)
        setattr(fn, ALLOW_REENTRANCY_ATTR, allow_reentrancy)
        body(fn)
        return fn

    if maybe_fn is not None:
        return decorate(maybe_fn)
    return decorate


def _action_flags(deposit: bool | None, withdrawal: bool | None, grant: bool | None,
                  acquire: bool | None) -> dict[NCActionType, bool | None]:
    return {
        NCActionType.DEPOSIT: deposit,
        NCActionType.WITHDRAWAL: withdrawal,
        NCActionType.GRANT_AUTHORITY: grant,
        NCActionType.ACQUIRE_AUTHORITY: acquire,
    }


def public(
    maybe_fn: Callable | None = None,
    /,
    *,
    allow_deposit: bool | None = None,
    allow_withdrawal: bool | None = None,
    allow_grant_authority: bool | None = None,
    allow_acquire_authority: bool | None = None,
    allow_actions: list[NCActionType] | None = None,
    allow_reentrancy: bool = False,
) -> Callable:
    """Mark a blueprint method as public: called by transactions, with a `Context`."""
    def check(fn: Callable) -> None:
        _set_method_kind(fn, MethodKind.PUBLIC)
        if fn.__name__ == FALLBACK_METHOD:
            raise BlueprintSyntaxError(f'`{fn.__name__}` method cannot be annotated with @public')
        _check_self_arg(fn, 'public')
        _check_annotated(fn)
        _check_context_arg(fn, 'public')

    flags = _action_flags(allow_deposit, allow_withdrawal, allow_grant_authority, allow_acquire_authority)
    return _with_allowed_actions(check, maybe_fn, flags, allow_actions, allow_reentrancy)


def view(fn: Callable) -> Callable:
    """Mark a blueprint method as a view: read-only, no `Context`."""
    _set_method_kind(fn, MethodKind.VIEW)
    if fn.__name__ in (INITIALIZE_METHOD, FALLBACK_METHOD):
        raise BlueprintSyntaxError(f'`{fn.__name__}` method cannot be annotated with @view')
    _check_self_arg(fn, 'view')
    _check_no_context_arg(fn, 'view')
    _check_annotated(fn)
    return fn


def fallback(
    maybe_fn: Callable | None = None,
    /,
    *,
    allow_deposit: bool | None = None,
    allow_withdrawal: bool | None = None,
    allow_grant_authority: bool | None = None,
    allow_acquire_authority: bool | None = None,
    allow_actions: list[NCActionType] | None = None,
    allow_reentrancy: bool = False,
) -> Callable:
    """Mark the method called `fallback`, which receives calls to methods the blueprint lacks."""
    def check(fn: Callable) -> None:
        _set_method_kind(fn, MethodKind.FALLBACK)
        if fn.__name__ != FALLBACK_METHOD:
            raise BlueprintSyntaxError(f'@fallback method must be called `fallback`: `{fn.__name__}()`')
        _check_self_arg(fn, 'fallback')
        _check_annotated(fn)
        _check_context_arg(fn, 'fallback')
        spec = inspect.getfullargspec(fn)
        message = '@fallback method must have these args: `ctx: Context, method_name: str, nc_args: NCArgs`'
        if len(spec.args) < 4:
            raise BlueprintSyntaxError(message)
        if spec.annotations[spec.args[2]] is not str or spec.annotations[spec.args[3]] is not NCArgs:
            raise BlueprintSyntaxError(message)

    flags = _action_flags(allow_deposit, allow_withdrawal, allow_grant_authority, allow_acquire_authority)
    return _with_allowed_actions(check, maybe_fn, flags, allow_actions, allow_reentrancy)


def export(cls: type) -> type:
    """Name `cls` as the blueprint of the module that is being executed."""
    module_globals = sys._getframe(1).f_globals
    if BLUEPRINT_EXPORT_NAME in module_globals:
        raise TypeError('A Blueprint has already been registered')
    module_globals[BLUEPRINT_EXPORT_NAME] = cls
    return cls
