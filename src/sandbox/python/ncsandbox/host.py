"""Entry points that TypeScript calls. Each takes and returns plain strings (JSON), so no Python
object crosses into JavaScript.

A sandbox worker first calls `install_host` with its host object (see `ncsandbox.storage` for its
functions), then `call_views` and `describe_stored` per request.
"""

from __future__ import annotations

import json

from typing import Any

from hathor.exceptions import NCFail
from ncsandbox.calls import CallClock, run_calls
from ncsandbox.describe import describe_blueprint
from ncsandbox.loader import BlueprintRejected, LoadedBlueprint, load_blueprint
from ncsandbox.storage import ContractRoots, HostError, host_call

# Blueprints loaded for `describe_source`, by id. Blueprint ids name immutable code, so a loaded
# class never goes stale. Each storage keeps its own, so one storage cannot load another's blueprints.
_loaded: dict[str, LoadedBlueprint] = {}


def load(blueprint_id: str, source: str, loaded: dict[str, LoadedBlueprint]) -> LoadedBlueprint:
    blueprint = loaded.get(blueprint_id)
    if blueprint is None:
        blueprint = load_blueprint(source)
        loaded[blueprint_id] = blueprint
    return blueprint


def describe_source(blueprint_id: str, source: str, loaded: dict[str, LoadedBlueprint] | None = None) -> str:
    """Load `source` as blueprint `blueprint_id` and return `{"ok": true, "description": ...}`,
    or `{"ok": false, "check": ..., "reason": ...}` when the node would reject the code."""
    try:
        blueprint = load(blueprint_id, source, _loaded if loaded is None else loaded)
    except BlueprintRejected as e:
        return json.dumps({'ok': False, 'check': e.check, 'reason': e.reason})
    return json.dumps({'ok': True, 'description': describe_blueprint(blueprint.blueprint_class, blueprint_id)})


def _class_loader(host: Any, loaded: dict[str, LoadedBlueprint]) -> Any:
    """Return a function from blueprint id (bytes) to its class, loading the source from the host
    once into `loaded`."""
    def load_class(blueprint_id: bytes) -> type | None:
        key = blueprint_id.hex()
        blueprint = loaded.get(key)
        if blueprint is None:
            source = host_call(host.blueprint_source, key)
            if source is None:
                return None
            try:
                blueprint = load(key, source, loaded)
            except BlueprintRejected as e:
                raise NCFail(f'blueprint {key} cannot be loaded: {e.reason}')
        return blueprint.blueprint_class
    return load_class


class _Host:
    """The worker's host functions, looked up once: reading an attribute of a JavaScript object
    from Python costs more than the call itself."""

    def __init__(self, host: Any) -> None:
        self.contract_root = host.contract_root
        self.attribute = host.attribute
        self.balance = host.balance
        self.blueprint_id = host.blueprint_id
        self.blueprint_source = host.blueprint_source
        self.changes = host.changes
        self.clock = CallClock(host.call_started, host.interrupted)


class _Storage:
    """One storage the worker reads: its host, and the contract roots read through it."""

    def __init__(self, host: Any) -> None:
        self.host = _Host(host)
        self.loaded: dict[str, LoadedBlueprint] = {}
        self.load_class = _class_loader(self.host, self.loaded)
        self.roots = ContractRoots()


# The worker's database is `database`; the startup warm-up adds a chain held in memory for a while.
DEFAULT_STORAGE = 'database'
_storages: dict[str, _Storage] = {}


def install_host(host: Any, storage: str = DEFAULT_STORAGE) -> None:
    """Keep `host` for every later request that names `storage`. A worker installs its database
    once, before any request."""
    _storages[storage] = _Storage(host)


def remove_host(storage: str) -> None:
    """Forget `storage`, with the blueprints and contract roots read through it."""
    _storages.pop(storage, None)


def _storage(name: str) -> _Storage:
    try:
        return _storages[name]
    except KeyError:
        raise RuntimeError(f'no host is installed for storage {name!r}; call install_host() first') from None


def describe_stored(blueprint_id: str, storage: str = DEFAULT_STORAGE) -> str:
    """Describe a blueprint whose source the host reads from storage (or the built-in folder)."""
    state = _storage(storage)
    blueprint = state.loaded.get(blueprint_id)
    if blueprint is None:
        source = host_call(state.host.blueprint_source, blueprint_id)
        if source is None:
            return json.dumps({'ok': False, 'check': 'not_found', 'reason': f'no blueprint source for {blueprint_id}'})
        return describe_source(blueprint_id, source, state.loaded)
    return json.dumps({'ok': True, 'description': describe_blueprint(blueprint.blueprint_class, blueprint_id)})


def call_views(block_root: str, contract_id: str, calls_json: str, contract_root: str | None = None,
               storage: str = DEFAULT_STORAGE) -> str:
    """Run the view calls `calls_json` (a JSON array of call strings) for a contract at a block root.
    `contract_root`, when given, is the contract's root in that block's trie, which then is not read.

    Returns lines of JSON text. The first is `{"ok":true}`, and each next line is the result of one
    call string, in order: `{"value":...}`, `{"errmsg":...}` or `{"timed_out":true}`. The value is
    the node's JSON form, written once here, so JavaScript passes it on unparsed, with every digit
    and with dict keys in the view's order. `json.dumps` escapes line breaks inside strings, so a
    result is always one line. When reading storage failed, the only line is
    `{"ok":false,"error":...}`.
    """
    state = _storage(storage)
    calls = json.loads(calls_json)
    try:
        results = run_calls(state.host, state.load_class, state.roots, state.host.clock, block_root, contract_id, calls,
                            contract_root)
    except HostError as e:
        return json.dumps({'ok': False, 'error': str(e)})
    lines = ['{"ok":true}']
    lines.extend(json.dumps(result, ensure_ascii=False, separators=(',', ':')) for result in results)
    return '\n'.join(lines)
