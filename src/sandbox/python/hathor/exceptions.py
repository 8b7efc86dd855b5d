"""Exceptions a blueprint can raise or observe.

The class names match the node's, because the state endpoint reports a failed view call
as the `repr()` of its exception (`NCFail('unknown token')`,
`NCMethodNotFound('PricePools.no_such_method')`), so the names are part of the output.
"""


class HathorError(Exception):
    """Root of the node's own exceptions."""


class TxValidationError(HathorError):
    """A transaction failed validation."""


class NCFail(HathorError):
    """Raised by a blueprint method to fail the call."""


class BlueprintSyntaxError(SyntaxError, NCFail):
    """The blueprint class breaks a rule of the blueprint API (decorators, fields, methods)."""


class NanoContractDoesNotExist(NCFail):
    pass


class BlueprintDoesNotExist(NCFail):
    pass


class NCSerializationError(NCFail):
    pass


class NCSerializationArgTooLong(NCSerializationError):
    pass


class NCSerializationTypeError(NCSerializationError):
    pass


class NCViewMethodError(NCFail):
    """A view method tried to change the contract's state."""


class NCInsufficientFunds(NCFail):
    pass


class NCAttributeError(NCFail):
    pass


class NCInvalidContext(NCFail):
    pass


class NCRecursionError(NCFail):
    pass


class NCNumberOfCallsExceeded(NCFail):
    pass


class NCInvalidContractId(NCFail):
    pass


class NCInvalidInitializeMethodCall(NCFail):
    pass


class NCInvalidPublicMethodCallFromView(NCFail):
    pass


class NCUninitializedContractError(NCFail):
    pass


class NCInvalidAction(NCFail):
    pass


class NCInvalidSyscall(NCFail):
    pass


class NCForbiddenAction(NCFail):
    pass


class NCTypeError(NCFail):
    pass


class OCBInvalidScript(NCFail):
    """The on-chain blueprint code does not pass the node's code checks."""


class OCBOutOfFuelDuringLoading(NCFail):
    pass


class OCBOutOfMemoryDuringLoading(NCFail):
    pass


class NCDisabledBuiltinError(NCFail):
    """A blueprint called a builtin that the sandbox disables."""


class NCTxValidationError(TxValidationError, NCFail):
    pass


class NCMethodNotFound(NCTxValidationError):
    """The called method does not exist on the blueprint."""


class NCInvalidMethodCall(NCTxValidationError):
    """The called method exists but cannot be called this way (for example, a public method called as a view)."""
