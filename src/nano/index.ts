export { BlueprintCatalog, BlueprintError, type BlueprintCatalogOptions, type BlueprintErrorCode, type BlueprintSource } from './blueprint-catalog.js'
export { BlockState, decodeTokenDescription, type TokenDescription } from './block-state.js'
export { ContractState, EMPTY_BALANCE, type Balance, type FieldKey, type TokenBalance } from './contract-state.js'
export {
  KEY_SEPARATOR,
  containerInitKey,
  containerLengthKey,
  decodeContainerLength,
  decodeDequeMetadata,
  dequeItemKey,
  dequeMetadataKey,
  dequeStorageIndex,
  dictEntryKey,
  fieldKey,
  setMemberKey,
  type DequeMetadata,
} from './field-keys.js'
export {
  ADDRESS_TAG,
  ATTRIBUTE_TAG,
  BALANCE_TAG,
  BLUEPRINT_ID_METADATA_KEY,
  CONTRACT_TAG,
  METADATA_TAG,
  TOKEN_TAG,
  addressTrieKey,
  attributeTrieKey,
  balanceTrieKey,
  contractTrieKey,
  metadataTrieKey,
  tokenTrieKey,
} from './trie-keys.js'
export * from './trie/index.js'
