import { isInteger, isSafeNumber, parse as parseLosslessJson } from 'lossless-json'

import { StorageError } from '../errors.js'
import { bytesToHex } from '../encoding/hex.js'
import type { ColumnFamily, KeyValueSource } from './column-families.js'

/** Largest value of the node's 4-byte big-endian height and timestamp keys. */
const UINT32_MAX = 0xffffffff

const HASH_LENGTH = 32

/** A best-chain entry of the height index. */
export interface HeightIndexEntry {
  hash: Uint8Array
  timestamp: number
}

/**
 * A vertex's metadata, as the node stores it in `meta` (the JSON of
 * `TransactionMetadata.to_storage_json`). Hashes are lowercase hex. The fields listed are
 * checked when read, and the node's other fields are kept as stored.
 */
export interface VertexMetadata {
  hash: string | null
  /** Hashes of the vertices that void this one. Empty when the vertex is not voided. */
  voided_by: string[]
  first_block: string | null
  /** Root id of the block's nano state trie. Null on transactions and on blocks before nano activation. */
  nc_block_root_id: string | null
  [field: string]: unknown
}

/**
 * A vertex's static metadata, as the node stores it in `static-meta`. Blocks carry `height`,
 * transactions carry `closest_ancestor_block`. Other fields are kept as stored.
 */
export interface VertexStaticMetadata {
  min_height: number
  height?: number
  [field: string]: unknown
}

/**
 * Reads the node's column families with the node's semantics: the best-chain height index,
 * the timestamp index of every block, vertices, their metadata, and trie nodes.
 *
 * Getters return undefined for a key that is absent. The `require*` variants are for keys
 * that must exist, such as the metadata of a block in the height index, and raise
 * `StorageError` NC_STORAGE_KEY_MISSING. A stored value that cannot be read raises
 * `StorageError` NC_STORAGE_INVALID. Both errors name the column family and the hex key.
 */
export class NodeStorage {
  constructor(readonly source: KeyValueSource) {}

  /** Whether the source reads synchronously (`getSync`), which trie walks then use for every node. */
  get canReadSync(): boolean {
    return this.source.getSync !== undefined
  }

  /**
   * Reads one key, synchronously when the source can: a LevelDB lookup served from its caches
   * takes a few microseconds, while a round trip through the libuv thread pool costs tens of them.
   */
  private async read(cf: ColumnFamily, key: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.source.getSync !== undefined) return this.source.getSync(cf, key)
    return this.source.get(cf, key)
  }

  /** Returns the best-chain block at `height`, or undefined past the tip and for heights that do not fit 4 bytes. */
  async getBlockAtHeight(height: number): Promise<HeightIndexEntry | undefined> {
    assertInteger('height', height)
    if (height < 0 || height > UINT32_MAX) return undefined

    const key = uint32BE(height)
    const value = await this.read('height-index', key)
    if (value === undefined) return undefined
    return parseHeightIndexValue(key, value)
  }

  /** Height of the best block: the last key of the height index, as the node's `get_height_tip`. */
  async getTipHeight(): Promise<number> {
    return (await this.getTip()).height
  }

  /** Returns the best block with its height, from the last entry of the height index. */
  async getTip(): Promise<HeightIndexEntry & { height: number }> {
    for await (const [key, value] of this.source.entries('height-index', { reverse: true, limit: 1 })) {
      if (key.length !== 4) {
        throw invalid('height-index', key, `height key of ${key.length} bytes, expected 4`)
      }
      const height = new DataView(key.buffer, key.byteOffset, 4).getUint32(0, false)
      return { height, ...parseHeightIndexValue(key, value) }
    }
    throw new StorageError('NC_STORAGE_KEY_MISSING', 'the height index (column family height-index) is empty, but the node always stores the genesis block there; rebuild the database',
      { cf: 'height-index' })
  }

  /**
   * Hashes of the blocks with timestamp <= `timestamp`, newest first, at most `limit`, voided
   * blocks included. This is the node's `sorted_blocks.get_older(timestamp, hash_bytes=None,
   * count)`: keys are timestamp (4 bytes big-endian) then hash, so blocks with the same
   * timestamp come in descending hash order.
   *
   * The node builds its seek key with a 4-byte pack and fails for a negative timestamp or one
   * of 2^32 - 1 or more. Here a negative timestamp selects no block and a larger one selects
   * every block.
   */
  async getBlocksAtOrBefore(timestamp: number, limit: number): Promise<Uint8Array[]> {
    assertInteger('timestamp', timestamp)
    assertInteger('limit', limit)
    if (timestamp < 0 || limit <= 0) return []

    const range = timestamp >= UINT32_MAX
      ? { reverse: true, limit }
      : { lt: uint32BE(timestamp + 1), reverse: true, limit }

    const hashes: Uint8Array[] = []
    for await (const [key] of this.source.entries('timestamp-sorted-blocks', range)) {
      if (key.length !== 4 + HASH_LENGTH) {
        throw invalid('timestamp-sorted-blocks', key, `key of ${key.length} bytes, expected ${4 + HASH_LENGTH} (timestamp and hash)`)
      }
      hashes.push(key.subarray(4))
    }
    return hashes
  }

  /** Returns the vertex as the node serializes it, or undefined when no vertex has this hash. */
  async getVertexBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.read('tx', hash)
  }

  async requireVertexBytes(hash: Uint8Array): Promise<Uint8Array> {
    return required('tx', hash, await this.getVertexBytes(hash))
  }

  /** Returns the vertex's metadata, or undefined when the vertex has none stored. */
  async getMetadata(hash: Uint8Array): Promise<VertexMetadata | undefined> {
    const value = await this.read('meta', hash)
    return value === undefined ? undefined : parseMetadata(hash, value)
  }

  async requireMetadata(hash: Uint8Array): Promise<VertexMetadata> {
    return required('meta', hash, await this.getMetadata(hash))
  }

  /** Returns the vertex's static metadata, or undefined when the vertex has none stored. */
  async getStaticMetadata(hash: Uint8Array): Promise<VertexStaticMetadata | undefined> {
    const value = await this.read('static-meta', hash)
    return value === undefined ? undefined : parseStaticMetadata(hash, value)
  }

  async requireStaticMetadata(hash: Uint8Array): Promise<VertexStaticMetadata> {
    return required('static-meta', hash, await this.getStaticMetadata(hash))
  }

  /** Returns a trie node as stored in `nc-state` (hathorlib's `NodeNCType`), or undefined when absent. */
  async getTrieNodeBytes(id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.read('nc-state', id)
  }

  /**
   * Synchronous `getTrieNodeBytes`, for the sandbox workers. Throws `StorageError`
   * NC_STORAGE_READ_FAILED when the source cannot read synchronously.
   */
  getTrieNodeBytesSync(id: Uint8Array): Uint8Array | undefined {
    if (this.source.getSync === undefined) {
      throw new StorageError('NC_STORAGE_READ_FAILED', 'this key-value source has no synchronous read (getSync), so open the LevelDB copy to read trie nodes synchronously',
        { cf: 'nc-state', key: bytesToHex(id) })
    }
    return this.source.getSync('nc-state', id)
  }
}

