import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { Level } from 'level'

import { packageRoot } from '../../../src/package-root.js'
import { COLUMN_FAMILIES } from '../../../src/storage/column-families.js'
import { ImportError, importNodeRocksDb, verifyImport } from '../../../src/storage/rocksdb/index.js'
import { findLockHolders } from '../../../src/storage/rocksdb/lock-file.js'
import { parseOptionsFile } from '../../../src/storage/rocksdb/options-file.js'
import { extractFixtureRocksDb, fingerprintDirectory, makeTempDirectory, readDumpContents, removeDirectory, writeNodeRocksDb } from './node-rocksdb.js'

const projectRoot = packageRoot()

/** Asserts that `promise` rejects with an ImportError of `code` whose message matches every pattern. */
async function assertImportError(promise: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<ImportError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason)
  assert.ok(error instanceof ImportError, `expected an ImportError, got ${String(error)}`)
  assert.equal(error.code, code, error.message)
  for (const pattern of patterns) {
    assert.match(error.message, pattern)
  }
  return error
}

/** Starts a process that opens the RocksDB at `path` and keeps it open, as a running node does. */
async function holdRocksDb(path: string): Promise<ChildProcess> {
  const script = `
    const { RocksLevel } = require('@nxtedition/rocksdb')
    const db = new RocksLevel(process.argv[1])
    const columns = Object.fromEntries(process.argv[2].split(',').map((name) => [name, { compression: false }]))
    db.open({ columns, compression: false }).then(() => console.log('ready'), (error) => { console.error(error); process.exit(1) })
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['-e', script, path, ['default', ...COLUMN_FAMILIES].join(',')], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] })
  const [data] = await once(child.stdout, 'data') as [Buffer]
  assert.equal(data.toString().trim(), 'ready')
  return child
}

describe('import refusals', () => {
  let work: string
  let fixture: string

  before(() => {
    work = makeTempDirectory('refusals')
    fixture = extractFixtureRocksDb(work)
  })

  after(() => removeDirectory(work))

  test('source locked by a running process', async () => {
    const lockedSource = extractFixtureRocksDb(makeTempDirectory('locked'))
    const node = await holdRocksDb(lockedSource)
    try {
      assert.deepEqual(await findLockHolders(join(lockedSource, 'LOCK')), [node.pid])

      const before = readdirSync(lockedSource).sort()
      const error = await assertImportError(importNodeRocksDb({ from: lockedSource, db: join(work, 'locked-copy') }), 'NC_IMPORT_SOURCE_LOCKED', /LOCK file is held/, /Stop the node/)

      assert.match(error.message, new RegExp(`process ${String(node.pid)}`))
      assert.deepEqual(readdirSync(lockedSource).sort(), before)
      assert.equal(existsSync(join(work, 'locked-copy.checkpoint')), false)
    } finally {
      node.kill('SIGKILL')
      await once(node, 'exit')
      removeDirectory(join(lockedSource, '..'))
    }
  })

  test('released lock is no longer reported', async () => {
    assert.deepEqual(await findLockHolders(join(fixture, 'LOCK')), [])
  })

  test('RocksDB without the node column families', async () => {
    const dump = readDumpContents()
    const partial = join(work, 'partial')
    await writeNodeRocksDb(partial, new Map([['tx', dump.get('tx') ?? new Map()], ['meta', dump.get('meta') ?? new Map()]]))

    const error = await assertImportError(importNodeRocksDb({ from: partial, db: join(work, 'partial-copy') }), 'NC_IMPORT_SOURCE_INVALID',
      /not a Hathor full node's RocksDB/, /static-meta, height-index, timestamp-sorted-blocks, nc-state/)

    assert.deepEqual(error.details.missing, ['static-meta', 'height-index', 'timestamp-sorted-blocks', 'nc-state'])
    assert.equal(existsSync(join(work, 'partial-copy')), false, 'no copy is created for a rejected source')
  })

  test('directory that is not a RocksDB', async () => {
    const plain = join(work, 'plain')
    mkdirSync(plain)
    writeFileSync(join(plain, 'notes.txt'), 'not a database')

    await assertImportError(importNodeRocksDb({ from: plain, db: join(work, 'plain-copy') }), 'NC_IMPORT_SOURCE_INVALID', /no CURRENT file/)
    await assertImportError(importNodeRocksDb({ from: join(work, 'missing'), db: join(work, 'plain-copy') }), 'NC_IMPORT_SOURCE_INVALID', /does not exist/)
  })

  test('compression the bundled RocksDB cannot read', async () => {
    const snappy = extractFixtureRocksDb(makeTempDirectory('snappy'))
    const optionsName = readdirSync(snappy).filter((name) => name.startsWith('OPTIONS-')).sort().at(-1) ?? ''
    const text = readFileSync(join(snappy, optionsName), 'utf8')
    const section = text.indexOf('[CFOptions "nc-state"]')
    const edited = text.slice(0, section) + text.slice(section).replace('compression=kNoCompression', 'compression=kSnappyCompression')
    writeFileSync(join(snappy, optionsName), edited)

    try {
      const error = await assertImportError(importNodeRocksDb({ from: snappy, db: join(work, 'snappy-copy') }), 'NC_IMPORT_COMPRESSION_UNSUPPORTED',
        /kSnappyCompression/, /nc-state/, /writes its RocksDB without compression/)
      assert.equal(error.details.columnFamily, 'nc-state')
    } finally {
      removeDirectory(join(snappy, '..'))
    }
  })

  test('destination that is neither empty nor a LevelDB', async () => {
    const occupied = join(work, 'occupied')
    mkdirSync(occupied)
    writeFileSync(join(occupied, 'report.csv'), 'a,b\n')

    await assertImportError(importNodeRocksDb({ from: fixture, db: occupied }), 'NC_IMPORT_DESTINATION_INVALID', /no CURRENT file/)
    assert.deepEqual(readdirSync(occupied), ['report.csv'])
  })

  test('destination that is another LevelDB', async () => {
    const foreign = join(work, 'foreign')
    const db = new Level(foreign)
    await db.put('customer', 'alice')
    await db.close()

    await assertImportError(importNodeRocksDb({ from: fixture, db: foreign }), 'NC_IMPORT_DESTINATION_INVALID', /not an nc-state copy/)

    const reopened = new Level(foreign)
    assert.deepEqual(await reopened.keys().all(), ['customer'], 'the foreign database is not written')
    await reopened.close()
  })

  test('destination that is a RocksDB directory', async () => {
    const before = fingerprintDirectory(fixture)

    await assertImportError(importNodeRocksDb({ from: fixture, db: fixture }), 'NC_IMPORT_DESTINATION_INVALID', /is a RocksDB directory/, /--from/)

    assert.deepEqual(fingerprintDirectory(fixture), before)
  })

  test('destination that is a file', async () => {
    const file = join(work, 'file-destination')
    writeFileSync(file, '')

    await assertImportError(importNodeRocksDb({ from: fixture, db: file }), 'NC_IMPORT_DESTINATION_INVALID', /not a directory/)
  })

  test('verify of a missing copy', async () => {
    await assertImportError(verifyImport({ from: fixture, db: join(work, 'never-imported') }), 'NC_IMPORT_DESTINATION_INVALID', /missing or empty/)
    assert.equal(existsSync(join(work, 'never-imported')), false)
  })

  test('checkpoint directory that is not a checkpoint', async () => {
    const busy = join(work, 'busy-checkpoint')
    mkdirSync(busy)
    writeFileSync(join(busy, 'keep.txt'), 'mine')

    await assertImportError(importNodeRocksDb({ from: fixture, db: join(work, 'busy-copy'), checkpointDirectory: busy }), 'NC_IMPORT_CHECKPOINT_INVALID', /not made by nc-state/)
    assert.deepEqual(readdirSync(busy), ['keep.txt'])
  })
})

describe('RocksDB OPTIONS file', () => {
  test('lists column families and their compression', () => {
    const work = makeTempDirectory('options')
    try {
      const directory = extractFixtureRocksDb(work)
      const name = readdirSync(directory).filter((entry) => entry.startsWith('OPTIONS-')).sort().at(-1) ?? ''
      const options = parseOptionsFile(name, readFileSync(join(directory, name), 'utf8'))

      assert.equal(options.rocksDbVersion, '7.8.3')
      assert.deepEqual([...options.columnFamilies.keys()], ['default', ...['tx', 'meta', 'static-meta', 'height-index', 'timestamp-sorted-blocks', 'nc-state']])
      for (const [name, cfOptions] of options.columnFamilies) {
        assert.equal(cfOptions.get('compression'), 'kNoCompression', name)
        assert.equal(cfOptions.get('comparator'), 'leveldb.BytewiseComparator', name)
      }
    } finally {
      removeDirectory(work)
    }
  })

  test('skips comments and other sections', () => {
    const options = parseOptionsFile('OPTIONS-000001', [
      '# comment',
      '[Version]',
      '  rocksdb_version=9.7.4',
      '[DBOptions]',
      '  compression=kLZ4Compression',
      '[CFOptions "a b"]',
      '  compression=kZSTD',
      '[TableOptions/BlockBasedTable "a b"]',
      '  checksum=kXXH3',
    ].join('\n'))

    assert.equal(options.rocksDbVersion, '9.7.4')
    assert.deepEqual([...options.columnFamilies.keys()], ['a b'])
    assert.deepEqual([...(options.columnFamilies.get('a b') ?? new Map<string, string>())], [['compression', 'kZSTD']])
  })
})
