/**
 * hathorlib's Patricia trie does not index raw key bytes: it indexes their lowercase hex
 * text, one ASCII character per nibble, so a node has at most 16 children. Node keys and
 * edge keys in `nc-state` are stored in that form. These helpers move between the two.
 */

/** Encodes `key` into the trie's internal form, lowercase hex text. */
export function encodeTrieKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')
}

/**
 * Raw key bytes of an internal trie key. A split node's key can end in half a byte, which is
 * padded with a `0` nibble, as hathorlib's `_decode_key` does.
 */
export function decodeTrieKey(nibbles: string): Uint8Array {
  const even = nibbles.length % 2 === 1 ? nibbles + '0' : nibbles
  return Uint8Array.from(Buffer.from(even, 'hex'))
}

/** Text of stored key bytes, one character per byte, so node keys compare exactly with `encodeTrieKey` output. */
export function storedKeyToString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** Text of an edge key as `decodeTrieNode` reports it (hex of the stored bytes). */
export function edgeKeyToString(edgeKeyHex: string): string {
  return Buffer.from(edgeKeyHex, 'hex').toString('latin1')
}
