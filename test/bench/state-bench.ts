/**
 * Backfill benchmark over HTTP on loopback: runs the server as a child process and times
 * the batch endpoint.
 *
 * S1: the corpus's `pools` contract, heights 201 to 300, fields total_swaps, last_update and
 *     paused, balances __all__, calls get_all_prices_usd() and get_all_prices_htr(): the first
 *     request after start (cold caches, Pyodide loaded, the startup warm-up done; also timed on a
 *     server started with --no-warm-up), then overlapping ranges.
 * S2: the synthetic 80,000-block PricePools chain (built by build-s2-chain.ts and cached in
 *     .bench-cache/), the same query over every height as 800 requests of 100 heights.
 *
 * Usage: npm run bench [-- --skip-s1] [-- --skip-s2] [-- --concurrency N] [-- --workers N]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

import { stringifyJson } from '../../src/json.js'
import { fixturesDir, packageRoot } from '../../src/package-root.js'
import { loadDump } from '../../src/storage/load-dump.js'
import { DEFAULT_S2_DB, ensureS2Chain } from './build-s2-chain.js'

/** Reference figures from the issue: hathorlib in memory on this machine, per 100 heights. */
const REFERENCE_MS_CALLS_ONLY = 510
const REFERENCE_MS_FULL_QUERY = 770
/** The node's own batch endpoint: about 10 minutes for 80,000 heights. */
const NODE_SECONDS_80K = 600

const QUERY = {
  fields: ['total_swaps', 'last_update', 'paused'],
  balances: ['__all__'],
  calls: ['get_all_prices_usd()', 'get_all_prices_htr()'],
}

/** Sandbox workers of the server; one CPU stays with its main thread. */
const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1)

interface RunningServer {
  child: ChildProcess
  baseUrl: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

/** How the benchmark starts the server: sandbox workers, and Node.js options as `npm start` passes them. */
interface ServerSettings {
  workers: number
  nodeOptions: string[]
  /** Arguments of `serve` beyond the database, port and workers. */
  serveArgs?: string[]
}

/** Node.js options of the `start` script in package.json (the words between `node` and the script). */
function startScriptNodeOptions(): string[] {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { scripts: { start: string } }
  const words = manifest.scripts.start.split(/\s+/)
  const script = words.findIndex((word) => word.endsWith('.js'))
  return words[0] === 'node' && script > 0 ? words.slice(1, script) : []
}

async function startServer(dbPath: string, { workers, nodeOptions, serveArgs = [] }: ServerSettings): Promise<RunningServer> {
  const port = await freePort()
  const main = join(packageRoot(), 'dist', 'src', 'cli', 'main.js')
  const child = spawn(process.execPath, [...nodeOptions, main, 'serve', '--db', dbPath, '--port', String(port), '--workers', String(workers), ...serveArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NC_STATE_LOG_LEVEL: 'warn' },
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const baseUrl = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`)
    if (Date.now() > deadline) throw new Error(`server not ready after 120 s: ${stderr}`)
    const status = await fetch(`${baseUrl}/health`).then((response) => response.status, () => 0)
    if (status === 200) break
    await new Promise((done) => setTimeout(done, 200))
  }

  return {
    child,
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((done) => child.once('exit', done))
    },
  }
}

/** Peak resident memory of a process, in MiB (`VmHWM`). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmHWM:\s+(\d+) kB/.exec(status)
  return match === null ? Number.NaN : Number(match[1]) / 1024
}

async function cacheHitRates(baseUrl: string): Promise<Record<string, string>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const counts: Record<string, { hit: number; miss: number }> = {}
  for (const match of text.matchAll(/nc_state_render_cache_lookups\{kind="(\w+)",result="(hit|miss)"\} (\d+)/g)) {
    const entry = (counts[match[1]!] ??= { hit: 0, miss: 0 })
    entry[match[2] as 'hit' | 'miss'] = Number(match[3])
  }
  const rates: Record<string, string> = {}
  for (const [kind, { hit, miss }] of Object.entries(counts)) {
    rates[kind] = hit + miss === 0 ? 'n/a' : `${((100 * hit) / (hit + miss)).toFixed(1)}% of ${hit + miss}`
  }
  return rates
}

async function timeBatch(baseUrl: string, body: Record<string, unknown>): Promise<{ ms: number; succeeded: number; failed: number }> {
  const started = performance.now()
  const response = await fetch(`${baseUrl}/v1a/nano_contract/state/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: stringifyJson(body),
  })
  const text = await response.text()
  // Timed to the last byte received; parsing the response is the client's cost, not the server's.
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`batch request failed with status ${response.status}: ${text.slice(0, 500)}`)
  return { ms, ...readTotals(text) }
}

/**
 * Reads the totals that end a batch response without parsing its snapshots. S2 sends 800
 * requests one after another, and parsing 565 MB of responses would take the benchmark
 * client seconds of CPU that the server on the same 2 CPUs then lacks.
 */
function readTotals(text: string): { succeeded: number; failed: number } {
  const totals = /"total_succeeded":(\d+),"total_failed":(\d+)\}$/.exec(text)
  if (totals === null) throw new Error(`batch response does not end with its totals: ...${text.slice(-200)}`)
  return { succeeded: Number(totals[1]), failed: Number(totals[2]) }
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!
}

