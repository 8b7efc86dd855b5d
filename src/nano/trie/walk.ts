import { StorageError } from '../../errors.js'
import type { TrieNode } from '../../encoding/trie-node.js'
import { edgeKeyToString, encodeTrieKey, storedKeyToString } from './trie-key.js'
import type { TrieNodeSource } from './trie-node-source.js'

/**
 * A trie algorithm written once for both the async and the sync reader: the generator yields
 * the id of each node it needs, receives the node, and returns its result. `runWalk` feeds it
 * from `source.getSync` when the source has it and else from `source.get`; `runWalkSync`
 * always from `source.getSync`. Walks compose with `yield*`.
 */
export type TrieWalk<T> = Generator<Uint8Array, T, TrieNode>

export async function runWalk<T>(source: TrieNodeSource, walk: TrieWalk<T>): Promise<T> {
  // Reading synchronously is much faster than awaiting one LevelDB read per node.
  if (source.getSync !== undefined) return runWalkSync(source, walk)

  let step = walk.next()
  while (step.done !== true) {
    step = walk.next(await source.get(step.value))
  }
  return step.value
}

export function runWalkSync<T>(source: TrieNodeSource, walk: TrieWalk<T>): T {
  if (source.getSync === undefined) {
    throw new StorageError('NC_STORAGE_READ_FAILED', 'this trie node source cannot read synchronously, so open the LevelDB copy to use the sync trie reader')
  }
  let step = walk.next()
  while (step.done !== true) {
    step = walk.next(source.getSync(step.value))
  }
  return step.value
}

/** A node's key and edge keys as text, computed once per decoded node because walks compare them at every step. */
interface NodeText {
  key: string
  edges?: Array<[edgeKey: string, childId: Uint8Array]>
}

const nodeTexts = new WeakMap<TrieNode, NodeText>()

function nodeText(node: TrieNode): NodeText {
  let text = nodeTexts.get(node)
  if (text === undefined) {
    text = { key: storedKeyToString(node.key) }
    nodeTexts.set(node, text)
  }
  return text
}

/** Key of a node in the trie's internal form (hex text), for comparison with `encodeTrieKey` output. */
export function nodeKey(node: TrieNode): string {
  return nodeText(node).key
}

/**
 * Finds the node nearest to `encodedKey` (internal form): the node with that key, or else the
 * deepest node reached by following child edges that are prefixes of the rest of the key.
 * As in hathorlib's `_find_nearest_node`, the key is compared whole, the rest of the key
 * starts at the node's `length`, and children are tried in stored order.
 */
export function* findNearestNode(rootId: Uint8Array, encodedKey: string): TrieWalk<TrieNode> {
  let node = yield rootId
  for (;;) {
    if (nodeKey(node) === encodedKey) return node

    const rest = encodedKey.slice(node.length)
    const childId = findChildWithPrefixOf(node, rest)
    if (childId === undefined) return node

    node = yield childId
  }
}

function findChildWithPrefixOf(node: TrieNode, rest: string): Uint8Array | undefined {
  const text = nodeText(node)
  text.edges ??= [...node.children].map(([edgeKeyHex, childId]) => [edgeKeyToString(edgeKeyHex), childId])
  for (const [edgeKey, childId] of text.edges) {
    if (rest.startsWith(edgeKey)) return childId
  }
  return undefined
}

/** Returns the content stored under raw key `key`, or undefined when the key is absent or has no content (hathorlib's `get`). */
export function* getContent(rootId: Uint8Array, key: Uint8Array): TrieWalk<Uint8Array | undefined> {
  if (key.length === 0) return undefined

  const encodedKey = encodeTrieKey(key)
  const node = yield* findNearestNode(rootId, encodedKey)
  if (nodeKey(node) !== encodedKey) return undefined
  return node.content ?? undefined
}

/** Collects every node under `start`, `start` first, depth first, children in stored order (hathorlib's `iter_dfs`). */
export function* collectDepthFirst(start: TrieNode): TrieWalk<TrieNode[]> {
  const nodes: TrieNode[] = []

  // A stack instead of recursion, so a deep or wide subtree cannot overflow the call stack.
  // Children are pushed in reverse so the first stored child is visited first.
  const pending: Array<TrieNode | Uint8Array> = [start]
  while (pending.length > 0) {
    const next = pending.pop()!
    const node = next instanceof Uint8Array ? yield next : next
    nodes.push(node)

    const childIds = [...node.children.values()]
    for (let i = childIds.length - 1; i >= 0; i--) pending.push(childIds[i]!)
  }

  return nodes
}

/** Returns the content stored under `key` in the trie rooted at `rootId`, or undefined when absent. */
export async function trieGet(source: TrieNodeSource, rootId: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
  return runWalk(source, getContent(rootId, key))
}

/** Synchronous `trieGet`, which needs a source with `getSync`. */
export function trieGetSync(source: TrieNodeSource, rootId: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  return runWalkSync(source, getContent(rootId, key))
}
