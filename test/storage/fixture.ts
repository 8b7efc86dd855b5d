import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { fixturesDir } from '../../src/package-root.js'
import { loadDump } from '../../src/storage/load-dump.js'

export const CONFORMANCE_DIR = join(fixturesDir(), 'conformance')
export const DUMP_PATH = join(CONFORMANCE_DIR, 'node-dump.jsonl')

export interface ChainBlock {
  height: number
  hash: string
  timestamp: number
  nc_block_root_id?: string | null
}

export interface Chain {
  genesis_timestamp: number
  tip_height: number
  blocks: ChainBlock[]
  voided_blocks: ChainBlock[]
  blueprints: Record<string, string>
  contracts: Record<string, string>
  tokens: Record<string, string>
  /** Base58 addresses by name. */
  addresses: Record<string, string>
}

export interface StateCase {
  name: string
  query: Record<string, string | number | string[]>
  status: number
  check: 'exact' | 'status'
  response: Record<string, unknown>
}

export interface DumpLine {
  cf: string
  key: string
  value: string
}

export async function readChain(): Promise<Chain> {
  return JSON.parse(await readFile(join(CONFORMANCE_DIR, 'chain.json'), 'utf8')) as Chain
}

/**
 * Reads the recorded state cases. Plain `JSON.parse` is enough here, because these tests read
 * block selectors, blueprint ids and balances, which the corpus writes as strings.
 */
export async function readStateCases(): Promise<StateCase[]> {
  const text = await readFile(join(CONFORMANCE_DIR, 'state-cases.jsonl'), 'utf8')
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as StateCase)
}

export async function readDumpLines(): Promise<DumpLine[]> {
  const text = await readFile(DUMP_PATH, 'utf8')
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as DumpLine)
}

/** Creates a temporary directory. `remove` deletes it. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nc-state-test-'))
  return { dir, remove: async () => rm(dir, { recursive: true, force: true }) }
}

/** Loads the conformance dump into a new LevelDB directory and returns its path. */
export async function buildFixtureDatabase(): Promise<{ dbPath: string; remove: () => Promise<void> }> {
  const temp = await makeTempDir()
  const dbPath = join(temp.dir, 'db')
  await loadDump(DUMP_PATH, dbPath)
  return { dbPath, remove: temp.remove }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'))
}
