import { StorageError } from '../../errors.js'
import { bytesToHex } from '../../encoding/hex.js'
import { BuildError } from '../errors.js'
import type { TrieNodeStore } from './node-store.js'
import { sealNode, type WorkingNode } from './working-node.js'

/**
 * A node changed since the last commit. It is edited in place and gets its id at commit,
 * because the node discards every intermediate version of a path within one commit.
 */
interface DraftNode {
  key: string
  length: number
  content: Uint8Array | null
  /** Edge key to the id of a stored child, or to a child changed since the last commit. */
  children: Map<string, Uint8Array | DraftNode>
}

type TrieNode = WorkingNode | DraftNode

/** A node on the walk from the root, with the edge key that leads to it from its parent. */
interface PathStep {
  edge: string
  node: TrieNode
}

/**
 * A Patricia trie that can be updated, with the same node layout and ids as hathorlib 0.15's
 * `PatriciaTrie` (`nanocontracts/storage/patricia_trie.py`). Keys are indexed by their hex
 * text, so a node has at most 16 children.
 *
 * hathorlib copies the nodes from the changed node up to the root on every update, moving
 * the edge to the changed child to the end of each parent's children, and at commit stores
 * the nodes reachable from the final root. This writer gives the same stored nodes, bytes
 * included, with the same updates in the same order: it edits uncommitted nodes in place,
 * moves the edges the same way, and computes ids only at commit. Stored nodes are never
 * changed, so earlier roots stay valid.
 */
export class TrieWriter {
  private committedRoot: WorkingNode
  private root: TrieNode

  /**
   * Opens the trie at `rootId`, or a new empty trie when it is undefined. The empty trie's
   * root (the SHA-256 of nothing) is put into the store at once, as hathorlib does.
   */
  constructor(private readonly store: TrieNodeStore, rootId?: Uint8Array) {
    if (rootId === undefined) {
      this.committedRoot = sealNode({ key: '', length: 0, content: null, children: new Map() })
      if (!store.has(this.committedRoot.idHex)) store.put(this.committedRoot)
    } else {
      this.committedRoot = this.requireNode(rootId)
    }
    this.root = this.committedRoot
  }

  /** Root id as of the last commit (or of the opened root). */
  get rootId(): Uint8Array {
    return this.committedRoot.id
  }

  /** Whether some update is not committed yet. */
  get isDirty(): boolean {
    return this.root !== this.committedRoot
  }

  /** Content stored under raw key `key`, committed or not, or undefined when absent (hathorlib's `get`). */
  get(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0) return undefined
    const encodedKey = encodeKey(key)
    const node = this.findNearest(encodedKey).at(-1)!.node
    return node.key === encodedKey ? node.content ?? undefined : undefined
  }

  /** Stores `content` under raw key `key`, replacing what was there. */
  update(key: Uint8Array, content: Uint8Array): void {
    if (key.length === 0) {
      throw new BuildError('NC_BUILD_INVALID_INPUT', 'a trie key cannot be empty; expected at least one byte')
    }
    const encodedKey = encodeKey(key)
    const parent = this.editPath(this.findNearest(encodedKey))

    // The key is already there: only its content changes.
    if (parent.key === encodedKey) {
      parent.content = content
      return
    }

    // A child sharing a first nibble with the rest of the key gets a split node above it.
    // Only one child can share it, because sibling edges start with different nibbles.
    const rest = encodedKey.slice(parent.length)
    for (const [edge, child] of parent.children) {
      const common = commonPrefixLength(rest, edge)
      if (common === 0) continue

      const splitKey = encodedKey.slice(0, parent.length + common)
      const split: DraftNode = { key: splitKey, length: splitKey.length, content: null, children: new Map([[edge.slice(common), child]]) }
      parent.children.delete(edge)
      parent.children.set(rest.slice(0, common), split)

      if (splitKey === encodedKey) {
        split.content = content
      } else {
        split.children.set(encodedKey.slice(splitKey.length), leaf(encodedKey, content))
      }
      return
    }

    // No child shares a prefix: the key becomes a new leaf under the parent.
    parent.children.set(rest, leaf(encodedKey, content))
  }

  /**
   * Computes the ids of the changed nodes, puts the ones the store does not hold yet into
   * it, and returns the new root id.
   */
  commit(): Uint8Array {
    if (!isStored(this.root)) this.committedRoot = this.seal(this.root)
    this.root = this.committedRoot
    return this.committedRoot.id
  }

  /** Drops every uncommitted update. */
  rollback(): void {
    this.root = this.committedRoot
  }

  /**
   * Walks from the root to the node nearest to `encodedKey` and returns the nodes passed. The
   * nearest node has that key, or else is the deepest node reached through child edges that
   * prefix the rest of the key (children tried in stored order).
   */
  private findNearest(encodedKey: string): PathStep[] {
    const path: PathStep[] = [{ edge: '', node: this.root }]
    let node = this.root
    for (;;) {
      if (node.key === encodedKey) return path

      const rest = encodedKey.slice(node.length)
      let next: PathStep | undefined
      for (const [edge, child] of node.children) {
        if (rest.startsWith(edge)) {
          next = { edge, node: child instanceof Uint8Array ? this.requireNode(child) : child }
          break
        }
      }
      if (next === undefined) return path

      path.push(next)
      node = next.node
    }
  }

  /**
   * Turns every node on the path into a draft, moving each edge along the path to the end
   * of its parent's children as hathorlib's copies do, and returns the last one.
   */
  private editPath(path: PathStep[]): DraftNode {
    let parent = toDraft(path[0]!.node)
    this.root = parent
    for (const { edge, node } of path.slice(1)) {
      const draft = toDraft(node)
      parent.children.delete(edge)
      parent.children.set(edge, draft)
      parent = draft
    }
    return parent
  }

  private seal(draft: DraftNode): WorkingNode {
    const children = new Map<string, Uint8Array>()
    for (const [edge, child] of draft.children) {
      children.set(edge, child instanceof Uint8Array ? child : this.seal(child).id)
    }
    const node = sealNode({ key: draft.key, length: draft.length, content: draft.content, children })
    if (!this.store.has(node.idHex)) this.store.put(node)
    return node
  }

  private requireNode(id: Uint8Array): WorkingNode {
    const idHex = bytesToHex(id)
    const node = this.store.get(idHex)
    if (node === undefined) {
      throw new StorageError('NC_STORAGE_KEY_MISSING', `trie node ${idHex} is missing from the trie node store`, { key: idHex })
    }
    return node
  }
}

/** Encodes a raw key in the trie's internal form, its lowercase hex text. */
export function encodeKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')
}

function isStored(node: TrieNode): node is WorkingNode {
  return 'id' in node
}

function toDraft(node: TrieNode): DraftNode {
  if (!isStored(node)) return node
  return { key: node.key, length: node.length, content: node.content, children: new Map(node.children) }
}

function leaf(encodedKey: string, content: Uint8Array): DraftNode {
  return { key: encodedKey, length: encodedKey.length, content, children: new Map() }
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length)
  let i = 0
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}
