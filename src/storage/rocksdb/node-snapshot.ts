import { RocksLevel, type RocksColumnHandle, type RocksRangeOptions } from '@nxtedition/rocksdb'

import type { Logger } from '../../logging.js'
import type { ColumnFamily, RangeOptions } from '../column-families.js'
import { createCheckpoint, prepareCheckpointDirectory, removeCheckpoint, type Checkpoint } from './checkpoint.js'
import { errorMessageChain, ImportError } from './errors.js'
import { assertSourceUnlocked } from './lock-file.js'
import { inspectNodeDirectory, unsupportedCompressionMessage, type NodeDirectory } from './node-directory.js'

export interface OpenNodeSnapshotOptions {
  /**
   * Directory for the temporary copy of the RocksDB that is actually opened; created here and
   * deleted by `close()`. On the source's file system its table files are hard links, elsewhere copies.
   */
  checkpointDirectory: string
  /** False when `checkpointDirectory` already exists and must not be made again (see `prepareCheckpointDirectory`). Default: true. */
  createCheckpointDirectory?: boolean
  logger?: Logger
  /** Block cache of each column family, in bytes. */
  cacheSize?: number
}

/** Best block of the node's height index. */
export interface ChainTip {
  height: number
  /** Block hash, hex. */
  hash: string
}

export interface ScanOptions extends RangeOptions {
  /** Entries per read from RocksDB. */
  chunkSize?: number
  /** Keep scanned blocks out of the block cache, for one-pass reads such as an import. */
  fillCache?: boolean
}

/**
 * A node's RocksDB opened through a checkpoint copy. The bundled binding opens databases
 * read-write only (no read-only or secondary mode), and a read-write open rewrites the MANIFEST,
 * OPTIONS and WAL files, so the node's own directory is never opened.
 */
export class NodeSnapshot {
  private constructor(
    readonly source: NodeDirectory,
    readonly checkpoint: Checkpoint,
    private readonly db: RocksLevel,
  ) {}

