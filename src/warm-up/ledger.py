from hathor import (
    Address,
    Amount,
    Blueprint,
    Context,
    NCDepositAction,
    NCFail,
    NCWithdrawalAction,
    Timestamp,
    TokenUid,
    export,
    public,
    view,
)

MIN_WEIGHT = 1
MAX_WEIGHT = 100


@export
class WarmUpLedger(Blueprint):
    """Deposits of several tokens, each with a weight, kept by one owner.

    The server runs this blueprint's views on a synthetic chain at startup, so its fields and
    views use the shapes that real blueprints use most: scalars, a list and dicts keyed by token.
    """

    counter: int
    updated_at: Timestamp
    is_open: bool
    label: str
    owner: Address
    tokens: list[TokenUid]
    amounts: dict[TokenUid, Amount]
    weights: dict[TokenUid, int]

    @public
    def initialize(self, ctx: Context, label: str) -> None:
        owner = ctx.get_caller_address()
        if owner is None:
            raise NCFail('the ledger must be created by an address')
        self.counter = 0
        self.updated_at = Timestamp(ctx.block.timestamp)
        self.is_open = True
        self.label = label
        self.owner = owner
        self.tokens = []
        self.amounts = {}
        self.weights = {}

    @public(allow_deposit=True)
    def deposit(self, ctx: Context, token: TokenUid) -> None:
        if not self.is_open:
            raise NCFail('the ledger is closed')
        action = ctx.get_single_action(token)
        if not isinstance(action, NCDepositAction):
            raise NCFail('expected a deposit of the token')
        if token in self.amounts:
            self.amounts[token] = Amount(self.amounts[token] + action.amount)
        else:
            self.tokens.append(token)
            self.amounts[token] = Amount(action.amount)
            self.weights[token] = MIN_WEIGHT
        self._record_change(ctx)

    @public(allow_withdrawal=True)
    def withdraw(self, ctx: Context, token: TokenUid) -> None:
        self._require_owner(ctx)
        action = ctx.get_single_action(token)
        if not isinstance(action, NCWithdrawalAction):
            raise NCFail('expected a withdrawal of the token')
        available = self.amounts.get(token, 0)
        if action.amount > available:
            raise NCFail(f'withdrawal of {action.amount} exceeds the available {available}')
        self.amounts[token] = Amount(available - action.amount)
        self._record_change(ctx)

    @public
    def set_weight(self, ctx: Context, token: TokenUid, weight: int) -> None:
        self._require_owner(ctx)
        if token not in self.weights:
            raise NCFail('the token was never deposited')
        if weight < MIN_WEIGHT or weight > MAX_WEIGHT:
            raise NCFail(f'weight {weight} is invalid, expected {MIN_WEIGHT} to {MAX_WEIGHT}')
        self.weights[token] = weight
        self._record_change(ctx)

    @public
    def set_open(self, ctx: Context, is_open: bool, label: str) -> None:
        self._require_owner(ctx)
        self.is_open = is_open
        self.label = label
        self._record_change(ctx)

    @view
    def get_amounts(self) -> dict[TokenUid, Amount]:
        amounts: dict[TokenUid, Amount] = {}
        for token in self.tokens:
            amounts[token] = self.amounts[token]
        return amounts

    @view
    def get_weighted(self) -> dict[TokenUid, int]:
        """Return each token's amount times its share of the total weight, rounded down."""
        total_weight = 0
        for token in self.tokens:
            total_weight += self.weights[token]
        weighted: dict[TokenUid, int] = {}
        for token in self.tokens:
            weighted[token] = self.amounts[token] * self.weights[token] // total_weight
        return weighted

    @view
    def get_label(self) -> str:
        return self.label

    @view
    def token_count(self) -> int:
        return len(self.tokens)

    @view
    def amount_of(self, token: TokenUid) -> Amount:
        return self.amounts.get(token, Amount(0))

    @view
    def balance_of(self, token: TokenUid) -> Amount:
        return self.syscall.get_current_balance(token)

    def _require_owner(self, ctx: Context) -> None:
        if ctx.get_caller_address() != self.owner:
            raise NCFail('only the owner may call this method')

    def _record_change(self, ctx: Context) -> None:
        self.counter += 1
        self.updated_at = Timestamp(ctx.block.timestamp)
