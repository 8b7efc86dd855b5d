import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { decodeTrieNode, type TrieNode } from '../../src/encoding/trie-node.js'
import { BlockState, collectDepthFirst, decodeTrieKey, nodeKey, runWalkSync, type TrieNodeSource } from '../../src/nano/index.js'
import { fixturesDir } from '../../src/package-root.js'

const CONFORMANCE_DIR = join(fixturesDir(), 'conformance')

export interface CorpusBlock {
  height: number
  hash: string
  timestamp: number
  nc_block_root_id: string | null
}

export interface CorpusChain {
  tip_height: number
  blocks: CorpusBlock[]
  voided_blocks: Array<{ height: number; hash: string; timestamp: number }>
  blueprints: Record<string, string>
  contracts: Record<string, string>
  tokens: Record<string, string>
  addresses: Record<string, string>
  events: Array<{ height: number; call: string; ok: boolean }>
}

export interface DumpRow {
  cf: string
  key: string
  value: string
}

export const chain = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'chain.json'), 'utf8')) as CorpusChain

export const dumpRows: DumpRow[] = readFileSync(join(CONFORMANCE_DIR, 'node-dump.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as DumpRow)

/** Rows of one column family, value hex by key hex. */
export function rowsOf(cf: string): Map<string, string> {
  return new Map(dumpRows.filter((row) => row.cf === cf).map((row) => [row.key, row.value]))
}

/** Stored bytes of every trie node in the corpus, by id hex. */
export const corpusNodes = new Map([...rowsOf('nc-state')].map(([id, value]) => [id, hexToBytes(value)]))

/** Reads trie nodes straight from the corpus rows. */
export const corpusNodeSource: TrieNodeSource = {
  get: async (id) => readNode(id),
  getSync: (id) => readNode(id),
}

function readNode(id: Uint8Array): TrieNode {
  const bytes = corpusNodes.get(bytesToHex(id))
  if (bytes === undefined) throw new Error(`corpus has no trie node ${bytesToHex(id)}`)
  return decodeTrieNode(bytes)
}

/** Looks up the contract's root id at a best-chain height; undefined when it does not exist there. */
export function contractRootAt(contractId: string, height: number): Uint8Array | undefined {
  const rootHex = chain.blocks[height]!.nc_block_root_id
  if (rootHex === null) return undefined
  return new BlockState(corpusNodeSource, hexToBytes(rootHex)).getContractRootIdSync(hexToBytes(contractId))
}

/** Lists every key with content under a root, and its content, in depth-first stored order. */
export function trieEntries(rootId: Uint8Array): Array<{ key: Uint8Array; content: Uint8Array }> {
  const root = corpusNodeSource.getSync!(rootId)
  return runWalkSync(corpusNodeSource, collectDepthFirst(root))
    .filter((node) => node.content !== null)
    .map((node) => ({ key: decodeTrieKey(nodeKey(node)), content: node.content! }))
}
