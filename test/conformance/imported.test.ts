import { after, before, describe, test } from 'node:test'

import { importNodeRocksDb } from '../../src/storage/rocksdb/index.js'
import { assertCaseAnswer, readCases, sendCase } from '../support/corpus.js'
import { type FixtureServer, startServer } from '../support/fixture-service.js'
import { extractFixtureRocksDb, makeTempDirectory, removeDirectory } from '../storage/rocksdb/node-rocksdb.js'

// The corpus again, over the node's real RocksDB: once imported into a LevelDB copy, once read in
// place as with `serve --rocksdb`. Whole responses are compared, view calls included.

let dir: string
let imported: FixtureServer
let inPlace: FixtureServer

before(async () => {
  dir = makeTempDirectory('imported')
  const rocksdbPath = extractFixtureRocksDb(dir)
  const dbPath = `${dir}/imported-db`
  await importNodeRocksDb({ from: rocksdbPath, db: dbPath })
  imported = await startServer({ dbPath })
  inPlace = await startServer({ rocksdbPath })
})

after(async () => {
  await imported?.close()
  await inPlace?.close()
  removeDirectory(dir)
})

const cases = [...readCases('state-cases.jsonl'), ...readCases('batch-cases.jsonl')]

describe('corpus over an imported RocksDB', () => {
  for (const testCase of cases) {
    test(testCase.name, async () => {
      const { status, body } = await sendCase(imported, testCase)
      assertCaseAnswer(testCase, status, body, { compareCalls: true })
    })
  }
})

describe('corpus over RocksDB in place', () => {
  for (const testCase of cases) {
    test(testCase.name, async () => {
      const { status, body } = await sendCase(inPlace, testCase)
      assertCaseAnswer(testCase, status, body, { compareCalls: true })
    })
  }
})
