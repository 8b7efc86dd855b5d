import { resolve } from 'node:path'

import type { Logger } from '../../logging.js'
import type { ColumnFamily } from '../column-families.js'
import { ImportError } from './errors.js'
import {
  emptyCounts, IMPORT_PROGRESS_KEY, IMPORT_RECORD_KEY,
  type ColumnFamilyProgress, type ImportProgressRecord, type ImportSummary,
} from './import-records.js'
import { LevelDestination } from './level-destination.js'
import { inspectNodeDirectory } from './node-directory.js'
import { NodeSnapshot } from './node-snapshot.js'
import { syncColumnFamily, type ColumnFamilyCounts, type SyncLimits, type WriteOperation } from './sync-column-family.js'

/**
 * Order in which column families are copied. Trie nodes and vertices come before the indexes
 * that point at them, so a reader of a partly imported copy finds what the indexes name.
 */
export const IMPORT_ORDER: readonly ColumnFamily[] = ['nc-state', 'tx', 'static-meta', 'meta', 'timestamp-sorted-blocks', 'height-index']

/**
 * Column families whose values change after they are written: metadata (voided_by, first_block,
 * spent outputs) and the height index (reorgs). Their values are compared on every run; in the
 * others a key, once present, has its final value (trie nodes and vertices are content-addressed).
 */
const MUTABLE_COLUMN_FAMILIES: ReadonlySet<ColumnFamily> = new Set(['meta', 'static-meta', 'height-index'])

export interface ImportOptions {
  /** The node's RocksDB directory (`data_v2.db`, or the data directory holding it), stopped, or a checkpoint or copy of it. */
  from: string
  /** LevelDB directory to create or bring up to date. */
  db: string
  /**
   * Directory for the temporary checkpoint of `from` that is opened, deleted at the end.
   * Defaults to `<db>.checkpoint`. On the file system of `from` it costs only hard links.
   */
  checkpointDirectory?: string
  logger?: Logger
  /** Called after every committed batch. */
  onProgress?: (progress: ImportProgress) => void
  /** Entries compared per committed batch. */
  batchEntries?: number
  /** Bytes written per committed batch. */
  batchBytes?: number
}

export interface ImportProgress {
  columnFamily: ColumnFamily
  /**
   * Estimated share of the column family done, 0 to 1: where the last compared key lies between
   * the source's first and last keys (read as numbers from their first 6 bytes).
   */
  fraction: number
  counts: ColumnFamilyCounts
  done: boolean
}

const DEFAULT_LIMITS: SyncLimits = { batchEntries: 10_000, batchBytes: 8 * 1024 * 1024 }

/**
 * Copies the column families this service reads from a node's RocksDB into the LevelDB copy,
 * byte for byte, and records the import there. A first run copies everything. A later run
 * writes only the differences: it adds missing trie nodes and vertices, overwrites changed
 * metadata and height index entries (such as a reorged height), and deletes keys the source no
 * longer has (heights above its tip). Killed at any point, a rerun resumes from the last
 * committed batch.
 */
