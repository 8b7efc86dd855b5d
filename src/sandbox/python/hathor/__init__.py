"""The `hathor` module of the sandbox: the API that on-chain blueprints import.

Its public names are exactly the node's allowed `hathor` imports for blueprints.
"""

from hathor.blueprint import Blueprint
from hathor.context import Context
from hathor.decorators import export, fallback, public, view
from hathor.exceptions import NCFail
from hathor.types import (
    HATHOR_TOKEN_UID,
    Address,
    Amount,
    BlueprintId,
    CallerId,
    ContractId,
    NCAcquireAuthorityAction,
    NCAction,
    NCActionType,
    NCArgs,
    NCDepositAction,
    NCFee,
    NCGrantAuthorityAction,
    NCParsedArgs,
    NCRawArgs,
    NCWithdrawalAction,
    SignedData,
    Timestamp,
    TokenUid,
    TxOutputScript,
    VertexId,
)
from hathor.utils import json_dumps, sha3, verify_ecdsa

__all__ = [
    'HATHOR_TOKEN_UID',
    'Address',
    'Amount',
    'Blueprint',
    'BlueprintId',
    'CallerId',
    'Context',
    'ContractId',
    'NCAcquireAuthorityAction',
    'NCAction',
    'NCActionType',
    'NCArgs',
    'NCDepositAction',
    'NCFail',
    'NCFee',
    'NCGrantAuthorityAction',
    'NCParsedArgs',
    'NCRawArgs',
    'NCWithdrawalAction',
    'SignedData',
    'Timestamp',
    'TokenUid',
    'TxOutputScript',
    'VertexId',
    'export',
    'fallback',
    'json_dumps',
    'public',
    'sha3',
    'verify_ecdsa',
    'view',
]
