import { appendToDeque, initializeDeque, initializeDict, setDictEntry, type DequeState } from '../builder/container-writes.js'
import { ContractChanges } from '../builder/contract-changes.js'
import { BuildError } from '../builder/errors.js'
import { ADDRESS, AMOUNT, BOOL, INT, STR, TIMESTAMP, TOKEN_UID } from '../builder/field-types.js'
import type { TypeDescriptor } from '../encoding/nc-type/descriptor.js'
import { bytesToHex } from '../encoding/hex.js'

/**
 * The `WarmUpLedger` blueprint (`ledger.py` in this folder) modelled in TypeScript. Each
 * public method checks what the Python checks and returns the contract changes the node
 * writes for it, in the node's order. The view methods compute what the Python views return.
 * Its fields:
 *
 * counter: int, updated_at: Timestamp, is_open: bool, label: str, owner: Address,
 * tokens: list[TokenUid], amounts: dict[TokenUid, Amount], weights: dict[TokenUid, int].
 */

/** Weight of a token at its first deposit, and the lowest weight `set_weight` accepts. */
export const MIN_WEIGHT = 1n
export const MAX_WEIGHT = 100n

export interface WarmUpLedgerInitialization {
  /** Address of the caller, stored as the owner. */
  owner: Uint8Array
  label: string
  /** Timestamp of the block that runs the call. */
  timestamp: number
}

export class WarmUpLedgerModel {
  readonly owner: Uint8Array
  counter = 0n
  updatedAt: number
  isOpen = true
  label: string
  /** Token uids in the order of their first deposit, which is the order of `tokens`. */
  readonly tokens: Uint8Array[] = []
  /** Amount held of each token, by token uid hex. */
  readonly amounts = new Map<string, bigint>()
  /** Weight of each token, by token uid hex. */
  readonly weights = new Map<string, bigint>()
  private tokensList: DequeState = { firstIndex: 0n, length: 0n, reversed: false }

  private constructor(init: WarmUpLedgerInitialization) {
    this.owner = init.owner
    this.label = init.label
    this.updatedAt = init.timestamp
  }

  /** `initialize(ctx, label)`: the new contract's state and the changes the creating call writes. */
  static initialize(init: WarmUpLedgerInitialization): { model: WarmUpLedgerModel; changes: ContractChanges } {
    const model = new WarmUpLedgerModel(init)
    const changes = new ContractChanges()
      .put('counter', INT, 0n)
      .put('updated_at', TIMESTAMP, BigInt(init.timestamp))
      .put('is_open', BOOL, true)
      .put('label', STR, init.label)
      .put('owner', ADDRESS, init.owner)
    model.tokensList = initializeDeque(changes, 'tokens')
    initializeDict(changes, 'amounts')
    initializeDict(changes, 'weights')
    return { model, changes }
  }

  /** `deposit(ctx, token)` with a deposit of `amount` of the token. */
  deposit(token: Uint8Array, amount: bigint, timestamp: number): ContractChanges {
    if (!this.isOpen) throw callFailed('deposit', 'the ledger is closed')
    if (amount <= 0n) throw callFailed('deposit', `deposit amount ${amount} is not positive`)

    const id = bytesToHex(token)
    const changes = new ContractChanges()
    const previous = this.amounts.get(id)
    if (previous !== undefined) {
      this.amounts.set(id, previous + amount)
      setDictEntry(changes, 'amounts', tokenKey(token), { descriptor: AMOUNT, value: previous + amount })
    } else {
      this.tokensList = appendToDeque(changes, 'tokens', this.tokensList, { descriptor: TOKEN_UID, value: token })
      this.tokens.push(token)
      this.amounts.set(id, amount)
      this.weights.set(id, MIN_WEIGHT)
      const newLength = BigInt(this.tokens.length)
      setDictEntry(changes, 'amounts', tokenKey(token), { descriptor: AMOUNT, value: amount }, newLength)
      setDictEntry(changes, 'weights', tokenKey(token), { descriptor: INT, value: MIN_WEIGHT }, newLength)
    }

    this.recordChange(changes, timestamp)
    changes.addBalance(token, amount)
    return changes
  }

