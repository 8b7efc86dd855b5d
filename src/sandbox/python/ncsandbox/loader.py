"""Load on-chain blueprint code as the node does: check the source, execute it with restricted
builtins, and take the class that `@export` named."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from hathor.blueprint import Blueprint
from hathor.decorators import BLUEPRINT_EXPORT_NAME
from ncsandbox.builtins import make_exec_builtins
from ncsandbox.restrictions import PYTHON_MINOR_VERSION, check_restrictions, has_export_decorator, parse_source


class BlueprintRejected(Exception):
    """The node would reject this blueprint code. `check` names the failed step, `reason` is the node's message."""

    def __init__(self, check: str, reason: str) -> None:
        super().__init__(reason)
        self.check = check
        self.reason = reason


@dataclass
class LoadedBlueprint:
    blueprint_class: type
    module_globals: dict[str, Any]


def check_source(source: str, filename: str = '<blueprint>') -> ast.Module:
    """Run the node's source checks in the node's order, raising BlueprintRejected on the first
    failure, and return the parsed source."""
    if '__' in source:
        raise BlueprintRejected('dunder_text', 'forbidden syntax: script contains dunder text')

    try:
        tree = parse_source(source, filename)
    except (SyntaxError, ValueError):
        raise BlueprintRejected('syntax', 'Could not correctly parse the script')

    try:
        check_restrictions(tree)
    except SyntaxError as e:
        raise BlueprintRejected('restricted_syntax', f'forbidden syntax: {e}')
    except AssertionError:
        # The node's visitor asserts that mapping patterns use string keys.
        raise BlueprintRejected('restricted_syntax', 'forbidden syntax: match mapping keys must be strings')

    if not has_export_decorator(tree):
        raise BlueprintRejected('no_export', 'Could not find a main Blueprint definition')
    return tree


def execute_source(source: str | ast.Module) -> dict[str, Any]:
    """Execute checked blueprint code with the restricted builtins and return its module globals.
    `source` may be the tree `check_source` returned, which saves parsing the text again."""
    module_globals: dict[str, Any] = {'__builtins__': make_exec_builtins()}
    code = compile(source, '<blueprint>', 'exec', flags=0, dont_inherit=True, optimize=0,
                   _feature_version=PYTHON_MINOR_VERSION)
    exec(code, module_globals)
    del module_globals['__builtins__']
    return module_globals


def load_blueprint(source: str) -> LoadedBlueprint:
    """Check and execute blueprint code, returning the exported Blueprint subclass."""
    tree = check_source(source)

    try:
        module_globals = execute_source(tree)
    except SyntaxError as e:
        raise BlueprintRejected('load_failed', f'forbidden syntax: {e}')
    except Exception as e:
        raise BlueprintRejected('load_failed', repr(e))

    if BLUEPRINT_EXPORT_NAME not in module_globals:
        raise BlueprintRejected('load_failed', f'KeyError({BLUEPRINT_EXPORT_NAME!r})')
    blueprint_class = module_globals[BLUEPRINT_EXPORT_NAME]
    if not isinstance(blueprint_class, type):
        raise BlueprintRejected('not_a_class', 'exported Blueprint is not a class')
    if not issubclass(blueprint_class, Blueprint):
        raise BlueprintRejected('not_a_blueprint', 'exported Blueprint is not a Blueprint subclass')
    return LoadedBlueprint(blueprint_class, module_globals)
