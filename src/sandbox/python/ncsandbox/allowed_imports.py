"""Imports allowed in blueprint code: `from MODULE import NAME` pairs, with the object each name binds."""

import collections
import math
import typing

import hathor

ALLOWED_IMPORTS: dict[str, dict[str, object]] = {
    'math': {'ceil': math.ceil, 'floor': math.floor},
    'typing': {
        'Optional': typing.Optional,
        'NamedTuple': typing.NamedTuple,
        'TypeAlias': typing.TypeAlias,
        'Union': typing.Union,
    },
    'collections': {'OrderedDict': collections.OrderedDict},
    'hathor': {name: getattr(hathor, name) for name in hathor.__all__},
}
