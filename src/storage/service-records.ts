import { SERVICE_SUBLEVEL } from './column-families.js'
import type { LevelDatabase } from './level-source.js'

/** Value under `FORMAT_KEY`: marks the database as this service's and names its layout version. */
export interface FormatRecord {
  format: number
  /** ISO 8601 time when the database was first created. */
  createdAt: string
}

/** Key in `SERVICE_SUBLEVEL` whose value is a `LoadDumpRecord`. */
export const LOAD_DUMP_KEY = 'load-dump'

/**
 * Record of a `loadDump` run. `status` stays `loading` until the last batch is written, so a
 * reader can reject a database whose load was interrupted.
 */
export interface LoadDumpRecord {
  status: 'loading' | 'complete'
  dumpPath: string
  startedAt: string
  completedAt?: string
  /** Entries written per column family; set when the load completes. */
  entries?: Record<string, number>
}

/** Reads a JSON record from the service sublevel, or undefined when the key is absent. */
export async function readServiceRecord<T>(db: LevelDatabase, key: string): Promise<T | undefined> {
  return (await serviceSublevel(db).get(key)) as T | undefined
}

export async function writeServiceRecord(db: LevelDatabase, key: string, value: unknown): Promise<void> {
  await serviceSublevel(db).put(key, value)
}

/** Deletes every record of the service sublevel, the format marker included. */
export async function clearServiceRecords(db: LevelDatabase): Promise<void> {
  await serviceSublevel(db).clear()
}

function serviceSublevel(db: LevelDatabase) {
  return db.sublevel<string, unknown>(SERVICE_SUBLEVEL, { keyEncoding: 'utf8', valueEncoding: 'json' })
}
