import type { TrieNode } from '../encoding/trie-node.js'
import { bytesToHex } from '../encoding/hex.js'
import { nodeKey, type TrieWalk } from '../nano/index.js'
import { edgeKeyToString } from '../nano/trie/trie-key.js'

/** A trie key whose content differs between two tries, with its content in the newer one (null when absent there). */
export interface TrieChange {
  /** The key in the trie's internal form (lowercase hex text). */
  key: string
  content: Uint8Array | null
}

/**
 * Lists the keys whose content differs between the tries rooted at `fromRootId` and `toRootId`,
 * or returns undefined once more than `maxNodes` nodes had to be read.
 *
 * A node id is the SHA-256 of the node's key, content and child ids, so a subtree that is in both
 * tries has the same id in both and is skipped without being read. The work therefore grows with
 * the nodes on changed paths, not with the size of the tries. Both tries are walked side by side from their
 * roots while nodes at the same position have the same key. Children whose edges differ (a key was
 * added or removed and split or merged a node) are compared by `diffSubtrees`.
 *
 * With `keys`, only those keys are compared: a subtree whose key prefix starts none of them is
 * skipped unread, and changes of other keys may be missing from the result.
 */
export function* diffTries(fromRootId: Uint8Array, toRootId: Uint8Array, maxNodes: number, keys?: TrieKeySet): TrieWalk<TrieChange[] | undefined> {
  const from = new DiffSide(keys)
  const to = new DiffSide(keys)
  let nodesRead = 0

  const pairs: Array<[Uint8Array, Uint8Array]> = [[fromRootId, toRootId]]
  while (pairs.length > 0) {
    const [fromId, toId] = pairs.pop()!
    if (equalBytes(fromId, toId)) continue

    nodesRead += 2
    if (nodesRead > maxNodes) return undefined
    const fromNode = yield fromId
    const toNode = yield toId
    if (!equalBytes(fromNode.key, toNode.key)) {
      from.add(fromId)
      to.add(toId)
      continue
    }

    from.keepContent(fromNode)
    to.keepContent(toNode)
    const key = nodeKey(fromNode)
    for (const [edge, fromChild] of fromNode.children) {
      const toChild = toNode.children.get(edge)
      if (toChild !== undefined && equalBytes(fromChild, toChild)) continue
      if (keys !== undefined && !keys.hasKeyStartingWith(key + edgeText(edge))) continue
      if (toChild === undefined) from.add(fromChild)
      else pairs.push([fromChild, toChild])
    }
    for (const [edge, toChild] of toNode.children) {
      if (fromNode.children.has(edge)) continue
      if (keys !== undefined && !keys.hasKeyStartingWith(key + edgeText(edge))) continue
      to.add(toChild)
    }
  }

  const read = yield* diffSubtrees(from, to, maxNodes - nodesRead)
  if (read === undefined) return undefined
  return listChanges(from.contents, to.contents)
}

/**
 * Compares the subtrees left pending on each side, whatever their positions, and returns the
 * number of nodes read, or undefined past `maxNodes`. Pending nodes are expanded shortest key
 * first, so a subtree that is in both tries is pending on both sides before either side reads
 * below it, and is then dropped from both.
 */
function* diffSubtrees(from: DiffSide, to: DiffSide, maxNodes: number): TrieWalk<number | undefined> {
  let nodesRead = 0

  for (;;) {
    for (const id of [...from.pending.keys()]) {
      if (to.pending.delete(id)) from.pending.delete(id)
    }
    if (from.pending.size === 0 && to.pending.size === 0) return nodesRead

    let shortest = Infinity
    for (const side of [from, to]) {
      for (const [idHex, entry] of side.pending) {
        let node = entry
        if (node instanceof Uint8Array) {
          nodesRead += 1
          if (nodesRead > maxNodes) return undefined
          node = yield node
          side.pending.set(idHex, node)
        }
        shortest = Math.min(shortest, node.key.length)
      }
    }

    from.expand(shortest)
    to.expand(shortest)
  }
}

function listChanges(before: Map<string, Uint8Array>, after: Map<string, Uint8Array>): TrieChange[] {
  const changes: TrieChange[] = []
  for (const [key, content] of after) {
    const old = before.get(key)
    if (old === undefined || !equalBytes(old, content)) changes.push({ key, content })
  }
  for (const key of before.keys()) {
    if (!after.has(key)) changes.push({ key, content: null })
  }
  return changes
}

/** One trie's side of a diff: contents of the nodes read, and subtrees still to compare (by id hex: the id, or the node once read). */
class DiffSide {
  readonly contents = new Map<string, Uint8Array>()
  readonly pending = new Map<string, Uint8Array | TrieNode>()

  constructor(private readonly keys: TrieKeySet | undefined) {}

  add(id: Uint8Array): void {
    this.pending.set(bytesToHex(id), id)
  }

  keepContent(node: TrieNode): void {
    if (node.content !== null) this.contents.set(nodeKey(node), node.content)
  }

  /** Replaces each read node whose key has `keyLength` characters by its children, keeping its content. */
  expand(keyLength: number): void {
    const expanded: TrieNode[] = []
    for (const [idHex, entry] of this.pending) {
      if (entry instanceof Uint8Array || entry.key.length !== keyLength) continue
      expanded.push(entry)
      this.pending.delete(idHex)
    }

    for (const node of expanded) {
      this.keepContent(node)
      const key = nodeKey(node)
      for (const [edge, childId] of node.children) {
        if (this.keys === undefined || this.keys.hasKeyStartingWith(key + edgeText(edge))) this.add(childId)
      }
    }
  }
}

/** A sorted set of trie keys (internal form) that can tell whether any of them starts with a prefix. */
export class TrieKeySet {
  private readonly sorted: string[] = []

  get size(): number {
    return this.sorted.length
  }

  add(key: string): void {
    const index = this.lowerBound(key)
    if (this.sorted[index] !== key) this.sorted.splice(index, 0, key)
  }

  has(key: string): boolean {
    return this.sorted[this.lowerBound(key)] === key
  }

  /** Returns whether some key starts with `prefix`: the first key not below the prefix does, if any does. */
  hasKeyStartingWith(prefix: string): boolean {
    return this.sorted[this.lowerBound(prefix)]?.startsWith(prefix) ?? false
  }

  /** Index of the first key that is not less than `key`. */
  private lowerBound(key: string): number {
    let low = 0
    let high = this.sorted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.sorted[middle]! < key) low = middle + 1
      else high = middle
    }
    return low
  }
}

// Edge keys repeat across nodes (most are one nibble), so their text is kept once computed.
const edgeTexts = new Map<string, string>()
const MAX_EDGE_TEXTS = 10_000

function edgeText(edgeHex: string): string {
  let text = edgeTexts.get(edgeHex)
  if (text === undefined) {
    if (edgeTexts.size >= MAX_EDGE_TEXTS) edgeTexts.clear()
    text = edgeKeyToString(edgeHex)
    edgeTexts.set(edgeHex, text)
  }
  return text
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}
