import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { DecodeError } from './errors.js'

/**
 * Lowercase hex of `bytes`, as the node prints bytes in JSON, in one flat string. Hex built by
 * appending two characters per byte stays a rope of one V8 string per byte (about 1 KB per id).
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