export async function importNodeRocksDb(options: ImportOptions): Promise<ImportSummary> {
  const destinationPath = resolve(options.db)
  const checkpointDirectory = resolve(options.checkpointDirectory ?? `${destinationPath}.checkpoint`)

  // The checks that write nothing come first, so a wrong --from leaves no empty copy behind.
  await inspectNodeDirectory(options.from)
  const destination = await LevelDestination.open(destinationPath, { create: true })
  try {
    const snapshot = await NodeSnapshot.open(options.from, {
      checkpointDirectory,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
    try {
      return await runImport(snapshot, destination, options)
    } finally {
      await snapshot.close()
    }
  } finally {
    await destination.close()
  }
}

async function runImport(snapshot: NodeSnapshot, destination: LevelDestination, options: ImportOptions): Promise<ImportSummary> {
  const { logger } = options
  const limits: SyncLimits = {
    batchEntries: options.batchEntries ?? DEFAULT_LIMITS.batchEntries,
    batchBytes: options.batchBytes ?? DEFAULT_LIMITS.batchBytes,
  }

  const tip = await snapshot.tip()
  if (tip === undefined) {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID', `the height-index column family of ${snapshot.source.path} is empty; a node's has at least the genesis block`,
      { path: snapshot.source.path })
  }

  const previous = await destination.getRecord<ImportProgressRecord>(IMPORT_PROGRESS_KEY)
  const resumed = previous !== undefined && previous.sourceIdentity === snapshot.identity && previous.sourceSequence === snapshot.sequence
  const progress: ImportProgressRecord = resumed
    ? previous
    : {
        source: snapshot.source.path,
        sourceIdentity: snapshot.identity,
        sourceSequence: snapshot.sequence,
        tipHeight: tip.height,
        tipHash: tip.hash,
        startedAt: new Date().toISOString(),
        columnFamilies: {},
      }

  if (resumed) {
    logger?.info('resuming interrupted import', { source: progress.source, destination: destination.path, startedAt: progress.startedAt })
  } else if (previous !== undefined) {
    logger?.info('source changed since the interrupted import; comparing every column family from the start',
      { source: snapshot.source.path, previousSequence: previous.sourceSequence, sequence: snapshot.sequence })
  }
  logger?.info('import started', { source: snapshot.source.path, destination: destination.path, tipHeight: tip.height, tipHash: tip.hash })

  for (const cf of IMPORT_ORDER) {
    const state: ColumnFamilyProgress = progress.columnFamilies[cf] ?? { done: false, cursor: null, counts: emptyCounts() }
    if (!state.done) {
      await importColumnFamily(cf, state, snapshot, destination, progress, limits, options.onProgress)
    }

    const done = progress.columnFamilies[cf] ?? state
    options.onProgress?.({ columnFamily: cf, fraction: 1, counts: done.counts, done: true })
    logger?.info('column family imported', { columnFamily: cf, ...done.counts })
  }

  const summary: ImportSummary = {
    source: progress.source,
    destination: destination.path,
    sourceIdentity: progress.sourceIdentity,
    sourceSequence: progress.sourceSequence,
    tipHeight: progress.tipHeight,
    tipHash: progress.tipHash,
    startedAt: progress.startedAt,
    finishedAt: new Date().toISOString(),
    resumed,
    columnFamilies: Object.fromEntries(IMPORT_ORDER.map((cf) => [cf, progress.columnFamilies[cf]?.counts ?? emptyCounts()])) as Record<ColumnFamily, ColumnFamilyCounts>,
  }

  await destination.write({ records: { [IMPORT_RECORD_KEY]: summary, [IMPORT_PROGRESS_KEY]: undefined } })

  logger?.info('import finished', { source: summary.source, destination: summary.destination, tipHeight: summary.tipHeight, tipHash: summary.tipHash, resumed })
  return summary
}

async function importColumnFamily(
  cf: ColumnFamily,
  state: ColumnFamilyProgress,
  snapshot: NodeSnapshot,
  destination: LevelDestination,
  progress: ImportProgressRecord,
  limits: SyncLimits,
  onProgress: ImportOptions['onProgress'],
): Promise<void> {
  const after = state.cursor === null ? undefined : Buffer.from(state.cursor, 'hex')
  const compareValues = MUTABLE_COLUMN_FAMILIES.has(cf)
  const estimate = positionEstimator(await snapshot.keyRange(cf))

  const commit = async (operations: WriteOperation[], cursor: Uint8Array | undefined, counts: ColumnFamilyCounts, done: boolean): Promise<void> => {
    const cursorHex = cursor === undefined ? state.cursor : Buffer.from(cursor).toString('hex')
    progress.columnFamilies[cf] = { done, cursor: cursorHex, counts }

    await destination.write({ cf, operations, records: { [IMPORT_PROGRESS_KEY]: progress } })

    if (!done) {
      onProgress?.({ columnFamily: cf, fraction: estimate(cursor), counts, done })
    }
  }

  onProgress?.({ columnFamily: cf, fraction: estimate(after), counts: state.counts, done: false })
  await syncColumnFamily({
    source: snapshot.chunks(cf, { ...(after === undefined ? {} : { gt: after }), fillCache: false }),
    destination: destination.chunks(cf, { ...(after === undefined ? {} : { gt: after }), values: compareValues }),
    compareValues,
    counts: { ...state.counts },
    limits,
    commit,
  })
}

function positionEstimator(range: { first: Uint8Array, last: Uint8Array } | undefined): (key: Uint8Array | undefined) => number {
  if (range === undefined) {
    return () => 1
  }

  const first = leadingNumber(range.first)
  const last = leadingNumber(range.last)
  return (key) => {
    if (key === undefined) {
      return 0
    }
    if (last <= first) {
      return 1
    }
    return Math.min(1, Math.max(0, (leadingNumber(key) - first) / (last - first)))
  }
}

/** Reads the first 6 bytes of a key as a number, which grows with hashes, heights and timestamps alike. */
function leadingNumber(key: Uint8Array): number {
  let value = 0
  for (let index = 0; index < 6; index += 1) {
    value = value * 256 + (key[index] ?? 0)
  }
  return value
}
