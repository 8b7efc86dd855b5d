import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'

import express from 'express'
import winston from 'winston'

import { bytesToHex } from '../encoding/hex.js'
import { createNanoContractRouter } from '../http/router.js'
import { BlueprintCatalog, CachedTrieNodeSource } from '../nano/index.js'
import type { BlueprintDescriber, ViewCallRunner } from '../query/chain.js'
import { StorageChainReader } from '../query/level-chain.js'
import { StateQuery } from '../query/state-query.js'
import { describeBlueprint } from '../sandbox/describe.js'
import type { ViewCallExecutor, WarmUpSandbox } from '../sandbox/view-call-executor.js'
import { NodeStorage } from '../storage/node-storage.js'
import { buildWarmUpChain, type WarmUpChain } from './chain.js'

export interface WarmUpOptions {
  /** The service's sandbox workers, which then run the warm-up's view calls too. Without it, no view call runs. */
  executor?: ViewCallExecutor
  /** Times the warm-up queries run, each time on caches of its own that start empty. Default: 3. */
  rounds?: number
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

/** Heights asked one by one with `GET /nano_contract/state` in each round. */
const SINGLE_HEIGHT_REQUESTS = 3

/**
 * Runs the state endpoints on a small chain held in memory before the server takes requests.
 * The first real request then does not pay for code that runs for the first time: V8 compiling
 * the hot JavaScript, Express and the validators on their first request, and the Python
 * interpreter's first views. The warm-up has its own chain, trie node cache, block cache and
 * rendered answers, so it reads and caches nothing of the database, and the first real request
 * starts with cold caches. Requests go over loopback HTTP to a router of their own on an
 * ephemeral port.
 */
export async function warmUp(options: WarmUpOptions = {}): Promise<WarmUpReport> {
  const started = performance.now()
  const chain = buildWarmUpChain()
  const sandbox = options.executor?.openWarmUpStorage(chain.source.rows())
  const report: WarmUpReport = { ms: 0, requests: 0, heights: 0, calls: sandbox !== undefined }

  try {
    for (let round = 0; round < (options.rounds ?? DEFAULT_ROUNDS); round++) {
      await runRound(chain, sandbox, report)
    }
  } finally {
    sandbox?.close()
  }

  report.ms = performance.now() - started
  return report
}

/** Serves a fresh state query on the warm-up chain over loopback and sends it the usual requests. */
async function runRound(chain: WarmUpChain, sandbox: WarmUpSandbox | undefined, report: WarmUpReport): Promise<void> {
  const query = createWarmUpQuery(chain, sandbox)
  const server = await listenOnLoopback(query)

  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1a/nano_contract`
    const parts = { fields: chain.fields, balances: chain.balances, calls: sandbox === undefined ? [] : chain.calls }
    const heights = Array.from({ length: chain.tipHeight }, (_, index) => index + 1)

    for (let i = 0; i < SINGLE_HEIGHT_REQUESTS; i++) {
      const height = heights[Math.floor(((i + 1) * heights.length) / (SINGLE_HEIGHT_REQUESTS + 1))]!
      const search = new URLSearchParams({ id: chain.contractId, block_height: String(height) })
      for (const [name, values] of Object.entries(parts)) {
        for (const value of values) search.append(`${name}[]`, value)
      }
      await send(`${baseUrl}/state?${search}`, undefined, report)
      report.heights += 1
    }

    // The first batch computes every height, and the second, in another order, finds them in the cache.
    const half = Math.floor(heights.length / 2)
    for (const batch of [heights, heights.slice(half).concat(heights.slice(0, half))]) {
      await send(`${baseUrl}/state/batch`, JSON.stringify({ id: chain.contractId, ...parts, block_heights: batch }), report)
      report.heights += batch.length
    }
  } finally {
    server.closeAllConnections()
    server.close()
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

async function listenOnLoopback(query: StateQuery): Promise<Server> {
  const app = express()
  app.use('/v1a', createNanoContractRouter({ query, logger: discardingLogger() }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  return server
}

async function send(url: string, body: string | undefined, report: WarmUpReport): Promise<void> {
  const response = await fetch(url, body === undefined
    ? undefined
    : { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const text = await response.text()
  report.requests += 1
  if (response.status !== 200) {
    throw new Error(`warm-up request ${url} failed with status ${response.status}: ${text.slice(0, 300)}`)
  }
}

/** Creates a logger that formats lines as the server's does and drops them, so the warm-up's requests run the logging code too. */
function discardingLogger(): winston.Logger {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
  return winston.createLogger({
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: sink })],
  })
}
