"""The node's checks on on-chain blueprint source, run before the code is executed.

Each check raises SyntaxError with the node's message; the loader reports it as
`forbidden syntax: <message>`.
"""

from __future__ import annotations

import ast
from typing import Any, Callable

from ncsandbox.allowed_imports import ALLOWED_IMPORTS
from ncsandbox.builtins import AST_NAME_BLACKLIST

# Blueprint source must parse as the Python version the node compiles it with.
PYTHON_MINOR_VERSION = 11


def parse_source(source: str, filename: str) -> ast.Module:
    tree = compile(source, filename, 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True, optimize=0,
                   _feature_version=PYTHON_MINOR_VERSION)
    assert isinstance(tree, ast.Module)
    return tree


def _reject_import(node: ast.Import) -> None:
    raise SyntaxError('Import statements are not allowed.')


def _check_import_from(node: ast.ImportFrom) -> None:
    if node.module not in ALLOWED_IMPORTS:
        raise SyntaxError(f'Importing from "{node.module}" is not allowed.')
    allowed = ALLOWED_IMPORTS[node.module]
    for alias in node.names:
        if alias.name not in allowed:
            raise SyntaxError(f'Importing "{alias.name}" from "{node.module}" is not allowed.')


def _reject_try(node: ast.Try) -> None:
    raise SyntaxError('Try/Except blocks are not allowed.')


def _check_name(node: ast.Name) -> None:
    if node.id in AST_NAME_BLACKLIST:
        raise SyntaxError(f'Usage or reference to {node.id} is not allowed.')
    if '__' in node.id:
        raise SyntaxError('Using dunder names is not allowed.')


def _check_attribute(node: ast.Attribute) -> None:
    if '__' in node.attr:
        raise SyntaxError('Access to internal attributes and methods is not allowed.')


def _check_function_def(node: ast.FunctionDef) -> None:
    if '__' in node.name:
        raise SyntaxError('magic methods are not allowed')


def _check_match_class(node: ast.MatchClass) -> None:
    for name in node.kwd_attrs:
        if '__' in name:
            raise SyntaxError('cannot match on dunder name')


def _check_match_mapping(node: ast.MatchMapping) -> None:
    for key in node.keys:
        assert isinstance(key, ast.Constant)
        assert isinstance(key.value, str)
        if '__' in key.value:
            raise SyntaxError('cannot match on dunder name')


def _reject_async_function(node: ast.AsyncFunctionDef) -> None:
    raise SyntaxError('Async functions are not allowed.')


def _reject_await(node: ast.Await) -> None:
    raise SyntaxError('Await is not allowed.')


def _reject_async_for(node: ast.AsyncFor) -> None:
    raise SyntaxError('Async loops are not allowed.')


def _reject_async_with(node: ast.AsyncWith) -> None:
    raise SyntaxError('Async contexts are not allowed.')


def _check_constant(node: ast.Constant) -> None:
    if isinstance(node.value, float):
        raise SyntaxError('Float literals are not allowed.')
    if isinstance(node.value, complex):
        raise SyntaxError('Complex literals are not allowed.')


def _reject_div(node: ast.Div) -> None:
    raise SyntaxError('Simple / division results in float, use // instead.')


# The check of each node class. Every other class is allowed, and so are its children unless a
# check of theirs fails.
_CHECKS: dict[type, Callable[[Any], None]] = {
    ast.Import: _reject_import,
    ast.ImportFrom: _check_import_from,
    ast.Try: _reject_try,
    ast.Name: _check_name,
    ast.Attribute: _check_attribute,
    ast.FunctionDef: _check_function_def,
    ast.MatchClass: _check_match_class,
    ast.MatchMapping: _check_match_mapping,
    ast.AsyncFunctionDef: _reject_async_function,
    ast.Await: _reject_await,
    ast.AsyncFor: _reject_async_for,
    ast.AsyncWith: _reject_async_with,
    ast.Constant: _check_constant,
    ast.Div: _reject_div,
}


def check_restrictions(tree: ast.AST) -> None:
    """Reject imports, try blocks, dunder names, async code, float literals and `/`, raising
    SyntaxError (or AssertionError for a mapping pattern with a key that is not a string).

    Nodes are checked in the order of the node's `ast.NodeVisitor` (depth first, each node before
    its children, children in field order), so the first violation reported is the same. The
    names a `from ... import` imports are checked as a whole, not as separate nodes.
    """
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        check = _CHECKS.get(type(node))
        if check is not None:
            check(node)
            if isinstance(node, ast.ImportFrom):
                continue

        children: list[ast.AST] = []
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                children.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        pending.extend(reversed(children))


def has_export_decorator(tree: ast.Module) -> bool:
    """Return whether some class in `tree` is decorated with `@export` or `@export(...)`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id == 'export':
                return True
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) \
                    and decorator.func.id == 'export':
                return True
    return False
