import { sha256 } from '@noble/hashes/sha2.js'

import { bytesToHex } from '../encoding/hex.js'
import type { TxOutput } from '../encoding/vertex.js'
import { contractTrieKey } from '../nano/index.js'
import type { ColumnFamily } from '../storage/column-families.js'
import type { ContractChanges } from './contract-changes.js'
import { ContractWriter } from './contract-writer.js'
import { BuildError } from './errors.js'
import { MemoryTrieNodeStore, type TrieNodeStore } from './trie/node-store.js'
import { TrieWriter } from './trie/trie-writer.js'
import { serializeBlock, serializeBlueprintTransaction, type BlueprintTransactionDraft } from './vertex-writer.js'
import {
  encodeBlockStaticMetadata, encodeTransactionStaticMetadata, encodeVertexMetadata, heightIndexKey, heightIndexValue,
  timestampIndexKey,
} from './vertex-rows.js'

/** Receives every row the chain writer produces, keys and values byte for byte as in the node. */
export interface ChainSink {
  put(cf: ColumnFamily, key: Uint8Array, value: Uint8Array): void
}

export interface ChainWriterOptions {
  sink: ChainSink
  /**
   * Trie nodes the writer keeps. Default: all of them in memory. Pass a store backed by the
   * sink's database to bound memory on long chains.
   */
  nodeStore?: TrieNodeStore
}

/** Fields of a block that the caller chooses; the writer fills in the parent and the rest. */
export interface BlockOptions {
  timestamp: number
  /** Unsigned, at most 16 bytes. Default: the height. */
  nonce?: bigint
  /** Default: one output of 6400 HTR to a P2PKH script derived from the nonce. */
  outputs?: TxOutput[]
  /** Default: 21. */
  weight?: number
  data?: Uint8Array
  /** Transactions the block confirms, after the parent block in `parents`. Default: none. */
  transactionParents?: Uint8Array[]
}

/** A block as written. */
export interface WrittenBlock {
  height: number
  hash: Uint8Array
  timestamp: number
  /** Null for the genesis block, which has no nano state. */
  ncBlockRootId: Uint8Array | null
}

const DEFAULT_BLOCK_WEIGHT = 21
const BLOCK_REWARD = 6400n

/**
 * Writes a chain as a node stores it: blocks with their metadata, static metadata, height
 * index and timestamp index, on-chain blueprint transactions, and the nano state tries.
 *
 * Contract calls go into the block being built. Each call is one transaction, as in the
 * node's block executor: its changes are written to the contract's trie and committed, and
 * the block trie maps the contract id to the new contract root. `addBlock` commits the block
 * trie and writes the block with that root as its `nc_block_root_id`.
 */
export class ChainWriter {
  private readonly sink: ChainSink
  private readonly store: TrieNodeStore
  private readonly contracts = new Map<string, ContractWriter>()
  private blockTrie: TrieWriter | undefined
  private tipBlock: WrittenBlock | undefined

  constructor(options: ChainWriterOptions) {
    this.sink = options.sink
    this.store = options.nodeStore ?? new MemoryTrieNodeStore({ sink: (id, bytes) => this.sink.put('nc-state', id, bytes) })
  }

  /** The last block written, or undefined before genesis. */
  get tip(): WrittenBlock | undefined {
    return this.tipBlock
  }

