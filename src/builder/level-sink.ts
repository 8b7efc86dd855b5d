import { readdir } from 'node:fs/promises'

import type { AbstractChainedBatch } from 'abstract-level'
import { ClassicLevel } from 'classic-level'

import { bytesToHex } from '../encoding/hex.js'
import { StorageError } from '../errors.js'
import { COLUMN_FAMILIES, FORMAT_KEY, LEVEL_FORMAT_VERSION, type ColumnFamily } from '../storage/column-families.js'
import { columnFamilySublevels, openSublevels, type ColumnFamilySublevel, type LevelDatabase } from '../storage/level-source.js'
import { readServiceRecord, writeServiceRecord, type FormatRecord } from '../storage/service-records.js'
import type { ChainSink } from './chain-writer.js'
import { BuildError } from './errors.js'

/** Key in the service sublevel whose value is a `BuildChainRecord`. */
export const BUILD_CHAIN_KEY = 'build-chain'

/** Record of a build, which the chain builder keeps in the database it writes. */
export interface BuildChainRecord {
  status: 'building' | 'complete'
  /** Name of the chain, chosen by the caller (for example `s2`). */
  name: string
  startedAt: string
  completedAt?: string
  /** Rows written per column family; set when the build completes. */
  entries?: Record<string, number>
  /** Anything the caller needs to use the chain later (contract ids, tip height, ...). */
  summary?: unknown
}

export interface LevelChainSinkOptions {
  /** Rows per write batch. Default: 20,000. */
  batchEntries?: number
}

const DEFAULT_BATCH_ENTRIES = 20_000

type SublevelBatch = AbstractChainedBatch<ColumnFamilySublevel, Uint8Array, Uint8Array>

/**
 * Writes a chain's rows into a new LevelDB copy (one sublevel per column family) in write
 * batches, one per column family, which is several times faster than one batch with the
 * `sublevel` option. The service's format marker is written last, by `complete`, so a
 * reader rejects a database whose build was interrupted.
 */
export class LevelChainSink implements ChainSink {
  private readonly batches = new Map<ColumnFamily, SublevelBatch>()
  private batchLength = 0
  /** Trie nodes in the current batches, readable before the batches are written. */
  private readonly pendingTrieNodes = new Map<string, Uint8Array>()
  private readonly entries = Object.fromEntries(COLUMN_FAMILIES.map((cf) => [cf, 0])) as Record<ColumnFamily, number>
  private readonly batchEntries: number

  private constructor(
    private readonly db: LevelDatabase,
    private readonly sublevels: Map<ColumnFamily, ColumnFamilySublevel>,
    private readonly record: BuildChainRecord,
    options: LevelChainSinkOptions,
  ) {
    this.batchEntries = options.batchEntries ?? DEFAULT_BATCH_ENTRIES
  }

  /**
   * Creates the database at `path`, which must not exist or be an empty directory, and
   * records that a build named `name` started.
   */
  static async create(path: string, name: string, options: LevelChainSinkOptions = {}): Promise<LevelChainSink> {
    await assertEmptyDestination(path)
    const db: LevelDatabase = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()

    const sublevels = columnFamilySublevels(db)
    await openSublevels(sublevels)
    const record: BuildChainRecord = { status: 'building', name, startedAt: new Date().toISOString() }
    await writeServiceRecord(db, BUILD_CHAIN_KEY, record)
    return new LevelChainSink(db, sublevels, record, options)
  }

  put(cf: ColumnFamily, key: Uint8Array, value: Uint8Array): void {
    let batch = this.batches.get(cf)
    if (batch === undefined) {
      batch = this.sublevels.get(cf)!.batch()
      this.batches.set(cf, batch)
    }
    batch.put(key, value)
    this.batchLength += 1
    this.entries[cf] += 1
    if (cf === 'nc-state') this.pendingTrieNodes.set(bytesToHex(key), value)
  }

  /** Whether the current batches hold enough rows to be written. */
  get isBatchFull(): boolean {
    return this.batchLength >= this.batchEntries
  }

  /** Stored bytes of a trie node, from the current batch or the database. */
  readTrieNodeSync(id: Uint8Array): Uint8Array | undefined {
    const pending = this.pendingTrieNodes.get(bytesToHex(id))
    if (pending !== undefined) return pending
    const stored = this.sublevels.get('nc-state')!.getSync(id)
    return stored === undefined ? undefined : new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength)
  }

  /** Writes the current batches. */
  async flush(): Promise<void> {
    for (const batch of this.batches.values()) await batch.write()
    this.batches.clear()
    this.batchLength = 0
    this.pendingTrieNodes.clear()
  }

  /** Rows written per column family so far, batched or not. */
  get counts(): Readonly<Record<ColumnFamily, number>> {
    return this.entries
  }

  /** Writes the last batch, the build record with `summary`, and the format marker. */
  async complete(summary: unknown): Promise<void> {
    await this.flush()
    const completed: BuildChainRecord = {
      ...this.record, status: 'complete', completedAt: new Date().toISOString(), entries: { ...this.entries }, summary,
    }
    await writeServiceRecord(this.db, BUILD_CHAIN_KEY, completed)
    await writeServiceRecord(this.db, FORMAT_KEY, { format: LEVEL_FORMAT_VERSION, createdAt: this.record.startedAt } satisfies FormatRecord)
  }

  /** Closes the database; rows not flushed are dropped. */
  async close(): Promise<void> {
    for (const batch of this.batches.values()) await batch.close()
    this.batches.clear()
    await this.db.close()
  }
}

/**
 * Reads the build record of the database at `path`. Returns undefined when there is no
 * database there or it has no record. Opens the database for the lookup and closes it.
 */
export async function readBuildChainRecord(path: string): Promise<BuildChainRecord | undefined> {
  let names: string[]
  try {
    names = await readdir(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw cause
  }
  if (!names.includes('CURRENT')) return undefined

  const db: LevelDatabase = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false })
  try {
    await db.open()
  } catch (cause) {
    throw new StorageError('NC_STORAGE_NOT_OPEN', `failed to open ${path} to read its build record: ${(cause as Error).message}`, { location: path }, { cause })
  }
  try {
    return await readServiceRecord<BuildChainRecord>(db, BUILD_CHAIN_KEY)
  } finally {
    await db.close()
  }
}

async function assertEmptyDestination(path: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return
    throw cause
  }
  if (names.length > 0) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `cannot build a chain into ${path}: the directory is not empty; choose a new path or delete it`, { location: path })
  }
}
