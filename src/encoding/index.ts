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
export { UnsupportedTypeError, ValueNotRenderableError } from './errors.js'
export type { FieldDescription, MethodDescription, NamedType, TypeDescriptor, BlueprintDescription } from './nc-type/descriptor.js'
export {
  HTR_TOKEN_UID,
  type CallerIdValue,
  type NcJson,
  type NcJsonObject,
  type NcRecord,
  type NcValue,
  type SignedDataValue,
} from './nc-type/value.js'
export { decodeStoredValue, decodeValue } from './nc-type/decode.js'
export { encodeValue, writeValue } from './nc-type/encode.js'
export { valueToJson } from './nc-type/json.js'
export {
  BALANCE_DESCRIPTOR,
  decodeAttributeValue,
  decodeStoredBalance,
  decodeStoredMetadata,
  encodeAttributeValue,
  encodeStoredBalance,
  encodeStoredMetadata,
  type Balance,
  type DecodeAttributeOptions,
  type StoredAttribute,
} from './nc-type/stored-attribute.js'
export {
  TxVersion,
  computeVertexHash,
  isBlock,
  parseBlock,
  parseTransaction,
  readVertexTimestamp,
  readVertexVersion,
  vertexKind,
  type GraphFields,
  type OnChainBlueprintFields,
  type ParsedBlock,
  type ParsedTransaction,
  type TxInput,
  type TxOutput,
  type TxVersionNumber,
} from './vertex.js'
export {
  CODE_KIND_PYTHON_ZLIB,
  CODE_MAX_SIZE_COMPRESSED,
  CODE_MAX_SIZE_UNCOMPRESSED,
  ON_CHAIN_BLUEPRINT_VERSION,
  extractBlueprintSource,
  inflateSource,
  type BlueprintSourceOptions,
} from './on-chain-blueprint.js'
export { assertSupportedType, findUnsupportedType } from './nc-type/supported.js'
