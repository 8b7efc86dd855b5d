"""Contract storage for view calls, read synchronously from the host (the worker's LevelDB copy).

The host is a JavaScript object whose functions take and return hex strings:
`contract_root(block_root, contract_id)`, `attribute(contract_id, contract_root, key)`,
`balance(contract_id, contract_root, token_uid)` (as `"value,can_mint,can_melt"`),
`blueprint_id(contract_id, contract_root)` and `blueprint_source(blueprint_id)`.
Absent keys come back as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hathor.nc_types import NCType

_MISSING = object()
_DELETED = object()


class HostError(BaseException):
    """Reading the node's storage failed. It derives from BaseException so that no view, and no
    conversion of view errors to NCFail, can swallow it: the whole request fails instead."""


def host_call(function: Any, *args: str) -> Any:
    try:
        return function(*args)
    except Exception as e:
        raise HostError(f'storage read failed: {e}') from None


@dataclass(frozen=True)
class Balance:
    value: int
    can_mint: bool
    can_melt: bool


class ReadCache:
    """Reads keyed by content ids (block root, contract root): tries are immutable, so entries never go
    stale. The cache is dropped whole when it reaches `max_entries`."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self.entries: dict[tuple, Any] = {}

    def get(self, key: tuple, load: Any) -> Any:
        try:
            return self.entries[key]
        except KeyError:
            pass
        value = load()
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[key] = value
        return value


_reads = ReadCache()


class BlockStorage:
    """Read access to every contract at one block root, through the worker's read cache."""

    def __init__(self, host: Any, block_root: str) -> None:
        self.host = host
        self.block_root = block_root

    def contract_root(self, contract_id: bytes) -> str | None:
        return _reads.get(('contract', self.block_root, contract_id),
                          lambda: host_call(self.host.contract_root, self.block_root, contract_id.hex()))

    def has_contract(self, contract_id: bytes) -> bool:
        return self.contract_root(contract_id) is not None

    def attribute(self, contract_id: bytes, root: str, key: bytes) -> bytes | None:
        def load() -> bytes | None:
            value = host_call(self.host.attribute, contract_id.hex(), root, key.hex())
            return None if value is None else bytes.fromhex(value)
        return _reads.get(('attribute', contract_id, root, key), load)

    def balance(self, contract_id: bytes, root: str, token_uid: bytes) -> Balance:
        def load() -> Balance:
            text = host_call(self.host.balance, contract_id.hex(), root, bytes(token_uid).hex())
            value, can_mint, can_melt = str(text).split(',')
            return Balance(int(value), can_mint == '1', can_melt == '1')
        return _reads.get(('balance', contract_id, root, bytes(token_uid)), load)

    def blueprint_id(self, contract_id: bytes, root: str) -> bytes:
        return _reads.get(('blueprint', contract_id, root),
                          lambda: bytes.fromhex(host_call(self.host.blueprint_id, contract_id.hex(), root)))

    def blueprint_source(self, blueprint_id: bytes) -> str | None:
        return host_call(self.host.blueprint_source, blueprint_id.hex())


class ContractStorage:
    """One contract's attributes at the block, with an overlay that records writes.

    A view may write (the node lets the write happen in a change tracker), but the node then fails
    the call with NCViewMethodError, so writes only live in the overlay and mark it changed.
    """

    def __init__(self, block: BlockStorage, contract_id: bytes, root: str) -> None:
        self.block = block
        self.contract_id = contract_id
        self.root = root
        self.overlay: dict[bytes, Any] = {}

    def is_changed(self) -> bool:
        return bool(self.overlay)

    def _stored(self, key: bytes) -> bytes | None:
        return self.block.attribute(self.contract_id, self.root, key)

    def get_obj(self, key: bytes, nc_type: NCType, default: Any = _MISSING) -> Any:
        if key in self.overlay:
            value = self.overlay[key]
            if value is _DELETED:
                if default is _MISSING:
                    raise KeyError(key)
                return default
            return nc_type.from_bytes(value)
        data = self._stored(key)
        if data is None:
            if default is _MISSING:
                raise KeyError(key)
            return default
        return nc_type.from_bytes(data)

    def has_obj(self, key: bytes) -> bool:
        if key in self.overlay:
            return self.overlay[key] is not _DELETED
        return self._stored(key) is not None

    def put_obj(self, key: bytes, nc_type: NCType, value: Any) -> None:
        self.overlay[key] = nc_type.to_bytes(value)

    def del_obj(self, key: bytes) -> None:
        self.overlay[key] = _DELETED

    def get_balance(self, token_uid: bytes) -> Balance:
        return self.block.balance(self.contract_id, self.root, token_uid)

    def get_blueprint_id(self) -> bytes:
        return self.block.blueprint_id(self.contract_id, self.root)
