"""A method's argument and return NCTypes, and the argument round trip the node applies to calls."""

from __future__ import annotations

import inspect
from types import FunctionType, MethodType
from typing import Any, Callable

from hathor.context import Context
from hathor.decorators import MethodKind, method_kind
from hathor.exceptions import NCFail, NCSerializationArgTooLong, NCSerializationError
from hathor.nc_types import (
    NCType,
    Reader,
    SerializationError,
    decode_leb128,
    encode_leb128,
    make_nc_type_for_arg_type,
    make_nc_type_for_return_type,
)

# Largest encoding of a call's arguments.
MAX_ARGS_BYTES = 1000


def _map_errors(action: Callable[[], Any]) -> Any:
    """Run a (de)serialization step, reporting failures with the node's exception classes."""
    try:
        return action()
    except NCSerializationArgTooLong:
        raise
    except SerializationError as e:
        raise NCSerializationError from e
    except NCFail:
        raise
    except Exception as e:
        raise NCFail from e


_methods: dict[tuple, 'Method'] = {}


class Method:
    """Argument names and NCTypes (arg map) and return NCType (return map) of a blueprint method."""

    def __init__(self, name: str, arg_names: list[str], arg_types: list[NCType], return_type: NCType) -> None:
        self.name = name
        self.arg_names = arg_names
        self.arg_types = arg_types
        self.return_type = return_type
        self.return_holds_set = return_type.holds_set()

    @classmethod
    def from_callable(cls, method: Any) -> 'Method':
        """Build the Method of a function or bound method; cached, since blueprint code cannot change signatures."""
        key = (method.__func__, True) if isinstance(method, MethodType) else (method, False)
        try:
            cached = _methods.get(key)
        except TypeError:
            cached = None
        if cached is not None:
            return cached
        built = cls._build(method)
        if isinstance(method, (MethodType, FunctionType)):
            _methods[key] = built
        return built

    @classmethod
    def _build(cls, method: Any) -> 'Method':
        if not callable(method):
            raise TypeError(f'{method!r} is not a callable object')
        signature = inspect.signature(method, follow_wrapped=True, globals=None, locals=None, eval_str=False)

        if isinstance(method, MethodType):
            bound = True
        elif isinstance(method, FunctionType):
            bound = False
        else:
            raise TypeError(f'{method!r} is neither a function or a bound method')

        for parameter in signature.parameters.values():
            if isinstance(parameter.annotation, str):
                raise TypeError('string annotations (including `from __future__ import annotations`), are not supported')

        parameters = iter(signature.parameters.values())
        if not bound:
            self_parameter = next(parameters, None)
            if self_parameter is None:
                raise TypeError('missing self argument')
            if self_parameter.name != 'self':
                raise TypeError('first argument should be self')
        if method_kind(method) is MethodKind.PUBLIC:
            context_parameter = next(parameters, None)
            if context_parameter is None:
                raise TypeError('missing ctx argument')
            if context_parameter.annotation is not Context:
                raise TypeError('context argument must be annotated as `ctx: Context`')

        names: list[str] = []
        types: list[NCType] = []
        for parameter in parameters:
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                raise TypeError('variable *args arguments are not supported')
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                raise TypeError('keyword-only arguments are not supported')
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                raise TypeError('variable **kwargs arguments are not supported')
            if parameter.default is not inspect.Parameter.empty:
                raise TypeError('default values are not supported')
            names.append(parameter.name)
            types.append(make_nc_type_for_arg_type(parameter.annotation))

        return cls(method.__name__, names, types, make_nc_type_for_return_type(signature.return_annotation))

    def args_from_json(self, json_args: list) -> tuple:
        """Convert a call string's JSON arguments; extra arguments are dropped, as the node drops them."""
        return tuple(arg_type.json_to_value(value) for value, arg_type in zip(json_args, self.arg_types))

    def _encode_args(self, args: tuple) -> bytes:
        for value, arg_type in zip(args, self.arg_types):
            arg_type.check(value, False)
        out = bytearray()
        encode_leb128(out, len(args), signed=False)
        for value, arg_type in zip(args, self.arg_types):
            arg_type.serialize(out, value)
            if len(out) > MAX_ARGS_BYTES:
                raise NCSerializationArgTooLong
        return bytes(out)

    def _decode_args(self, data: bytes) -> tuple:
        reader = Reader(data)
        count = decode_leb128(reader, signed=False)
        if count > len(self.arg_types):
            raise TypeError('too many arguments')
        if count < len(self.arg_types):
            raise TypeError('too few arguments')
        values = tuple(arg_type.deserialize(reader) for arg_type in self.arg_types)
        reader.finish()
        return values

    def copy_args(self, args: tuple, kwargs: dict) -> tuple:
        """Check and copy call arguments through their encoding, as the node does before every call."""
        if not args and not kwargs and not self.arg_names:
            # With no arguments, the round trip encodes a zero count and decodes an empty tuple.
            return ()
        if len(args) > len(self.arg_names):
            raise NCFail('too many arguments')
        merged = dict(zip(self.arg_names, args))
        for name, value in kwargs.items():
            if name not in self.arg_names:
                raise NCFail(f"{self.name}() got an unexpected keyword argument '{name}'")
            if name in merged:
                raise NCFail(f"{self.name}() got multiple values for argument '{name}'")
            merged[name] = value
        ordered = []
        for name in self.arg_names:
            if name not in merged:
                raise NCFail(f"{self.name}() missing required argument: '{name}'")
            ordered.append(merged[name])

        data = _map_errors(lambda: self._encode_args(tuple(ordered)))
        return _map_errors(lambda: self._decode_args(data))

    def copy_return(self, value: Any) -> Any:
        """Check and copy a return value through its encoding."""
        data = _map_errors(lambda: self.return_type.to_bytes(value))
        return _map_errors(lambda: self.return_type.from_bytes(data))

    def return_json(self, value: Any) -> Any:
        """Check a return value as `copy_return` does and return the JSON form of the copy.

        The copy is made when the type contains a set or frozenset, because decoding builds a new
        set whose order may differ. For every other type, decoding what was just encoded neither
        fails nor changes the JSON form, so the value is only checked, in one pass with its JSON."""
        if self.return_holds_set:
            return self.return_type.value_to_json(self.copy_return(value))
        return _map_errors(lambda: self.return_type.checked_json(value))
