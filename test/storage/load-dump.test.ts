import assert from 'node:assert/strict'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { ClassicLevel } from 'classic-level'

import { StorageError } from '../../src/errors.js'
import { COLUMN_FAMILIES, FORMAT_KEY } from '../../src/storage/column-families.js'
import { openLevelSource, openMemorySource } from '../../src/storage/level-source.js'
import { DumpError, loadDump, loadDumpInto, type LoadDumpProgress } from '../../src/storage/load-dump.js'
import { LOAD_DUMP_KEY, readServiceRecord, writeServiceRecord, type FormatRecord, type LoadDumpRecord } from '../../src/storage/service-records.js'
import { DUMP_PATH, hex, makeTempDir, readDumpLines } from './fixture.js'

/** Reads every entry of every column family, as `cf/keyhex` to value hex. */
async function snapshotDatabase(dbPath: string): Promise<Map<string, string>> {
  const source = await openLevelSource(dbPath)
  const entries = new Map<string, string>()
  for (const cf of COLUMN_FAMILIES) {
    for await (const [key, value] of source.entries(cf)) entries.set(`${cf}/${hex(key)}`, hex(value))
  }
  await source.close()
  return entries
}

async function writeDump(dir: string, lines: string[]): Promise<string> {
  const path = join(dir, 'dump.jsonl')
  await writeFile(path, lines.join('\n') + '\n')
  return path
}

describe('loadDump', () => {
  test('loads every line of the conformance dump', async () => {
    const temp = await makeTempDir()
    const dbPath = join(temp.dir, 'db')
    const progress: LoadDumpProgress[] = []
    try {
      const result = await loadDump(DUMP_PATH, dbPath, { onProgress: (update) => progress.push(update), batchEntries: 1000 })

      const dump = await readDumpLines()
      assert.equal(result.lines, dump.length)
      for (const cf of COLUMN_FAMILIES) {
        assert.equal(result.entries[cf], dump.filter((line) => line.cf === cf).length, `entries of ${cf}`)
      }

      assert.ok(progress.length >= Math.floor(dump.length / 1000), 'one progress report per batch')
      const last = progress.at(-1)!
      assert.equal(last.entries, dump.length)
      assert.equal(last.bytesRead, last.totalBytes)

      const snapshot = await snapshotDatabase(dbPath)
      assert.equal(snapshot.size, dump.length)
    } finally {
      await temp.remove()
    }
  })

  test('loading the same dump twice gives the same database', async () => {
    const temp = await makeTempDir()
    const dbPath = join(temp.dir, 'db')
    try {
      await loadDump(DUMP_PATH, dbPath)
      const first = await snapshotDatabase(dbPath)
      await loadDump(DUMP_PATH, dbPath)
      const second = await snapshotDatabase(dbPath)
      assert.deepEqual(second, first)
    } finally {
      await temp.remove()
    }
  })

  test('reloading replaces entries of the previous dump', async () => {
    const temp = await makeTempDir()
    const dbPath = join(temp.dir, 'db')
    try {
      await loadDump(await writeDump(temp.dir, ['{"cf": "tx", "key": "01", "value": "aa"}']), dbPath)
      await loadDump(await writeDump(temp.dir, ['{"cf": "tx", "key": "02", "value": "bb"}']), dbPath)
      assert.deepEqual(await snapshotDatabase(dbPath), new Map([['tx/02', 'bb']]))
    } finally {
      await temp.remove()
    }
  })

  test('writes the marker and a complete load record', async () => {
    const temp = await makeTempDir()
    const dbPath = join(temp.dir, 'db')
    try {
      const dumpPath = await writeDump(temp.dir, ['{"cf": "meta", "key": "01", "value": ""}'])
      await loadDump(dumpPath, dbPath)
      const db = new ClassicLevel<Uint8Array, Uint8Array>(dbPath, { keyEncoding: 'view', valueEncoding: 'view' })
      await db.open()
      const firstFormat = await readServiceRecord<FormatRecord>(db, FORMAT_KEY)
      await writeServiceRecord(db, 'import-progress', { cursor: 'stale' })
      await db.close()

      await loadDump(dumpPath, dbPath)
      await db.open()
      const format = await readServiceRecord<FormatRecord>(db, FORMAT_KEY)
      const record = await readServiceRecord<LoadDumpRecord>(db, LOAD_DUMP_KEY)
      const staleRecord = await readServiceRecord(db, 'import-progress')
      await db.close()

      assert.equal(format?.format, 1)
      assert.equal(format?.createdAt, firstFormat?.createdAt, 'reloading keeps the creation time')
      assert.equal(record?.status, 'complete')
      assert.equal(record?.entries?.meta, 1)
      assert.equal(staleRecord, undefined, 'other service records are dropped')
    } finally {
      await temp.remove()
    }
  })

  test('accepts an empty existing directory', async () => {
    const temp = await makeTempDir()
    try {
      const dumpPath = await writeDump(temp.dir, ['{"cf": "tx", "key": "01", "value": "aa"}'])
      const dbPath = join(temp.dir, 'fresh')
      await mkdir(dbPath)
      await loadDump(dumpPath, dbPath)
      assert.deepEqual(await snapshotDatabase(dbPath), new Map([['tx/01', 'aa']]))
    } finally {
      await temp.remove()
    }
  })
})

