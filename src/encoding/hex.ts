import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { DecodeError } from './errors.js'

/**
 * Lowercase hex of `bytes`, as the node prints bytes in JSON. Node.js writes it in one flat
 * string. A hex string built by appending two characters at a time is a rope of one V8
 * string object per byte, about 1 KB for a 32-byte id, for as long as the string is kept.
 */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Parses hex text of even length in either case, and throws `DecodeError` on anything else. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new DecodeError(`invalid hex string ${JSON.stringify(hex.length > 80 ? hex.slice(0, 80) + '...' : hex)}: expected an even number of hex digits`)
  }
  return nobleHexToBytes(hex)
}
