import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { COLUMN_FAMILIES, type ColumnFamily, type KeyValueSource, type RangeOptions } from '../../../src/storage/column-families.js'
import { openRocksDbSource } from '../../../src/storage/rocksdb/index.js'
import {
  extractFixtureRocksDb, fingerprintDirectory, makeTempDirectory, readDumpContents, removeDirectory, sortedEntries,
  type NodeContents,
} from './node-rocksdb.js'

function hex(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('hex')
}

async function collect(source: KeyValueSource, cf: ColumnFamily, options?: RangeOptions): Promise<Array<[string, string]>> {
  const entries: Array<[string, string]> = []
  for await (const [key, value] of source.entries(cf, options)) {
    entries.push([hex(key) ?? '', hex(value) ?? ''])
  }
  return entries
}

function heightKey(height: number): Uint8Array {
  return Buffer.from(height.toString(16).padStart(8, '0'), 'hex')
}

describe('RocksDB KeyValueSource', () => {
  let work: string
  let directory: string
  let checkpointDirectory: string
  let sourceBefore: Record<string, string>
  let dump: NodeContents
  let source: KeyValueSource

  before(async () => {
    work = makeTempDirectory('rocksdb-source')
    directory = extractFixtureRocksDb(work)
    checkpointDirectory = join(work, 'checkpoint')
    sourceBefore = fingerprintDirectory(directory)
    dump = readDumpContents()
    source = await openRocksDbSource(directory, { checkpointDirectory })
  })

  after(async () => {
    await source.close()
    removeDirectory(work)
  })

  test('entries of every column family equal the dump', async () => {
    for (const cf of COLUMN_FAMILIES) {
      assert.deepEqual(await collect(source, cf), sortedEntries(dump, cf), cf)
    }
  })

  test('get returns values of binary keys', async () => {
    for (const cf of ['tx', 'meta', 'nc-state'] as const) {
      for (const [key, value] of [...(dump.get(cf) ?? [])].slice(0, 20)) {
        assert.equal(hex(await source.get(cf, Buffer.from(key, 'hex'))), value, `${cf} ${key}`)
      }
    }
  })

  test('get of a missing key is undefined', async () => {
    assert.equal(await source.get('nc-state', new Uint8Array(32)), undefined)
    assert.equal(await source.get('height-index', heightKey(301)), undefined)
  })

  test('getMany keeps the order of the keys', async () => {
    const [first, second] = [...(dump.get('meta') ?? [])]
    assert.ok(first !== undefined)
    assert.ok(second !== undefined)

    const values = await source.getMany('meta', [Buffer.from(second[0], 'hex'), new Uint8Array(32), Buffer.from(first[0], 'hex')])

    assert.deepEqual(values.map(hex), [second[1], undefined, first[1]])
    assert.deepEqual(await source.getMany('meta', []), [])
  })

  test('getSync reads without awaiting', () => {
    const [key, value] = [...(dump.get('static-meta') ?? [])][0] ?? []
    assert.ok(key !== undefined)

    assert.equal(hex(source.getSync?.('static-meta', Buffer.from(key, 'hex'))), value)
    assert.equal(source.getSync?.('static-meta', new Uint8Array(32)), undefined)
  })

  test('entries honour range bounds', async () => {
    const heights = async (options: RangeOptions): Promise<number[]> =>
      (await collect(source, 'height-index', options)).map(([key]) => Number.parseInt(key, 16))

    assert.deepEqual(await heights({ gt: heightKey(10), lt: heightKey(14) }), [11, 12, 13])
    assert.deepEqual(await heights({ gte: heightKey(10), lte: heightKey(12) }), [10, 11, 12])
    assert.deepEqual(await heights({ reverse: true, limit: 3 }), [300, 299, 298])
    assert.deepEqual(await heights({ lt: heightKey(5), reverse: true }), [4, 3, 2, 1, 0])
    assert.deepEqual(await heights({ gte: heightKey(299), limit: -1 }), [299, 300])
    assert.deepEqual(await heights({ limit: 0 }), [])
    assert.equal((await heights({ limit: 2500 })).length, 301)
  })

  test('leaves the source directory untouched', () => {
    assert.deepEqual(fingerprintDirectory(directory), sourceBefore)
  })

  test('close removes the checkpoint', async () => {
    const other = join(work, 'second-checkpoint')
    const second = await openRocksDbSource(directory, { checkpointDirectory: other })
    assert.ok(existsSync(other))

    await second.close()

    assert.equal(existsSync(other), false)
  })
})