  /** `withdraw(ctx, token)` by `caller` with a withdrawal of `amount` of the token. */
  withdraw(caller: Uint8Array, token: Uint8Array, amount: bigint, timestamp: number): ContractChanges {
    this.requireOwner('withdraw', caller)
    if (amount <= 0n) throw callFailed('withdraw', `withdrawal amount ${amount} is not positive`)
    const id = bytesToHex(token)
    const available = this.amounts.get(id) ?? 0n
    if (amount > available) throw callFailed('withdraw', `withdrawal of ${amount} exceeds the available ${available} of token ${id}`)

    this.amounts.set(id, available - amount)
    const changes = new ContractChanges()
    setDictEntry(changes, 'amounts', tokenKey(token), { descriptor: AMOUNT, value: available - amount })
    this.recordChange(changes, timestamp)
    changes.addBalance(token, -amount)
    return changes
  }

  /** `set_weight(ctx, token, weight)` called by `caller`. */
  setWeight(caller: Uint8Array, token: Uint8Array, weight: bigint, timestamp: number): ContractChanges {
    this.requireOwner('set_weight', caller)
    const id = bytesToHex(token)
    if (!this.weights.has(id)) throw callFailed('set_weight', `token ${id} was never deposited`)
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw callFailed('set_weight', `weight ${weight} is invalid, expected ${MIN_WEIGHT} to ${MAX_WEIGHT}`)
    }

    this.weights.set(id, weight)
    const changes = new ContractChanges()
    setDictEntry(changes, 'weights', tokenKey(token), { descriptor: INT, value: weight })
    this.recordChange(changes, timestamp)
    return changes
  }

  /** `set_open(ctx, is_open, label)` called by `caller`. */
  setOpen(caller: Uint8Array, isOpen: boolean, label: string, timestamp: number): ContractChanges {
    this.requireOwner('set_open', caller)
    this.isOpen = isOpen
    this.label = label
    const changes = new ContractChanges().put('is_open', BOOL, isOpen).put('label', STR, label)
    this.recordChange(changes, timestamp)
    return changes
  }

  /** Result of the view `get_amounts()`: amounts by token uid hex, in the order of `tokens`. */
  getAmounts(): Map<string, bigint> {
    return new Map(this.tokens.map((token) => [bytesToHex(token), this.amounts.get(bytesToHex(token))!]))
  }

  /** Result of the view `get_weighted()`: amount times weight, divided by the total weight and rounded down. */
  getWeighted(): Map<string, bigint> {
    let totalWeight = 0n
    for (const weight of this.weights.values()) totalWeight += weight

    // Amounts and weights are never negative, so BigInt division rounds down as Python's `//` does.
    const weighted = new Map<string, bigint>()
    for (const token of this.tokens) {
      const id = bytesToHex(token)
      weighted.set(id, (this.amounts.get(id)! * this.weights.get(id)!) / totalWeight)
    }
    return weighted
  }

  private requireOwner(method: string, caller: Uint8Array): void {
    if (bytesToHex(caller) !== bytesToHex(this.owner)) throw callFailed(method, 'only the owner may call this method')
  }

  /** Counts one more change at the block's timestamp, as the blueprint's `_record_change` does. */
  private recordChange(changes: ContractChanges, timestamp: number): void {
    this.counter += 1n
    this.updatedAt = timestamp
    changes.put('counter', INT, this.counter).put('updated_at', TIMESTAMP, BigInt(timestamp))
  }
}

function tokenKey(token: Uint8Array): { descriptor: TypeDescriptor; value: Uint8Array } {
  return { descriptor: TOKEN_UID, value: token }
}

function callFailed(method: string, reason: string): BuildError {
  return new BuildError('NC_BUILD_INVALID_INPUT', `WarmUpLedger.${method} would fail: ${reason}`, { method })
}
