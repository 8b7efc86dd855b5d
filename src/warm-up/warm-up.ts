import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'

import express from 'express'

import { bytesToHex } from '../encoding/hex.js'
import { NcStateError } from '../errors.js'
import { createNanoContractRouter } from '../http/router.js'
import { parseJson } from '../json.js'
import { createLogger, type Logger } from '../logging.js'
import { BlueprintCatalog, CachedTrieNodeSource } from '../nano/index.js'
import type { BlueprintDescriber, ViewCallRunner } from '../query/chain.js'
import { StorageChainReader } from '../query/level-chain.js'
import { StateQuery } from '../query/state-query.js'
import { describeBlueprint } from '../sandbox/describe.js'
import type { ViewCallExecutor, WarmUpSandbox } from '../sandbox/view-call-executor.js'
import { NodeStorage } from '../storage/node-storage.js'
import { buildWarmUpChain, CONTRACT_HEIGHT, type WarmUpChain } from './chain.js'

export interface WarmUpOptions {
  /** The service's sandbox workers, which then run the warm-up's view calls too. Without it, no view call runs. */
  executor?: ViewCallExecutor
  /** Times the warm-up queries run, each time on caches of its own that start empty. Default: 3. */
  rounds?: number
  /**
   * Time after which the warm-up stops and throws, in milliseconds. View calls still waiting
   * for a worker then fail at once. Default: 10,000, ten times what it takes on 2 CPUs.
   */
  timeLimitMs?: number
}

export interface WarmUpReport {
  /** Wall time of the whole warm-up, chain building included, in milliseconds. */
  ms: number
  /** HTTP requests sent. */
  requests: number
  /** Heights requested over all requests. */
  heights: number
  /** Whether the requests asked for view calls. */
  calls: boolean
}

const DEFAULT_ROUNDS = 3
const DEFAULT_TIME_LIMIT_MS = 10_000

/** Heights asked one by one with `GET /nano_contract/state` in each round. */
const SINGLE_HEIGHT_REQUESTS = 3

/**
 * Runs the state endpoints on a small chain held in memory before the server takes requests.
 * The first real request then does not pay for code that runs for the first time: V8 compiling
 * the hot JavaScript, Express and the validators on their first request, and the Python
 * interpreter's first views. The warm-up has its own chain, trie node cache, block cache and
 * rendered responses, so it reads and caches nothing of the database, and the first real request
 * starts with cold caches. Requests go over loopback HTTP to a router of their own on an
 * ephemeral port.
 */
export async function warmUp(options: WarmUpOptions = {}): Promise<WarmUpReport> {
  const started = performance.now()
  const chain = buildWarmUpChain()
  const sandbox = options.executor?.openWarmUpStorage(chain.source.rows())
  const report: WarmUpReport = { ms: 0, requests: 0, heights: 0, calls: sandbox !== undefined }
  const server = await WarmUpServer.listen()

  // A sandbox that replaces its worker after every request would make the warm-up last minutes.
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    sandbox?.close()
  }, timeLimitMs)

  try {
    for (let round = 0; round < (options.rounds ?? DEFAULT_ROUNDS); round++) {
      server.serve(createWarmUpQuery(chain, sandbox))
      await runRound(chain, server, report, () => timedOut)
    }
  } catch (error) {
    if (!timedOut) throw error
    throw new WarmUpError(`warm-up exceeded its time limit of ${timeLimitMs} ms after ${report.requests} requests`, { timeLimitMs, requests: report.requests })
  } finally {
    clearTimeout(timer)
    await server.close()
    sandbox?.close()
  }

  report.ms = performance.now() - started
  return report
}

/** Sends the usual requests to the state query the server serves now, and checks every response. */
async function runRound(chain: WarmUpChain, server: WarmUpServer, report: WarmUpReport, timedOut: () => boolean): Promise<void> {
  const parts = { fields: chain.fields, balances: chain.balances, calls: report.calls ? chain.calls : [] }
  const heights = Array.from({ length: chain.tipHeight }, (_, index) => index + 1)

  for (let i = 0; i < SINGLE_HEIGHT_REQUESTS; i++) {
    const height = heights[Math.floor(((i + 1) * heights.length) / (SINGLE_HEIGHT_REQUESTS + 1))]!
    const search = new URLSearchParams({ id: chain.contractId, block_height: String(height) })
    for (const [name, values] of Object.entries(parts)) {
      for (const value of values) search.append(`${name}[]`, value)
    }
    if (timedOut()) throw new WarmUpError('warm-up timed out')
    const response = await server.send('state', `/v1a/nano_contract/state?${search}`)
    checkCalls(response, `state at height ${height}`)
    report.requests += 1
    report.heights += 1
  }

  // The first batch computes every height, and the second, in another order, finds them in the cache.
  const half = Math.floor(heights.length / 2)
  for (const batch of [heights, heights.slice(half).concat(heights.slice(0, half))]) {
    if (timedOut()) throw new WarmUpError('warm-up timed out')
    const response = await server.send('batch', '/v1a/nano_contract/state/batch', JSON.stringify({ id: chain.contractId, ...parts, block_heights: batch }))
    checkBatch(response, batch.length)
    report.requests += 1
    report.heights += batch.length
  }
}