async function benchS1(settings: ServerSettings): Promise<void> {
  const dbPath = resolve(packageRoot(), '.bench-cache', 'fixture-db')
  if (!existsSync(dbPath)) await loadDump(join(fixturesDir(), 'conformance', 'node-dump.jsonl'), dbPath)
  const chain = JSON.parse(readFileSync(join(fixturesDir(), 'conformance', 'chain.json'), 'utf8')) as { contracts: Record<string, string> }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
  const body = (heights: number[]) => ({ id: chain.contracts.pools, block_heights: heights, ...QUERY })

  // The server warms its code paths on a chain of its own at startup; the same first request
  // without that warm-up shows what it saves.
  const unwarmed = await startServer(dbPath, { ...settings, serveArgs: ['--no-warm-up'] })
  let coldUnwarmed: number
  try {
    coldUnwarmed = (await timeBatch(unwarmed.baseUrl, body(range(201, 300)))).ms
  } finally {
    await unwarmed.stop()
  }

  const server = await startServer(dbPath, settings)
  try {
    const cold = await timeBatch(server.baseUrl, body(range(201, 300)))
    const shifted = await timeBatch(server.baseUrl, body(range(191, 290)))
    const same = await timeBatch(server.baseUrl, body(range(201, 300)))
    const rates = await cacheHitRates(server.baseUrl)
    const rss = peakRssMb(server.child.pid!)

    console.log('\nS1: pools, heights 201-300, 3 fields + __all__ balances + 2 price calls')
    console.log(`  first request (cold caches):     ${cold.ms.toFixed(1)} ms (target 100 ms; reference ${REFERENCE_MS_FULL_QUERY} ms, ${(REFERENCE_MS_FULL_QUERY / cold.ms).toFixed(1)}x)`)
    console.log(`  the same, started --no-warm-up:  ${coldUnwarmed.toFixed(1)} ms`)
    console.log(`  next request, heights 191-290:   ${shifted.ms.toFixed(1)} ms (target 25 ms; ${(REFERENCE_MS_FULL_QUERY / shifted.ms).toFixed(1)}x the reference)`)
    console.log(`  same range again, 201-300:       ${same.ms.toFixed(1)} ms (${(REFERENCE_MS_FULL_QUERY / same.ms).toFixed(1)}x the reference)`)
    console.log(`  heights per second (cold):       ${((100 * 1000) / cold.ms).toFixed(0)}`)
    console.log(`  cache hit rates:                 ${JSON.stringify(rates)}`)
    console.log(`  server peak RSS:                 ${rss.toFixed(0)} MiB`)
    console.log(`  (reference, calls only: ${REFERENCE_MS_CALLS_ONLY} ms per 100 heights)`)
  } finally {
    await server.stop()
  }
}

async function benchS2(settings: ServerSettings, concurrency: number): Promise<void> {
  const dbPath = resolve(packageRoot(), DEFAULT_S2_DB)
  const { summary } = await ensureS2Chain(dbPath, undefined, (line) => console.log(`  ${line}`))
  const server = await startServer(dbPath, settings)
  try {
    const batches: number[][] = []
    for (let from = 0; from <= summary.tipHeight; from += 100) {
      batches.push(Array.from({ length: Math.min(100, summary.tipHeight - from + 1) }, (_, i) => from + i))
    }

    const latencies: number[] = []
    let succeeded = 0
    let next = 0
    const started = performance.now()
    const client = async () => {
      while (next < batches.length) {
        const heights = batches[next++]!
        const result = await timeBatch(server.baseUrl, { id: summary.contractId, block_heights: heights, ...QUERY })
        latencies.push(result.ms)
        succeeded += result.succeeded
      }
    }
    await Promise.all(Array.from({ length: concurrency }, client))
    const wallSeconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const rates = await cacheHitRates(server.baseUrl)
    const rss = peakRssMb(server.child.pid!)
    const heights = batches.reduce((sum, batch) => sum + batch.length, 0)

    console.log(`\nS2: ${heights} heights, ${batches.length} requests of 100 heights, ${concurrency} at a time`)
    console.log(`  contract state changes: ${summary.changedBlocks}, pools: ${summary.tokens.length}`)
    console.log(`  wall time:               ${wallSeconds.toFixed(1)} s (target 30 s; node about ${NODE_SECONDS_80K} s, ${(NODE_SECONDS_80K / wallSeconds).toFixed(0)}x)`)
    console.log(`  heights per second:      ${(heights / wallSeconds).toFixed(0)} (${succeeded} snapshots)`)
    console.log(`  ms per 100-height batch: p50 ${percentile(latencies, 0.5).toFixed(1)}, p95 ${percentile(latencies, 0.95).toFixed(1)} (reference ${REFERENCE_MS_FULL_QUERY} ms)`)
    console.log(`  cache hit rates:         ${JSON.stringify(rates)}`)
    console.log(`  server peak RSS:         ${rss.toFixed(0)} MiB (target 1024 MiB)`)
  } finally {
    await server.stop()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'skip-s1': { type: 'boolean', default: false },
      'skip-s2': { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '1' },
      workers: { type: 'string', default: String(DEFAULT_WORKERS) },
    },
  })
  const settings: ServerSettings = { workers: Number(values.workers), nodeOptions: startScriptNodeOptions() }
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}; server with ${settings.workers} sandbox worker(s), node options ${JSON.stringify(settings.nodeOptions)}`)
  if (!values['skip-s1']) await benchS1(settings)
  if (!values['skip-s2']) await benchS2(settings, Number(values.concurrency))
}

await main()
