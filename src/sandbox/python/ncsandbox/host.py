"""Entry points that TypeScript calls. Each takes and returns plain strings (JSON), so no Python
object crosses into JavaScript."""

from __future__ import annotations

import json

from ncsandbox.describe import describe_blueprint
from ncsandbox.loader import BlueprintRejected, LoadedBlueprint, load_blueprint

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
