
import type { Logger } from '../../logging.js'
import type { ColumnFamily, KeyValueSource, RangeOptions } from '../column-families.js'
import { makeTemporaryCheckpointDirectory, releaseTemporaryCheckpointDirectory } from './checkpoint.js'
import { NodeSnapshot } from './node-snapshot.js'

export interface RocksDbSourceOptions {
  /**
   * Directory for the checkpoint copy that is opened, deleted on close. Defaults to a new
   * directory under the system's temporary directory. On the source's file system the copy
   * costs only hard links, elsewhere it copies every table file.
   */
  checkpointDirectory?: string
  /**
   * False when `checkpointDirectory` was made by `makeTemporaryCheckpointDirectory`, so that it is
   * not made again after the exit handler deleted it. Default: true.
   */
  createCheckpointDirectory?: boolean
  logger?: Logger
  /** Block cache of each column family, in bytes. */
  cacheSize?: number
}

/**
 * Opens a node's RocksDB directory (`data_v2.db`, stopped, or a checkpoint or copy of it) as a
 * `KeyValueSource`, so the service can read it with no import. It reads the data as it was at
 * open: a node that keeps writing to the directory afterwards is not seen.
 */
export async function openRocksDbSource(directory: string, options: RocksDbSourceOptions = {}): Promise<KeyValueSource> {
  const temporary = options.checkpointDirectory === undefined ? makeTemporaryCheckpointDirectory() : undefined
  try {
    const snapshot = await NodeSnapshot.open(directory, {
      checkpointDirectory: options.checkpointDirectory ?? temporary!,
      // The exit handler may delete a temporary directory while it is being filled, and it must stay deleted.
      createCheckpointDirectory: temporary === undefined ? options.createCheckpointDirectory ?? true : false,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
    })
    return new RocksDbSource(snapshot, temporary)
  } catch (error) {
    if (temporary !== undefined) releaseTemporaryCheckpointDirectory(temporary)
    throw error
  }
}

class RocksDbSource implements KeyValueSource {
  constructor(private readonly snapshot: NodeSnapshot, private readonly temporaryDirectory: string | undefined) {}

  async get(cf: ColumnFamily, key: Uint8Array): Promise<Uint8Array | undefined> {
    const [value] = await this.snapshot.getMany(cf, [key])
    return value
  }

  async getMany(cf: ColumnFamily, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) {
      return []
    }
    return await this.snapshot.getMany(cf, keys)
  }

  getSync(cf: ColumnFamily, key: Uint8Array): Uint8Array | undefined {
    return this.snapshot.getSync(cf, key)
  }

  async * entries(cf: ColumnFamily, options: RangeOptions = {}): AsyncIterable<[Uint8Array, Uint8Array]> {
    // abstract-level's convention: a negative limit means no limit, and 0 means no entries.
    const { limit, ...range } = options
    if (limit === 0) {
      return
    }
    const scan = limit !== undefined && limit > 0 ? { ...range, limit, chunkSize: Math.min(limit, 1000) } : range
    for await (const chunk of this.snapshot.chunks(cf, scan)) {
      yield * chunk
    }
  }

  async close(): Promise<void> {
    await this.snapshot.close()
    if (this.temporaryDirectory !== undefined) releaseTemporaryCheckpointDirectory(this.temporaryDirectory)
  }
}
