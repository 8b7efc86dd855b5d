import assert from 'node:assert/strict'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { ViewCallExecutor } from '../../src/sandbox/view-call-executor.js'
import { extractFixtureRocksDb, makeTempDirectory, removeDirectory } from '../storage/rocksdb/node-rocksdb.js'
import { chain } from './zoo-sandbox.js'

let dir: string
let rocksdbPath: string
let temporary: string
let previousTmpdir: string | undefined

before(() => {
  dir = makeTempDirectory('checkpoints')
  rocksdbPath = extractFixtureRocksDb(dir)

  // Checkpoints go to the system's temporary directory, which this test points at a folder of its own.
  temporary = join(dir, 'tmp')
  mkdirSync(temporary)
  previousTmpdir = process.env.TMPDIR
  process.env.TMPDIR = temporary
})

after(() => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = previousTmpdir
  removeDirectory(dir)
})

/** Checkpoint directories in the test's temporary directory (tsx keeps its cache there too). */
function checkpoints(): string[] {
  return readdirSync(temporary).filter((name) => name.startsWith('nc-state-rocksdb-'))
}

test('sandbox workers leave no RocksDB checkpoint behind', async () => {
  const executor = new ViewCallExecutor({ dbPath: rocksdbPath, storageKind: 'rocksdb', workers: 2 })
  await executor.start()
  try {
    assert.equal(checkpoints().length, 2)
    const description = await executor.describe(chain.blueprints.type_zoo!)
    assert.equal(description.blueprintId, chain.blueprints.type_zoo)
  } finally {
    await executor.close()
  }

  assert.deepEqual(checkpoints(), [])
})
