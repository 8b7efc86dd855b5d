/** The node's RocksDB column families that this service reads, by their node names. */
export const COLUMN_FAMILIES = ['tx', 'meta', 'static-meta', 'height-index', 'timestamp-sorted-blocks', 'nc-state'] as const

export type ColumnFamily = (typeof COLUMN_FAMILIES)[number]

export interface RangeOptions {
  gt?: Uint8Array
  gte?: Uint8Array
  lt?: Uint8Array
  lte?: Uint8Array
  reverse?: boolean
  limit?: number
}

/**
 * Read-only access to the node's column families, byte for byte. The LevelDB copy and a
 * RocksDB node directory both implement it, so everything above the storage layer is the same.
 */
export interface KeyValueSource {
  get(cf: ColumnFamily, key: Uint8Array): Promise<Uint8Array | undefined>
  getMany(cf: ColumnFamily, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>
  /** Synchronous read, for the sandbox workers whose Python code cannot await. Undefined when the backend has none. */
  getSync?(cf: ColumnFamily, key: Uint8Array): Uint8Array | undefined
  entries(cf: ColumnFamily, options?: RangeOptions): AsyncIterable<[Uint8Array, Uint8Array]>
  close(): Promise<void>
}

/**
 * Layout of the LevelDB copy: one database; each column family is a sublevel named after it
 * (`db.sublevel(cf, { keyEncoding: 'view', valueEncoding: 'view' })`), keys and values byte
 * for byte as in the node's RocksDB. The sublevel `SERVICE_SUBLEVEL` (JSON values) marks the
 * database as ours and records what was loaded or imported into it.
 */
export const SERVICE_SUBLEVEL = 'nc-state-service'

/** Key in `SERVICE_SUBLEVEL` whose value is `{ "format": LEVEL_FORMAT_VERSION, "createdAt": ISO time }`. */
export const FORMAT_KEY = 'format'

export const LEVEL_FORMAT_VERSION = 1
