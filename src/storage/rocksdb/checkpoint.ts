import { constants, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { copyFile, link, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { ImportError } from './errors.js'

/** File whose presence marks a directory as a checkpoint made by this package, safe to delete. */
const CHECKPOINT_MARKER = 'NC_STATE_CHECKPOINT'

/** RocksDB never rewrites table and blob files, so a hard link to them is as good as a copy. */
const IMMUTABLE_FILE = /^\d+\.(sst|blob)$/

/** Files RocksDB reads or rewrites at open; copied so that the source directory is never written. */
const MUTABLE_FILE = /^(CURRENT|IDENTITY|MANIFEST-\d+|OPTIONS-\d+|\d+\.log)$/

export interface Checkpoint {
  /** Directory made by `createCheckpoint`; delete it with `removeCheckpoint`. */
  directory: string
  /** The RocksDB directory inside it, which is safe to open read-write. */
  databasePath: string
  linkedFiles: number
  copiedFiles: number
  copiedBytes: number
}

/**
 * Creates `directory` (or empties it when an earlier run of this package left it) and marks it
 * as a checkpoint, so that a later run may delete it. Throws `NC_IMPORT_CHECKPOINT_INVALID` when
 * the directory exists, is not empty and has no marker.
 *
 * With `create: false` the directory must exist already, as one made by
 * `makeTemporaryCheckpointDirectory` does. A missing one then throws instead of being made again,
 * so a checkpoint that the exit handler deleted while a thread was still making it stays deleted.
 */
export async function prepareCheckpointDirectory(directory: string, { create = true }: { create?: boolean } = {}): Promise<void> {
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && create) {
      return undefined
    }
    throw new ImportError('NC_IMPORT_CHECKPOINT_INVALID', `cannot use ${directory} as checkpoint directory: ${error.message}`, { path: directory }, { cause: error })
  })

  if (entries !== undefined && entries.length > 0) {
    if (!entries.includes(CHECKPOINT_MARKER)) {
      throw new ImportError('NC_IMPORT_CHECKPOINT_INVALID',
        `checkpoint directory ${directory} exists and was not made by nc-state; pass an empty or missing directory`,
        { path: directory })
    }
    await rm(directory, { recursive: true, force: true })
  }

  if (entries === undefined || entries.length > 0) await mkdir(directory, { recursive: true })
  await writeFile(join(directory, CHECKPOINT_MARKER), 'Temporary copy of a RocksDB directory made by nc-state; safe to delete.\n')
}

/**
 * Fills a prepared checkpoint directory with a copy of the RocksDB at `source` that RocksDB can
 * open read-write without touching the source. Table files are hard-linked, or copied when the
 * checkpoint is on another file system. The manifest, WAL, CURRENT, IDENTITY and OPTIONS files
 * are copied, and LOCK and the info logs are left out.
 */
export async function createCheckpoint(source: string, directory: string): Promise<Checkpoint> {
  const databasePath = join(directory, 'db')
  await mkdir(databasePath)

  const checkpoint: Checkpoint = { directory, databasePath, linkedFiles: 0, copiedFiles: 0, copiedBytes: 0 }
  for (const name of await readdir(source)) {
    const from = join(source, name)
    const to = join(databasePath, name)

    if (IMMUTABLE_FILE.test(name)) {
      if (await tryLink(from, to)) {
        checkpoint.linkedFiles += 1
        continue
      }
    } else if (!MUTABLE_FILE.test(name)) {
      continue
    }

    // FICLONE makes a copy-on-write clone where the file system supports it (btrfs, XFS).
    await copyFile(from, to, constants.COPYFILE_FICLONE)
    checkpoint.copiedFiles += 1
    checkpoint.copiedBytes += (await stat(to)).size
  }

  return checkpoint
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EXDEV' || code === 'EPERM' || code === 'EACCES' || code === 'EROFS' || code === 'EMLINK' || code === 'ENOTSUP') {
      return false
    }
    throw error
  }
}

/** Deletes a checkpoint directory; a missing directory is not an error. */
export async function removeCheckpoint(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true })
}

/** Temporary checkpoint directories of this process not deleted yet, which exit deletes. */
const temporaryDirectories = new Set<string>()
let deletesAtExit = false

/**
 * Makes an empty checkpoint directory under the system's temporary folder. It is deleted by
 * `releaseTemporaryCheckpointDirectory`, or at the latest when the process exits, so that a
 * signal during startup or a run leaves no copy of the database behind.
 */
export function makeTemporaryCheckpointDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'nc-state-rocksdb-'))
  temporaryDirectories.add(directory)
  if (!deletesAtExit) {
    deletesAtExit = true
    process.once('exit', () => {
      for (const left of temporaryDirectories) {
        try {
          deleteWhileWritten(left)
        } catch (error) {
          // The other directories still go; this one is named so that it can be deleted by hand.
          process.stderr.write(`nc-state: temporary RocksDB checkpoint ${left} could not be deleted: ${(error as Error).message}\n`)
        }
      }
    })
  }
  return directory
}

/**
 * Deletes a checkpoint directory that a sandbox worker or an opening source may still be filling,
 * as at exit during startup. The directory is renamed first, so the next write fails instead of
 * adding a file while the directory is being deleted, and nothing makes the old name again (see
 * `prepareCheckpointDirectory`).
 */
function deleteWhileWritten(directory: string): void {
  const deleting = `${directory}-deleting`
  try {
    renameSync(directory, deleting)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  // A write already under way when the directory was renamed can still land in it, so the delete may need a retry.
  rmSync(deleting, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 })
}

/** Deletes a directory made by `makeTemporaryCheckpointDirectory`. */
export function releaseTemporaryCheckpointDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true })
  temporaryDirectories.delete(directory)
}
