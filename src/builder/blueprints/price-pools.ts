import type { TypeDescriptor } from '../../encoding/nc-type/descriptor.js'
import { bytesToHex } from '../../encoding/hex.js'
import { HTR_TOKEN_UID } from '../../encoding/nc-type/value.js'
import { appendToDeque, initializeDeque, initializeDict, setDictEntry, type DequeState } from '../container-writes.js'
import { ContractChanges } from '../contract-changes.js'
import { BuildError } from '../errors.js'
import { ADDRESS, AMOUNT, BOOL, INT, STR, TIMESTAMP, TOKEN_UID } from '../field-types.js'

/**
 * The `PricePools` blueprint of the conformance corpus (a constant-product exchange against
 * HTR), modelled in TypeScript: each method checks what the Python checks and returns the
 * contract changes the node writes for it, in the node's order. Its fields:
 *
 * owner: Address, usd_token: TokenUid, fee_bps: int, tokens: list[TokenUid],
 * reserve_htr: dict[TokenUid, Amount], reserve_token: dict[TokenUid, Amount],
 * swap_count: dict[TokenUid, int], total_swaps: int, last_update: Timestamp, paused: bool,
 * note: str.
 *
 * Balance changes follow the order of the call's actions: the deposit, then the withdrawal.
 */

const FEE_DENOMINATOR = 10_000n
const MAX_FEE_BPS = 1000n

/** One pool's reserves and swap count. */
export interface PricePool {
  token: Uint8Array
  reserveHtr: bigint
  reserveToken: bigint
  swaps: bigint
}

export interface PricePoolsInitialization {
  /** Address of the caller, stored as the owner. */
  owner: Uint8Array
  usdToken: Uint8Array
  feeBps: bigint
  /** Timestamp of the block that runs the call. */
  timestamp: number
}

export class PricePoolsModel {
  readonly owner: Uint8Array
  readonly usdToken: Uint8Array
  readonly feeBps: bigint
  /** Pools by token uid (hex), in the order they were added, which is the order of `tokens`. */
  readonly pools = new Map<string, PricePool>()
  totalSwaps = 0n
  lastUpdate: number
  paused = false
  note = ''
  private tokensList: DequeState = { firstIndex: 0n, length: 0n, reversed: false }

  private constructor(init: PricePoolsInitialization) {
    this.owner = init.owner
    this.usdToken = init.usdToken
    this.feeBps = init.feeBps
    this.lastUpdate = init.timestamp
  }

