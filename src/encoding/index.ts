export { ByteReader } from './byte-reader.js'
export { ByteWriter } from './byte-writer.js'
export { DecodeError, EncodeError, InvalidAddress, type InvalidAddressReason } from './errors.js'
export { bytesToHex, hexToBytes } from './hex.js'
export {
  BYTES_MAX_ENCODED_LENGTH,
  VARINT_MAX_BYTES,
  readBool,
  readBoundedBytes,
  readBoundedString,
  writeBool,
  writeBoundedBytes,
  writeBoundedString,
} from './primitives.js'
export { computeTrieNodeId, decodeTrieNode, encodeTrieNode, type TrieNode } from './trie-node.js'
export {
  ADDRESS_BASE58_LENGTH,
  ADDRESS_LENGTH,
  MAINNET,
  TESTNET,
  addressChecksum,
  buildAddress,
  decodeAddress,
  encodeAddress,
  type AddressNetwork,
  type DecodeAddressOptions,
} from './address.js'
