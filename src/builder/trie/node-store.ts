import { LRUCache } from 'lru-cache'

import { decodeTrieNode } from '../../encoding/trie-node.js'
import { BuildError } from '../errors.js'
import { encodeWorkingNode, fromTrieNode, type WorkingNode } from './working-node.js'

/**
 * Store of trie nodes, which a trie writer reads and puts its committed nodes into. Nodes
 * are immutable and named by their id, so a store never replaces a node it contains.
 */
export interface TrieNodeStore {
  /** The node with this id (lowercase hex), or undefined when the store has none. */
  get(idHex: string): WorkingNode | undefined
  /** Whether the store contains the node, without necessarily reading it. */
  has(idHex: string): boolean
  /**
   * Stores a committed node. The writer calls it only for ids the store does not hold,
   * because the node keeps the first stored bytes of an id (the order of children can differ).
   */
  put(node: WorkingNode): void
}

/** Receives each new node with the bytes the node stores for it in `nc-state`. */
export type TrieNodeSink = (id: Uint8Array, bytes: Uint8Array) => void

export interface MemoryTrieNodeStoreOptions {
  /** Receives every node put into the store, for example to add it to a LevelDB write batch. */
  sink?: TrieNodeSink
  /** Reads the stored bytes of a node that is not in memory (for example classic-level `getSync`). */
  load?: (id: Uint8Array) => Uint8Array | undefined
  /**
   * Maximum number of nodes kept in memory, the least recently used dropped first. Requires
   * `load`, which must return every node put so far. Default: no limit.
   */
  maxNodes?: number
  /**
   * Whether every node behind `load` was put through this store, as when building a new
   * database. `has` then returns false for an id never put, without calling `load`.
   */
  ownsAllNodes?: boolean
}

/** Bits of an id kept to remember which ids were put: 28, a small integer in V8. */
const ID_PREFIX_HEX_DIGITS = 7

/**
 * Trie nodes in memory, optionally bounded and backed by stored nodes (`load`), passing
 * every new node to a sink.
 */
export class MemoryTrieNodeStore implements TrieNodeStore {
  private readonly nodes: Map<string, WorkingNode> | LRUCache<string, WorkingNode>
  /** Id prefixes of the nodes put, when `ownsAllNodes` is set; a prefix can match several ids. */
  private readonly putIdPrefixes = new Set<number>()

  constructor(private readonly options: MemoryTrieNodeStoreOptions = {}) {
    if (options.maxNodes === undefined) {
      this.nodes = new Map()
      return
    }
    if (options.load === undefined) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', 'a trie node store with maxNodes needs load, to read back the nodes it drops')
    }
    if (!Number.isSafeInteger(options.maxNodes) || options.maxNodes <= 0) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', `maxNodes ${options.maxNodes} is invalid; expected a positive integer`)
    }
    this.nodes = new LRUCache({ max: options.maxNodes })
  }

  get(idHex: string): WorkingNode | undefined {
    const node = this.nodes.get(idHex)
    if (node !== undefined || this.options.load === undefined) return node

    const bytes = this.options.load(Buffer.from(idHex, 'hex'))
    if (bytes === undefined) return undefined
    const loaded = fromTrieNode(decodeTrieNode(bytes))
    this.nodes.set(idHex, loaded)
    return loaded
  }

  has(idHex: string): boolean {
    if (this.nodes.has(idHex)) return true
    if (this.options.load === undefined) return false
    if (this.options.ownsAllNodes === true && !this.putIdPrefixes.has(idPrefix(idHex))) return false
    return this.options.load(Buffer.from(idHex, 'hex')) !== undefined
  }

  put(node: WorkingNode): void {
    this.nodes.set(node.idHex, node)
    if (this.options.ownsAllNodes === true) this.putIdPrefixes.add(idPrefix(node.idHex))
    this.options.sink?.(node.id, encodeWorkingNode(node))
  }

  /** Number of nodes held in memory. */
  get size(): number {
    return this.nodes.size
  }
}

function idPrefix(idHex: string): number {
  return Number.parseInt(idHex.slice(0, ID_PREFIX_HEX_DIGITS), 16)
}
