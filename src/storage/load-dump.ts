import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

import type { AbstractChainedBatch } from 'abstract-level'
import { ClassicLevel } from 'classic-level'

import { NcStateError, StorageError } from '../errors.js'
import { COLUMN_FAMILIES, FORMAT_KEY, LEVEL_FORMAT_VERSION, SERVICE_SUBLEVEL, type ColumnFamily } from './column-families.js'
import { columnFamilySublevels, openSublevels, type LevelDatabase } from './level-source.js'
import { clearServiceRecords, LOAD_DUMP_KEY, readServiceRecord, writeServiceRecord, type FormatRecord, type LoadDumpRecord } from './service-records.js'

/** A dump file that is missing or has a line that is not a `{"cf","key","value"}` record. */
export class DumpError extends NcStateError {
  constructor(code: 'NC_DUMP_NOT_FOUND' | 'NC_DUMP_INVALID', message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}

export interface LoadDumpProgress {
  /** Lines read so far, blank lines included. */
  lines: number
  /** Entries written so far, over all column families. */
  entries: number
  /** Bytes of the dump consumed so far, counting one byte for each line break. */
  bytesRead: number
  /** Size of the dump file in bytes, or undefined when the lines do not come from a file. */
  totalBytes: number | undefined
}

export interface LoadDumpOptions {
  /** Called after each batch is written and once at the end. */
  onProgress?: (progress: LoadDumpProgress) => void
  /** Maximum number of entries in one write batch. Default: 10,000. */
  batchEntries?: number
  /** Maximum number of key and value bytes in one write batch. Default: 8 MiB. */
  batchBytes?: number
}

export interface LoadDumpResult {
  lines: number
  /** Entries written per column family. */
  entries: Record<ColumnFamily, number>
}

const DEFAULT_BATCH_ENTRIES = 10_000
const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024

/**
 * Builds the LevelDB copy at `dbPath` from a `node-dump.jsonl` file, one
 * `{"cf": "<column family>", "key": "<hex>", "value": "<hex>"}` object per line.
 *
 * The file is streamed line by line and written in batches. `dbPath` must not exist, be an
 * empty directory, or be a database of this service. In the last case its column families
 * are cleared first, so loading the same dump twice gives the same entries. The load is
 * recorded under the service marker and only a finished load can be opened for serving.
 *
 * Throws `DumpError` (NC_DUMP_NOT_FOUND, or NC_DUMP_INVALID with the line number) for a bad
 * dump, and `StorageError` NC_STORAGE_INVALID for a destination that is not ours.
 */
export async function loadDump(dumpPath: string, dbPath: string, options: LoadDumpOptions = {}): Promise<LoadDumpResult> {
  const totalBytes = await dumpFileSize(dumpPath)
  await assertLoadableDestination(dbPath)

  const db: LevelDatabase = new ClassicLevel<Uint8Array, Uint8Array>(dbPath, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (cause) {
    const detail = (cause as { cause?: Error }).cause?.message ?? (cause as Error).message
    throw new StorageError('NC_STORAGE_NOT_OPEN', `failed to open ${dbPath} for loading the dump: ${detail}`, { location: dbPath }, { cause })
  }

  try {
    return await loadDumpInto(db, readLines(dumpPath), { ...options, dumpPath: resolve(dumpPath), totalBytes })
  } finally {
    await db.close()
  }
}

/**
 * Lines of a text file. The file is opened on the first iteration, because readline drops
 * the lines it emits before anyone iterates, and the load does async work before that.
 */
async function* readLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  try {
    yield* lines
  } finally {
    lines.close()
    stream.destroy()
  }
}

/**
 * Writes dump lines into an open database with the LevelDB copy's layout: clears the column
 * families, writes the service marker, then the entries in batches. `loadDump` uses it for
 * the file on disk; tests can pass an in-memory database and an array of lines.
 */
export async function loadDumpInto(
  db: LevelDatabase,
  lines: AsyncIterable<string> | Iterable<string>,
  options: LoadDumpOptions & { dumpPath?: string; totalBytes?: number } = {},
): Promise<LoadDumpResult> {
  const batchEntries = options.batchEntries ?? DEFAULT_BATCH_ENTRIES
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES
  const dumpPath = options.dumpPath ?? '(lines)'

  const sublevels = columnFamilySublevels(db)
  await openSublevels(sublevels)
  await markLoading(db, dumpPath)
  for (const sublevel of sublevels.values()) await sublevel.clear()

  const entries = Object.fromEntries(COLUMN_FAMILIES.map((cf) => [cf, 0])) as Record<ColumnFamily, number>
  const progress: LoadDumpProgress = { lines: 0, entries: 0, bytesRead: 0, totalBytes: options.totalBytes }
  let batch = db.batch()
  let pendingBytes = 0

  for await (const line of lines) {
    progress.lines += 1
    progress.bytesRead += Buffer.byteLength(line, 'utf8') + 1
    if (line.trim() === '') continue

    const record = parseDumpLine(line, progress.lines, dumpPath)
    batch.put(record.key, record.value, { sublevel: sublevels.get(record.cf)! })
    entries[record.cf] += 1
    progress.entries += 1
    pendingBytes += record.key.length + record.value.length

    if (batch.length >= batchEntries || pendingBytes >= batchBytes) {
      await batch.write()
      batch = db.batch()
      pendingBytes = 0
      options.onProgress?.({ ...progress })
    }
  }

  await writeOrClose(batch)
  progress.bytesRead = Math.min(progress.bytesRead, options.totalBytes ?? progress.bytesRead)
  options.onProgress?.({ ...progress })

  const started = await readServiceRecord<LoadDumpRecord>(db, LOAD_DUMP_KEY)
  await writeServiceRecord(db, LOAD_DUMP_KEY, {
    status: 'complete',
    dumpPath,
    startedAt: started?.startedAt ?? new Date().toISOString(),
    completedAt: new Date().toISOString(),
    entries,
  } satisfies LoadDumpRecord)

  return { lines: progress.lines, entries }
}

async function writeOrClose(batch: AbstractChainedBatch<LevelDatabase, Uint8Array, Uint8Array>): Promise<void> {
  if (batch.length > 0) {
    await batch.write()
  } else {
    await batch.close()
  }
}

/**
 * Replaces the service records with the format marker (keeping the first `createdAt`) and a
 * `loading` record, so an interrupted load is recognized both by `openLevelSource` and by the
 * next `loadDump`. Records of an earlier import are dropped with the entries they describe.
 */
async function markLoading(db: LevelDatabase, dumpPath: string): Promise<void> {
  const now = new Date().toISOString()
  const existing = await readServiceRecord<FormatRecord>(db, FORMAT_KEY)
  await clearServiceRecords(db)
  await writeServiceRecord(db, FORMAT_KEY, { format: LEVEL_FORMAT_VERSION, createdAt: existing?.createdAt ?? now } satisfies FormatRecord)
  await writeServiceRecord(db, LOAD_DUMP_KEY, { status: 'loading', dumpPath, startedAt: now } satisfies LoadDumpRecord)
}

interface DumpRecord {
  cf: ColumnFamily
  key: Uint8Array
  value: Uint8Array
}

/** Parses one dump line; `lineNumber` is 1-based. */
export function parseDumpLine(line: string, lineNumber: number, dumpPath = '(lines)'): DumpRecord {
  const fail = (problem: string, cause?: unknown): DumpError =>
    new DumpError('NC_DUMP_INVALID', `${dumpPath} line ${lineNumber}: ${problem}; expected {"cf": "<column family>", "key": "<hex>", "value": "<hex>"}`,
      { dumpPath, line: lineNumber }, cause === undefined ? undefined : { cause })

  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (cause) {
    throw fail(`invalid JSON (${(cause as Error).message})`, cause)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail('not a JSON object')
  }

  const { cf, key, value } = json as Record<string, unknown>
  if (typeof cf !== 'string') throw fail('"cf" is missing or not a string')
  if (!(COLUMN_FAMILIES as readonly string[]).includes(cf)) {
    throw fail(`unknown column family ${JSON.stringify(cf)} (known: ${COLUMN_FAMILIES.join(', ')})`)
  }
  if (typeof key !== 'string' || key.length === 0 || !isEvenHex(key)) throw fail('"key" is not a non-empty hex string')
  if (typeof value !== 'string' || !isEvenHex(value)) throw fail('"value" is not a hex string')

  return { cf: cf as ColumnFamily, key: Buffer.from(key, 'hex'), value: Buffer.from(value, 'hex') }
}

function isEvenHex(text: string): boolean {
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text)
}

