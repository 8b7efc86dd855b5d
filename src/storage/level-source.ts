import { stat } from 'node:fs/promises'

import type { AbstractLevel, AbstractSublevel } from 'abstract-level'
import { ClassicLevel } from 'classic-level'
import { MemoryLevel } from 'memory-level'

import { StorageError } from '../errors.js'
import {
  COLUMN_FAMILIES,
  FORMAT_KEY,
  LEVEL_FORMAT_VERSION,
  SERVICE_SUBLEVEL,
  type ColumnFamily,
  type KeyValueSource,
  type RangeOptions,
} from './column-families.js'
import { readServiceRecord, LOAD_DUMP_KEY, type LoadDumpRecord, type FormatRecord } from './service-records.js'

/** Root database of the LevelDB copy: on disk (`ClassicLevel`) or in memory (`MemoryLevel`). */
export type LevelDatabase = AbstractLevel<string | Uint8Array, Uint8Array, Uint8Array>

/** A column-family sublevel, with keys and values as byte views. */
export type ColumnFamilySublevel = AbstractSublevel<LevelDatabase, string | Uint8Array, Uint8Array, Uint8Array>

export interface LevelSourceOptions {
  /**
   * Lets worker threads of this process open the same directory (classic-level's
   * `multithreading` option). Every opener of the directory must pass the same value.
   * Default: true, because the sandbox workers read storage from their own threads.
   */
  multithreading?: boolean
  /** Size in bytes of LevelDB's block cache. Default: classic-level's default (8 MiB). */
  cacheSize?: number
}

/**
 * Creates the column-family sublevels of the LevelDB copy, one per family, named after it.
 * The sublevels are not open yet; `openColumnFamilies` opens them.
 */
export function columnFamilySublevels(db: LevelDatabase): Map<ColumnFamily, ColumnFamilySublevel> {
  const sublevels = new Map<ColumnFamily, ColumnFamilySublevel>()
  for (const cf of COLUMN_FAMILIES) {
    sublevels.set(cf, db.sublevel<Uint8Array, Uint8Array>(cf, { keyEncoding: 'view', valueEncoding: 'view' }))
  }
  return sublevels
}

/**
 * `KeyValueSource` over the LevelDB copy: one sublevel per column family, bytes in and out.
 *
 * It has no write method, so serving never changes the database. Reads return plain
 * `Uint8Array` views, never Node.js `Buffer`s, so callers compare them with one type.
 */
export class LevelKeyValueSource implements KeyValueSource {
  private readonly sublevels: Map<ColumnFamily, ColumnFamilySublevel>

  /** Wraps a database that is open and whose sublevels are open; use `openLevelSource` or `openMemorySource`. */
  constructor(
    private readonly db: LevelDatabase,
    sublevels: Map<ColumnFamily, ColumnFamilySublevel>,
    /** Directory of the database, or `memory`, for error messages. */
    readonly location: string,
  ) {
    this.sublevels = sublevels
  }

  async get(cf: ColumnFamily, key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return toView(await this.sublevel(cf).get(key))
    } catch (cause) {
      throw this.readFailed(cf, key, cause)
    }
  }

  async getMany(cf: ColumnFamily, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    try {
      const values = await this.sublevel(cf).getMany(keys)
      return values.map(toView)
    } catch (cause) {
      throw this.readFailed(cf, undefined, cause)
    }
  }

  /** Synchronous read with classic-level's `getSync`; blocks the calling thread for one LevelDB lookup. */
  getSync(cf: ColumnFamily, key: Uint8Array): Uint8Array | undefined {
    try {
      return toView(this.sublevel(cf).getSync(key))
    } catch (cause) {
      throw this.readFailed(cf, key, cause)
    }
  }

  async *entries(cf: ColumnFamily, options: RangeOptions = {}): AsyncIterable<[Uint8Array, Uint8Array]> {
    const iterator = this.sublevel(cf).iterator(definedRangeOptions(options))
    try {
      for await (const [key, value] of iterator) {
        yield [toView(key)!, toView(value)!]
      }
    } catch (cause) {
      throw this.readFailed(cf, undefined, cause)
    } finally {
      await iterator.close()
    }
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  private sublevel(cf: ColumnFamily): ColumnFamilySublevel {
    const sublevel = this.sublevels.get(cf)
    if (sublevel === undefined) {
      throw new StorageError('NC_STORAGE_INVALID', `unknown column family ${JSON.stringify(cf)}; expected one of ${COLUMN_FAMILIES.join(', ')}`, { cf })
    }
    return sublevel
  }

  private readFailed(cf: ColumnFamily, key: Uint8Array | undefined, cause: unknown): StorageError {
    if (cause instanceof StorageError) return cause
    const code = (cause as { code?: unknown }).code
    const keyHex = key === undefined ? undefined : Buffer.from(key).toString('hex')
    if (code === 'LEVEL_DATABASE_NOT_OPEN') {
      return new StorageError('NC_STORAGE_NOT_OPEN', `database ${this.location} is not open (reading column family ${cf})`,
        { cf, key: keyHex, location: this.location }, { cause })
    }
    const where = keyHex === undefined ? `column family ${cf}` : `key ${keyHex} in column family ${cf}`
    return new StorageError('NC_STORAGE_READ_FAILED', `failed to read ${where} of ${this.location}: ${String((cause as Error).message ?? cause)}`,
      { cf, key: keyHex, location: this.location }, { cause })
  }
}

