import { ChunkCursor } from './chunk-cursor.js'

/** Counts of one import's work on one column family. */
export interface ColumnFamilyCounts {
  /** Keys in the source. */
  sourceKeys: number
  /** Keys copied because the destination lacked them. */
  added: number
  /** Keys whose value differed and was overwritten. */
  updated: number
  /** Keys removed because the source no longer has them. */
  deleted: number
  /** Bytes of keys and values read from the source. */
  bytesRead: number
}

export type WriteOperation =
  | { type: 'put', key: Uint8Array, value: Uint8Array }
  | { type: 'del', key: Uint8Array }

export interface SyncLimits {
  /** Entries compared before the work so far is committed, even when nothing changed. */
  batchEntries: number
  /** Bytes of keys and values written before the work so far is committed. */
  batchBytes: number
}

export interface SyncColumnFamilyOptions {
  /** Source chunks in key order, starting after the resume cursor. */
  source: AsyncIterator<Array<[Uint8Array, Uint8Array]>>
  /** Destination chunks over the same range; values may be omitted when `compareValues` is false. */
  destination: AsyncIterator<Array<[Uint8Array, Uint8Array | undefined]>>
  /**
   * Compare the values of keys present on both sides. Off for column families whose entries
   * never change once written (trie nodes, vertices), where a present key is already right.
   */
  compareValues: boolean
  /** Counts carried over from an interrupted run; updated in place. */
  counts: ColumnFamilyCounts
  limits: SyncLimits
  /**
   * Writes `operations` together with the cursor (the last key compared) atomically. `done` is
   * set on the final call. Calls are made one at a time, in order.
   */
  commit: (operations: WriteOperation[], cursor: Uint8Array | undefined, counts: ColumnFamilyCounts, done: boolean) => Promise<void>
}

/**
 * Makes a destination column family equal to the source by walking both in key order. Keys only
 * in the source are put and keys only in the destination are deleted. With `compareValues`, keys
 * on both sides whose values differ are overwritten. Each commit is atomic and carries the
 * cursor, so a run killed at any point resumes after the last commit with the same result.
 */
export async function syncColumnFamily(options: SyncColumnFamilyOptions): Promise<void> {
  const { compareValues, counts, limits } = options
  const source = new ChunkCursor(options.source)
  const destination = new ChunkCursor(options.destination)

  let operations: WriteOperation[] = []
  let pendingBytes = 0
  let compared = 0
  let cursor: Uint8Array | undefined
  let inFlight: Promise<void> = Promise.resolve()

  // Writes the batch in the background while the next one is built; one batch is in flight at most.
  const flush = async (): Promise<void> => {
    await inFlight
    inFlight = options.commit(operations, cursor, { ...counts }, false)
    // The next flush awaits it and rethrows a failure. Until then this handler keeps Node from reporting it as unhandled.
    inFlight.catch(() => undefined)
    operations = []
    pendingBytes = 0
    compared = 0
  }

  try {
    while (true) {
      while (source.needsRefill) await source.refill()
      while (destination.needsRefill) await destination.refill()

      const fromSource = source.entry
      const fromDestination = destination.entry
      if (fromSource === undefined && fromDestination === undefined) {
        break
      }

      // Negative: the key is only in the source; positive: only in the destination; zero: in both.
      let order: number
      if (fromSource === undefined) {
        order = 1
      } else if (fromDestination === undefined) {
        order = -1
      } else {
        order = Buffer.compare(fromSource[0], fromDestination[0])
      }
      if (fromSource !== undefined && order <= 0) {
        counts.sourceKeys += 1
        counts.bytesRead += fromSource[0].length + fromSource[1].length
      }

      if (order < 0 && fromSource !== undefined) {
        operations.push({ type: 'put', key: fromSource[0], value: fromSource[1] })
        pendingBytes += fromSource[0].length + fromSource[1].length
        counts.added += 1
        cursor = fromSource[0]
        source.advance()
      } else if (order > 0 && fromDestination !== undefined) {
        operations.push({ type: 'del', key: fromDestination[0] })
        pendingBytes += fromDestination[0].length
        counts.deleted += 1
        cursor = fromDestination[0]
        destination.advance()
      } else if (fromSource !== undefined && fromDestination !== undefined) {
        if (compareValues && (fromDestination[1] === undefined || Buffer.compare(fromSource[1], fromDestination[1]) !== 0)) {
          operations.push({ type: 'put', key: fromSource[0], value: fromSource[1] })
          pendingBytes += fromSource[0].length + fromSource[1].length
          counts.updated += 1
        }
        cursor = fromSource[0]
        source.advance()
        destination.advance()
      }

      compared += 1
      if (compared >= limits.batchEntries || pendingBytes >= limits.batchBytes) {
        await flush()
      }
    }

    await inFlight
    await options.commit(operations, cursor, { ...counts }, true)
  } finally {
    await inFlight.catch(() => undefined)
    await source.close()
    await destination.close()
  }
}