async function dumpFileSize(dumpPath: string): Promise<number> {
  try {
    const info = await stat(dumpPath)
    if (!info.isFile()) {
      throw new DumpError('NC_DUMP_NOT_FOUND', `${dumpPath} is not a file; expected a node-dump.jsonl file`, { dumpPath })
    }
    return info.size
  } catch (cause) {
    if (cause instanceof DumpError) throw cause
    throw new DumpError('NC_DUMP_NOT_FOUND', `cannot read dump file ${dumpPath}: ${(cause as Error).message}`, { dumpPath }, { cause })
  }
}

/**
 * Accepts a path that does not exist, an empty directory, or a LevelDB database that
 * carries this service's marker. Anything else is left untouched and rejected.
 */
async function assertLoadableDestination(dbPath: string): Promise<void> {
  let names: string[]
  try {
    const info = await stat(dbPath)
    if (!info.isDirectory()) {
      throw notOurs(dbPath, 'it is not a directory')
    }
    names = await readdir(dbPath)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return
    throw cause
  }
  if (names.length === 0) return

  // LevelDB writes a LOCK file into any directory it opens, so a directory without LevelDB's
  // CURRENT file is rejected before LevelDB touches it.
  if (!names.includes('CURRENT')) {
    throw notOurs(dbPath, 'it is a non-empty directory without a LevelDB database (no CURRENT file)')
  }

  const db: LevelDatabase = new ClassicLevel<Uint8Array, Uint8Array>(dbPath, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false })
  try {
    await db.open()
  } catch (cause) {
    const detail = (cause as { cause?: Error }).cause?.message ?? (cause as Error).message
    throw new StorageError('NC_STORAGE_NOT_OPEN', `failed to open existing database ${dbPath}: ${detail}`, { location: dbPath }, { cause })
  }
  try {
    const format = await readServiceRecord<FormatRecord>(db, FORMAT_KEY)
    if (format === undefined) {
      throw notOurs(dbPath, `it is a LevelDB database without the ${SERVICE_SUBLEVEL} marker`)
    }
  } finally {
    await db.close()
  }
}

function notOurs(dbPath: string, reason: string): StorageError {
  return new StorageError('NC_STORAGE_INVALID',
    `cannot load the dump into ${dbPath}: ${reason}. Choose a new path, or delete ${join(dbPath)} if it is not needed`,
    { location: dbPath })
}
