"""`Context`: what a public method learns about the transaction that calls it.

View methods never receive one, so the sandbox only needs the class as an annotation target.
"""

from __future__ import annotations

from typing import Any


class Context:
    """Caller, actions and block of a public method call. The sandbox never builds one."""

    __slots__ = ('__caller_id', '__actions', '__block', '__vertex')

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError('public method calls are not executed in this sandbox')
