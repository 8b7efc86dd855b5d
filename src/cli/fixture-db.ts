import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

import type { Logger } from '../logging.js'
import { fixturesDir } from '../package-root.js'
import { loadDump } from '../storage/load-dump.js'

/** LevelDB copy of the bundled corpus, built on first use from its dump. */
export const FIXTURE_DB_PATH = join(fixturesDir(), 'db')
export const FIXTURE_DUMP_PATH = join(fixturesDir(), 'conformance', 'node-dump.jsonl')

export async function ensureFixtureDatabase(logger: Logger): Promise<string> {
  if (!existsSync(FIXTURE_DB_PATH)) {
    logger.info('building fixture database', { dump: FIXTURE_DUMP_PATH, db: FIXTURE_DB_PATH })
    const started = performance.now()

    // Built aside and renamed, so an interrupted build never leaves a half-filled database behind.
    removeAbandonedBuilds(FIXTURE_DB_PATH)
    const partial = `${FIXTURE_DB_PATH}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    await loadDump(FIXTURE_DUMP_PATH, partial)
    renameSync(partial, FIXTURE_DB_PATH)
    logger.info('fixture database built', { db: FIXTURE_DB_PATH, ms: Math.round(performance.now() - started) })
  }
  return FIXTURE_DB_PATH
}

/**
 * Deletes the partial builds of `databasePath` (`<path>.partial-<pid>`) whose process is gone,
 * such as one stopped with Ctrl-C during its first start.
 */
export function removeAbandonedBuilds(databasePath: string): void {
  const folder = dirname(databasePath)
  const prefix = `${basename(databasePath)}.partial-`
  for (const name of readdirSync(folder)) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length))
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) continue
    rmSync(join(folder, name), { recursive: true, force: true })
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
