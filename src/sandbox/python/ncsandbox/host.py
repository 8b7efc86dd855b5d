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

# Blueprint ids name immutable code, so a loaded class never goes stale.
_loaded: dict[str, LoadedBlueprint] = {}


def get_loaded_blueprint(blueprint_id: str) -> LoadedBlueprint | None:
    return _loaded.get(blueprint_id)


def load(blueprint_id: str, source: str) -> LoadedBlueprint:
    loaded = _loaded.get(blueprint_id)
    if loaded is None:
        loaded = load_blueprint(source)
        _loaded[blueprint_id] = loaded
    return loaded


def describe_source(blueprint_id: str, source: str) -> str:
    """Load `source` as blueprint `blueprint_id` and return `{"ok": true, "description": ...}`,
    or `{"ok": false, "check": ..., "reason": ...}` when the node would reject the code."""
    try:
        loaded = load(blueprint_id, source)
    except BlueprintRejected as e:
        return json.dumps({'ok': False, 'check': e.check, 'reason': e.reason})
    return json.dumps({'ok': True, 'description': describe_blueprint(loaded.blueprint_class, blueprint_id)})


def _class_loader(host: Any) -> Any:
    """Return a function from blueprint id (bytes) to its class, loading the source from the host once."""
    def load_class(blueprint_id: bytes) -> type | None:
        key = blueprint_id.hex()
        loaded = _loaded.get(key)
        if loaded is None:
            source = host_call(host.blueprint_source, key)
            if source is None:
                return None
            try:
                loaded = load(key, source)
            except BlueprintRejected as e:
                raise NCFail(f'blueprint {key} cannot be loaded: {e.reason}')
        return loaded.blueprint_class
    return load_class


def describe_stored(blueprint_id: str) -> str:
    """Describe a blueprint whose source the host reads from storage (or the built-in folder)."""
    if _host is None:
        raise RuntimeError('install_host() must be called before describe_stored()')
    loaded = _loaded.get(blueprint_id)
    if loaded is None:
        source = host_call(_host.blueprint_source, blueprint_id)
        if source is None:
            return json.dumps({'ok': False, 'check': 'not_found', 'reason': f'no blueprint source for {blueprint_id}'})
        return describe_source(blueprint_id, source)
    return json.dumps({'ok': True, 'description': describe_blueprint(loaded.blueprint_class, blueprint_id)})


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


_host: _Host | None = None
_roots = ContractRoots()
_load_class: Any = None


def install_host(host: Any) -> None:
    """Keep `host` for every later `call_views`; a worker calls this once, before any request."""
    global _host, _load_class
    _host = _Host(host)
    _load_class = _class_loader(_host)


def call_views(block_root: str, contract_id: str, calls_json: str, contract_root: str | None = None) -> str:
    """Run the view calls `calls_json` (a JSON array of call strings) for a contract at a block root.
    `contract_root`, when given, is the contract's root in that block's trie, which then is not read.

    Returns `{"ok": true, "results": [...]}` with one result per call string, in order:
    `{"value": ...}` (see `ncsandbox.calls.json_safe` for integers), `{"errmsg": ...}`, or
    `{"timed_out": true}`. Returns `{"ok": false, "error": ...}` when reading storage failed.
    """
    if _host is None:
        raise RuntimeError('install_host() must be called before call_views()')
    calls = json.loads(calls_json)
    try:
        results = run_calls(_host, _load_class, _roots, _host.clock, block_root, contract_id, calls, contract_root)
    except HostError as e:
        return json.dumps({'ok': False, 'error': str(e)})
    return json.dumps({'ok': True, 'results': results}, ensure_ascii=False)