function parseHeightIndexValue(key: Uint8Array, value: Uint8Array): HeightIndexEntry {
  if (value.length !== HASH_LENGTH + 4) {
    throw invalid('height-index', key, `value of ${value.length} bytes, expected ${HASH_LENGTH + 4} (hash and timestamp)`)
  }
  const timestamp = new DataView(value.buffer, value.byteOffset + HASH_LENGTH, 4).getUint32(0, false)
  return { hash: value.subarray(0, HASH_LENGTH), timestamp }
}

function parseMetadata(hash: Uint8Array, value: Uint8Array): VertexMetadata {
  const json = parseJsonObject('meta', hash, value)

  const voidedBy = json.voided_by ?? []
  if (!Array.isArray(voidedBy) || !voidedBy.every(isHex)) {
    throw invalid('meta', hash, 'voided_by is not a list of hex hashes')
  }
  const rootId = json.nc_block_root_id ?? null
  if (rootId !== null && !isHex(rootId)) {
    throw invalid('meta', hash, 'nc_block_root_id is neither null nor a hex id')
  }
  const firstBlock = json.first_block ?? null
  if (firstBlock !== null && !isHex(firstBlock)) {
    throw invalid('meta', hash, 'first_block is neither null nor a hex hash')
  }
  const metadataHash = json.hash ?? null
  if (metadataHash !== null && typeof metadataHash !== 'string') {
    throw invalid('meta', hash, 'hash is neither null nor a string')
  }

  return { ...json, hash: metadataHash, voided_by: voidedBy as string[], first_block: firstBlock, nc_block_root_id: rootId }
}

function parseStaticMetadata(hash: Uint8Array, value: Uint8Array): VertexStaticMetadata {
  const json = parseJsonObject('static-meta', hash, value)
  if (typeof json.min_height !== 'number') {
    throw invalid('static-meta', hash, 'min_height is not a number')
  }
  if (json.height !== undefined && (typeof json.height !== 'number' || !Number.isSafeInteger(json.height))) {
    throw invalid('static-meta', hash, 'height is not an integer')
  }
  return json as VertexStaticMetadata
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A run of 16 digits: only such text can hold an integer past 2^53 - 1 (16 digits), so text
 * without one parses with the much faster `JSON.parse` and loses no digit.
 */
const LONG_DIGIT_RUN = /\d{16}/

/** Parses a JSON object. Integers past 2^53 become bigint, so no digit is lost. */
function parseJsonObject(cf: ColumnFamily, key: Uint8Array, value: Uint8Array): Record<string, unknown> {
  let json: unknown
  try {
    const text = utf8.decode(value)
    json = LONG_DIGIT_RUN.test(text)
      ? parseLosslessJson(text, null, (digits) => (isInteger(digits) && !isSafeNumber(digits) ? BigInt(digits) : Number(digits)))
      : JSON.parse(text)
  } catch (cause) {
    throw invalid(cf, key, `value is not valid JSON (${(cause as Error).message})`, cause)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(cf, key, 'value is not a JSON object')
  }
  return json as Record<string, unknown>
}

function isHex(value: unknown): value is string {
  return typeof value === 'string' && value.length % 2 === 0 && /^[0-9a-f]*$/.test(value)
}

function required<T>(cf: ColumnFamily, key: Uint8Array, value: T | undefined): T {
  if (value === undefined) {
    throw new StorageError('NC_STORAGE_KEY_MISSING', `key ${bytesToHex(key)} is missing from column family ${cf}`,
      { cf, key: bytesToHex(key) })
  }
  return value
}

function invalid(cf: ColumnFamily, key: Uint8Array, problem: string, cause?: unknown): StorageError {
  return new StorageError('NC_STORAGE_INVALID', `unreadable value at key ${bytesToHex(key)} of column family ${cf}: ${problem}`,
    { cf, key: bytesToHex(key) }, cause === undefined ? undefined : { cause })
}

function assertInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be an integer, got ${value}`)
  }
}

function uint32BE(value: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, value, false)
  return bytes
}
