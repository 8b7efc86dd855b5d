"""View calls from the state endpoint's `calls[]`: parse `method(arg, ...)` and return what the node returns."""

from __future__ import annotations

import json
from typing import Any

from hathor.exceptions import NCFail, NCMethodNotFound
from hathor.types import ContractId
from ncsandbox.loader import BlueprintRejected
from ncsandbox.method import Method
from ncsandbox.runtime import Runner
from ncsandbox.storage import BlockStorage


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
        method_name, args, method = parse_call(blueprint_class, call)
        value = runner.call_view_method(contract_id, method_name, args, {})
        return {'value': method.return_type.value_to_json(value)}
    except Exception as e:
        return {'errmsg': repr(e)}


def run_calls(host: Any, load_class: Any, block_root: str, contract_id_hex: str, calls: list[str]) -> dict[str, Any]:
    """Run every call string for one contract at one block root, each call on its own."""
    block = BlockStorage(host, block_root)
    contract_id = ContractId(bytes.fromhex(contract_id_hex))
    results: dict[str, Any] = {}

    blueprint_class = None
    setup_error = None
    try:
        blueprint_id = Runner(block, load_class).get_blueprint_id(contract_id)
        blueprint_class = Runner(block, load_class).blueprint_class(blueprint_id)
    except (NCFail, BlueprintRejected) as e:
        setup_error = repr(e)

    for call in calls:
        if blueprint_class is None:
            results[call] = {'errmsg': setup_error}
            continue
        results[call] = answer_call(Runner(block, load_class), blueprint_class, contract_id, call)
    return results
