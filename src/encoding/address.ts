import bs58 from 'bs58'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from './hex.js'
import { EncodeError, InvalidAddress } from './errors.js'

/** Size of a decoded address: version byte, 20-byte hash, 4-byte checksum. */
export const ADDRESS_LENGTH = 25

/** Length of a base58 address on the node's networks, checked only by the strict variant. */
export const ADDRESS_BASE58_LENGTH = 34

/** Version bytes of a network's addresses: pay to public key hash, and pay to script hash (multisig). */
export interface AddressNetwork {
  name: string
  p2pkh: number
  p2sh: number
}

/** Mainnet: P2PKH addresses start with "H" (0x28), P2SH ones with "h" (0x64). */
export const MAINNET: AddressNetwork = { name: 'mainnet', p2pkh: 0x28, p2sh: 0x64 }

/** Testnet, nano-testnet and localnet: P2PKH 0x49 ("W"), P2SH 0x87 ("w"). */
export const TESTNET: AddressNetwork = { name: 'testnet', p2pkh: 0x49, p2sh: 0x87 }

export interface DecodeAddressOptions {
  /**
   * When set, also require the 34-character base58 form and one of this network's version
   * bytes, as the node's `decode_address_strict` does. Without it the checks are those of
   * hathorlib's `decode_address` (base58, 25 bytes, checksum), which nano-contract arguments use.
   */
  network?: AddressNetwork
}

/** Computes an address checksum: the first 4 bytes of SHA-256 applied twice. */
export function addressChecksum(payload: Uint8Array): Uint8Array {
  return sha256(sha256(payload)).subarray(0, 4)
}

/** Encodes 25 address bytes as base58 text, with no check of version or checksum (as the node prints them). */
export function encodeAddress(address: Uint8Array): string {
  if (address.length !== ADDRESS_LENGTH) {
    throw new EncodeError(`address has ${address.length} bytes, expected ${ADDRESS_LENGTH}`, { address: bytesToHex(address) })
  }
  return bs58.encode(address)
}

/**
 * Decodes a base58 address into its 25 bytes. Throws `InvalidAddress` when the text is not
 * base58, does not decode to 25 bytes, or has a wrong checksum. With `network`, it also throws
 * for a length other than 34 characters or a version byte of another network.
 */
export function decodeAddress(text: string, options: DecodeAddressOptions = {}): Uint8Array {
  const { network } = options
  if (network !== undefined && text.length !== ADDRESS_BASE58_LENGTH) {
    throw new InvalidAddress('invalid_length',
      `invalid address ${JSON.stringify(text)}: expected ${ADDRESS_BASE58_LENGTH} base58 characters, got ${text.length}`,
      { address: text })
  }

  // Python's `base58.b58decode`, which the node calls, ignores trailing whitespace.
  const trimmed = stripPythonTrailingWhitespace(text)
  const decoded = bs58.decodeUnsafe(trimmed)
  if (decoded === undefined) {
    throw new InvalidAddress('invalid_base58', `invalid address ${JSON.stringify(text)}: not a base58 string`, { address: text })
  }

  if (decoded.length !== ADDRESS_LENGTH) {
    throw new InvalidAddress('invalid_length',
      `invalid address ${JSON.stringify(text)}: decodes to ${decoded.length} bytes, expected ${ADDRESS_LENGTH}`,
      { address: text })
  }

  const expected = addressChecksum(decoded.subarray(0, ADDRESS_LENGTH - 4))
  const actual = decoded.subarray(ADDRESS_LENGTH - 4)
  if (!expected.every((byte, i) => byte === actual[i])) {
    throw new InvalidAddress('invalid_checksum', `invalid address ${JSON.stringify(text)}: wrong checksum`, { address: text })
  }

  if (network !== undefined && decoded[0] !== network.p2pkh && decoded[0] !== network.p2sh) {
    throw new InvalidAddress('invalid_version',
      `invalid address ${JSON.stringify(text)}: version byte 0x${decoded[0]!.toString(16).padStart(2, '0')} is not a ${network.name} address`,
      { address: text })
  }
  return decoded
}

/** Builds the 25 address bytes for a 20-byte hash under `version`, appending the checksum. */
export function buildAddress(version: number, hash160: Uint8Array): Uint8Array {
  if (hash160.length !== 20) {
    throw new EncodeError(`address hash has ${hash160.length} bytes, expected 20`)
  }
  const payload = new Uint8Array(21)
  payload[0] = version
  payload.set(hash160, 1)

  const address = new Uint8Array(ADDRESS_LENGTH)
  address.set(payload)
  address.set(addressChecksum(payload), 21)
  return address
}

// Characters for which Python's `str.isspace()` is true.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u

function stripPythonTrailingWhitespace(text: string): string {
  return text.replace(PYTHON_WHITESPACE, '')
}
