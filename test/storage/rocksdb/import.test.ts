import assert from 'node:assert/strict'
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { COLUMN_FAMILIES, FORMAT_KEY, LEVEL_FORMAT_VERSION } from '../../../src/storage/column-families.js'
import { IMPORT_PROGRESS_KEY, IMPORT_RECORD_KEY, importNodeRocksDb, verifyImport, type ImportSummary } from '../../../src/storage/rocksdb/index.js'
import { LevelDestination } from '../../../src/storage/rocksdb/level-destination.js'
import {
  extractFixtureRocksDb, fingerprintDirectory, makeTempDirectory, readChain, readDumpContents, readLevelCopy,
  removeDirectory, sortedEntries, writeNodeRocksDb,
} from './node-rocksdb.js'

describe('import of the fixture RocksDB', () => {
  let work: string
  let source: string
  let copy: string
  let sourceBefore: Record<string, string>
  let first: ImportSummary

  before(async () => {
    work = makeTempDirectory('import')
    source = extractFixtureRocksDb(work)
    copy = join(work, 'copy')
    sourceBefore = fingerprintDirectory(source)
    first = await importNodeRocksDb({ from: source, db: copy })
  })

  after(() => removeDirectory(work))

  test('copies every column family byte for byte', async () => {
    const dump = readDumpContents()
    const imported = await readLevelCopy(copy)

    for (const cf of COLUMN_FAMILIES) {
      const expected = sortedEntries(dump, cf)
      assert.ok(expected.length > 0, `the dump has entries for ${cf}`)
      assert.deepEqual(imported.get(cf), expected, `column family ${cf}`)
    }
  })

  test('counts every key as added', () => {
    const dump = readDumpContents()
    for (const cf of COLUMN_FAMILIES) {
      const counts = first.columnFamilies[cf]
      assert.equal(counts.sourceKeys, dump.get(cf)?.size, `source keys of ${cf}`)
      assert.equal(counts.added, dump.get(cf)?.size, `added keys of ${cf}`)
      assert.equal(counts.updated + counts.deleted, 0, `changes to ${cf}`)
    }
  })

  test('records the format, the source and its tip', async () => {
    const chain = readChain()
    const tipBlock = chain.blocks.find((block) => block.height === chain.tip_height)

    const destination = await LevelDestination.open(copy, { create: false })
    try {
      const format = await destination.getRecord<{ format: number, createdAt: string }>(FORMAT_KEY)
      const record = await destination.getRecord<ImportSummary>(IMPORT_RECORD_KEY)
      const progress = await destination.getRecord(IMPORT_PROGRESS_KEY)

      assert.equal(format?.format, LEVEL_FORMAT_VERSION)
      assert.equal(record?.source, source)
      assert.equal(record?.tipHeight, chain.tip_height)
      assert.equal(record?.tipHash, tipBlock?.hash)
      assert.ok(Date.parse(record?.finishedAt ?? '') >= Date.parse(record?.startedAt ?? ''))
      assert.equal(progress, undefined, 'no progress record is left after a finished import')
    } finally {
      await destination.close()
    }
  })

  test('leaves the source directory untouched', () => {
    assert.deepEqual(fingerprintDirectory(source), sourceBefore)
  })

  test('removes its checkpoint', () => {
    assert.equal(existsSync(`${copy}.checkpoint`), false)
  })

  test('second run changes nothing', async () => {
    const second = await importNodeRocksDb({ from: source, db: copy })

    for (const cf of COLUMN_FAMILIES) {
      const counts = second.columnFamilies[cf]
      assert.equal(counts.sourceKeys, first.columnFamilies[cf].sourceKeys, `source keys of ${cf}`)
      assert.equal(counts.added + counts.updated + counts.deleted, 0, `changes to ${cf}`)
    }
    assert.equal(second.resumed, false)
  })

  test('verify reports a match for every column family', async () => {
    const report = await verifyImport({ from: source, db: copy })

    assert.equal(report.match, true)
    assert.deepEqual(report.columnFamilies.map((entry) => entry.columnFamily), [...COLUMN_FAMILIES])
    for (const entry of report.columnFamilies) {
      assert.equal(entry.sourceKeys, entry.destinationKeys, entry.columnFamily)
      assert.equal(entry.sourceDigest, entry.destinationDigest, entry.columnFamily)
      assert.match(entry.sourceDigest, /^[0-9a-f]{64}$/)
    }
  })

  test('verify finds a changed value and a missing key', async () => {
    const tampered = join(work, 'tampered')
    await importNodeRocksDb({ from: source, db: tampered })

    const destination = await LevelDestination.open(tampered, { create: false })
    const [metaKey] = readDumpContents().get('meta')?.keys() ?? []
    const [trieKey] = readDumpContents().get('nc-state')?.keys() ?? []
    assert.ok(metaKey !== undefined)
    assert.ok(trieKey !== undefined)
    await destination.column('meta').put(Buffer.from(metaKey, 'hex'), Buffer.from('{}'))
    await destination.column('nc-state').del(Buffer.from(trieKey, 'hex'))
    await destination.close()

    const report = await verifyImport({ from: source, db: tampered })
    const byName = new Map(report.columnFamilies.map((entry) => [entry.columnFamily, entry]))

    assert.equal(report.match, false)
    assert.equal(byName.get('meta')?.match, false)
    assert.equal(byName.get('meta')?.destinationKeys, byName.get('meta')?.sourceKeys)
    assert.equal(byName.get('nc-state')?.match, false)
    assert.equal(byName.get('nc-state')?.destinationKeys, (byName.get('nc-state')?.sourceKeys ?? 0) - 1)
    assert.equal(byName.get('tx')?.match, true)
  })

  test('opens a node RocksDB with more column families', async () => {
    const withIndexes = join(work, 'with-indexes')
    await writeNodeRocksDb(withIndexes, readDumpContents(), ['tokens-index', 'address-index', 'info-index'])

    const summary = await importNodeRocksDb({ from: withIndexes, db: join(work, 'with-indexes-copy') })

    assert.deepEqual(await readLevelCopy(join(work, 'with-indexes-copy')), await readLevelCopy(copy))
    assert.equal(summary.tipHeight, first.tipHeight)
  })

  test('accepts the node data directory that holds data_v2.db', async () => {
    const dataDirectory = join(work, 'node-data')
    mkdirSync(dataDirectory)
    const nested = join(dataDirectory, 'data_v2.db')
    renameSync(extractFixtureRocksDb(join(work, 'node-data')), nested)

    const summary = await importNodeRocksDb({ from: dataDirectory, db: join(work, 'from-data-directory') })

    assert.equal(summary.source, nested)
    assert.equal(summary.columnFamilies['nc-state'].added, first.columnFamilies['nc-state'].sourceKeys)
  })
})
