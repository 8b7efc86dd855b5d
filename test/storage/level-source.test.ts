import assert from 'node:assert/strict'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Worker } from 'node:worker_threads'

import { ClassicLevel } from 'classic-level'

import { StorageError } from '../../src/errors.js'
import { COLUMN_FAMILIES, type ColumnFamily } from '../../src/storage/column-families.js'
import { openLevelSource, openMemorySource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { LOAD_DUMP_KEY, writeServiceRecord } from '../../src/storage/service-records.js'
import { buildFixtureDatabase, fromHex, hex, makeTempDir, readDumpLines, type DumpLine } from './fixture.js'

describe('LevelKeyValueSource over the loaded dump', () => {
  let dbPath: string
  let remove: () => Promise<void>
  let source: LevelKeyValueSource
  let dump: DumpLine[]

  before(async () => {
    ({ dbPath, remove } = await buildFixtureDatabase())
    source = await openLevelSource(dbPath)
    dump = await readDumpLines()
  })

  after(async () => {
    await source.close()
    await remove()
  })

  test('entries of every column family equal the dump', async () => {
    for (const cf of COLUMN_FAMILIES) {
      const expected = new Map(dump.filter((line) => line.cf === cf).map((line) => [line.key, line.value]))
      const actual = new Map<string, string>()
      for await (const [key, value] of source.entries(cf)) actual.set(hex(key), hex(value))
      assert.equal(actual.size, expected.size, `entry count of ${cf}`)
      assert.deepEqual(actual, expected, `entries of ${cf}`)
    }
  })

  test('get, getMany and getSync return the stored bytes', async () => {
    for (const line of dump.filter((_, index) => index % 7 === 0)) {
      const cf = line.cf as ColumnFamily
      const key = fromHex(line.key)
      assert.equal(hex((await source.get(cf, key))!), line.value, `get ${cf} ${line.key}`)
      assert.equal(hex(source.getSync(cf, key)!), line.value, `getSync ${cf} ${line.key}`)
    }

    const lines = dump.filter((line) => line.cf === 'meta').slice(0, 5)
    const keys = [...lines.map((line) => fromHex(line.key)), new Uint8Array(32)]
    const values = await source.getMany('meta', keys)
    assert.deepEqual(values.map((value) => (value === undefined ? undefined : hex(value))), [...lines.map((line) => line.value), undefined])
  })

  test('reads return plain Uint8Array, not Buffer', async () => {
    const line = dump.find((item) => item.cf === 'tx')!
    const value = await source.get('tx', fromHex(line.key))
    assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype)
    assert.equal(Object.getPrototypeOf(source.getSync('tx', fromHex(line.key))), Uint8Array.prototype)
  })

  test('absent keys read as undefined', async () => {
    assert.equal(await source.get('nc-state', new Uint8Array(32)), undefined)
    assert.equal(source.getSync('nc-state', new Uint8Array(32)), undefined)
  })

  test('entries honour range, reverse and limit', async () => {
    const heights: number[] = []
    const range = { gte: Uint8Array.of(0, 0, 0, 10), lt: Uint8Array.of(0, 0, 0, 20), reverse: true, limit: 3 }
    for await (const [key] of source.entries('height-index', range)) {
      heights.push(new DataView(key.buffer, key.byteOffset, 4).getUint32(0))
    }
    assert.deepEqual(heights, [19, 18, 17])
  })

  test('a worker thread opens the same database and reads synchronously', async () => {
    const line = dump.find((item) => item.cf === 'nc-state')!
    // Under tsx this test runs from its .ts source and after tsc from .js, so the worker imports
    // the module with this file's extension.
    const moduleUrl = new URL(`../../src/storage/level-source${extname(import.meta.url)}`, import.meta.url).href
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      // A worker does not inherit tsx's module hooks, so it registers them for the .ts source.
      const loading = workerData.moduleUrl.endsWith('.ts')
        ? import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.moduleUrl) })
        : import(workerData.moduleUrl)
      loading.then(async ({ openLevelSource }) => {
        const source = await openLevelSource(workerData.dbPath)
        const value = source.getSync('nc-state', Buffer.from(workerData.key, 'hex'))
        await source.close()
        parentPort.postMessage(Buffer.from(value).toString('hex'))
      }).catch((error) => parentPort.postMessage('error: ' + error.message))
    `
    const worker = new Worker(code, { eval: true, workerData: { moduleUrl, dbPath, key: line.key } })
    const message = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    assert.equal(message, line.value)
  })
})

describe('openLevelSource rejections', () => {
  test('missing directory names the path and the commands', async () => {
    const temp = await makeTempDir()
    const missing = join(temp.dir, 'no-such-db')
    try {
      await assert.rejects(openLevelSource(missing), (error: unknown) => {
        assert.ok(error instanceof StorageError)
        assert.equal(error.code, 'NC_STORAGE_NOT_OPEN')
        assert.match(error.message, new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        assert.match(error.message, /nc-state load-dump/)
        assert.match(error.message, /nc-state import/)
        return true
      })
      assert.deepEqual(await readdir(temp.dir), [], 'opening must not create the directory')
    } finally {
      await temp.remove()
    }
  })

  test('LevelDB database without the marker is invalid', async () => {
    const temp = await makeTempDir()
    const foreign = new ClassicLevel(temp.dir)
    await foreign.put('hello', 'world')
    await foreign.close()
    try {
      await assert.rejects(openLevelSource(temp.dir), (error: unknown) => {
        assert.ok(error instanceof StorageError)
        assert.equal(error.code, 'NC_STORAGE_INVALID')
        assert.ok(error.message.includes(temp.dir))
        assert.match(error.message, /load-dump/)
        return true
      })
    } finally {
      await temp.remove()
    }
  })

  test('a file instead of a directory is rejected', async () => {
    const temp = await makeTempDir()
    const file = join(temp.dir, 'file')
    await writeFile(file, 'not a database')
    try {
      await assert.rejects(openLevelSource(file), { code: 'NC_STORAGE_NOT_OPEN' })
    } finally {
      await temp.remove()
    }
  })

  test('an interrupted dump load is rejected', async () => {
    const temp = await makeTempDir()
    const dbPath = join(temp.dir, 'db')
    await mkdir(dbPath)
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dbPath, { keyEncoding: 'view', valueEncoding: 'view' })
    await loadDumpInto(db, ['{"cf": "tx", "key": "00", "value": "01"}'])
    await writeServiceRecord(db, LOAD_DUMP_KEY, { status: 'loading', dumpPath: 'dump.jsonl', startedAt: new Date().toISOString() })
    await db.close()
    try {
      await assert.rejects(openLevelSource(dbPath), (error: unknown) => {
        assert.ok(error instanceof StorageError)
        assert.equal(error.code, 'NC_STORAGE_INVALID')
        assert.match(error.message, /did not finish/)
        return true
      })
    } finally {
      await temp.remove()
    }
  })
})

describe('openMemorySource', () => {
  test('reads what loadDumpInto wrote, synchronously too', async () => {
    const { database, source } = await openMemorySource()
    await loadDumpInto(database, ['{"cf": "meta", "key": "aa", "value": "7b7d"}'])
    assert.equal(hex((await source.get('meta', Uint8Array.of(0xaa)))!), '7b7d')
    assert.equal(hex(source.getSync('meta', Uint8Array.of(0xaa))!), '7b7d')
    assert.equal(await source.get('tx', Uint8Array.of(0xaa)), undefined)
    await source.close()
  })
})
