import { computeTrieNodeId, encodeTrieNode, type TrieNode } from '../../encoding/trie-node.js'
import { bytesToHex } from '../../encoding/hex.js'

/**
 * A trie node in the form the trie writer edits. Keys are the trie's internal form: the
 * lowercase hex text of the raw key, one character per nibble, which is also what the node
 * stores as ASCII bytes. `id` is final: a changed node is a new node with a new id.
 */
export interface WorkingNode {
  /** Full trie key of the node (hex text). The root's key is empty. */
  key: string
  /** Length of the key prefix the node consumes; the node always stores `key.length`. */
  length: number
  /** Value stored at this node, or null for a node that only joins keys with a shared prefix. */
  content: Uint8Array | null
  /**
   * Edge key (hex text after this node's key) to the child's id, in stored order. The order
   * is part of the stored bytes, so every edit keeps the node's own order.
   */
  children: Map<string, Uint8Array>
  id: Uint8Array
  /** `id` as lowercase hex, the key of node maps. */
  idHex: string
}

/** Node fields before the id is computed. */
export type NodeDraft = Omit<WorkingNode, 'id' | 'idHex'>

/** Computes the id of a draft (SHA-256 of key, content and sorted child ids) and seals it. */
export function sealNode(draft: NodeDraft): WorkingNode {
  const id = computeTrieNodeId({ key: keyToBytes(draft.key), content: draft.content, children: draft.children })
  return { ...draft, id, idHex: bytesToHex(id) }
}

/** The node as the encoding layer models it, ready for `encodeTrieNode`. */
export function toTrieNode(node: WorkingNode): TrieNode {
  const children = new Map<string, Uint8Array>()
  for (const [edge, childId] of node.children) children.set(Buffer.from(edge, 'latin1').toString('hex'), childId)
  return { key: keyToBytes(node.key), length: node.length, content: node.content, children, id: node.id }
}

/** A decoded stored node in the writer's form. */
export function fromTrieNode(node: TrieNode): WorkingNode {
  const children = new Map<string, Uint8Array>()
  for (const [edgeHex, childId] of node.children) children.set(Buffer.from(edgeHex, 'hex').toString('latin1'), childId)
  return {
    key: Buffer.from(node.key).toString('latin1'),
    length: node.length,
    content: node.content,
    children,
    id: node.id,
    idHex: bytesToHex(node.id),
  }
}

/** The bytes the node stores for this trie node in `nc-state`. */
export function encodeWorkingNode(node: WorkingNode): Uint8Array {
  return encodeTrieNode(toTrieNode(node))
}

function keyToBytes(key: string): Uint8Array {
  const buffer = Buffer.from(key, 'latin1')
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}
