"""The node's checks on on-chain blueprint source, run before the code is executed.

Each check raises SyntaxError with the node's message; the loader reports it as
`forbidden syntax: <message>`.
"""

from __future__ import annotations

import ast

from ncsandbox.allowed_imports import ALLOWED_IMPORTS
from ncsandbox.builtins import AST_NAME_BLACKLIST

# Blueprint source must parse as the Python version the node compiles it with.
PYTHON_MINOR_VERSION = 11


def parse_source(source: str, filename: str) -> ast.Module:
    tree = compile(source, filename, 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True, optimize=0,
                   _feature_version=PYTHON_MINOR_VERSION)
    assert isinstance(tree, ast.Module)
    return tree


class RestrictionsVisitor(ast.NodeVisitor):
    """Reject imports, try blocks, dunder names, async code, float literals and `/`."""

    def visit_Import(self, node: ast.Import) -> None:
        raise SyntaxError('Import statements are not allowed.')

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module not in ALLOWED_IMPORTS:
            raise SyntaxError(f'Importing from "{node.module}" is not allowed.')
        allowed = ALLOWED_IMPORTS[node.module]
        for alias in node.names:
            if alias.name not in allowed:
                raise SyntaxError(f'Importing "{alias.name}" from "{node.module}" is not allowed.')

    def visit_Try(self, node: ast.Try) -> None:
        raise SyntaxError('Try/Except blocks are not allowed.')

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in AST_NAME_BLACKLIST:
            raise SyntaxError(f'Usage or reference to {node.id} is not allowed.')
        if '__' in node.id:
            raise SyntaxError('Using dunder names is not allowed.')
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if '__' in node.attr:
            raise SyntaxError('Access to internal attributes and methods is not allowed.')
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if '__' in node.name:
            raise SyntaxError('magic methods are not allowed')
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:
            if '__' in name:
                raise SyntaxError('cannot match on dunder name')
        self.generic_visit(node)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for key in node.keys:
            assert isinstance(key, ast.Constant)
            assert isinstance(key.value, str)
            if '__' in key.value:
                raise SyntaxError('cannot match on dunder name')
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        raise SyntaxError('Async functions are not allowed.')

    def visit_Await(self, node: ast.Await) -> None:
        raise SyntaxError('Await is not allowed.')

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        raise SyntaxError('Async loops are not allowed.')

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        raise SyntaxError('Async contexts are not allowed.')

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, float):
            raise SyntaxError('Float literals are not allowed.')
        if isinstance(node.value, complex):
            raise SyntaxError('Complex literals are not allowed.')
        self.generic_visit(node)

    def visit_Div(self, node: ast.Div) -> None:
        raise SyntaxError('Simple / division results in float, use // instead.')


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