  /** `initialize(ctx, usd_token, fee_bps)`: the new contract's state and the changes the creating call writes. */
  static initialize(init: PricePoolsInitialization): { model: PricePoolsModel; changes: ContractChanges } {
    if (init.feeBps < 0n || init.feeBps > MAX_FEE_BPS) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', `fee_bps ${init.feeBps} is invalid; expected 0 to ${MAX_FEE_BPS}`)
    }
    const model = new PricePoolsModel(init)
    const changes = new ContractChanges()
      .put('owner', ADDRESS, init.owner)
      .put('usd_token', TOKEN_UID, init.usdToken)
      .put('fee_bps', INT, init.feeBps)
    model.tokensList = initializeDeque(changes, 'tokens')
    initializeDict(changes, 'reserve_htr')
    initializeDict(changes, 'reserve_token')
    initializeDict(changes, 'swap_count')
    changes
      .put('total_swaps', INT, 0n)
      .put('last_update', TIMESTAMP, BigInt(init.timestamp))
      .put('paused', BOOL, false)
      .put('note', STR, '')
    return { model, changes }
  }

  /** `add_pool(ctx, token)` with deposits of `htrAmount` HTR and `tokenAmount` of the token. */
  addPool(token: Uint8Array, htrAmount: bigint, tokenAmount: bigint, timestamp: number): ContractChanges {
    const id = bytesToHex(token)
    if (this.pools.has(id)) throw callFailed('add_pool', 'pool exists')
    if (htrAmount <= 0n || tokenAmount <= 0n) throw callFailed('add_pool', 'deposits must be positive')

    const changes = new ContractChanges()
    this.tokensList = appendToDeque(changes, 'tokens', this.tokensList, { descriptor: TOKEN_UID, value: token })
    const newLength = BigInt(this.pools.size + 1)
    setDictEntry(changes, 'reserve_htr', tokenKey(token), { descriptor: AMOUNT, value: htrAmount }, newLength)
    setDictEntry(changes, 'reserve_token', tokenKey(token), { descriptor: AMOUNT, value: tokenAmount }, newLength)
    setDictEntry(changes, 'swap_count', tokenKey(token), { descriptor: INT, value: 0n }, newLength)
    changes.put('last_update', TIMESTAMP, BigInt(timestamp))
    changes.addBalance(HTR_TOKEN_UID, htrAmount).addBalance(token, tokenAmount)

    this.pools.set(id, { token, reserveHtr: htrAmount, reserveToken: tokenAmount, swaps: 0n })
    this.lastUpdate = timestamp
    return changes
  }

  /** Output of a swap of `amountIn` against reserves, after the fee (the blueprint's `_amount_out`). */
  amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
    const amountInWithFee = amountIn * (FEE_DENOMINATOR - this.feeBps)
    return (amountInWithFee * reserveOut) / (reserveIn * FEE_DENOMINATOR + amountInWithFee)
  }

  /** `swap_htr_for_token(ctx, token)`: deposit `amountIn` HTR, withdraw `amountOut` of the token. */
  swapHtrForToken(token: Uint8Array, amountIn: bigint, amountOut: bigint, timestamp: number): ContractChanges {
    const pool = this.requireSwappable('swap_htr_for_token', token, amountIn, amountOut)
    if (amountOut > this.amountOut(amountIn, pool.reserveHtr, pool.reserveToken)) throw callFailed('swap_htr_for_token', 'slippage')

    pool.reserveHtr += amountIn
    pool.reserveToken -= amountOut
    const changes = new ContractChanges()
    setDictEntry(changes, 'reserve_htr', tokenKey(token), { descriptor: AMOUNT, value: pool.reserveHtr })
    setDictEntry(changes, 'reserve_token', tokenKey(token), { descriptor: AMOUNT, value: pool.reserveToken })
    this.writeSwapCounters(changes, pool, timestamp)
    changes.addBalance(HTR_TOKEN_UID, amountIn).addBalance(token, -amountOut)
    return changes
  }

  /** `swap_token_for_htr(ctx, token)`: deposit `amountIn` of the token, withdraw `amountOut` HTR. */
  swapTokenForHtr(token: Uint8Array, amountIn: bigint, amountOut: bigint, timestamp: number): ContractChanges {
    const pool = this.requireSwappable('swap_token_for_htr', token, amountIn, amountOut)
    if (amountOut > this.amountOut(amountIn, pool.reserveToken, pool.reserveHtr)) throw callFailed('swap_token_for_htr', 'slippage')

    pool.reserveToken += amountIn
    pool.reserveHtr -= amountOut
    const changes = new ContractChanges()
    setDictEntry(changes, 'reserve_token', tokenKey(token), { descriptor: AMOUNT, value: pool.reserveToken })
    setDictEntry(changes, 'reserve_htr', tokenKey(token), { descriptor: AMOUNT, value: pool.reserveHtr })
    this.writeSwapCounters(changes, pool, timestamp)
    changes.addBalance(token, amountIn).addBalance(HTR_TOKEN_UID, -amountOut)
    return changes
  }

  /** `set_paused(ctx, paused, note)` called by `caller`. */
  setPaused(caller: Uint8Array, paused: boolean, note: string): ContractChanges {
    if (bytesToHex(caller) !== bytesToHex(this.owner)) throw callFailed('set_paused', 'only owner')
    this.paused = paused
    this.note = note
    return new ContractChanges().put('paused', BOOL, paused).put('note', STR, note)
  }

  private requireSwappable(method: string, token: Uint8Array, amountIn: bigint, amountOut: bigint): PricePool {
    if (this.paused) throw callFailed(method, 'paused')
    const pool = this.pools.get(bytesToHex(token))
    if (pool === undefined) throw callFailed(method, `no pool for token ${bytesToHex(token)}`)
    if (amountIn <= 0n || amountOut <= 0n) throw callFailed(method, 'amounts must be positive')
    return pool
  }

  private writeSwapCounters(changes: ContractChanges, pool: PricePool, timestamp: number): void {
    pool.swaps += 1n
    this.totalSwaps += 1n
    this.lastUpdate = timestamp
    setDictEntry(changes, 'swap_count', tokenKey(pool.token), { descriptor: INT, value: pool.swaps })
    changes.put('total_swaps', INT, this.totalSwaps).put('last_update', TIMESTAMP, BigInt(timestamp))
  }
}

function tokenKey(token: Uint8Array): { descriptor: TypeDescriptor; value: Uint8Array } {
  return { descriptor: TOKEN_UID, value: token }
}

function callFailed(method: string, reason: string): BuildError {
  return new BuildError('NC_BUILD_INVALID_INPUT', `PricePools.${method} would fail: ${reason}`, { method })
}
