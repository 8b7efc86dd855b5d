import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { packageRoot } from '../../../src/package-root.js'
import { COLUMN_FAMILIES } from '../../../src/storage/column-families.js'
import { IMPORT_PROGRESS_KEY, IMPORT_RECORD_KEY, importNodeRocksDb, type ImportSummary } from '../../../src/storage/rocksdb/index.js'
import type { ImportProgressRecord } from '../../../src/storage/rocksdb/import-records.js'
import { LevelDestination } from '../../../src/storage/rocksdb/level-destination.js'
import { digestLevelCopy, extractFixtureRocksDb, makeTempDirectory, removeDirectory } from './node-rocksdb.js'

const childScript = fileURLToPath(new URL(`./import-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))
const childArguments = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', childScript] : [childScript]
const projectRoot = packageRoot()

/**
 * Runs an import in a child process and sends it SIGKILL once it has reported `events`
 * progress events (one as each column family starts, then one per committed batch).
 * Returns the lines it printed; fails if it finished first.
 */
async function killImportAfter(from: string, db: string, events: number): Promise<string[]> {
  const child = spawn(process.execPath, [...childArguments, from, db, '10'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: string[] = []
  const reader = createInterface({ input: child.stdout })
  reader.on('line', (line) => {
    lines.push(line)
    if (lines.length === events) {
      child.kill('SIGKILL')
    }
  })

  const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
  assert.equal(signal, 'SIGKILL', `the import was still running when killed (exit code ${String(code)}, last line ${String(lines.at(-1))})`)
  assert.ok(!lines.includes('finished'))
  return lines
}

async function readRecords(db: string): Promise<{ progress: ImportProgressRecord | undefined, record: ImportSummary | undefined }> {
  const destination = await LevelDestination.open(db, { create: false })
  try {
    return {
      progress: await destination.getRecord<ImportProgressRecord>(IMPORT_PROGRESS_KEY),
      record: await destination.getRecord<ImportSummary>(IMPORT_RECORD_KEY),
    }
  } finally {
    await destination.close()
  }
}

describe('import killed with SIGKILL', () => {
  let work: string
  let source: string
  let clean: ImportSummary
  let cleanDigests: Record<string, { count: number, digest: string }>

  before(async () => {
    work = makeTempDirectory('resume')
    source = extractFixtureRocksDb(work)
    clean = await importNodeRocksDb({ from: source, db: join(work, 'clean') })
    cleanDigests = await digestLevelCopy(join(work, 'clean'))
  })

  after(() => removeDirectory(work))

  test('rerun after kills equals a clean import', async () => {
    const db = join(work, 'killed')
    // With 10 entries a batch a full import reports about 515 events, nc-state taking the first 355.
    // The first kill comes at the first event, before any batch is committed. Each later run
    // resumes, so the other kills land in nc-state, in tx and in timestamp-sorted-blocks.
    const killPoints = [1, 3, 150, 150, 80, 80]
    const startedColumnFamilies: number[] = []

    for (const [index, events] of killPoints.entries()) {
      const lines = await killImportAfter(source, db, events)
      assert.ok(lines.length >= events)

      const { progress, record } = await readRecords(db)
      assert.equal(record, undefined, 'no import record before the import finishes')
      if (index === 0) {
        continue
      }
      assert.ok(progress !== undefined, `an unfinished import leaves its progress record (killed after ${events} events)`)
      startedColumnFamilies.push(Object.keys(progress.columnFamilies).length)
    }

    assert.equal(startedColumnFamilies[0], 1)
    assert.ok((startedColumnFamilies.at(-1) ?? 0) >= 4, `the last kill came after several column families (${startedColumnFamilies.join(', ')})`)

    const partial = await digestLevelCopy(db)
    assert.ok(partial['nc-state']!.count > 0, 'the killed runs copied part of the data')
    assert.notDeepEqual(partial, cleanDigests, 'the killed runs did not finish the copy')

    const resumed = await importNodeRocksDb({ from: source, db })

    assert.equal(resumed.resumed, true)
    assert.deepEqual(await digestLevelCopy(db), cleanDigests)
    for (const cf of COLUMN_FAMILIES) {
      assert.equal(resumed.columnFamilies[cf].sourceKeys, clean.columnFamilies[cf].sourceKeys, `source keys of ${cf}`)
      assert.equal(resumed.columnFamilies[cf].added, clean.columnFamilies[cf].added, `added keys of ${cf}`)
    }

    const { progress, record } = await readRecords(db)
    assert.equal(progress, undefined)
    assert.equal(record?.tipHeight, clean.tipHeight)
  })

  test('failed import resumes from its last batch', async () => {
    const db = join(work, 'failed')
    let events = 0
    const failing = importNodeRocksDb({
      from: source,
      db,
      batchEntries: 100,
      onProgress: () => {
        events += 1
        if (events === 20) {
          throw new Error('stop after 20 progress events')
        }
      },
    })
    await assert.rejects(failing, /stop after 20 progress events/)

    const { progress } = await readRecords(db)
    const started = Object.entries(progress?.columnFamilies ?? {})
    assert.ok(started.length > 0)
    assert.ok(started.every(([, state]) => state.cursor !== null), 'every started column family has a cursor')

    const resumed = await importNodeRocksDb({ from: source, db })
    assert.equal(resumed.resumed, true)
    assert.deepEqual(await digestLevelCopy(db), cleanDigests)
  })
})
