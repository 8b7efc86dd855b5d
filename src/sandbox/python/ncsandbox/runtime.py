"""View-call execution: the runner, the `syscall` environment and accessors to other contracts.

This follows the node's runner for view calls. A view runs on a blueprint instance whose fields
read the contract's storage at the block. Any exception other than NCFail raised inside it
becomes `NCFail()`, and a view that wrote to storage fails with NCViewMethodError. Arguments and
the return value are checked and copied through their encodings. A view may call views of other
contracts and read their balances, up to the node's depth and call-count limits.
"""

from __future__ import annotations

from typing import Any

from hathor.blueprint import Blueprint
from hathor.decorators import MethodKind, method_kind
from hathor.exceptions import (
    NCFail,
    NCInvalidContractId,
    NCInvalidMethodCall,
    NCMethodNotFound,
    NCNumberOfCallsExceeded,
    NCRecursionError,
    NCUninitializedContractError,
    NCViewMethodError,
    NanoContractDoesNotExist,
    BlueprintDoesNotExist,
)
from hathor.types import HATHOR_TOKEN_UID, Amount, BlueprintId, ContractId, TokenUid
from ncsandbox.method import Method
from ncsandbox.storage import BlockStorage, ContractRoot, ContractStorage

# The node's limits for one call chain.
MAX_RECURSION_DEPTH = 100
MAX_CALL_COUNTER = 250


class Runner:
    """Runs view methods of contracts at one block."""

    def __init__(self, block: BlockStorage, load_class: Any) -> None:
        self.block = block
        self.load_class = load_class
        self.storages: dict[bytes, ContractRoot] = {}
        self.stack: list[bytes] = []
        self.call_count = 0

    def storage(self, contract_id: bytes) -> ContractRoot:
        storage = self.storages.get(contract_id)
        if storage is None:
            root = self.block.contract_root(contract_id)
            if root is None:
                raise NanoContractDoesNotExist(contract_id.hex())
            storage = self.block.contract(bytes(contract_id), root)
            self.storages[contract_id] = storage
        return storage

    def get_blueprint_id(self, contract_id: bytes) -> BlueprintId:
        return BlueprintId(self.storage(contract_id).get_blueprint_id(self.block.host))

    def blueprint_class(self, blueprint_id: bytes) -> type:
        blueprint_class = self.load_class(blueprint_id)
        if blueprint_class is None:
            raise BlueprintDoesNotExist(blueprint_id.hex())
        return blueprint_class

    def current_contract_id(self) -> ContractId:
        return ContractId(self.stack[-1])

    def call_view_method(self, contract_id: bytes, method_name: str, args: tuple, kwargs: dict,
                         as_json: bool = False) -> Any:
        """Run a view and return its result copied through its encoding, or with `as_json` the
        JSON form of that copy (see `Method.return_json`)."""
        if not self.block.has_contract(contract_id) and contract_id not in self.storages:
            raise NCUninitializedContractError('cannot call methods from uninitialized contracts')
        if len(self.stack) >= MAX_RECURSION_DEPTH:
            raise NCRecursionError
        self.call_count += 1
        if self.call_count > MAX_CALL_COUNTER:
            raise NCNumberOfCallsExceeded

        storage = self.storage(contract_id)
        blueprint_class = self.blueprint_class(storage.get_blueprint_id(self.block.host))
        # A fresh overlay per call, so that the write check covers only this call's writes.
        call_storage = ContractStorage(self.block.host, storage)
        blueprint = blueprint_class(BlueprintEnvironment(self, ContractId(contract_id), call_storage))

        method = getattr(blueprint, method_name, None)
        if method is None:
            raise NCMethodNotFound(method_name)
        if method_kind(method) is not MethodKind.VIEW:
            raise NCInvalidMethodCall(f'`{method_name}` is not a view method')

        parser = Method.from_callable(method)
        args = parser.copy_args(args, kwargs)

        self.stack.append(bytes(contract_id))
        try:
            result = _run_blueprint_code(method, args)
        finally:
            self.stack.pop()

        if call_storage.is_changed():
            raise NCViewMethodError('view methods cannot change the state')
        return parser.return_json(result) if as_json else parser.copy_return(result)

    def call_other_view(self, contract_id: bytes, method_name: str, args: tuple, kwargs: dict) -> Any:
        if self.current_contract_id() == contract_id:
            raise NCInvalidContractId('a contract cannot call itself')
        return self.call_view_method(contract_id, method_name, args, kwargs)

    def balance(self, contract_id: bytes, token_uid: bytes | None) -> Any:
        token = HATHOR_TOKEN_UID if token_uid is None else bytes(token_uid)
        return self.storage(contract_id).balance(self.block.host, token)

    def forbid_in_view(self, name: str) -> None:
        raise NCViewMethodError(f'@view method cannot call `syscall.{name}`')


def _run_blueprint_code(method: Any, args: tuple) -> Any:
    """Call blueprint code, turning every exception but NCFail into NCFail, as the node's executor does."""
    try:
        return method(*args)
    except NCFail:
        raise
    except Exception as e:
        raise NCFail from e