/** Throws when a batch has a failed height or a view call that failed. */
function checkBatch(response: Record<string, unknown>, requested: number): void {
  const errors = response.errors as Array<{ block_height: number; error: string }>
  // Heights below the one that created the contract fail, as they should.
  const unexpected = errors.filter((error) => error.block_height >= CONTRACT_HEIGHT)
  if (unexpected.length > 0) {
    throw new WarmUpError(`batch of ${requested} heights failed at height ${unexpected[0]!.block_height}: ${unexpected[0]!.error}`, { errors: unexpected.length })
  }
  for (const snapshot of response.snapshots as Array<Record<string, unknown>>) checkCalls(snapshot, `batch at height ${String(snapshot.block_height)}`)
}

/** Throws when a view call of a snapshot returned an error, because a warm-up should run every call through. */
function checkCalls(snapshot: Record<string, unknown>, where: string): void {
  for (const [call, result] of Object.entries((snapshot.calls ?? {}) as Record<string, { errmsg?: string }>)) {
    if (result.errmsg !== undefined) throw new WarmUpError(`view call ${call} failed in the ${where}: ${result.errmsg}`, { call })
  }
}

/** Creates a state query with caches of its own on the warm-up chain. Blueprints are described in the sandbox when there is one. */
function createWarmUpQuery(chain: WarmUpChain, sandbox: WarmUpSandbox | undefined): StateQuery {
  const storage = new NodeStorage(chain.source)
  const nodes = new CachedTrieNodeSource(storage)
  const catalog = new BlueprintCatalog(storage)
  const blueprints: BlueprintDescriber = sandbox ?? {
    describe: async (blueprintId) => describeBlueprint(await catalog.getSource(blueprintId), bytesToHex(blueprintId)),
  }
  const viewCalls: ViewCallRunner | undefined = sandbox
  return new StateQuery({ chain: new StorageChainReader(storage, nodes), blueprints, viewCalls })
}

/**
 * An Express app with the nano-contract router on an ephemeral loopback port, and a client for
 * it. Requests go through `node:http`, not the global `fetch`, so an embedder's fetch mocks and
 * dispatchers neither see nor change them.
 */
class WarmUpServer {
  private router: express.Router | undefined
  private readonly logger = discardingLogger()
  private readonly server: Server

  private constructor() {
    const app = express()
    app.use('/v1a', (req, res, next) => this.router!(req, res, next))
    this.server = app.listen(0, '127.0.0.1')
  }

  static async listen(): Promise<WarmUpServer> {
    const warmUpServer = new WarmUpServer()
    await new Promise<void>((resolve, reject) => {
      warmUpServer.server.once('listening', resolve)
      warmUpServer.server.once('error', reject)
    })
    return warmUpServer
  }

  /** Routes the next requests to a router on `query`. */
  serve(query: StateQuery): void {
    this.router = createNanoContractRouter({ query, logger: this.logger })
  }

  /** Sends a request and returns its JSON response; a status other than 200 throws `WarmUpError` with the response's message. */
  async send(route: 'state' | 'batch', path: string, body?: string): Promise<Record<string, unknown>> {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port: (this.server.address() as AddressInfo).port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        agent: false,
      }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
        response.on('error', reject)
      })
      request.on('error', reject)
      request.end(body)
    })

    let response: Record<string, unknown>
    try {
      response = parseJson(text) as Record<string, unknown>
    } catch {
      throw new WarmUpError(`warm-up ${route} request failed with status ${status} and a response that is not JSON: ${text.slice(0, 200)}`, { route, status })
    }
    if (status !== 200) {
      throw new WarmUpError(`warm-up ${route} request on the warm-up chain failed with status ${status}: ${String(response.error)}`, { route, status, code: response.code })
    }
    return response
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Failure of the warm-up: a request failed, a view call failed, or the time limit passed. The server can still serve. */
export class WarmUpError extends NcStateError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NC_WARM_UP_FAILED', message, details)
  }
}

/** Creates a logger that formats lines as the server's does and drops them, so the warm-up's requests run the logging code too. */
function discardingLogger(): Logger {
  return createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }))
}
