import { mkdir, readdir, stat } from 'node:fs/promises'
import { resolve } from 'node:path'

import type { AbstractSublevel } from 'abstract-level'
import { Level } from 'level'

import { COLUMN_FAMILIES, FORMAT_KEY, LEVEL_FORMAT_VERSION, SERVICE_SUBLEVEL, type ColumnFamily } from '../column-families.js'
import { errorMessageChain, ImportError } from './errors.js'
import type { WriteOperation } from './sync-column-family.js'

type Root = Level<string, string>
export type ColumnFamilySublevel = AbstractSublevel<Root, string | Buffer | Uint8Array, Uint8Array, Uint8Array>
export type ServiceSublevel = AbstractSublevel<Root, string | Buffer | Uint8Array, string, unknown>

/** The `format` record that marks a LevelDB database as this package's copy. */
interface FormatRecord {
  format: number
  createdAt: string
}

/**
 * The LevelDB copy as the import writes it: one sublevel per column family (`view` keys and
 * values, byte for byte as in the node) and the JSON sublevel `SERVICE_SUBLEVEL` for records.
 */
export class LevelDestination {
  readonly columnFamilies: ReadonlyMap<ColumnFamily, ColumnFamilySublevel>
  readonly service: ServiceSublevel

  private constructor(readonly path: string, readonly db: Root) {
    this.columnFamilies = new Map(COLUMN_FAMILIES.map((cf) => [cf, db.sublevel<Uint8Array, Uint8Array>(cf, { keyEncoding: 'view', valueEncoding: 'view' })]))
    this.service = db.sublevel<string, unknown>(SERVICE_SUBLEVEL, { valueEncoding: 'json' })
  }

  /**
   * Opens the LevelDB copy at `directory`, creating and marking it when the directory is missing
   * or empty and `create` is set. Throws `NC_IMPORT_DESTINATION_INVALID` for anything else that
   * is not one of this package's copies, without writing to it.
   */
  static async open(directory: string, options: { create: boolean }): Promise<LevelDestination> {
    const path = resolve(directory)
    const isNew = await checkDirectory(path, options.create)

    if (isNew) {
      await mkdir(path, { recursive: true })
    }

    const db: Root = new Level<string, string>(path, { createIfMissing: isNew })
    try {
      await db.open()
    } catch (error) {
      throw new ImportError('NC_IMPORT_DESTINATION_INVALID', `cannot open ${path} as a LevelDB database: ${errorMessageChain(error)}`, { path }, { cause: error })
    }

    const destination = new LevelDestination(path, db)
    try {
      await destination.checkFormat(isNew)
    } catch (error) {
      await db.close()
      throw error
    }
    return destination
  }

  column(cf: ColumnFamily): ColumnFamilySublevel {
    const sublevel = this.columnFamilies.get(cf)
    if (sublevel === undefined) {
      throw new Error(`no sublevel for column family ${cf}`)
    }
    return sublevel
  }

  /** Yields a column family's entries in key order, a chunk at a time; values are undefined unless `values` is set. */
  async * chunks(cf: ColumnFamily, options: { gt?: Uint8Array, values: boolean, chunkSize?: number }): AsyncGenerator<Array<[Uint8Array, Uint8Array | undefined]>> {
    const iterator = this.column(cf).iterator({
      ...(options.gt === undefined ? {} : { gt: options.gt }),
      values: options.values,
    })
    try {
      while (true) {
        const chunk = await iterator.nextv(options.chunkSize ?? 1000)
        if (chunk.length === 0) {
          return
        }
        yield chunk
      }
    } finally {
      await iterator.close()
    }
  }

  /**
   * Writes `operations` on one column family and the given service records (undefined deletes
   * one) in a single atomic LevelDB batch.
   */
  async write(changes: { cf?: ColumnFamily, operations?: WriteOperation[], records: Record<string, unknown> }): Promise<void> {
    const { cf, operations = [], records } = changes
    const sublevel = cf === undefined ? undefined : this.column(cf)

    // One array batch on the root with prefixed Buffer keys: abstract-level's per-operation
    // sublevel handling costs several times more than the LevelDB write itself.
    const batch: Array<{ type: 'put', key: Buffer, value: Uint8Array } | { type: 'del', key: Buffer }> = operations.map((operation) => {
      if (sublevel === undefined) {
        throw new Error('write operations need a column family')
      }
      const key = sublevel.prefixKey(Buffer.from(operation.key.buffer, operation.key.byteOffset, operation.key.byteLength), 'buffer', false) as Buffer
      return operation.type === 'put' ? { type: 'put', key, value: operation.value } : { type: 'del', key }
    })

    for (const [name, value] of Object.entries(records)) {
      const key = Buffer.from(this.service.prefixKey(name, 'utf8', false) as string)
      batch.push(value === undefined ? { type: 'del', key } : { type: 'put', key, value: Buffer.from(JSON.stringify(value)) })
    }

    await this.db.batch(batch as never, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  }

  async getRecord<T>(key: string): Promise<T | undefined> {
    return await this.service.get(key) as T | undefined
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  private async checkFormat(isNew: boolean): Promise<void> {
    if (isNew) {
      const record: FormatRecord = { format: LEVEL_FORMAT_VERSION, createdAt: new Date().toISOString() }
      await this.service.put(FORMAT_KEY, record)
      return
    }

    const record = await this.getRecord<Partial<FormatRecord>>(FORMAT_KEY)
    if (record === undefined) {
      throw new ImportError('NC_IMPORT_DESTINATION_INVALID',
        `${this.path} is a LevelDB database but not an nc-state copy (no ${FORMAT_KEY} record in sublevel ${SERVICE_SUBLEVEL}); pass an empty or missing directory`,
        { path: this.path })
    }
    if (record.format !== LEVEL_FORMAT_VERSION) {
      throw new ImportError('NC_IMPORT_DESTINATION_INVALID',
        `${this.path} is an nc-state copy in format ${String(record.format)}, but this version reads format ${LEVEL_FORMAT_VERSION}; import into a new directory`,
        { path: this.path, format: record.format })
    }
  }
}

/** Returns true when the directory is missing or empty, so a new copy goes there. */
async function checkDirectory(path: string, create: boolean): Promise<boolean> {
  const info = await stat(path).catch(() => undefined)
  const entries = info?.isDirectory() === true ? await readdir(path) : []

  if (info !== undefined && !info.isDirectory()) {
    throw new ImportError('NC_IMPORT_DESTINATION_INVALID', `${path} is not a directory; pass a LevelDB directory made by nc-state, or a missing or empty one`, { path })
  }

  if (info === undefined || entries.length === 0) {
    if (!create) {
      throw new ImportError('NC_IMPORT_DESTINATION_INVALID', `${path} is missing or empty; run the import first`, { path })
    }
    return true
  }

  if (entries.includes('IDENTITY') || entries.some((name) => name.startsWith('OPTIONS-'))) {
    throw new ImportError('NC_IMPORT_DESTINATION_INVALID',
      `${path} is a RocksDB directory, not a LevelDB copy: pass the node's RocksDB with --from and the LevelDB copy with --db`,
      { path })
  }

  if (!entries.includes('CURRENT')) {
    throw new ImportError('NC_IMPORT_DESTINATION_INVALID',
      `${path} is neither empty nor a LevelDB database (it has no CURRENT file); pass a missing or empty directory, or a copy made by nc-state`,
      { path, entries: entries.slice(0, 10) })
  }

  return false
}
