/**
 * Benchmark of `nc-state import`. It generates a synthetic node RocksDB with random keys and
 * values of the fixture's sizes (1,000,000 trie nodes and 100,000 blocks by default). Then it
 * imports it into a new LevelDB copy in a child process and prints keys/s, MB/s and the child's
 * peak RSS, followed by the figures of a second run that finds nothing new and of a verify.
 *
 *   node --import tsx test/bench/import-bench.ts [--trie-nodes N] [--blocks N] [--dir DIR]
 *
 * The source is kept in DIR (default: /tmp/nc-state-import-bench) and reused by later runs with
 * the same sizes. This is not a test: `node --test` given a directory loads every file under
 * test/, so the script does nothing when the test runner starts it.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { RocksLevel } from '@nxtedition/rocksdb'

import { COLUMN_FAMILIES } from '../../src/storage/column-families.js'
import { importNodeRocksDb, verifyImport } from '../../src/storage/rocksdb/index.js'

interface BenchParameters {
  trieNodes: number
  blocks: number
}

interface RunFigures {
  seconds: number
  keys: number
  bytes: number
  maxRssBytes: number
}

const GENESIS_TIMESTAMP = 1_730_000_000

/** Random bytes of a length drawn uniformly from [min, max]. */
function randomValue(min: number, max: number): Buffer {
  return randomBytes(min + Math.floor(Math.random() * (max - min + 1)))
}

async function generateSource(path: string, parameters: BenchParameters): Promise<void> {
  const marker = join(path, 'BENCH_PARAMETERS')
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(parameters)) {
    console.log(`reusing the synthetic node RocksDB in ${path}`)
    return
  }

  rmSync(path, { recursive: true, force: true })
  const startedAt = Date.now()
  const db = new RocksLevel(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  const names = ['default', ...COLUMN_FAMILIES]
  await db.open({ createIfMissing: true, compression: false, walCompression: false, columns: Object.fromEntries(names.map((name) => [name, { compression: false }])) })

  let batch = db.batch()
  const flushIfFull = async (): Promise<void> => {
    if (batch.length >= 10_000) {
      await batch.write()
      batch = db.batch()
    }
  }

  // Trie nodes in the fixture are 32-byte ids with values of 40 to 420 bytes (230 on average).
  for (let index = 0; index < parameters.trieNodes; index += 1) {
    batch.put(randomBytes(32), randomValue(40, 420), { column: db.columns['nc-state'] })
    await flushIfFull()
  }

  // Per block, the fixture has a 36-byte height-index value, a vertex of about 170 bytes, metadata of about 390 and static metadata of about 90.
  for (let height = 0; height < parameters.blocks; height += 1) {
    const hash = randomBytes(32)
    const timestamp = Buffer.alloc(4)
    timestamp.writeUInt32BE(GENESIS_TIMESTAMP + 30 * height)
    const heightKey = Buffer.alloc(4)
    heightKey.writeUInt32BE(height)

    batch.put(heightKey, Buffer.concat([hash, timestamp]), { column: db.columns['height-index'] })
    batch.put(hash, randomValue(150, 190), { column: db.columns.tx })
    batch.put(hash, randomValue(360, 420), { column: db.columns.meta })
    batch.put(hash, randomValue(80, 110), { column: db.columns['static-meta'] })
    batch.put(Buffer.concat([timestamp, hash]), Buffer.alloc(0), { column: db.columns['timestamp-sorted-blocks'] })
    await flushIfFull()
  }

  await batch.write()
  await db.close()
  writeFileSync(marker, JSON.stringify(parameters))
  console.log(`generated ${path} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
}

/** Runs one phase in a child process, so that its peak RSS is its own. */
function runPhase(phase: 'import' | 'verify', source: string, copy: string): RunFigures {
  const script = fileURLToPath(import.meta.url)
  const result = spawnSync(process.execPath, [...process.execArgv, script, '--phase', phase, '--source', source, '--copy', copy], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) {
    throw new Error(`${phase} phase failed with exit code ${String(result.status)}`)
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as RunFigures
}

/** Body of a child process: one import or one verify, reported as one JSON line on stdout. */
async function runChildPhase(phase: string, source: string, copy: string): Promise<void> {
  const startedAt = process.hrtime.bigint()
  let keys = 0
  let bytes = 0

  if (phase === 'import') {
    const summary = await importNodeRocksDb({ from: source, db: copy })
    for (const counts of Object.values(summary.columnFamilies)) {
      keys += counts.sourceKeys
      bytes += counts.bytesRead
    }
  } else {
    const report = await verifyImport({ from: source, db: copy })
    if (!report.match) {
      throw new Error('verify found differences')
    }
    keys = report.columnFamilies.reduce((total, entry) => total + entry.sourceKeys, 0)
  }

  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9
  const figures: RunFigures = { seconds, keys, bytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

function describeRun(label: string, figures: RunFigures): string {
  const megabytes = figures.bytes / 1e6
  return [
    `${label}: ${figures.seconds.toFixed(1)} s`,
    `${Math.round(figures.keys / figures.seconds).toLocaleString('en-US')} keys/s`,
    figures.bytes > 0 ? `${(megabytes / figures.seconds).toFixed(1)} MB/s (${megabytes.toFixed(0)} MB of keys and values)` : undefined,
    `peak RSS ${(figures.maxRssBytes / 1e6).toFixed(0)} MB`,
  ].filter((part) => part !== undefined).join(', ')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'trie-nodes': { type: 'string', default: '1000000' },
      blocks: { type: 'string', default: '100000' },
      dir: { type: 'string', default: '/tmp/nc-state-import-bench' },
      phase: { type: 'string' },
      source: { type: 'string' },
      copy: { type: 'string' },
    },
  })

  if (values.phase !== undefined) {
    await runChildPhase(values.phase, values.source ?? '', values.copy ?? '')
    return
  }

  const parameters: BenchParameters = { trieNodes: Number(values['trie-nodes']), blocks: Number(values.blocks) }
  const source = join(values.dir, 'source')
  const copy = join(values.dir, 'copy')
  mkdirSync(values.dir, { recursive: true })
  await generateSource(source, parameters)
  rmSync(copy, { recursive: true, force: true })

  const cpu = cpus()
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}`)
  console.log(`source: ${parameters.trieNodes.toLocaleString('en-US')} trie nodes, ${parameters.blocks.toLocaleString('en-US')} blocks`)
  console.log(describeRun('first import', runPhase('import', source, copy)))
  console.log(describeRun('second import (nothing new)', runPhase('import', source, copy)))
  console.log(describeRun('verify', runPhase('verify', source, copy)))
}

if (process.env.NODE_TEST_CONTEXT === undefined) {
  await main()
}
