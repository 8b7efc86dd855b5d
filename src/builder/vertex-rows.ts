import { bytesToHex } from '../encoding/hex.js'
import { BuildError } from './errors.js'

/**
 * The rows the node keeps for each vertex besides the vertex itself, laid out as in the
 * conformance corpus: metadata JSON in `meta` (the node's `to_storage_json` without the
 * height fields), static metadata JSON in `static-meta`, and for blocks the height index and
 * the timestamp index. JSON is compact, with keys in the node's order.
 */

const UINT32_MAX = 0xffffffff

export interface VertexMetadataOptions {
  hash: Uint8Array
  /** Hashes of the vertices that void this one. A voided block lists itself. */
  voidedBy?: Uint8Array[]
  /** Block that confirms a transaction; null for blocks. */
  firstBlock?: Uint8Array | null
  /** The block's nano state root; null for transactions and blocks without nano state. */
  ncBlockRootId?: Uint8Array | null
  /** `accumulated_weight_raw`, a decimal integer. */
  accumulatedWeightRaw: bigint
  /** `score_raw`, a decimal integer; 0 for transactions. */
  scoreRaw: bigint
}

/** Value of the vertex's `meta` row. */
export function encodeVertexMetadata(options: VertexMetadataOptions): Uint8Array {
  const metadata = {
    hash: bytesToHex(options.hash),
    spent_outputs: [],
    received_by: [],
    conflict_with: [],
    voided_by: (options.voidedBy ?? []).map(bytesToHex),
    twins: [],
    accumulated_weight_raw: options.accumulatedWeightRaw.toString(),
    score_raw: options.scoreRaw.toString(),
    first_block: options.firstBlock == null ? null : bytesToHex(options.firstBlock),
    validation: 'full',
    nc_block_root_id: options.ncBlockRootId == null ? null : bytesToHex(options.ncBlockRootId),
    nc_calls: null,
    nc_execution: null,
    nc_events: null,
  }
  return utf8(JSON.stringify(metadata))
}

/** Value of a block's `static-meta` row: its height, no feature activation. */
export function encodeBlockStaticMetadata(height: number): Uint8Array {
  assertUint32('height', height)
  return utf8(JSON.stringify({ min_height: 0, height, feature_activation_bit_counts: [0, 0, 0, 0], feature_states: {} }))
}

/** Value of a transaction's `static-meta` row. */
export function encodeTransactionStaticMetadata(closestAncestorBlock: Uint8Array = new Uint8Array(32)): Uint8Array {
  return utf8(JSON.stringify({ min_height: 0, closest_ancestor_block: bytesToHex(closestAncestorBlock) }))
}

/** Key of the height index: the height as 4 bytes big-endian. */
export function heightIndexKey(height: number): Uint8Array {
  return uint32BE('height', height)
}

/** Value of the height index: the block hash then its timestamp as 4 bytes big-endian. */
export function heightIndexValue(hash: Uint8Array, timestamp: number): Uint8Array {
  const value = new Uint8Array(hash.length + 4)
  value.set(hash, 0)
  value.set(uint32BE('timestamp', timestamp), hash.length)
  return value
}

/** Key of `timestamp-sorted-blocks`: the timestamp as 4 bytes big-endian, then the block hash. Its value is empty. */
export function timestampIndexKey(timestamp: number, hash: Uint8Array): Uint8Array {
  const key = new Uint8Array(4 + hash.length)
  key.set(uint32BE('timestamp', timestamp), 0)
  key.set(hash, 4)
  return key
}

function uint32BE(what: string, value: number): Uint8Array {
  assertUint32(what, value)
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, value, false)
  return bytes
}

function assertUint32(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `${what} ${value} is not an integer from 0 to ${UINT32_MAX}`)
  }
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
