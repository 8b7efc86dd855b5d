import { StorageError } from '../errors.js'
import { bytesToHex } from '../encoding/hex.js'
import { COLUMN_FAMILIES, type ColumnFamily, type KeyValueSource, type RangeOptions } from './column-families.js'

/** One row of a column family: the family, the key and the value. */
export type KeyValueRow = [ColumnFamily, Uint8Array, Uint8Array]

interface ColumnFamilyRows {
  /** Key and value of each row, by the key's lowercase hex. */
  rows: Map<string, [Uint8Array, Uint8Array]>
  /** The keys of `rows` in ascending order, or undefined after a put until the next range read. */
  sortedKeys: string[] | undefined
}

/**
 * `KeyValueSource` held in memory, one map per column family, which a chain writer fills
 * through `put` (the shape of the builder's `ChainSink`).
 *
 * Range reads return keys in LevelDB's order, bytewise unsigned. Keys are stored as lowercase
 * hex, whose string order is that same order: every byte is two digits, and the digits `0-9`
 * sort before `a-f`. `put` copies the key and the value, and reads return the stored arrays,
 * which callers must not change.
 */
export class MemoryKeyValueSource implements KeyValueSource {
  private readonly families = new Map<ColumnFamily, ColumnFamilyRows>()
  private closed = false

  constructor() {
    for (const cf of COLUMN_FAMILIES) this.families.set(cf, { rows: new Map(), sortedKeys: undefined })
  }

  /** Creates a source from `rows()` of another one, for example after they crossed to a worker thread. */
  static fromRows(rows: Iterable<KeyValueRow>): MemoryKeyValueSource {
    const source = new MemoryKeyValueSource()
    for (const [cf, key, value] of rows) source.put(cf, key, value)
    return source
  }

  /** Stores `value` at `key`, replacing any value there. */
  put(cf: ColumnFamily, key: Uint8Array, value: Uint8Array): void {
    this.assertOpen(cf)
    const family = this.family(cf)
    family.rows.set(bytesToHex(key), [key.slice(), value.slice()])
    family.sortedKeys = undefined
  }

  async get(cf: ColumnFamily, key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.getSync(cf, key)
  }

  async getMany(cf: ColumnFamily, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((key) => this.getSync(cf, key))
  }

  getSync(cf: ColumnFamily, key: Uint8Array): Uint8Array | undefined {
    this.assertOpen(cf)
    return this.family(cf).rows.get(bytesToHex(key))?.[1]
  }

  /**
   * Yields the rows of `cf` within the range, in LevelDB's order (descending with `reverse`),
   * at most `limit` of them. As in abstract-level, a `limit` that is absent, negative or not
   * an integer sets no limit. `gte` takes precedence over `gt`, and `lte` over `lt`, as in the
   * LevelDB copy's sublevels. The rows are selected when iteration starts, so later puts do
   * not change them.
   */
  async *entries(cf: ColumnFamily, options: RangeOptions = {}): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.assertOpen(cf)
    const family = this.family(cf)
    const keys = sortedKeys(family)

    let start = 0
    if (options.gte !== undefined) start = lowerBound(keys, bytesToHex(options.gte))
    else if (options.gt !== undefined) start = upperBound(keys, bytesToHex(options.gt))
    let end = keys.length
    if (options.lte !== undefined) end = upperBound(keys, bytesToHex(options.lte))
    else if (options.lt !== undefined) end = lowerBound(keys, bytesToHex(options.lt))

    const selected = keys.slice(start, Math.max(start, end))
    if (options.reverse === true) selected.reverse()
    const limit = options.limit
    if (limit !== undefined && Number.isInteger(limit) && limit >= 0 && limit < selected.length) selected.length = limit

    const rows = selected.map((hex) => family.rows.get(hex)!)
    for (const [key, value] of rows) yield [key, value]
  }

  /** Lists every row of every column family, as plain arrays that `postMessage` can copy. */
  rows(): KeyValueRow[] {
    const rows: KeyValueRow[] = []
    for (const [cf, family] of this.families) {
      for (const [key, value] of family.rows.values()) rows.push([cf, key, value])
    }
    return rows
  }

  /** Number of rows of `cf`. */
  size(cf: ColumnFamily): number {
    return this.family(cf).rows.size
  }

  /** Marks the source closed. Later reads and writes throw `StorageError` NC_STORAGE_NOT_OPEN, as LevelDB's do. */
  async close(): Promise<void> {
    this.closed = true
  }

  private family(cf: ColumnFamily): ColumnFamilyRows {
    const family = this.families.get(cf)
    if (family === undefined) {
      throw new StorageError('NC_STORAGE_INVALID', `unknown column family ${JSON.stringify(cf)}, expected one of ${COLUMN_FAMILIES.join(', ')}`, { cf })
    }
    return family
  }

  private assertOpen(cf: ColumnFamily): void {
    if (this.closed) {
      throw new StorageError('NC_STORAGE_NOT_OPEN', `the in-memory database is closed (accessing column family ${cf})`, { cf, location: 'memory' })
    }
  }
}

function sortedKeys(family: ColumnFamilyRows): string[] {
  family.sortedKeys ??= [...family.rows.keys()].sort()
  return family.sortedKeys
}

/** Index of the first key >= `target`. */
function lowerBound(keys: string[], target: string): number {
  let low = 0
  let high = keys.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (keys[middle]! < target) low = middle + 1
    else high = middle
  }
  return low
}

/** Index of the first key > `target`. */
function upperBound(keys: string[], target: string): number {
  let low = 0
  let high = keys.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (keys[middle]! <= target) low = middle + 1
    else high = middle
  }
  return low
}