  /** Checks and opens the RocksDB at `from` (see `inspectNodeDirectory` and `assertSourceUnlocked`). */
  static async open(from: string, options: OpenNodeSnapshotOptions): Promise<NodeSnapshot> {
    const source = await inspectNodeDirectory(from)
    await prepareCheckpointDirectory(options.checkpointDirectory, { create: options.createCheckpointDirectory ?? true })

    try {
      await assertSourceUnlocked(source.path, options.checkpointDirectory, options.logger)
      const checkpoint = await createCheckpoint(source.path, options.checkpointDirectory)
      options.logger?.info('created RocksDB checkpoint', {
        source: source.path, checkpoint: checkpoint.databasePath,
        linkedFiles: checkpoint.linkedFiles, copiedFiles: checkpoint.copiedFiles, copiedBytes: checkpoint.copiedBytes,
      })

      // abstract-level v1 would otherwise encode Buffer keys as UTF-8 text, mangling binary keys.
      const db = new RocksLevel(checkpoint.databasePath, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
      const columnOptions = { compression: false, ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }) }
      try {
        await db.open({
          createIfMissing: false,
          compression: false,
          walCompression: false,
          columns: Object.fromEntries(source.columnFamilies.map((name) => [name, columnOptions])),
        })
      } catch (error) {
        throw readError(source.path, error)
      }
      return new NodeSnapshot(source, checkpoint, db)
    } catch (error) {
      await removeCheckpoint(options.checkpointDirectory)
      throw error
    }
  }

  /** Contents of the database's IDENTITY file, the same in every copy of one database. */
  get identity(): string {
    return this.db.identity
  }

  /** RocksDB's latest sequence number: it changes with every write the node makes. */
  get sequence(): number {
    return this.db.sequence
  }

  /** Reads the highest entry of `height-index`, the node's best block; undefined when the index is empty. */
  async tip(): Promise<ChainTip | undefined> {
    const [last] = await this.readFirstEntries('height-index', { reverse: true, limit: 1 })
    if (last === undefined) {
      return undefined
    }

    const [key, value] = last
    if (key.length !== 4 || value.length < 32) {
      throw new ImportError('NC_IMPORT_SOURCE_INVALID',
        `height-index of ${this.source.path} has an entry of unexpected size (key ${key.length} bytes, value ${value.length} bytes; expected 4 and 36)`,
        { path: this.source.path, key: key.toString('hex') })
    }
    return { height: key.readUInt32BE(0), hash: value.subarray(0, 32).toString('hex') }
  }

  /** Reads the first and the last key of a column family; undefined when it is empty. */
  async keyRange(cf: ColumnFamily): Promise<{ first: Buffer, last: Buffer } | undefined> {
    const [first] = await this.readFirstEntries(cf, { limit: 1 })
    const [last] = await this.readFirstEntries(cf, { limit: 1, reverse: true })
    if (first === undefined || last === undefined) {
      return undefined
    }
    return { first: first[0], last: last[0] }
  }

  async getMany(cf: ColumnFamily, keys: Uint8Array[]): Promise<Array<Buffer | undefined>> {
    try {
      return await this.db.getMany(keys.map(toBuffer), { column: this.column(cf), keyEncoding: 'buffer', valueEncoding: 'buffer' })
    } catch (error) {
      throw readError(this.source.path, error)
    }
  }

  getSync(cf: ColumnFamily, key: Uint8Array): Buffer | undefined {
    try {
      return this.db._getManySync([toBuffer(key)], { column: this.column(cf), keyEncoding: 'buffer', valueEncoding: 'buffer' })[0]
    } catch (error) {
      throw readError(this.source.path, error)
    }
  }

  /** Yields the entries of a column family in key order (reverse order with `reverse`), a chunk at a time. */
  async * chunks(cf: ColumnFamily, options: ScanOptions = {}): AsyncGenerator<Array<[Buffer, Buffer]>> {
    const iterator = this.db.iterator(this.iteratorOptions(cf, options))
    const chunkSize = options.chunkSize ?? 1000
    try {
      while (true) {
        let chunk: Array<[Buffer, Buffer]>
        try {
          chunk = await iterator.nextv(chunkSize)
        } catch (error) {
          throw readError(this.source.path, error)
        }
        if (chunk.length === 0) {
          return
        }
        yield chunk
      }
    } finally {
      await iterator.close()
    }
  }

  /** Closes RocksDB and deletes the checkpoint. */
  async close(): Promise<void> {
    try {
      await this.db.close()
    } finally {
      await removeCheckpoint(this.checkpoint.directory)
    }
  }

  private async readFirstEntries(cf: ColumnFamily, options: ScanOptions): Promise<Array<[Buffer, Buffer]>> {
    for await (const chunk of this.chunks(cf, { ...options, chunkSize: options.limit })) {
      return chunk
    }
    return []
  }

  private column(cf: ColumnFamily): RocksColumnHandle {
    const column = this.db.columns[cf]
    if (column === undefined) {
      throw new ImportError('NC_IMPORT_SOURCE_INVALID', `${this.source.path} has no column family ${cf}`, { path: this.source.path, columnFamily: cf })
    }
    return column
  }

  private iteratorOptions(cf: ColumnFamily, options: ScanOptions): RocksRangeOptions {
    const iteratorOptions: RocksRangeOptions = { column: this.column(cf), keyEncoding: 'buffer', valueEncoding: 'buffer' }
    if (options.gt !== undefined) iteratorOptions.gt = toBuffer(options.gt)
    if (options.gte !== undefined) iteratorOptions.gte = toBuffer(options.gte)
    if (options.lt !== undefined) iteratorOptions.lt = toBuffer(options.lt)
    if (options.lte !== undefined) iteratorOptions.lte = toBuffer(options.lte)
    if (options.reverse !== undefined) iteratorOptions.reverse = options.reverse
    if (options.limit !== undefined) iteratorOptions.limit = options.limit
    if (options.fillCache !== undefined) iteratorOptions.fillCache = options.fillCache
    return iteratorOptions
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Wraps a RocksDB failure in an ImportError, naming compression problems plainly. */
function readError(path: string, error: unknown): ImportError {
  if (error instanceof ImportError) {
    return error
  }

  const message = errorMessageChain(error)
  if (/compress|snappy|lz4|zlib|bzip2|xpress/i.test(message)) {
    return new ImportError('NC_IMPORT_COMPRESSION_UNSUPPORTED', unsupportedCompressionMessage(path, `RocksDB reported "${message}"`), { path }, { cause: error })
  }
  return new ImportError('NC_IMPORT_READ_FAILED', `RocksDB failed to read ${path}: ${message}`, { path }, { cause: error })
}
