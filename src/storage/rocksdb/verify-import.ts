import { resolve } from 'node:path'

import type { Logger } from '../../logging.js'
import { COLUMN_FAMILIES, type ColumnFamily } from '../column-families.js'
import { digestChunks } from './entry-digest.js'
import { LevelDestination } from './level-destination.js'
import { inspectNodeDirectory } from './node-directory.js'
import { NodeSnapshot } from './node-snapshot.js'

export interface ColumnFamilyVerification {
  columnFamily: ColumnFamily
  sourceKeys: number
  destinationKeys: number
  /** SHA-256 (hex) of the entries in key order, as computed by `EntryDigest`. */
  sourceDigest: string
  destinationDigest: string
  match: boolean
}

export interface VerifyReport {
  source: string
  destination: string
  /** True when every column family has the same key count and digest on both sides. */
  match: boolean
  columnFamilies: ColumnFamilyVerification[]
}

export interface VerifyOptions {
  from: string
  db: string
  /** As in `ImportOptions.checkpointDirectory`. */
  checkpointDirectory?: string
  logger?: Logger
}

/**
 * Re-reads every column family this service uses on both sides, the node's RocksDB and the
 * LevelDB copy, and compares their key counts and digests. Writes nothing to either.
 */
export async function verifyImport(options: VerifyOptions): Promise<VerifyReport> {
  const destinationPath = resolve(options.db)
  const checkpointDirectory = resolve(options.checkpointDirectory ?? `${destinationPath}.checkpoint`)

  await inspectNodeDirectory(options.from)
  const destination = await LevelDestination.open(destinationPath, { create: false })
  try {
    const snapshot = await NodeSnapshot.open(options.from, {
      checkpointDirectory,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
    try {
      const columnFamilies: ColumnFamilyVerification[] = []
      for (const cf of COLUMN_FAMILIES) {
        const [source, copy] = await Promise.all([
          digestChunks(snapshot.chunks(cf, { fillCache: false })),
          digestChunks(destinationEntries(destination, cf)),
        ])
        const verification: ColumnFamilyVerification = {
          columnFamily: cf,
          sourceKeys: source.count,
          destinationKeys: copy.count,
          sourceDigest: source.digest,
          destinationDigest: copy.digest,
          match: source.count === copy.count && source.digest === copy.digest,
        }
        columnFamilies.push(verification)
        options.logger?.info('column family verified', { ...verification })
      }

      return {
        source: snapshot.source.path,
        destination: destination.path,
        match: columnFamilies.every((verification) => verification.match),
        columnFamilies,
      }
    } finally {
      await snapshot.close()
    }
  } finally {
    await destination.close()
  }
}

/** Digests the LevelDB side of one column family; exported for tests that compare two copies. */
export async function digestLevelColumnFamily(destination: LevelDestination, cf: ColumnFamily): Promise<{ count: number, digest: string }> {
  return await digestChunks(destinationEntries(destination, cf))
}

async function * destinationEntries(destination: LevelDestination, cf: ColumnFamily): AsyncGenerator<Array<[Uint8Array, Uint8Array]>> {
  for await (const chunk of destination.chunks(cf, { values: true })) {
    yield chunk as Array<[Uint8Array, Uint8Array]>
  }
}
