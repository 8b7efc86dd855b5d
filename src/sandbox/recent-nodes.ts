import type { TrieNode } from '../encoding/trie-node.js'
import type { TrieNodeSource } from '../nano/index.js'

/**
 * A trie node source that remembers the nodes of the last two generations by the identity of
 * the id array they were read with, in front of a source that looks nodes up by id value.
 *
 * Consecutive diffs of one contract read the same nodes twice: the nodes of the newer root in
 * one diff are those of the older root in the next. The second time, the diff reaches them
 * through the child ids of the same decoded parent nodes, so the very same id arrays come back
 * and the lookup skips the hex conversion and the LRU cache of the source behind. Ids are
 * SHA-256 hashes of node contents and no one writes into a decoded node's arrays, so an array
 * always names the same node. Only two generations are kept, so memory stays bounded by the
 * nodes of two walks.
 */
export class RecentTrieNodes implements TrieNodeSource {
  private current = new Map<Uint8Array, TrieNode>()
  private previous = new Map<Uint8Array, TrieNode>()

  constructor(private readonly source: TrieNodeSource & Required<Pick<TrieNodeSource, 'getSync'>>) {}

  /** Starts a new generation: nodes read before the previous call are no longer remembered. */
  nextGeneration(): void {
    this.previous = this.current
    this.current = new Map()
  }

  get(id: Uint8Array): Promise<TrieNode> {
    return this.source.get(id)
  }

  getSync(id: Uint8Array): TrieNode {
    let node = this.current.get(id)
    if (node !== undefined) return node

    node = this.previous.get(id) ?? this.source.getSync(id)
    this.current.set(id, node)
    return node
  }
}
