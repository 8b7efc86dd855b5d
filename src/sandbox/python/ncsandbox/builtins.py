"""The builtins that blueprint code runs with: a fixed allow-list, the node's disabled names, and an
`__import__` that only serves `ALLOWED_IMPORTS`."""

from __future__ import annotations

import builtins
from typing import Any, NoReturn

from hathor.decorators import BLUEPRINT_EXPORT_NAME
from hathor.exceptions import NCDisabledBuiltinError
from ncsandbox.allowed_imports import ALLOWED_IMPORTS

# Builtins that exist for blueprint code but raise NCDisabledBuiltinError when called.
DISABLED_BUILTINS: frozenset[str] = frozenset({
    'aiter', 'anext', 'breakpoint', 'compile', 'copyright', 'credits', 'delattr', 'dir', 'eval', 'exec',
    'exit', 'float', 'getattr', 'globals', 'hasattr', 'help', 'id', 'input', 'issubclass', 'license',
    'locals', 'memoryview', 'open', 'print', 'quit', 'setattr', 'vars', 'ascii', 'repr', 'property',
    'type', 'object', 'super', '__doc__', '__loader__', '__package__', '__spec__', 'complex',
    'BaseException', 'GeneratorExit', 'KeyboardInterrupt', 'SystemExit',
})

# Names that may not appear in blueprint source at all.
AST_NAME_BLACKLIST: frozenset[str] = frozenset({'__builtins__', '__build_class__', '__import__', *DISABLED_BUILTINS})

_ALLOWED_FUNCTIONS = (
    'abs', 'all', 'any', 'bin', 'bool', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod', 'dict',
    'divmod', 'enumerate', 'filter', 'format', 'frozenset', 'hash', 'hex', 'isinstance', 'int', 'iter',
    'len', 'list', 'map', 'max', 'min', 'next', 'oct', 'ord', 'pow', 'range', 'reversed', 'round', 'set',
    'slice', 'sorted', 'staticmethod', 'str', 'sum', 'tuple', 'zip',
)

_ALLOWED_EXCEPTIONS = (
    'ArithmeticError', 'AssertionError', 'AttributeError', 'BlockingIOError', 'BrokenPipeError',
    'BufferError', 'ChildProcessError', 'ConnectionAbortedError', 'ConnectionError',
    'ConnectionRefusedError', 'ConnectionResetError', 'EOFError', 'EnvironmentError', 'Exception',
    'FileExistsError', 'FileNotFoundError', 'FloatingPointError', 'IOError', 'ImportError',
    'IndentationError', 'IndexError', 'InterruptedError', 'IsADirectoryError', 'KeyError', 'LookupError',
    'MemoryError', 'ModuleNotFoundError', 'NameError', 'NotADirectoryError', 'NotImplementedError',
    'OSError', 'OverflowError', 'PermissionError', 'ProcessLookupError', 'RecursionError',
    'ReferenceError', 'RuntimeError', 'StopAsyncIteration', 'StopIteration', 'SyntaxError', 'SystemError',
    'TabError', 'TimeoutError', 'TypeError', 'UnboundLocalError', 'UnicodeDecodeError',
    'UnicodeEncodeError', 'UnicodeError', 'UnicodeTranslateError', 'ValueError', 'ZeroDivisionError',
    'BytesWarning', 'DeprecationWarning', 'EncodingWarning', 'FutureWarning', 'ImportWarning',
    'PendingDeprecationWarning', 'ResourceWarning', 'RuntimeWarning', 'SyntaxWarning', 'UnicodeWarning',
    'UserWarning', 'Warning',
)


class _FakeModule:
    """Module stand-in that `from X import a, b` receives, with only the requested names."""

    def __init__(self, names: dict[str, object]) -> None:
        for name, value in names.items():
            object.__setattr__(self, name, value)


def restricted_import(name: str, globals: Any = None, locals: Any = None,
                      fromlist: Any = None, level: int = 0) -> Any:
    """`__import__` for blueprint code: only `from <allowed module> import <allowed names>`."""
    names = tuple(fromlist or ())
    if level != 0:
        raise ImportError('Relative imports are not allowed')
    # `typing` is let through without a from-list because subscripting generics imports it that way.
    if not names and name != 'typing':
        raise ImportError('Only `from ... import ...` imports are allowed')
    if name not in ALLOWED_IMPORTS:
        raise ImportError(f'Import from "{name}" is not allowed.')
    allowed = ALLOWED_IMPORTS[name]
    selected = {}
    for imported in names:
        if imported not in allowed:
            raise ImportError(f'Import from "{name}.{imported}" is not allowed.')
        selected[imported] = allowed[imported]
    return _FakeModule(selected)


class _DisabledBuiltin:
    __slots__ = ('_message',)

    def __init__(self, name: str) -> None:
        self._message = f'The use of `{name}` has been disabled'

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise NCDisabledBuiltinError(self._message)


def make_exec_builtins() -> dict[str, Any]:
    """Build the `__builtins__` mapping for executing blueprint code."""
    exec_builtins: dict[str, Any] = {
        '__build_class__': builtins.__build_class__,
        '__import__': restricted_import,
        # Classes defined by blueprint code get this as their `__module__`.
        '__name__': BLUEPRINT_EXPORT_NAME,
        '__debug__': True,
    }
    for name in _ALLOWED_FUNCTIONS + _ALLOWED_EXCEPTIONS:
        exec_builtins[name] = getattr(builtins, name)
    for name in DISABLED_BUILTINS:
        exec_builtins[name] = _DisabledBuiltin(name)
    return exec_builtins
