export { CachedTrieNodeSource, DEFAULT_TRIE_CACHE_MAX_BYTES, type TrieNodeCacheOptions, type TrieNodeSource } from './trie-node-source.js'
export { decodeTrieKey, encodeTrieKey } from './trie-key.js'
export {
  collectDepthFirst,
  findNearestNode,
  getContent,
  nodeKey,
  runWalk,
  runWalkSync,
  trieGet,
  trieGetSync,
  type TrieWalk,
} from './walk.js'
