export { PricePoolsModel, type PricePool, type PricePoolsInitialization } from './blueprints/price-pools.js'
export { ChainWriter, type BlockOptions, type ChainSink, type ChainWriterOptions, type WrittenBlock } from './chain-writer.js'
export { appendToDeque, initializeDeque, initializeDict, setDictEntry, type DequeState } from './container-writes.js'
export {
  ContractChanges, type AttributeWrite, type AuthorityChange, type AuthorityChanges, type BalanceChange,
} from './contract-changes.js'
export { ContractWriter } from './contract-writer.js'
export { BuildError } from './errors.js'
export {
  BUILD_CHAIN_KEY, LevelChainSink, readBuildChainRecord, type BuildChainRecord, type LevelChainSinkOptions,
} from './level-sink.js'
export { MemoryTrieNodeStore, type TrieNodeSink, type TrieNodeStore } from './trie/node-store.js'
export { encodeKey, TrieWriter } from './trie/trie-writer.js'
export { encodeWorkingNode, fromTrieNode, sealNode, toTrieNode, type NodeDraft, type WorkingNode } from './trie/working-node.js'
export {
  encodeBlockStaticMetadata, encodeTransactionStaticMetadata, encodeVertexMetadata, heightIndexKey, heightIndexValue,
  timestampIndexKey, type VertexMetadataOptions,
} from './vertex-rows.js'
export {
  serializeBlock, serializeBlueprintTransaction, type BlockDraft, type BlueprintTransactionDraft, type SerializedVertex,
} from './vertex-writer.js'
