import { ByteReader } from '../byte-reader.js'
import { ByteWriter } from '../byte-writer.js'
import { readBool, writeBool } from '../primitives.js'
import { decodeValue } from './decode.js'
import type { TypeDescriptor } from './descriptor.js'
import { writeValue } from './encode.js'
import { assertSupportedType } from './supported.js'
import type { NcValue } from './value.js'

/**
 * Trie content of a contract attribute, balance or metadata entry. The node wraps every stored
 * value in hathorlib's `MaybeDeletedNCType`: 0x00 marks a deleted key, and 0x01 is followed
 * by the value's encoding.
 */
export type StoredAttribute =
  | { deleted: true }
  | { deleted: false; value: NcValue }

export interface DecodeAttributeOptions {
  /**
   * Whether bytes after the value are an error. The node reads stored values without checking
   * for trailing bytes, so the default, false, renders what the node renders.
   */
  rejectTrailingBytes?: boolean
}

/**
 * Decodes a stored attribute value (trie node content) of type `descriptor`. A descriptor with
 * an unsupported type at any depth throws `UnsupportedTypeError` even for a deleted value,
 * because the node fails to build the NCType before it reads the value.
 */
export function decodeAttributeValue(
  descriptor: TypeDescriptor,
  bytes: Uint8Array,
  options: DecodeAttributeOptions = {},
): StoredAttribute {
  assertSupportedType(descriptor)

  const reader = new ByteReader(bytes)
  if (!readBool(reader)) return { deleted: true }

  const value = decodeValue(descriptor, reader)
  if (options.rejectTrailingBytes === true) reader.assertAtEnd('stored attribute')
  return { deleted: false, value }
}

/** Encodes a stored attribute as the node writes it into the trie. */
export function encodeAttributeValue(descriptor: TypeDescriptor, attribute: StoredAttribute): Uint8Array {
  const writer = new ByteWriter()
  writeBool(writer, !attribute.deleted)
  if (!attribute.deleted) writeValue(descriptor, writer, attribute.value)
  return writer.toBytes()
}

/**
 * Type of a stored token balance: hathorlib's `MutableBalance` dataclass (`value: int`,
 * `can_mint: bool`, `can_melt: bool`).
 */
export const BALANCE_DESCRIPTOR: TypeDescriptor = {
  kind: 'dataclass',
  name: 'MutableBalance',
  fields: [
    { name: 'value', type: { kind: 'int' } },
    { name: 'can_mint', type: { kind: 'bool' } },
    { name: 'can_melt', type: { kind: 'bool' } },
  ],
}

/** Token balance of a contract, with its mint and melt authorities. */
export interface Balance {
  value: bigint
  canMint: boolean
  canMelt: boolean
}

/**
 * Decodes a stored balance, or returns null for a deleted one. The node reads a deleted or
 * missing balance as zero with no authorities.
 */
export function decodeStoredBalance(bytes: Uint8Array): Balance | null {
  const reader = new ByteReader(bytes)
  if (!readBool(reader)) return null

  const value = reader.readLeb128Signed(32)
  const canMint = readBool(reader)
  const canMelt = readBool(reader)
  return { value, canMint, canMelt }
}

export function encodeStoredBalance(balance: Balance): Uint8Array {
  return encodeAttributeValue(BALANCE_DESCRIPTOR, {
    deleted: false,
    value: { value: balance.value, can_mint: balance.canMint, can_melt: balance.canMelt },
  })
}

/**
 * Decodes a stored metadata entry (such as the contract's blueprint id), which the node keeps
 * as plain bytes, or returns null for a deleted one.
 */
export function decodeStoredMetadata(bytes: Uint8Array): Uint8Array | null {
  const stored = decodeAttributeValue({ kind: 'bytes' }, bytes)
  return stored.deleted ? null : (stored.value as Uint8Array)
}

export function encodeStoredMetadata(metadata: Uint8Array): Uint8Array {
  return encodeAttributeValue({ kind: 'bytes' }, { deleted: false, value: metadata })
}
