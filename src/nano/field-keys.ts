import { ByteReader } from '../encoding/byte-reader.js'
import { ByteWriter } from '../encoding/byte-writer.js'
import { readBool, VARINT_MAX_BYTES } from '../encoding/primitives.js'

/**
 * Field keys: the unhashed keys under which a blueprint's fields are stored, as hathorlib
 * 0.15 builds them (`nanocontracts/fields/`). `ContractState.getAttribute` takes these keys;
 * the contract trie stores each one at 0x00 ‖ SHA-256(field key) (see `trie-keys.ts`).
 *
 * A field named `name` has the prefix P = UTF-8(name). A field whose type is not a container
 * stores its value at P. A container field spreads over several keys, all of the form
 * P ‖ ":" ‖ suffix, where ":" is the byte 0x3a:
 *
 * - every container: P:__init__ contains bool true once the container exists.
 * - dict[K, V] (and OrderedDict): P:__length__ holds the entry count (unsigned LEB128,
 *   at most 32 bytes). The entry for key k is at P ‖ ":" ‖ NCType(K).to_bytes(k).
 * - set[T]: P:__length__ holds the member count as for dict. A member m is at
 *   P ‖ ":" ‖ NCType(T).to_bytes(m), and the value stored there is m itself.
 * - list[T] and deque[T] (both stored as a deque): P:__metadata__ holds the deque metadata
 *   (see `decodeDequeMetadata`). The item at storage index i is at P ‖ ":" ‖ signed LEB128(i).
 *   Python index j (negative j counts from the end) maps to storage index
 *   first_index + j, or first_index + length - 1 - j when `reversed` is set
 *   (see `dequeStorageIndex`). Storage indexes can be negative after `appendleft`.
 *
 * A container nested as a dict value or a list item uses the key of that entry or item as
 * its own prefix P, so its keys are, for example, P ‖ ":" ‖ k ‖ ":__length__".
 *
 * Every stored value, including the counts and the metadata, starts with the presence byte
 * (0x01 present, 0x00 deleted) that `ContractState.getAttribute` strips. NCType(K) is the
 * NCType the node builds with its field type map, in which list aliases to tuple and set to
 * frozenset. Encoding keys and decoding values of type K or T is the encoding layer's job.
 */

export const KEY_SEPARATOR = 0x3a

const INIT_SUFFIX = '__init__'
const LENGTH_SUFFIX = '__length__'
const METADATA_SUFFIX = '__metadata__'

const utf8 = new TextEncoder()

/** Prefix P of a top-level field: the UTF-8 of its name. Also the key of a non-container field's value. */
export function fieldKey(fieldName: string): Uint8Array {
  return utf8.encode(fieldName)
}

/** P:__init__, which contains bool true once the container at P exists. */
export function containerInitKey(prefix: Uint8Array): Uint8Array {
  return joinKey(prefix, utf8.encode(INIT_SUFFIX))
}

/** P:__length__ of a dict or set: its entry or member count. */
export function containerLengthKey(prefix: Uint8Array): Uint8Array {
  return joinKey(prefix, utf8.encode(LENGTH_SUFFIX))
}

/** Key of a dict entry. `encodedKey` is the entry key encoded with the dict's key NCType. */
export function dictEntryKey(prefix: Uint8Array, encodedKey: Uint8Array): Uint8Array {
  return joinKey(prefix, encodedKey)
}

/** Key of a set member. `encodedMember` is the member encoded with the set's item NCType. */
export function setMemberKey(prefix: Uint8Array, encodedMember: Uint8Array): Uint8Array {
  return joinKey(prefix, encodedMember)
}

/** P:__metadata__ of a list or deque. */
export function dequeMetadataKey(prefix: Uint8Array): Uint8Array {
  return joinKey(prefix, utf8.encode(METADATA_SUFFIX))
}

/** Key of the list or deque item at storage index `storageIndex`, which `dequeStorageIndex` computes from a Python index. */
export function dequeItemKey(prefix: Uint8Array, storageIndex: bigint | number): Uint8Array {
  const writer = new ByteWriter()
  writer.writeLeb128Signed(storageIndex, VARINT_MAX_BYTES)
  return joinKey(prefix, writer.toBytes())
}

/** Stored metadata of a list or deque field. */
export interface DequeMetadata {
  /** Storage index of the first item (the first in storage order, which is the last one when reversed). */
  firstIndex: bigint
  length: bigint
  /** Set by `reverse()`: Python index 0 is then the last item in storage order. */
  reversed: boolean
}

/**
 * Decodes deque metadata (presence byte already stripped): `first_index` and `length` as
 * signed LEB128 of at most 32 bytes, then `reversed` as a bool byte. Trailing bytes are
 * ignored, as hathorlib's storage reader ignores them.
 */
export function decodeDequeMetadata(bytes: Uint8Array): DequeMetadata {
  const reader = new ByteReader(bytes)
  const firstIndex = reader.readLeb128Signed(VARINT_MAX_BYTES)
  const length = reader.readLeb128Signed(VARINT_MAX_BYTES)
  const reversed = readBool(reader)
  return { firstIndex, length, reversed }
}

/**
 * Decodes the count stored at P:__length__ (presence byte already stripped): unsigned
 * LEB128 of at most 32 bytes. Trailing bytes are ignored, as hathorlib's storage reader ignores them.
 */
export function decodeContainerLength(bytes: Uint8Array): bigint {
  return new ByteReader(bytes).readLeb128Unsigned(VARINT_MAX_BYTES)
}

/**
 * Storage index of Python index `index` in a list or deque, or undefined when the index is
 * out of range (Python raises IndexError). Negative indexes count from the end.
 */
export function dequeStorageIndex(metadata: DequeMetadata, index: bigint | number): bigint | undefined {
  let position = BigInt(index)
  if (position < 0n) position += metadata.length
  if (position < 0n || position >= metadata.length) return undefined

  const lastIndex = metadata.firstIndex + metadata.length - 1n
  return metadata.reversed ? lastIndex - position : metadata.firstIndex + position
}

function joinKey(prefix: Uint8Array, suffix: Uint8Array): Uint8Array {
  const key = new Uint8Array(prefix.length + 1 + suffix.length)
  key.set(prefix, 0)
  key[prefix.length] = KEY_SEPARATOR
  key.set(suffix, prefix.length + 1)
  return key
}