describe('loadDump rejections', () => {
  const cases: Array<{ name: string; lines: string[]; line: number; message: RegExp }> = [
    { name: 'unknown column family', lines: ['{"cf": "tx", "key": "01", "value": ""}', '{"cf": "nope", "key": "01", "value": ""}'], line: 2, message: /unknown column family "nope"/ },
    { name: 'invalid JSON', lines: ['{"cf": "tx", "key": "01", "value": ""}', '', '{"cf": "tx",'], line: 3, message: /invalid JSON/ },
    { name: 'odd-length key', lines: ['{"cf": "tx", "key": "012", "value": ""}'], line: 1, message: /"key"/ },
    { name: 'non-hex value', lines: ['{"cf": "tx", "key": "01", "value": "zz"}'], line: 1, message: /"value"/ },
    { name: 'missing cf', lines: ['{"key": "01", "value": "00"}'], line: 1, message: /"cf"/ },
    { name: 'array line', lines: ['["tx", "01", "00"]'], line: 1, message: /not a JSON object/ },
  ]

  for (const item of cases) {
    test(`${item.name} names the line`, async () => {
      const temp = await makeTempDir()
      try {
        const dumpPath = await writeDump(temp.dir, item.lines)
        await assert.rejects(loadDump(dumpPath, join(temp.dir, 'db')), (error: unknown) => {
          assert.ok(error instanceof DumpError)
          assert.equal(error.code, 'NC_DUMP_INVALID')
          assert.equal(error.details.line, item.line)
          assert.match(error.message, new RegExp(`line ${item.line}:`))
          assert.match(error.message, item.message)
          return true
        })
      } finally {
        await temp.remove()
      }
    })
  }

  test('missing dump file', async () => {
    const temp = await makeTempDir()
    try {
      await assert.rejects(loadDump(join(temp.dir, 'missing.jsonl'), join(temp.dir, 'db')), { code: 'NC_DUMP_NOT_FOUND' })
      assert.deepEqual(await readdir(temp.dir), [], 'no database is created')
    } finally {
      await temp.remove()
    }
  })

  test('non-empty directory that is not LevelDB is left untouched', async () => {
    const temp = await makeTempDir()
    const target = join(temp.dir, 'photos')
    await mkdir(target)
    await writeFile(join(target, 'cat.jpg'), 'meow')
    try {
      const dumpPath = await writeDump(temp.dir, ['{"cf": "tx", "key": "01", "value": ""}'])
      await assert.rejects(loadDump(dumpPath, target), (error: unknown) => {
        assert.ok(error instanceof StorageError)
        assert.equal(error.code, 'NC_STORAGE_INVALID')
        assert.ok(error.message.includes(target))
        return true
      })
      assert.deepEqual(await readdir(target), ['cat.jpg'])
    } finally {
      await temp.remove()
    }
  })

  test('LevelDB database without the marker is rejected', async () => {
    const temp = await makeTempDir()
    const target = join(temp.dir, 'other-db')
    const other = new ClassicLevel(target)
    await other.put('key', 'value')
    await other.close()
    try {
      const dumpPath = await writeDump(temp.dir, ['{"cf": "tx", "key": "01", "value": ""}'])
      await assert.rejects(loadDump(dumpPath, target), { code: 'NC_STORAGE_INVALID' })

      const reopened = new ClassicLevel(target)
      assert.equal(await reopened.get('key'), 'value')
      await reopened.close()
    } finally {
      await temp.remove()
    }
  })

  test('a file as destination is rejected', async () => {
    const temp = await makeTempDir()
    try {
      const dumpPath = await writeDump(temp.dir, ['{"cf": "tx", "key": "01", "value": ""}'])
      await assert.rejects(loadDump(dumpPath, dumpPath), { code: 'NC_STORAGE_INVALID' })
    } finally {
      await temp.remove()
    }
  })
})

describe('loadDumpInto', () => {
  test('fills an in-memory database from lines', async () => {
    const { database, source } = await openMemorySource()
    const result = await loadDumpInto(database, [
      '{"cf": "height-index", "key": "00000000", "value": "ab"}',
      '   ',
      '{"cf": "nc-state", "key": "CAFE", "value": "01"}',
    ])
    assert.equal(result.lines, 3)
    assert.equal(result.entries['height-index'], 1)
    assert.equal(result.entries['nc-state'], 1)
    assert.equal(hex((await source.get('nc-state', Uint8Array.of(0xca, 0xfe)))!), '01')
    await source.close()
  })
})