  /** Writes the genesis block (height 0, no parents, no nano state). */
  addGenesis(options: BlockOptions): WrittenBlock {
    if (this.tipBlock !== undefined) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', `the chain already has blocks up to height ${this.tipBlock.height}; genesis must come first`)
    }
    return this.writeBlock(0, [], options, null)
  }

  /**
   * Commits the block trie and writes the next best-chain block on top of the tip. Blocks
   * with no contract call keep their parent's root.
   */
  addBlock(options: BlockOptions): WrittenBlock {
    const parent = this.requireTip()
    const blockTrie = this.openBlockTrie()
    const ncBlockRootId = blockTrie.commit()
    return this.writeBlock(parent.height + 1, [parent.hash, ...(options.transactionParents ?? [])], options, ncBlockRootId)
  }

  /**
   * Writes a block that is voided (for example the losing side of a fork) at `height`, on
   * top of the best-chain block at `height - 1`. It gets metadata, static metadata and a
   * timestamp-index entry, but no height-index entry and no nano state.
   */
  addVoidedBlock(height: number, parentHash: Uint8Array, options: BlockOptions): WrittenBlock {
    const vertex = serializeBlock(this.blockDraft(height, [parentHash, ...(options.transactionParents ?? [])], options))
    const weightRaw = weightToRaw(options.weight ?? DEFAULT_BLOCK_WEIGHT)

    this.sink.put('tx', vertex.hash, vertex.bytes)
    this.sink.put('meta', vertex.hash, encodeVertexMetadata({
      hash: vertex.hash, voidedBy: [vertex.hash], accumulatedWeightRaw: weightRaw, scoreRaw: weightRaw * 3n,
    }))
    this.sink.put('static-meta', vertex.hash, encodeBlockStaticMetadata(height))
    this.sink.put('timestamp-sorted-blocks', timestampIndexKey(options.timestamp, vertex.hash), new Uint8Array(0))
    return { height, hash: vertex.hash, timestamp: options.timestamp, ncBlockRootId: null }
  }

  /**
   * Writes an on-chain blueprint transaction confirmed by `firstBlock`, and returns its
   * hash, which is the blueprint id.
   */
  addBlueprint(draft: BlueprintTransactionDraft, firstBlock: Uint8Array | null): Uint8Array {
    const vertex = serializeBlueprintTransaction(draft)
    const weightRaw = weightToRaw(draft.weight)

    this.sink.put('tx', vertex.hash, vertex.bytes)
    this.sink.put('meta', vertex.hash, encodeVertexMetadata({
      hash: vertex.hash, firstBlock, accumulatedWeightRaw: weightRaw, scoreRaw: 0n,
    }))
    this.sink.put('static-meta', vertex.hash, encodeTransactionStaticMetadata())
    return vertex.hash
  }

  /** Runs a contract's creating call in the next block: blueprint id first, then the call's changes. */
  createContract(contractId: Uint8Array, blueprintId: Uint8Array, changes: ContractChanges): Uint8Array {
    const idHex = bytesToHex(contractId)
    if (this.contracts.has(idHex) || this.openBlockTrie().get(contractTrieKey(contractId)) !== undefined) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', `contract ${idHex} already exists`, { contractId: idHex })
    }

    const contract = ContractWriter.create(this.store, contractId, blueprintId)
    this.contracts.set(idHex, contract)
    return this.commitCall(contract, changes)
  }

  /** Runs one successful call of an existing contract in the next block. */
  callContract(contractId: Uint8Array, changes: ContractChanges): Uint8Array {
    return this.commitCall(this.contract(contractId), changes)
  }

  /** The contract's current state, for reading values a call depends on. */
  contract(contractId: Uint8Array): ContractWriter {
    const idHex = bytesToHex(contractId)
    let contract = this.contracts.get(idHex)
    if (contract === undefined) {
      const rootId = this.openBlockTrie().get(contractTrieKey(contractId))
      if (rootId === undefined) {
        throw new BuildError('NC_BUILD_INVALID_INPUT', `contract ${idHex} does not exist; create it first`, { contractId: idHex })
      }
      contract = new ContractWriter(this.store, contractId, rootId)
      this.contracts.set(idHex, contract)
    }
    return contract
  }

  private commitCall(contract: ContractWriter, changes: ContractChanges): Uint8Array {
    contract.apply(changes)
    const rootId = contract.commit()
    this.openBlockTrie().update(contractTrieKey(contract.contractId), rootId)
    return rootId
  }

  private openBlockTrie(): TrieWriter {
    this.blockTrie ??= new TrieWriter(this.store)
    return this.blockTrie
  }

  private requireTip(): WrittenBlock {
    if (this.tipBlock === undefined) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', 'the chain has no genesis block; call addGenesis first')
    }
    return this.tipBlock
  }

  private writeBlock(height: number, parents: Uint8Array[], options: BlockOptions, ncBlockRootId: Uint8Array | null): WrittenBlock {
    if (this.tipBlock !== undefined && options.timestamp < this.tipBlock.timestamp) {
      throw new BuildError('NC_BUILD_INVALID_INPUT',
        `block ${height} has timestamp ${options.timestamp}, before its parent's ${this.tipBlock.timestamp}`)
    }
    const vertex = serializeBlock(this.blockDraft(height, parents, options))
    const weightRaw = weightToRaw(options.weight ?? DEFAULT_BLOCK_WEIGHT)

    this.sink.put('tx', vertex.hash, vertex.bytes)
    this.sink.put('meta', vertex.hash, encodeVertexMetadata({
      hash: vertex.hash, ncBlockRootId, accumulatedWeightRaw: weightRaw, scoreRaw: weightRaw * 3n,
    }))
    this.sink.put('static-meta', vertex.hash, encodeBlockStaticMetadata(height))
    this.sink.put('height-index', heightIndexKey(height), heightIndexValue(vertex.hash, options.timestamp))
    this.sink.put('timestamp-sorted-blocks', timestampIndexKey(options.timestamp, vertex.hash), new Uint8Array(0))

    this.tipBlock = { height, hash: vertex.hash, timestamp: options.timestamp, ncBlockRootId }
    return this.tipBlock
  }

  private blockDraft(height: number, parents: Uint8Array[], options: BlockOptions) {
    const nonce = options.nonce ?? BigInt(height)
    return {
      outputs: options.outputs ?? [{ value: BLOCK_REWARD, tokenData: 0, script: p2pkhScript(nonce) }],
      weight: options.weight ?? DEFAULT_BLOCK_WEIGHT,
      timestamp: options.timestamp,
      parents,
      data: options.data,
      nonce,
    }
  }
}

/**
 * `accumulated_weight_raw` of a single vertex: 2^weight, rounded. The corpus stores these
 * values and three times that as a block's `score_raw`; the service reads neither.
 */
function weightToRaw(weight: number): bigint {
  return BigInt(Math.round(2 ** weight))
}

/** A P2PKH output script whose 20-byte hash is derived from the nonce, so each block pays a distinct address. */
function p2pkhScript(nonce: bigint): Uint8Array {
  const seed = new Uint8Array(16)
  new DataView(seed.buffer).setBigUint64(8, nonce & 0xffffffffffffffffn, false)
  new DataView(seed.buffer).setBigUint64(0, nonce >> 64n, false)
  return Uint8Array.from([0x76, 0xa9, 0x14, ...sha256(seed).subarray(0, 20), 0x88, 0xac])
}
