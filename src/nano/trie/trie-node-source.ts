import { LRUCache } from 'lru-cache'

import { DecodeError, StorageError } from '../../errors.js'
import { bytesToHex } from '../../encoding/hex.js'
import { decodeTrieNode, type TrieNode } from '../../encoding/trie-node.js'
import type { NodeStorage } from '../../storage/node-storage.js'

/**
 * Source of the nodes a trie walk reads. `get` returns the node or throws: `StorageError`
 * NC_STORAGE_KEY_MISSING when no node has this id, `DecodeError` NC_DECODE_FAILED when its
 * bytes do not decode. `getSync` exists when the backing storage can read synchronously.
 */
export interface TrieNodeSource {
  get(id: Uint8Array): Promise<TrieNode>
  getSync?(id: Uint8Array): TrieNode
}

export interface TrieNodeCacheOptions {
  /** Upper bound of the cache, in estimated bytes of decoded nodes. Default: 32 MiB. */
  cacheMaxBytes?: number
}

export const DEFAULT_TRIE_CACHE_MAX_BYTES = 32 * 1024 * 1024

/**
 * Estimated memory of a decoded node beyond its stored bytes: the object, its Map and the
 * typed-array headers. An estimate, used only to bound the cache.
 */
const DECODED_NODE_OVERHEAD_BYTES = 256

/**
 * Estimated memory of each child entry of a decoded node: its key string, the Map entry and
 * the child id's Uint8Array object. Measured on the S2 benchmark chain, where counting only the
 * stored bytes underestimated the cache's real size about tenfold.
 */
const DECODED_CHILD_OVERHEAD_BYTES = 400

interface CachedNode {
  node: TrieNode
  size: number
}

/**
 * Trie nodes read from the `nc-state` column family and kept in an LRU cache bounded in
 * bytes. A node's id is the SHA-256 of its content and nodes are never rewritten, so cached
 * nodes are never invalidated.
 */
export class CachedTrieNodeSource implements TrieNodeSource {
  private readonly cache: LRUCache<string, CachedNode>

  /** Present when the storage reads synchronously; `runWalk` then reads every node without awaiting. */
  readonly getSync?: (id: Uint8Array) => TrieNode

  constructor(private readonly storage: NodeStorage, options: TrieNodeCacheOptions = {}) {
    const maxSize = options.cacheMaxBytes ?? DEFAULT_TRIE_CACHE_MAX_BYTES
    if (!Number.isSafeInteger(maxSize) || maxSize <= 0) {
      throw new RangeError(`cacheMaxBytes must be a positive integer, got ${maxSize}`)
    }
    this.cache = new LRUCache<string, CachedNode>({ maxSize, sizeCalculation: (entry) => entry.size })
    if (storage.canReadSync) this.getSync = (id) => this.readSync(id)
  }

  async get(id: Uint8Array): Promise<TrieNode> {
    const idHex = bytesToHex(id)
    const cached = this.cache.get(idHex)
    if (cached !== undefined) return cached.node

    return this.decodeAndCache(id, idHex, await this.storage.getTrieNodeBytes(id))
  }

  private readSync(id: Uint8Array): TrieNode {
    const idHex = bytesToHex(id)
    const cached = this.cache.get(idHex)
    if (cached !== undefined) return cached.node

    return this.decodeAndCache(id, idHex, this.storage.getTrieNodeBytesSync(id))
  }

  /** Number of nodes and estimated bytes in the cache. */
  get cacheUsage(): { nodes: number; bytes: number } {
    return { nodes: this.cache.size, bytes: this.cache.calculatedSize }
  }

  private decodeAndCache(id: Uint8Array, idHex: string, bytes: Uint8Array | undefined): TrieNode {
    if (bytes === undefined) {
      throw new StorageError('NC_STORAGE_KEY_MISSING', `trie node ${idHex} is missing from column family nc-state`,
        { cf: 'nc-state', key: idHex })
    }

    let node: TrieNode
    try {
      node = decodeTrieNode(bytes)
    } catch (cause) {
      throw new DecodeError(`trie node ${idHex} in column family nc-state cannot be decoded: ${(cause as Error).message}`,
        { cf: 'nc-state', key: idHex }, { cause })
    }
    if (bytesToHex(node.id) !== idHex) {
      throw new StorageError('NC_STORAGE_INVALID', `trie node stored under key ${idHex} in column family nc-state has id ${bytesToHex(node.id)}`,
        { cf: 'nc-state', key: idHex })
    }

    this.cache.set(idHex, { node, size: bytes.length + DECODED_NODE_OVERHEAD_BYTES + node.children.size * DECODED_CHILD_OVERHEAD_BYTES })
    return node
  }
}