/**
 * Opens the LevelDB copy at `path` for reading.
 *
 * Throws `StorageError` when the directory is missing (NC_STORAGE_NOT_OPEN), when LevelDB
 * cannot open it, for example because another process holds its lock (NC_STORAGE_NOT_OPEN),
 * or when it is not a finished database of this service (NC_STORAGE_INVALID). The database
 * is never created here: `nc-state load-dump` or `nc-state import` creates it.
 */
export async function openLevelSource(path: string, options: LevelSourceOptions = {}): Promise<LevelKeyValueSource> {
  await assertDirectoryExists(path)

  const db: LevelDatabase = new ClassicLevel<Uint8Array, Uint8Array>(path, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    createIfMissing: false,
    multithreading: options.multithreading ?? true,
    ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
  })
  try {
    await db.open()
  } catch (cause) {
    throw openFailed(path, cause)
  }

  try {
    await assertServiceDatabase(db, path)
    const sublevels = columnFamilySublevels(db)
    await openSublevels(sublevels)
    return new LevelKeyValueSource(db, sublevels, path)
  } catch (error) {
    await db.close()
    throw error
  }
}

/**
 * Creates an empty in-memory database with the LevelDB copy's layout, for tests.
 * Fill it with `loadDumpInto` or through `database`, then read it through `source`.
 */
export async function openMemorySource(): Promise<{ database: LevelDatabase; source: LevelKeyValueSource }> {
  const database: LevelDatabase = new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' })
  await database.open()
  const sublevels = columnFamilySublevels(database)
  await openSublevels(sublevels)
  return { database, source: new LevelKeyValueSource(database, sublevels, 'memory') }
}

/** Opens every sublevel; a sublevel created after its parent opened is not readable synchronously until then. */
export async function openSublevels(sublevels: Map<ColumnFamily, ColumnFamilySublevel>): Promise<void> {
  await Promise.all([...sublevels.values()].map(async (sublevel) => sublevel.open()))
}

async function assertDirectoryExists(path: string): Promise<void> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(path)).isDirectory()
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StorageError('NC_STORAGE_NOT_OPEN',
        `no database at ${path}: create it with \`nc-state load-dump\` or \`nc-state import\`, or pass the right path`,
        { location: path }, { cause })
    }
    throw new StorageError('NC_STORAGE_NOT_OPEN', `cannot access database directory ${path}: ${(cause as Error).message}`, { location: path }, { cause })
  }
  if (!isDirectory) {
    throw new StorageError('NC_STORAGE_NOT_OPEN', `${path} is not a directory; expected a LevelDB directory created by \`nc-state load-dump\` or \`nc-state import\``,
      { location: path })
  }
}

function openFailed(path: string, cause: unknown): StorageError {
  const rootCause = (cause as { cause?: { code?: unknown; message?: string } }).cause
  if (rootCause?.code === 'LEVEL_LOCKED') {
    return new StorageError('NC_STORAGE_NOT_OPEN',
      `database ${path} is locked by another process, such as a running \`nc-state serve\`; stop that process and try again`,
      { location: path }, { cause })
  }
  const detail = rootCause?.message ?? (cause as Error).message
  return new StorageError('NC_STORAGE_NOT_OPEN',
    `failed to open database ${path}: ${detail}. Create it with \`nc-state load-dump\` or \`nc-state import\``,
    { location: path }, { cause })
}

/**
 * Checks the service marker (`SERVICE_SUBLEVEL`/`FORMAT_KEY`) and rejects a database whose
 * dump load was interrupted, so a half-written copy is never served.
 */
async function assertServiceDatabase(db: LevelDatabase, path: string): Promise<void> {
  const format = await readServiceRecord<FormatRecord>(db, FORMAT_KEY)
  if (format === undefined) {
    throw new StorageError('NC_STORAGE_INVALID',
      `${path} is a LevelDB database but not one created by this service (no ${SERVICE_SUBLEVEL} marker); build one with \`nc-state load-dump\` or \`nc-state import\` in another directory`,
      { location: path })
  }
  if (format.format !== LEVEL_FORMAT_VERSION) {
    throw new StorageError('NC_STORAGE_INVALID',
      `database ${path} has format ${JSON.stringify(format.format)}, but this version reads format ${LEVEL_FORMAT_VERSION}; rebuild it with \`nc-state load-dump\` or \`nc-state import\``,
      { location: path, format: format.format })
  }

  const loadDump = await readServiceRecord<LoadDumpRecord>(db, LOAD_DUMP_KEY)
  if (loadDump !== undefined && loadDump.status !== 'complete') {
    throw new StorageError('NC_STORAGE_INVALID',
      `loading ${loadDump.dumpPath} into ${path} did not finish; run \`nc-state load-dump\` again`,
      { location: path, dumpPath: loadDump.dumpPath })
  }
}

function definedRangeOptions(options: RangeOptions): RangeOptions {
  const defined: RangeOptions = {}
  if (options.gt !== undefined) defined.gt = options.gt
  if (options.gte !== undefined) defined.gte = options.gte
  if (options.lt !== undefined) defined.lt = options.lt
  if (options.lte !== undefined) defined.lte = options.lte
  if (options.reverse !== undefined) defined.reverse = options.reverse
  if (options.limit !== undefined) defined.limit = options.limit
  return defined
}

/** Plain `Uint8Array` over the same memory as `bytes` (classic-level returns `Buffer`s). */
function toView(bytes: Uint8Array | undefined): Uint8Array | undefined {
  if (bytes === undefined || Object.getPrototypeOf(bytes) === Uint8Array.prototype) return bytes
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
