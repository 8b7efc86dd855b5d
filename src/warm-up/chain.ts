import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { sha256 } from '@noble/hashes/sha2.js'

import { ChainWriter, type WrittenBlock } from '../builder/chain-writer.js'
import type { ContractChanges } from '../builder/contract-changes.js'
import { BuildError } from '../builder/errors.js'
import { buildAddress } from '../encoding/address.js'
import { bytesToHex } from '../encoding/hex.js'
import { packageRoot } from '../package-root.js'
import { MemoryKeyValueSource } from '../storage/memory-source.js'
import { WarmUpLedgerModel } from './ledger-model.js'

/** A synthetic chain in memory with one `WarmUpLedger` contract, and what to query on it. */
export interface WarmUpChain {
  source: MemoryKeyValueSource
  /** Contract id, hex. */
  contractId: string
  /** Id of the on-chain blueprint transaction, hex. */
  blueprintId: string
  tipHeight: number
  /** Field names of a warm-up query, as the state endpoint's `fields[]` parameter takes them. */
  fields: string[]
  /** Token uids (hex) or `__all__`, as the endpoint's `balances[]` parameter takes them. */
  balances: string[]
  /** View calls, as the endpoint's `calls[]` parameter takes them. */
  calls: string[]
}

export interface WarmUpChainOptions {
  /** Blocks to write, genesis included, so the tip is at height `blocks - 1`. Default: 60. At least 3. */
  blocks?: number
  /**
   * Called after each block is written, with the contract's model as of that block (undefined
   * before the contract exists). Later blocks change the same model, so copy what you keep.
   */
  onBlock?: (block: WrittenBlock, model: WarmUpLedgerModel | undefined) => void
}

const DEFAULT_BLOCKS = 60
const GENESIS_TIMESTAMP = 1_700_000_000
const BLOCK_SPACING_SECONDS = 30
/** The blueprint transaction is confirmed by block 1 and the contract is created in block 2. */
export const CONTRACT_HEIGHT = 2
const TOKEN_COUNT = 8
/** Calls after the first deposit of every token repeat with this period, in blocks. */
const CYCLE_BLOCKS = 10

const utf8 = new TextEncoder()

/**
 * Writes the warm-up chain into a new in-memory source. Block 1 confirms the `WarmUpLedger`
 * blueprint transaction, whose source is read from `src/warm-up/ledger.py`. Block 2 creates
 * the contract, the next 8 blocks each deposit a new token, and then a cycle of deposits,
 * weight changes, withdrawals, closing and reopening repeats. Eight blocks in ten change the
 * contract. Every build with the same options writes the same rows.
 *
 * Throws `BuildError` NC_BUILD_INVALID_INPUT when `blocks` is not an integer of at least 3.
 */
export function buildWarmUpChain(options: WarmUpChainOptions = {}): WarmUpChain {
  const blocks = options.blocks ?? DEFAULT_BLOCKS
  if (!Number.isSafeInteger(blocks) || blocks < CONTRACT_HEIGHT + 1) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `blocks ${blocks} is invalid, expected an integer of at least ${CONTRACT_HEIGHT + 1}`, { blocks })
  }

  const source = new MemoryKeyValueSource()
  const writer = new ChainWriter({ sink: source })
  const contractId = sha256(utf8.encode('warm-up ledger contract'))
  const owner = buildAddress(0x28, sha256(utf8.encode('warm-up ledger owner')).subarray(0, 20))
  const tokens = Array.from({ length: TOKEN_COUNT }, (_, index) => sha256(utf8.encode(`warm-up token ${index}`)))

  const genesis = writer.addGenesis({ timestamp: GENESIS_TIMESTAMP })
  options.onBlock?.(genesis, undefined)
  const first = writer.addBlock({ timestamp: blockTimestamp(1) })
  options.onBlock?.(first, undefined)
  const blueprintId = writer.addBlueprint({
    code: { source: readLedgerSource() },
    ncPubkey: Uint8Array.of(0x02, ...sha256(utf8.encode('warm-up nano public key'))),
    ncSignature: Uint8Array.of(...sha256(utf8.encode('warm-up signature 1')), ...sha256(utf8.encode('warm-up signature 2'))),
    weight: 17,
    timestamp: first.timestamp + 1,
    parents: [],
    nonce: 0,
  }, first.hash)

  const created = WarmUpLedgerModel.initialize({ owner, label: 'warm-up ledger', timestamp: blockTimestamp(CONTRACT_HEIGHT) })
  const model = created.model
  writer.createContract(contractId, blueprintId, created.changes)
  const creating = writer.addBlock({ timestamp: blockTimestamp(CONTRACT_HEIGHT) })
  options.onBlock?.(creating, model)

  for (let height = CONTRACT_HEIGHT + 1; height < blocks; height++) {
    const timestamp = blockTimestamp(height)
    const changes = nextCall(model, owner, tokens, height, timestamp)
    if (changes !== undefined) writer.callContract(contractId, changes)
    // Written before the call below: with no `onBlock`, `?.` would skip evaluating its arguments.
    const block = writer.addBlock({ timestamp })
    options.onBlock?.(block, model)
  }

  const firstToken = bytesToHex(tokens[0]!)
  return {
    source,
    contractId: bytesToHex(contractId),
    blueprintId: bytesToHex(blueprintId),
    tipHeight: blocks - 1,
    fields: ['counter', 'updated_at', 'is_open', 'label', 'owner'],
    balances: ['__all__'],
    calls: ['get_amounts()', 'get_weighted()', 'token_count()', 'get_label()', `amount_of("${firstToken}")`, `balance_of("${firstToken}")`],
  }
}

/** Returns the call that the block at `height` runs, or undefined for a block without one. */
function nextCall(model: WarmUpLedgerModel, owner: Uint8Array, tokens: Uint8Array[], height: number, timestamp: number): ContractChanges | undefined {
  const step = height - CONTRACT_HEIGHT - 1
  if (step < tokens.length) return model.deposit(tokens[step]!, depositAmount(height), timestamp)

  const token = tokens[height % tokens.length]!
  const phase = (step - tokens.length) % CYCLE_BLOCKS
  const cycle = Math.floor((step - tokens.length) / CYCLE_BLOCKS)
  switch (phase) {
    case 0:
    case 1:
    case 2:
      return model.deposit(token, depositAmount(height), timestamp)
    case 3:
    case 7:
      return model.setWeight(owner, token, BigInt(1 + ((height * 37) % 100)), timestamp)
    case 4: {
      const available = model.amounts.get(bytesToHex(token))!
      return available >= 4n ? model.withdraw(owner, token, available / 4n, timestamp) : model.deposit(token, depositAmount(height), timestamp)
    }
    case 6:
      return model.setOpen(owner, false, `closed for maintenance ${cycle + 1}`, timestamp)
    case 8:
      return model.setOpen(owner, true, `warm-up ledger, cycle ${cycle + 1}`, timestamp)
    default:
      return undefined
  }
}

/** Amounts from 1,000 to about 10^9, which differ from block to block. */
function depositAmount(height: number): bigint {
  return BigInt(1000 + ((height * 7919) % 99_000)) * 10n ** BigInt(height % 5)
}

function blockTimestamp(height: number): number {
  return GENESIS_TIMESTAMP + height * BLOCK_SPACING_SECONDS
}

function readLedgerSource(): string {
  return readFileSync(join(packageRoot(), 'src', 'warm-up', 'ledger.py'), 'utf8')
}