class BlueprintEnvironment:
    """`self.syscall` inside a view: the running contract's ids, balances and other contracts."""

    __slots__ = ('__runner', '__contract_id', '__storage__')

    def __init__(self, runner: Runner, contract_id: ContractId, storage: ContractStorage) -> None:
        self.__runner = runner
        self.__contract_id = contract_id
        self.__storage__ = storage

    def get_contract_id(self) -> ContractId:
        return self.__contract_id

    def get_blueprint_id(self) -> BlueprintId:
        return self.__runner.get_blueprint_id(self.__contract_id)

    def get_current_code_blueprint_id(self) -> BlueprintId:
        return self.__runner.get_blueprint_id(self.__contract_id)

    def get_balance_before_current_call(self, token_uid: TokenUid | None = None) -> Amount:
        return Amount(self.__runner.balance(self.__contract_id, token_uid).value)

    def get_current_balance(self, token_uid: TokenUid | None = None) -> Amount:
        return Amount(self.__runner.balance(self.__contract_id, token_uid).value)

    def can_mint_before_current_call(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_mint

    def can_mint(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_mint

    def can_melt_before_current_call(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_melt

    def can_melt(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_melt

    def get_contract(self, contract_id: ContractId, *, blueprint_id: Any) -> 'ContractAccessor':
        return ContractAccessor(self.__runner, contract_id, blueprint_id)

    def get_proxy(self, blueprint_id: BlueprintId) -> Any:
        return ProxyAccessor(self.__runner, blueprint_id)

    @property
    def rng(self) -> Any:
        self.__runner.forbid_in_view('rng')

    def revoke_authorities(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('revoke_authorities')

    def mint_tokens(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('mint_tokens')

    def melt_tokens(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('melt_tokens')

    def emit_event(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('emit_event')

    def create_deposit_token(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('create_deposit_token')

    def create_fee_token(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('create_fee_token')

    def change_blueprint(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('change_blueprint')

    def setup_new_contract(self, *args: Any, **kwargs: Any) -> None:
        self.__runner.forbid_in_view('setup_new_contract')

    def get_settings(self) -> Any:
        # NOTE: the node returns its NanoSettings here; the sandbox does not know the node's settings.
        raise NCFail('syscall.get_settings is not available in this sandbox')


def _expected_blueprints(blueprint_id: Any) -> frozenset | None:
    if blueprint_id is None:
        return None
    if isinstance(blueprint_id, bytes):
        return frozenset({blueprint_id})
    return frozenset(blueprint_id)


class ContractAccessor:
    """Another contract, as `syscall.get_contract(...)` returns it."""

    __slots__ = ('__runner', '__contract_id', '__blueprint_ids')

    def __init__(self, runner: Runner, contract_id: ContractId, blueprint_id: Any) -> None:
        self.__runner = runner
        self.__contract_id = contract_id
        self.__blueprint_ids = _expected_blueprints(blueprint_id)

    def get_contract_id(self) -> ContractId:
        return self.__contract_id

    def get_blueprint_id(self) -> BlueprintId:
        return self.__runner.get_blueprint_id(self.__contract_id)

    def get_current_balance(self, token_uid: TokenUid | None = None) -> Amount:
        return Amount(self.__runner.balance(self.__contract_id, token_uid).value)

    def can_mint(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_mint

    def can_melt(self, token_uid: TokenUid) -> bool:
        return self.__runner.balance(self.__contract_id, token_uid).can_melt

    def view(self) -> 'PreparedViewCall':
        return PreparedViewCall(self.__runner, self.__contract_id, self.__blueprint_ids)

    def get_view_method(self, method_name: str) -> 'ViewMethodAccessor':
        return ViewMethodAccessor(self.__runner, self.__contract_id, self.__blueprint_ids, method_name)

    def public(self, *args: Any, **kwargs: Any) -> Any:
        self.__runner.forbid_in_view('call_public_method')

    def get_public_method(self, *args: Any, **kwargs: Any) -> Any:
        self.__runner.forbid_in_view('call_public_method')


class PreparedViewCall:
    __slots__ = ('__runner', '__contract_id', '__blueprint_ids')

    def __init__(self, runner: Runner, contract_id: ContractId, blueprint_ids: frozenset | None) -> None:
        self.__runner = runner
        self.__contract_id = contract_id
        self.__blueprint_ids = blueprint_ids

    def __getattr__(self, method_name: str) -> 'ViewMethodAccessor':
        return ViewMethodAccessor(self.__runner, self.__contract_id, self.__blueprint_ids, method_name)


class ViewMethodAccessor:
    __slots__ = ('__runner', '__contract_id', '__blueprint_ids', '__method_name')

    def __init__(self, runner: Runner, contract_id: ContractId, blueprint_ids: frozenset | None, method_name: str) -> None:
        self.__runner = runner
        self.__contract_id = contract_id
        self.__blueprint_ids = blueprint_ids
        self.__method_name = method_name

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.__blueprint_ids is not None:
            actual = self.__runner.get_blueprint_id(self.__contract_id)
            if actual not in self.__blueprint_ids:
                expected = tuple(sorted(bytes(bp).hex() for bp in self.__blueprint_ids))
                raise NCFail(f'expected blueprint to be one of `{expected}`, '
                             f'got `{actual.hex()}` for contract `{bytes(self.__contract_id).hex()}`')
        return self.__runner.call_other_view(self.__contract_id, self.__method_name, args, kwargs)


class ProxyAccessor:
    """`syscall.get_proxy(blueprint_id)`: runs another blueprint's views on the current contract's storage."""

    __slots__ = ('__runner', '__blueprint_id')

    def __init__(self, runner: Runner, blueprint_id: BlueprintId) -> None:
        self.__runner = runner
        self.__blueprint_id = blueprint_id

    def get_blueprint_id(self) -> BlueprintId:
        return self.__blueprint_id

    def view(self) -> Any:
        # NOTE: proxy view calls are not implemented yet; the node runs them on the caller's storage.
        raise NCFail('proxy view calls are not available in this sandbox')

    def public(self, *args: Any, **kwargs: Any) -> Any:
        self.__runner.forbid_in_view('proxy_call_public_method')
