import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type Command, InvalidArgumentError } from 'commander'

import { createServerApp } from '../../http/app.js'
import { createLogger, type Logger } from '../../logging.js'
import { openStateService, type StateService } from '../../query/service.js'
import { warmUp } from '../../warm-up/warm-up.js'
import { ensureFixtureDatabase } from '../fixture-db.js'
import { packageVersion } from '../version.js'

interface ServeOptions {
  db?: string
  rocksdb?: string
  host: string
  port: number
  builtinBlueprints?: string
  trieCacheMb: number
  bodyLimit: string
  sandbox: boolean
  workers?: number
  callTimeoutMs: number
  memoryLimitMb: number
  workerHeapMb: number
  warmUp: boolean
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve GET /v1a/nano_contract/state and POST /v1a/nano_contract/state/batch')
    .option('--db <dir>', 'LevelDB copy to serve (default: the bundled fixture database, built on first start)')
    .option('--rocksdb <dir>', 'serve straight from a node\'s RocksDB directory instead of a LevelDB copy')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <number>', 'TCP port to listen on', parsePort, 8080)
    .option('--builtin-blueprints <dir>', 'folder of <blueprint id hex>.py sources for blueprints that are not on chain')
    .option('--trie-cache-mb <number>', 'upper bound of the trie node cache, in MiB', parsePositiveInteger, 32)
    .option('--body-limit <size>', 'largest accepted request body, e.g. 256kb', '256kb')
    .option('--workers <number>', 'sandbox worker threads that run view calls (default: one less than the number of CPUs, at least 1)', parsePositiveInteger)
    .option('--call-timeout-ms <ms>', 'time budget of one view call, in milliseconds', parsePositiveInteger, 5000)
    .option('--memory-limit-mb <number>', 'interpreter memory, in MiB, above which a sandbox worker is replaced', parsePositiveInteger, 1024)
    .option('--worker-heap-mb <number>', 'JavaScript heap (old generation) of each sandbox worker, in MiB', parsePositiveInteger, 256)
    .option('--no-sandbox', 'run no view calls (each answers an errmsg) and describe blueprints in the main thread')
    .option('--no-warm-up', 'skip the queries on a small in-memory chain that warm the code paths before the first request')
    .action(serve)
}

async function serve(options: ServeOptions): Promise<void> {
  const logger = createLogger()
  if (options.db !== undefined && options.rocksdb !== undefined) {
    throw new InvalidArgumentError('give either --db or --rocksdb, not both')
  }

  const { app, setReady } = createServerApp({ logger, version: packageVersion(), bodyLimit: options.bodyLimit })
  const server: Server = app.listen(options.port, options.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  // With --port 0 the system picks the port, so the log gives the one bound.
  logger.info('listening', { host: options.host, port: (server.address() as AddressInfo).port })

  let service: StateService | undefined
  let stopping = false
  const shutdown = (signal: string) => {
    stopping = true
    logger.info('stopping', { signal })
    server.close()
    // Ends open responses, streams included, before their database closes under them.
    server.closeAllConnections()
    void service?.close().finally(() => process.exit(0))
    if (service === undefined) process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)

  const dbPath = options.rocksdb === undefined ? options.db ?? (await ensureFixtureDatabase(logger)) : undefined
  service = await openStateService({
    dbPath,
    rocksdbPath: options.rocksdb,
    builtinBlueprintsDir: options.builtinBlueprints,
    trieCacheBytes: options.trieCacheMb * 1024 * 1024,
    sandbox: options.sandbox ? { workers: options.workers, timeoutMs: options.callTimeoutMs, memoryLimitMb: options.memoryLimitMb, heapLimitMb: options.workerHeapMb } : false,
    logger,
  })
  if (options.warmUp) await warmUpLogged(service, logger, () => stopping)
  // A signal during the warm-up closed the service, which then must not be offered.
  if (stopping) return
  setReady(service.query)
  logger.info('ready', { db: dbPath, rocksdb: options.rocksdb })
}

/**
 * Runs the warm-up. A failure only costs the first requests some speed, so it is logged and
 * serving goes on. A failure caused by a stop signal is not logged.
 */
async function warmUpLogged(service: StateService, logger: Logger, stopping: () => boolean): Promise<void> {
  try {
    const report = await warmUp({ executor: service.executor })
    logger.info('warm-up done', { ms: Math.round(report.ms), requests: report.requests, heights: report.heights, calls: report.calls })
  } catch (error) {
    if (!stopping()) logger.warn('warm-up failed', { error: String((error as Error).message ?? error), code: (error as { code?: unknown }).code })
  }
}

function parsePort(text: string): number {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`expected a TCP port from 0 to 65535, got ${text}`)
  return port
}

function parsePositiveInteger(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${text}`)
  return value
}
