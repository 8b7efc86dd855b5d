"""View calls from the state endpoint's `calls[]`: parse `method(arg, ...)` and return what the node returns."""

from __future__ import annotations

import json
from typing import Any, Callable

from hathor.exceptions import NCFail, NCMethodNotFound
from hathor.types import ContractId
from ncsandbox.loader import BlueprintRejected
from ncsandbox.method import Method
from ncsandbox.runtime import Runner
from ncsandbox.storage import BlockStorage

# Result of a call string whose time budget ran out; the host turns it into its own message.
TIMED_OUT: dict[str, Any] = {'timed_out': True}


def parse_call(blueprint_class: type, call: str) -> tuple[str, tuple, Method]:
    """Split `method(arg, ...)`, look the method up and convert the JSON arguments by its types."""
    if not call.endswith(')'):
        raise ValueError
    method_name, _, raw_arguments = call[:-1].partition('(')
    method_callable = getattr(blueprint_class, method_name, None)
    if method_callable is None:
        raise NCMethodNotFound(f'{blueprint_class.__name__}.{method_name}')
    json_arguments = json.loads(f'[{raw_arguments}]')
    method = Method.from_callable(method_callable)
    return method_name, method.args_from_json(json_arguments), method


def answer_call(runner: Runner, blueprint_class: type, contract_id: bytes, call: str) -> dict[str, Any]:
    """Run one call string and return `{"value": ...}` or `{"errmsg": repr(exception)}`."""
    try:
        method_name, args, _ = parse_call(blueprint_class, call)
        return {'value': runner.call_view_method(contract_id, method_name, args, {}, as_json=True)}
    except Exception as e:
        return {'errmsg': repr(e)}


class CallClock:
    """Host functions that track which call string runs, for the time budget of each one.

    `started(index)` announces call `index` of the request, and `interrupted()` returns whether a
    KeyboardInterrupt was meant for the call running now. An interrupt meant for an earlier call
    can arrive late, and views are pure, so the interrupted call then simply runs again.
    """

    def __init__(self, started: Callable[[int], None], interrupted: Callable[[], bool]) -> None:
        self.started = started
        self.interrupted = interrupted


def run_calls(host: Any, load_class: Any, roots: Any, clock: CallClock, block_root: str, contract_id_hex: str,
              calls: list[str], contract_root: str | None = None) -> list[dict[str, Any]]:
    """Run every call string for one contract at one block root, each on its own with its own
    time budget, and return their results in order. `contract_root` is the contract's root at
    the block when the caller knows it."""
    contract_id = ContractId(bytes.fromhex(contract_id_hex))
    block = BlockStorage(host, block_root, roots, None if contract_root is None else {contract_id: contract_root})
    results: list[dict[str, Any]] = []

    blueprint_class = None
    setup_result = None
    for index, call in enumerate(calls):
        while True:
            clock.started(index)
            try:
                # The blueprint is looked up inside the first call's budget: loading its code may run long.
                if blueprint_class is None and setup_result is None:
                    try:
                        runner = Runner(block, load_class)
                        blueprint_class = runner.blueprint_class(runner.get_blueprint_id(contract_id))
                    except (NCFail, BlueprintRejected) as e:
                        setup_result = {'errmsg': repr(e)}
                if setup_result is not None:
                    result = setup_result
                else:
                    result = answer_call(Runner(block, load_class), blueprint_class, contract_id, call)
                break
            except KeyboardInterrupt:
                if clock.interrupted():
                    result = TIMED_OUT
                    if blueprint_class is None:
                        # Loading the blueprint itself ran out of time, so every call would.
                        setup_result = TIMED_OUT
                    break
        results.append(result)
    return results
