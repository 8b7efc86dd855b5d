import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

// Runs the command as a user would: from source under tsx, from dist/ once built.
const compiled = import.meta.url.endsWith('.js')
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${compiled ? 'js' : 'ts'}`, import.meta.url))

test('serve stopped during startup leaves no RocksDB checkpoint behind', async () => {
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), MAIN, 'serve', '--rocksdb', rocksdbPath, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: temporary },
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  // Stopped once a checkpoint exists, before the service has opened.
  const deadline = Date.now() + 60_000
  while (checkpoints().length === 0) {
    assert.ok(Date.now() < deadline, 'serve made no checkpoint in 60 s')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  child.kill('SIGTERM')

  assert.equal(await exited, 0)
  assert.deepEqual(checkpoints(), [])
})
