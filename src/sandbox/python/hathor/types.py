"""Value types that blueprints import from `hathor`: ids, amounts, signed data and actions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, unique
from typing import Any, Generic, TypeAlias, TypeVar

from hathor.address import decode_address, encode_address

HATHOR_TOKEN_UID: bytes = b'\x00'

T = TypeVar('T')


class SealedType(type):
    """Metaclass whose classes reject attribute assignment, so one blueprint cannot patch a type that
    every other blueprint in the same interpreter shares."""

    def __setattr__(cls, name: str, value: object) -> None:
        raise AttributeError(f'cannot set attribute `{name}` on faux-immutable class')

    def __delattr__(cls, name: str) -> None:
        raise AttributeError(f'cannot delete attribute `{name}` on faux-immutable class')


class Address(bytes, metaclass=SealedType):
    """25-byte address (version byte, public key or script hash, checksum)."""
    __slots__ = ()

    @classmethod
    def from_str(cls, encoded_address: str, /) -> 'Address':
        if not isinstance(encoded_address, str):
            raise TypeError(f'expected `str` instance, got `{type(encoded_address)}` instance')
        return cls(decode_address(encoded_address))

    def __str__(self) -> str:
        return encode_address(self)

    def __repr__(self) -> str:
        return f'Address.from_str({str(self)!r})'


class VertexId(bytes, metaclass=SealedType):
    __slots__ = ()


class BlueprintId(VertexId):
    __slots__ = ()


class ContractId(VertexId):
    __slots__ = ()


class TokenUid(bytes, metaclass=SealedType):
    """HTR's one byte 0x00, or the 32-byte id of the transaction that created the token."""
    __slots__ = ()


class TxOutputScript(bytes, metaclass=SealedType):
    __slots__ = ()


class Amount(int, metaclass=SealedType):
    __slots__ = ()


class Timestamp(int, metaclass=SealedType):
    __slots__ = ()


CallerId: TypeAlias = Address | ContractId


class InnerTypeMixin(Generic[T]):
    """Generic class whose subscription `C[X]` builds (and caches) a real subclass that remembers X.

    `get_origin`/`get_args` in `hathor.nc_types` read `__origin__` and `__args__` from it, because
    `typing.get_origin` does not know these classes.
    """

    __subclass_cache: dict = {}

    @classmethod
    def __class_getitem__(cls, params: Any) -> Any:
        if cls is InnerTypeMixin:
            return super().__class_getitem__(params)
        args = params if isinstance(params, tuple) else (params,)
        if len(args) != 1:
            raise TypeError(f'{cls.__name__}[...] expects exactly one type argument; got {len(args)}')
        inner_type, = args
        key = (cls, inner_type)
        subclass = InnerTypeMixin.__subclass_cache.get(key)
        if subclass is None:
            subclass = type(cls.__name__, (cls,), {
                '__inner_type__': inner_type,
                '__origin__': cls,
                '__args__': (inner_type,),
                '__module__': cls.__module__,
            })
            InnerTypeMixin.__subclass_cache[key] = subclass
        return subclass

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if not getattr(cls, '__args__', None):
            raise TypeError(f'{cls.__name__}[...] requires exactly one type argument, got none')
        inner_type = cls.__inner_type__
        if isinstance(inner_type, TypeVar):
            raise TypeError(f'{cls.__name__}[...] requires a concrete type argument, got {inner_type!r}')
        instance = super().__new__(cls)
        instance.__inner_type__ = inner_type
        return instance

    def __repr__(self) -> str:
        inner = self.__inner_type__
        inner_name = getattr(inner, '__name__', repr(inner))
        public = [(name, value) for name, value in vars(self).items() if not name.startswith('_')]
        body = ', '.join(f'{name}={value!r}' for name, value in public)
        return f'{type(self).__name__}[{inner_name}]({body})'


