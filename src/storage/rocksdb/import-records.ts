import type { ColumnFamily } from '../column-families.js'
import type { ColumnFamilyCounts } from './sync-column-family.js'

/** Key, in the service sublevel, of the record of the last finished import (`ImportSummary`). */
export const IMPORT_RECORD_KEY = 'import'

/** Key, in the service sublevel, of the progress of an unfinished import (`ImportProgressRecord`). */
export const IMPORT_PROGRESS_KEY = 'import-progress'

/** Record of a finished import, stored under `IMPORT_RECORD_KEY` and returned to the caller. */
export interface ImportSummary {
  /** Absolute path of the RocksDB directory that was read. */
  source: string
  /** Absolute path of the LevelDB copy. */
  destination: string
  /** The source's IDENTITY, the same in every copy of one node database. */
  sourceIdentity: string
  /** The source's RocksDB sequence number when it was read. */
  sourceSequence: number
  /** Height and hash (hex) of the source's best block. */
  tipHeight: number
  tipHash: string
  startedAt: string
  finishedAt: string
  /** True when the run continued an interrupted import of the same source state. */
  resumed: boolean
  columnFamilies: Record<ColumnFamily, ColumnFamilyCounts>
}

/** State of one column family in an unfinished import. */
export interface ColumnFamilyProgress {
  done: boolean
  /** Hex of the last key compared; every key up to it matches the source. */
  cursor: string | null
  counts: ColumnFamilyCounts
}

/**
 * Progress of an unfinished import, written in the same LevelDB batch as the data it describes.
 * A later run resumes from it when the source is in the same state (same identity and sequence).
 */
export interface ImportProgressRecord {
  source: string
  sourceIdentity: string
  sourceSequence: number
  tipHeight: number
  tipHash: string
  startedAt: string
  columnFamilies: Partial<Record<ColumnFamily, ColumnFamilyProgress>>
}

export function emptyCounts(): ColumnFamilyCounts {
  return { sourceKeys: 0, added: 0, updated: 0, deleted: 0, bytesRead: 0 }
}
