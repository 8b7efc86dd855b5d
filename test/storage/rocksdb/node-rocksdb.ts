import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RocksLevel } from '@nxtedition/rocksdb'

import { fixturesDir } from '../../../src/package-root.js'
import { COLUMN_FAMILIES, type ColumnFamily } from '../../../src/storage/column-families.js'
import { LevelDestination } from '../../../src/storage/rocksdb/level-destination.js'
import { digestLevelColumnFamily } from '../../../src/storage/rocksdb/verify-import.js'

/** Test support: fixture node databases, synthetic node databases and views of a LevelDB copy. */

const fixtures = join(fixturesDir(), 'conformance')

/** Column family name to entries (hex key to hex value). */
export type NodeContents = Map<string, Map<string, string>>

export function makeTempDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nc-state-${prefix}-`))
}

export function removeDirectory(path: string): void {
  rmSync(path, { recursive: true, force: true })
}

/** Extracts `node-rocksdb.tar.gz` into `parent` and returns the RocksDB directory. */
export function extractFixtureRocksDb(parent: string): string {
  execFileSync('tar', ['xzf', join(fixtures, 'node-rocksdb.tar.gz'), '-C', parent])
  return join(parent, 'node-rocksdb')
}

/** Reads `node-dump.jsonl`, the fixture RocksDB's contents as JSON lines. */
export function readDumpContents(): NodeContents {
  const contents: NodeContents = new Map()
  for (const line of readFileSync(join(fixtures, 'node-dump.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') {
      continue
    }
    const row = JSON.parse(line) as { cf: string, key: string, value: string }
    let entries = contents.get(row.cf)
    if (entries === undefined) {
      entries = new Map()
      contents.set(row.cf, entries)
    }
    entries.set(row.key, row.value)
  }
  return contents
}

export function readChain(): { tip_height: number, blocks: Array<{ height: number, hash: string, timestamp: number }> } {
  return JSON.parse(readFileSync(join(fixtures, 'chain.json'), 'utf8')) as ReturnType<typeof readChain>
}

export function cloneContents(contents: NodeContents): NodeContents {
  return new Map([...contents].map(([cf, entries]) => [cf, new Map(entries)]))
}

/**
 * Writes a RocksDB directory laid out as a node's: one column family per entry of `contents`,
 * uncompressed, plus `default` and any `extraColumnFamilies`.
 */
export async function writeNodeRocksDb(path: string, contents: NodeContents, extraColumnFamilies: string[] = []): Promise<void> {
  const names = ['default', ...contents.keys(), ...extraColumnFamilies]
  const db = new RocksLevel(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  await db.open({
    createIfMissing: true,
    compression: false,
    walCompression: false,
    columns: Object.fromEntries(names.map((name) => [name, { compression: false }])),
  })

  for (const [cf, entries] of contents) {
    const column = db.columns[cf]
    let batch = db.batch()
    for (const [key, value] of entries) {
      batch.put(Buffer.from(key, 'hex'), Buffer.from(value, 'hex'), { column })
      if (batch.length >= 10_000) {
        await batch.write()
        batch = db.batch()
      }
    }
    await batch.write()
  }
  await db.close()
}

/**
 * Rewrites an existing node RocksDB from `current` to `next` contents with puts and deletes, as a
 * node that advances (and reorgs) writes to its own database: identity kept, sequence raised.
 */
export async function advanceNodeRocksDb(path: string, current: NodeContents, next: NodeContents): Promise<void> {
  const names = ['default', ...new Set([...current.keys(), ...next.keys()])]
  const db = new RocksLevel(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  await db.open({ compression: false, walCompression: false, columns: Object.fromEntries(names.map((name) => [name, { compression: false }])) })

  const batch = db.batch()
  for (const cf of names) {
    const column = db.columns[cf]
    const before = current.get(cf) ?? new Map<string, string>()
    const after = next.get(cf) ?? new Map<string, string>()
    for (const [key, value] of after) {
      if (before.get(key) !== value) {
        batch.put(Buffer.from(key, 'hex'), Buffer.from(value, 'hex'), { column })
      }
    }
    for (const key of before.keys()) {
      if (!after.has(key)) {
        batch.del(Buffer.from(key, 'hex'), { column })
      }
    }
  }
  await batch.write()
  await db.close()
}

/** Reads every column family of a LevelDB copy as sorted hex pairs. */
export async function readLevelCopy(path: string): Promise<Map<ColumnFamily, Array<[string, string]>>> {
  const destination = await LevelDestination.open(path, { create: false })
  try {
    const copy = new Map<ColumnFamily, Array<[string, string]>>()
    for (const cf of COLUMN_FAMILIES) {
      const entries: Array<[string, string]> = []
      for await (const chunk of destination.chunks(cf, { values: true })) {
        for (const [key, value] of chunk) {
          entries.push([Buffer.from(key).toString('hex'), Buffer.from(value ?? new Uint8Array()).toString('hex')])
        }
      }
      copy.set(cf, entries)
    }
    return copy
  } finally {
    await destination.close()
  }
}

/** Sorted hex pairs of one column family of `contents`, in the byte order RocksDB and LevelDB use. */
export function sortedEntries(contents: NodeContents, cf: string): Array<[string, string]> {
  return [...(contents.get(cf) ?? new Map<string, string>())].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
}

/** Key count and digest of every column family of a LevelDB copy. */
export async function digestLevelCopy(path: string): Promise<Record<string, { count: number, digest: string }>> {
  const destination = await LevelDestination.open(path, { create: false })
  try {
    const digests: Record<string, { count: number, digest: string }> = {}
    for (const cf of COLUMN_FAMILIES) {
      digests[cf] = await digestLevelColumnFamily(destination, cf)
    }
    return digests
  } finally {
    await destination.close()
  }
}

/** Name, size, modification time and SHA-256 of every file in a directory, to show it was not written. */
export function fingerprintDirectory(path: string): Record<string, string> {
  const fingerprint: Record<string, string> = {}
  for (const name of readdirSync(path).sort()) {
    const info = statSync(join(path, name))
    const hash = info.isFile() ? createHash('sha256').update(readFileSync(join(path, name))).digest('hex') : 'directory'
    fingerprint[name] = `${info.size} ${info.mtimeMs} ${hash}`
  }
  return fingerprint
}