class SignedData(InnerTypeMixin[T], Generic[T]):
    """A value of type T with a script input (signature) that signs it for one contract."""

    def __init__(self, data: T, script_input: bytes) -> None:
        self.data = data
        self.script_input = script_input

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SignedData):
            return False
        return self.data == other.data and self.script_input == other.script_input

    def get_data_bytes(self, contract_id: ContractId) -> bytes:
        """Return the bytes that the script input signs: the contract id and the data, as one tuple."""
        from hathor.nc_types import make_nc_type_for_return_type
        signed_type = tuple[ContractId, self.__inner_type__]
        return make_nc_type_for_return_type(signed_type).to_bytes((contract_id, self.data))

    def checksig(self, contract_id: ContractId, script: bytes) -> bool:
        # NOTE: the node evaluates the script with its script interpreter, which this sandbox lacks.
        raise NotImplementedError('SignedData.checksig is not available in this sandbox')


@unique
class NCActionType(Enum):
    DEPOSIT = 1
    WITHDRAWAL = 2
    GRANT_AUTHORITY = 3
    ACQUIRE_AUTHORITY = 4

    def __str__(self) -> str:
        return self.name

    def to_bytes(self) -> bytes:
        return self.value.to_bytes(1, byteorder='big')

    @staticmethod
    def from_bytes(data: bytes) -> 'NCActionType':
        return NCActionType(int.from_bytes(data, byteorder='big'))


@dataclass(slots=True, frozen=True, kw_only=True)
class BaseAction:
    token_uid: TokenUid

    @property
    def type(self) -> NCActionType:
        return _ACTION_TYPES[type(self)]

    @property
    def name(self) -> str:
        return str(self.type)

    def to_json(self) -> dict[str, Any]:
        return dict(type=self.name.lower(), token_uid=self.token_uid.hex())


@dataclass(slots=True, frozen=True, kw_only=True)
class BaseTokenAction(BaseAction):
    amount: int

    def to_json(self) -> dict[str, Any]:
        return dict(**BaseAction.to_json(self), amount=self.amount)


@dataclass(slots=True, frozen=True, kw_only=True)
class BaseAuthorityAction(BaseAction):
    mint: bool
    melt: bool

    def __post_init__(self) -> None:
        from hathor.exceptions import NCInvalidAction
        if self.token_uid == HATHOR_TOKEN_UID:
            raise NCInvalidAction(f'{self.name} action cannot be executed on HTR token')

    def to_json(self) -> dict[str, Any]:
        return dict(**BaseAction.to_json(self), mint=self.mint, melt=self.melt)


@dataclass(slots=True, frozen=True, kw_only=True)
class NCDepositAction(BaseTokenAction):
    """Deposit tokens into the contract."""


@dataclass(slots=True, frozen=True, kw_only=True)
class NCWithdrawalAction(BaseTokenAction):
    """Withdraw tokens from the contract."""


@dataclass(slots=True, frozen=True, kw_only=True)
class NCGrantAuthorityAction(BaseAuthorityAction):
    """Grant a mint or melt authority to the contract."""


@dataclass(slots=True, frozen=True, kw_only=True)
class NCAcquireAuthorityAction(BaseAuthorityAction):
    """Acquire a mint or melt authority that the contract holds."""


_ACTION_TYPES: dict[type, NCActionType] = {
    NCDepositAction: NCActionType.DEPOSIT,
    NCWithdrawalAction: NCActionType.WITHDRAWAL,
    NCGrantAuthorityAction: NCActionType.GRANT_AUTHORITY,
    NCAcquireAuthorityAction: NCActionType.ACQUIRE_AUTHORITY,
}

NCAction: TypeAlias = NCDepositAction | NCWithdrawalAction | NCGrantAuthorityAction | NCAcquireAuthorityAction


@dataclass(slots=True, frozen=True)
class NCRawArgs:
    args_bytes: bytes

    def __str__(self) -> str:
        return self.args_bytes.hex()

    def __repr__(self) -> str:
        return f"NCRawArgs('{self}')"


@dataclass(slots=True, frozen=True)
class NCParsedArgs:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


NCArgs: TypeAlias = NCRawArgs | NCParsedArgs


@dataclass(slots=True, frozen=True, kw_only=True)
class NCFee:
    token_uid: TokenUid
    amount: int
