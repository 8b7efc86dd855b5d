/**
 * Types for the part of `@nxtedition/rocksdb` (v12, an abstract-level v1 store over RocksDB 9.7)
 * that this package uses. The package ships no declarations of its own.
 */
declare module '@nxtedition/rocksdb' {
  /** Opaque column family handle, taken from `RocksLevel.columns` after `open()`. */
  export interface RocksColumnHandle {
    readonly __rocksColumnHandle: unique symbol
  }

  export interface RocksColumnOptions {
    /** `true` (the binding's default) writes new files with ZSTD; `false` leaves RocksDB's default, no compression. */
    compression?: boolean
    /** Block cache size in bytes; 0 disables the block cache. */
    cacheSize?: number
  }

  export interface RocksOpenOptions extends RocksColumnOptions {
    createIfMissing?: boolean
    errorIfExists?: boolean
    walCompression?: boolean
    parallelism?: number
    /** Every column family of the database must be listed, or RocksDB refuses to open it. */
    columns?: Record<string, RocksColumnOptions>
  }

  export interface RocksReadOptions {
    column?: RocksColumnHandle
    keyEncoding?: 'buffer'
    valueEncoding?: 'buffer'
    fillCache?: boolean
  }

  export interface RocksRangeOptions extends RocksReadOptions {
    gt?: Buffer
    gte?: Buffer
    lt?: Buffer
    lte?: Buffer
    reverse?: boolean
    limit?: number
    keys?: boolean
    values?: boolean
  }

  export interface RocksIterator {
    /** Resolves with up to `size` entries; an empty array means the range is exhausted. */
    nextv(size: number): Promise<Array<[Buffer, Buffer]>>
    close(): Promise<void>
  }

  export interface RocksChainedBatch {
    put(key: Buffer, value: Buffer, options?: { column?: RocksColumnHandle }): this
    del(key: Buffer, options?: { column?: RocksColumnHandle }): this
    write(): Promise<void>
    readonly length: number
  }

  export class RocksLevel {
    constructor(location: string, options?: Record<string, unknown>)
    open(options?: RocksOpenOptions): Promise<void>
    close(): Promise<void>
    readonly status: string
    readonly location: string
    /** Column family handles by name; filled by `open()`. */
    readonly columns: Record<string, RocksColumnHandle>
    /** RocksDB's latest sequence number. */
    readonly sequence: number
    /** Contents of the database's IDENTITY file. */
    readonly identity: string
    getMany(keys: Buffer[], options?: RocksReadOptions): Promise<Array<Buffer | undefined>>
    /** Synchronous multi-get; underscore-prefixed in the binding but it is its only synchronous read. */
    _getManySync(keys: Buffer[], options?: RocksReadOptions): Array<Buffer | undefined>
    iterator(options?: RocksRangeOptions): RocksIterator
    batch(): RocksChainedBatch
  }
}
