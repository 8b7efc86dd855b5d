import { sha256 } from '@noble/hashes/sha2.js'
import { ByteReader } from './byte-reader.js'
import { ByteWriter } from './byte-writer.js'
import { DecodeError } from './errors.js'
import { readBool, readBoundedBytes, VARINT_MAX_BYTES, writeBool, writeBoundedBytes } from './primitives.js'
import { bytesToHex, hexToBytes } from './hex.js'

/**
 * A Patricia-trie node as the node stores it in the `nc-state` column family (hathorlib's
 * `NodeNCType`), keyed there by its id.
 *
 * Layout: key (length-prefixed bytes), length (unsigned LEB128, at most 32 bytes), content
 * (0x00, or 0x01 then length-prefixed bytes), children (unsigned LEB128 count, then per child
 * its edge key and its node id, both length-prefixed bytes), id (length-prefixed bytes).
 */
export interface TrieNode {
  /** Full trie key of this node, as stored: hathorlib writes each key as its lowercase hex in ASCII, one nibble a byte. */
  key: Uint8Array
  /** Length of the key prefix this node consumes, compared against `key.length` during a walk. */
  length: number
  /** Value stored at this node, or null for a branch created only by a shared prefix. */
  content: Uint8Array | null
  /**
   * Children in stored order: hex of the edge key (the part of the key after `length`) to
   * the child's node id. Map iteration order is the stored order, so encoding reproduces it.
   */
  children: Map<string, Uint8Array>
  /** Node id: the SHA-256 of key, content and the sorted child ids. */
  id: Uint8Array
}

/** Decodes a stored trie node and rejects trailing bytes. */
export function decodeTrieNode(bytes: Uint8Array): TrieNode {
  const reader = new ByteReader(bytes)

  const key = readBoundedBytes(reader)
  const length = readNodeLength(reader)
  const content = readBool(reader) ? readBoundedBytes(reader) : null

  const childCount = reader.readLength()
  const children = new Map<string, Uint8Array>()
  for (let i = 0; i < childCount; i++) {
    const edgeKey = bytesToHex(readBoundedBytes(reader))
    const childId = readBoundedBytes(reader)
    if (children.has(edgeKey)) {
      throw new DecodeError(`trie node has two children with edge key ${edgeKey}`)
    }
    children.set(edgeKey, childId)
  }

  const id = readBoundedBytes(reader)
  reader.assertAtEnd('trie node')
  return { key, length, content, children, id }
}

/** Encodes a trie node into the exact bytes the node stores for it. */
export function encodeTrieNode(node: TrieNode): Uint8Array {
  const writer = new ByteWriter()

  writeBoundedBytes(writer, node.key)
  writer.writeLeb128Unsigned(node.length, VARINT_MAX_BYTES)

  writeBool(writer, node.content !== null)
  if (node.content !== null) writeBoundedBytes(writer, node.content)

  writer.writeLeb128Unsigned(node.children.size)
  for (const [edgeKey, childId] of node.children) {
    writeBoundedBytes(writer, hexToBytes(edgeKey))
    writeBoundedBytes(writer, childId)
  }

  writeBoundedBytes(writer, node.id)
  return writer.toBytes()
}

function readNodeLength(reader: ByteReader): number {
  const offset = reader.position
  const length = reader.readLeb128Unsigned(VARINT_MAX_BYTES)
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(`trie node length ${length} at offset ${offset} is too large`)
  }
  return Number(length)
}

/**
 * Computes a node's id: SHA-256 over its key, its content when present, then its child ids
 * sorted bytewise. Nodes are immutable, so the id also names the node's whole subtree.
 */
export function computeTrieNodeId(node: Pick<TrieNode, 'key' | 'content' | 'children'>): Uint8Array {
  const hash = sha256.create()
  hash.update(node.key)
  if (node.content !== null) hash.update(node.content)

  const childIds = [...node.children.values()].sort(compareBytes)
  for (const childId of childIds) hash.update(childId)
  return hash.digest()
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const common = Math.min(a.length, b.length)
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!
  }
  return a.length - b.length
}
