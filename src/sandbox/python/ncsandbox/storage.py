"""Contract storage for view calls, read synchronously from the host (the worker's LevelDB copy).

The host is a JavaScript object whose functions take and return hex strings:
`contract_root(block_root, contract_id)`, `attribute(contract_id, contract_root, trie_key)` (the
value after the presence byte; None when absent or deleted), `balance(contract_id,
contract_root, token_uid)` (as `"value,can_mint,can_melt"`), `blueprint_id(contract_id,
contract_root)`, `blueprint_source(blueprint_id)`, and `changes(contract_id, from_root, to_root)`.
Absent keys come back as None.

`changes` lists the contract-trie keys whose content differs between two roots, joined by
commas. It may leave out keys that the host never returned a value of for that contract, since
this cache holds none of them. An entry is `<key>=<value>` for an attribute present in `to_root`, `<key>-` for an attribute absent
there and for any other key (balance, metadata). It returns None when the tries differ in so
many nodes that reading keys one by one is cheaper.

Tries are immutable and named by their root ids, so everything read here is cached by root id
and never goes stale. A worker keeps what it read of recent contract roots. A new root of a
contract starts from the root of that contract the worker read last: the host lists the trie
keys that differ, and every other value, decoded or not, carries over.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from hathor.containers import DequeMetadata
from hathor.nc_types import NCType
from hathor.types import Address, Amount, BlueprintId, ContractId, Timestamp, TokenUid, TxOutputScript, VertexId

_MISSING = object()
_DELETED = object()

# Tags of the contract trie's keys: attributes, balances and metadata (hathorlib's contract storage).
ATTRIBUTE_TAG = '00'
BALANCE_TAG = '01'
METADATA_TAG = '02'
BLUEPRINT_ID_TRIE_KEY = METADATA_TAG + sha256(b'blueprint_id').hexdigest()


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


class BoundedCache(dict):
    """A dict that empties itself when it reaches `max_entries`, for memos whose entries are cheap to rebuild."""

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.max_entries:
            self.clear()
        self[key] = value
        return value


_attribute_trie_keys = BoundedCache(100_000)


def attribute_trie_key(key: bytes) -> str:
    """Contract-trie key of an attribute, as hex: the tag, then the SHA-256 of the field key."""
    trie_key = _attribute_trie_keys.get(key)
    if trie_key is None:
        trie_key = _attribute_trie_keys.put(key, ATTRIBUTE_TAG + sha256(key).hexdigest())
    return trie_key


# Values of these classes cannot change once built (the `hathor` types have empty `__slots__`, and
# list metadata is a frozen dataclass that only the containers see).
_IMMUTABLE_CLASSES = frozenset({
    bool, int, str, bytes, type(None),
    Address, Amount, BlueprintId, ContractId, Timestamp, TokenUid, TxOutputScript, VertexId,
    DequeMetadata,
})


def is_immutable(value: Any) -> bool:
    """Return whether `value` can be shared between reads: the node decodes a fresh value on each
    read, so a value a view could change in place is never shared."""
    cls = type(value)
    if cls in _IMMUTABLE_CLASSES:
        return True
    if cls is tuple or cls is frozenset or (isinstance(value, tuple) and not hasattr(value, '__dict__')):
        return all(is_immutable(item) for item in value)
    return False


class ContractRoot:
    """Cache of one contract's trie at one root: attribute values by trie key (None when absent),
    their decoded forms when immutable (by field key, the key views read with), balances, and
    the blueprint id."""

    __slots__ = ('contract_id', 'contract_hex', 'root', 'values', 'decoded', 'decoded_keys', 'balances', 'blueprint_id')

    def __init__(self, contract_id: bytes, root: str) -> None:
        self.contract_id = contract_id
        self.contract_hex = contract_id.hex()
        self.root = root
        self.values: dict[str, bytes | None] = {}
        self.decoded: dict[bytes, tuple[NCType, Any]] = {}
        # The field key of each decoded value, by trie key, to drop the values a change replaces.
        self.decoded_keys: dict[str, bytes] = {}
        self.balances: dict[str, Balance] = {}
        self.blueprint_id: bytes | None = None

    def remember(self, key: bytes, trie_key: str, nc_type: NCType, value: Any) -> None:
        self.decoded[key] = (nc_type, value)
        self.decoded_keys[trie_key] = key

    def carry_over(self, base: 'ContractRoot', changes: str) -> None:
        """Take every entry of `base` that `changes` (the host's list of differing trie keys) leaves equal."""
        values = dict(base.values)
        decoded = dict(base.decoded)
        decoded_keys = dict(base.decoded_keys)
        balances = dict(base.balances)
        blueprint_id = base.blueprint_id

        for change in changes.split(',') if changes else ():
            trie_key, present, value = change.partition('=')
            if not present:
                trie_key = change[:-1]
            tag = trie_key[:2]
            if tag == ATTRIBUTE_TAG:
                values[trie_key] = bytes.fromhex(value) if present else None
                key = decoded_keys.pop(trie_key, None)
                if key is not None:
                    del decoded[key]
            elif tag == BALANCE_TAG:
                balances.pop(trie_key, None)
            elif trie_key == BLUEPRINT_ID_TRIE_KEY:
                blueprint_id = None

        self.values = values
        self.decoded = decoded
        self.decoded_keys = decoded_keys
        self.balances = balances
        self.blueprint_id = blueprint_id

    def attribute(self, host: Any, trie_key: str) -> bytes | None:
        try:
            return self.values[trie_key]
        except KeyError:
            pass
        value = host_call(host.attribute, self.contract_hex, self.root, trie_key)
        data = None if value is None else bytes.fromhex(value)
        self.values[trie_key] = data
        return data

    def balance(self, host: Any, token_uid: bytes) -> Balance:
        trie_key = BALANCE_TAG + token_uid.hex()
        balance = self.balances.get(trie_key)
        if balance is None:
            text = host_call(host.balance, self.contract_hex, self.root, token_uid.hex())
            value, can_mint, can_melt = str(text).split(',')
            balance = Balance(int(value), can_mint == '1', can_melt == '1')
            self.balances[trie_key] = balance
        return balance

    def get_blueprint_id(self, host: Any) -> bytes:
        if self.blueprint_id is None:
            self.blueprint_id = bytes.fromhex(host_call(host.blueprint_id, self.contract_hex, self.root))
        return self.blueprint_id


class ContractRoots:
    """The contract roots a worker read recently, least recently used first, at most `max_roots`."""

    def __init__(self, max_roots: int = 256, max_block_roots: int = 20_000) -> None:
        self.max_roots = max_roots
        self.roots: OrderedDict[tuple[str, str], ContractRoot] = OrderedDict()
        # The root each contract was last read at, which a new root of the contract starts from.
        self.latest: dict[str, ContractRoot] = {}
        self.contract_roots = BoundedCache(max_block_roots)

    def contract_root(self, host: Any, block_root: str, contract_id: bytes) -> str | None:
        key = (block_root, contract_id)
        try:
            return self.contract_roots[key]
        except KeyError:
            pass
        return self.contract_roots.put(key, host_call(host.contract_root, block_root, contract_id.hex()))

    def get(self, host: Any, contract_id: bytes, root: str) -> ContractRoot:
        key = (contract_id.hex(), root)
        state = self.roots.get(key)
        if state is not None:
            self.roots.move_to_end(key)
            self.latest[key[0]] = state
            return state

        state = ContractRoot(contract_id, root)
        base = self.latest.get(key[0])
        if base is not None and (base.values or base.balances):
            changes = host_call(host.changes, key[0], base.root, root)
            # None: the tries differ in too many nodes, so reading keys one by one is cheaper.
            if changes is not None:
                state.carry_over(base, changes)

        # Registered only once complete, so an interrupt above leaves no half-built entry.
        self.roots[key] = state
        self.latest[key[0]] = state
        while len(self.roots) > self.max_roots:
            _, evicted = self.roots.popitem(last=False)
            if self.latest.get(evicted.contract_hex) is evicted:
                del self.latest[evicted.contract_hex]
        return state


class BlockStorage:
    """Read access to every contract at one block root, through the worker's `ContractRoots`.
    `known_roots` holds contract roots at this block that the caller already read."""

    def __init__(self, host: Any, block_root: str, roots: ContractRoots, known_roots: dict[bytes, str] | None = None) -> None:
        self.host = host
        self.block_root = block_root
        self.roots = roots
        self.known_roots = known_roots or {}

    def contract_root(self, contract_id: bytes) -> str | None:
        known = self.known_roots.get(contract_id)
        if known is not None:
            return known
        return self.roots.contract_root(self.host, self.block_root, contract_id)

    def has_contract(self, contract_id: bytes) -> bool:
        return self.contract_root(contract_id) is not None

    def contract(self, contract_id: bytes, root: str) -> ContractRoot:
        return self.roots.get(self.host, contract_id, root)

    def blueprint_source(self, blueprint_id: bytes) -> str | None:
        return host_call(self.host.blueprint_source, blueprint_id.hex())


class ContractStorage:
    """One contract's attributes at the block, with an overlay that records writes.

    A view may write (the node lets the write happen in a change tracker), but the node then fails
    the call with NCViewMethodError, so writes only live in the overlay and mark it changed.
    """

    __slots__ = ('host', 'state', 'contract_id', 'root', 'overlay', 'cache', 'shared')

    def __init__(self, host: Any, state: ContractRoot) -> None:
        self.host = host
        self.state = state
        self.contract_id = state.contract_id
        self.root = state.root
        self.overlay: dict[bytes, Any] = {}
        # Values and containers this call read, by key (see `hathor.containers.Leaf`).
        self.cache: dict[bytes, Any] = {}
        # Immutable values of the contract root, (NCType, value) by key, which calls share.
        self.shared: dict[bytes, tuple[NCType, Any]] = state.decoded

    def is_changed(self) -> bool:
        return bool(self.overlay)

    def _stored(self, key: bytes) -> bytes | None:
        return self.state.attribute(self.host, attribute_trie_key(key))

    def get_obj(self, key: bytes, nc_type: NCType, default: Any = _MISSING) -> Any:
        if self.overlay and key in self.overlay:
            value = self.overlay[key]
            if value is _DELETED:
                if default is _MISSING:
                    raise KeyError(key)
                return default
            return nc_type.from_bytes(value)

        state = self.state
        cached = state.decoded.get(key)
        if cached is not None and cached[0] is nc_type:
            return cached[1]

        trie_key = _attribute_trie_keys.get(key) or attribute_trie_key(key)
        data = state.attribute(self.host, trie_key)
        if data is None:
            if default is _MISSING:
                raise KeyError(key)
            return default
        value = nc_type.from_bytes(data)
        if is_immutable(value):
            state.remember(key, trie_key, nc_type, value)
        return value

    def has_obj(self, key: bytes) -> bool:
        if self.overlay and key in self.overlay:
            return self.overlay[key] is not _DELETED
        return self._stored(key) is not None

    def put_obj(self, key: bytes, nc_type: NCType, value: Any) -> None:
        self.overlay[key] = nc_type.to_bytes(value)

    def del_obj(self, key: bytes) -> None:
        self.overlay[key] = _DELETED

    def get_balance(self, token_uid: bytes) -> Balance:
        return self.state.balance(self.host, token_uid)

    def get_blueprint_id(self) -> bytes:
        return self.state.get_blueprint_id(self.host)
