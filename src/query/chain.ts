import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'

/** A block, with the facts the query layer reads from its metadata. */
export interface BlockInfo {
  hash: Uint8Array
  hashHex: string
  /** Height in the best chain; undefined for a voided block that is not in the height index. */
  height: number | undefined
  timestamp: number
  voided: boolean
  /** `nc_block_root_id` from the block's metadata; null before nano activation (genesis). */
  rootId: Uint8Array | null
}

export interface Balance {
  value: bigint
  canMint: boolean
  canMelt: boolean
}

/** One contract's state under one contract trie root. */
export interface ContractStateReader {
  readonly contractRootId: Uint8Array
  blueprintId(): Promise<Uint8Array>
  balance(tokenUid: Uint8Array): Promise<Balance>
  /** Every balance the contract stores, in the node's order, keyed by token uid hex. */
  allBalances(): Promise<Array<[string, Balance]>>
  /** Stored bytes of the attribute whose field key is `key` (UTF-8), or undefined when absent. */
  attribute(key: Uint8Array): Promise<Uint8Array | undefined>
}

/**
 * Chain access the query layer needs. The production implementation sits over the
 * LevelDB copy (`src/query/level-chain.ts`); tests may provide their own.
 */
export interface ChainReader {
  /** The best-chain block at `height`, or undefined past the tip. */
  blockAtHeight(height: number): Promise<BlockInfo | undefined>
  bestBlock(): Promise<BlockInfo>
  /** 'block', 'transaction', or undefined when no vertex has this hash. */
  vertexKind(hash: Uint8Array): Promise<'block' | 'transaction' | undefined>
  blockByHash(hash: Uint8Array): Promise<BlockInfo>
  /** Hashes of blocks (voided ones too) with timestamp <= `timestamp`, newest first, at most `limit`. */
  blocksAtOrBefore(timestamp: number, limit: number): Promise<Uint8Array[]>
  /** The contract's state at a block root, or undefined when the contract does not exist there. */
  contractState(blockRootId: Uint8Array, contractId: Uint8Array): Promise<ContractStateReader | undefined>
}

/** Describes blueprints (class name, field and method types), cached per blueprint id. */
export interface BlueprintDescriber {
  describe(blueprintId: Uint8Array): Promise<BlueprintDescription>
}

export type CallResult = { value: unknown } | { errmsg: string }

/** View calls of one contract at one block root. */
export interface ViewCallRunnerRequest {
  blockRootId: Uint8Array
  contractId: Uint8Array
  /** The contract's root at that block, when known, which spares the runner a walk of the block trie. */
  contractRootId?: Uint8Array
  blueprintId: Uint8Array
  calls: string[]
}

/** Executes view calls at a block root. */
export interface ViewCallRunner {
  call(request: ViewCallRunnerRequest): Promise<Record<string, CallResult>>
  /**
   * Runs the same calls and returns each result object, `{"value":...}` or `{"errmsg":...}`, as
   * JSON text by call string. Optional: with it, the query layer passes results on without
   * parsing and serializing them again.
   */
  callJson?(request: ViewCallRunnerRequest): Promise<Record<string, string>>
}
