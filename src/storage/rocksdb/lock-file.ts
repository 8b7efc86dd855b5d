import { link, mkdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { RocksLevel } from '@nxtedition/rocksdb'

import type { Logger } from '../../logging.js'
import { errorMessageChain, ImportError } from './errors.js'

/**
 * Throws `NC_IMPORT_SOURCE_LOCKED` when another process, normally a running node, has locked the
 * RocksDB directory's LOCK file. RocksDB keeps an fcntl write lock on that file while a database
 * is open, and copying files from under a running node gives an inconsistent database.
 *
 * The check takes the lock itself: it hard-links LOCK into an empty probe directory under
 * `scratchDirectory` and lets the bundled RocksDB open it, which locks that same inode first and
 * then stops because the probe has no CURRENT file. Where no hard link can be made (another
 * file system, a read-only mount), it looks for the file's inode in Linux's /proc/locks instead,
 * which lists only locks of processes visible from this one's PID namespace.
 */
export async function assertSourceUnlocked(directory: string, scratchDirectory: string, logger?: Logger): Promise<void> {
  const lockPath = join(directory, 'LOCK')
  if ((await stat(lockPath).catch(() => undefined)) === undefined) {
    return
  }

  const probed = await probeLock(lockPath, join(scratchDirectory, 'lock-probe'))
  if (probed === 'unlocked') {
    return
  }

  if (probed === 'locked') {
    throw lockedError(directory, await findLockHolders(lockPath))
  }

  const holders = await findLockHolders(lockPath)
  if (holders === undefined) {
    logger?.warn('could not check whether a process holds the RocksDB LOCK file', { path: lockPath, reason: probed.reason })
    return
  }
  if (holders.length > 0) {
    throw lockedError(directory, holders)
  }
}

type ProbeResult = 'locked' | 'unlocked' | { reason: string }

async function probeLock(lockPath: string, probeDirectory: string): Promise<ProbeResult> {
  await rm(probeDirectory, { recursive: true, force: true })
  await mkdir(probeDirectory, { recursive: true })
  try {
    try {
      await link(lockPath, join(probeDirectory, 'LOCK'))
    } catch (error) {
      return { reason: `cannot hard-link ${lockPath} into ${probeDirectory}: ${(error as Error).message}` }
    }

    const probe = new RocksLevel(probeDirectory)
    try {
      await probe.open({ createIfMissing: false })
      await probe.close()
      return { reason: `RocksDB opened the empty probe directory ${probeDirectory}` }
    } catch (error) {
      const message = errorMessageChain(error)
      if (message.includes('While lock file')) {
        return 'locked'
      }
      if (message.includes('does not exist')) {
        return 'unlocked'
      }
      return { reason: message }
    }
  } finally {
    await rm(probeDirectory, { recursive: true, force: true })
  }
}

/**
 * Lists the ids of other processes that hold a POSIX lock on `path`, from /proc/locks.
 * Returns undefined where /proc/locks cannot be read (not Linux).
 */
export async function findLockHolders(path: string): Promise<number[] | undefined> {
  let table: string
  let info: { dev: bigint, ino: bigint }
  try {
    table = await readFile('/proc/locks', 'utf8')
    info = await stat(path, { bigint: true })
  } catch {
    return undefined
  }

  // Linux encodes st_dev as minor bits 0-7 and 20-31 around major bits 8-19; /proc/locks prints major:minor in hex.
  const major = (info.dev >> 8n) & 0xfffn
  const minor = (info.dev & 0xffn) | ((info.dev >> 12n) & 0xfff00n)

  const holders: number[] = []
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/).filter((field) => field !== '->')
    const pid = Number(fields[4])
    const file = fields[5]?.split(':')
    if (fields[1] !== 'POSIX' || file?.length !== 3 || !Number.isInteger(pid)) {
      continue
    }

    const [lockMajor, lockMinor, lockInode] = file as [string, string, string]
    const sameFile = BigInt(`0x${lockMajor}`) === major && BigInt(`0x${lockMinor}`) === minor && BigInt(lockInode) === info.ino
    if (sameFile && pid !== process.pid && !holders.includes(pid)) {
      holders.push(pid)
    }
  }
  return holders
}

function lockedError(directory: string, holders: number[] | undefined): ImportError {
  const heldBy = holders !== undefined && holders.length > 0 ? ` by process ${holders.join(', ')}` : ''
  return new ImportError('NC_IMPORT_SOURCE_LOCKED',
    `${directory} is in use: its LOCK file is held${heldBy}, normally by a running node. Stop the node, or import from a checkpoint or copy of its data directory`,
    { path: directory, holders: holders ?? [] })
}
