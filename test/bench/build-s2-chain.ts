/**
 * Builds the S2 benchmark chain into a LevelDB copy: 80,000 blocks (heights 0 to 79,999)
 * running one contract of the corpus's `PricePools` blueprint, whose source comes from the
 * corpus's on-chain blueprint transaction. The contract is created at height 2 and gets one
 * pool per block from height 3. After that, about one block in three runs one call. Almost
 * every call is a swap, which changes reserves, swap_count, total_swaps, last_update and two
 * balances. The owner also pauses the contract for 50 blocks every 10,000 blocks.
 *
 * Usage: node --import tsx test/bench/build-s2-chain.ts [DB_DIR] [--blocks N] [--pools N] [--seed N]
 * DB_DIR defaults to .bench-cache/s2-db. A complete build with the same parameters is kept;
 * an interrupted one, or one with other parameters, is deleted and built again.
 */
import { readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

import { sha256 } from '@noble/hashes/sha2.js'

import { PricePoolsModel } from '../../src/builder/blueprints/price-pools.js'
import { ChainWriter } from '../../src/builder/chain-writer.js'
import type { ContractChanges } from '../../src/builder/contract-changes.js'
import { LevelChainSink, readBuildChainRecord } from '../../src/builder/level-sink.js'
import { MemoryTrieNodeStore } from '../../src/builder/trie/node-store.js'
import { buildAddress } from '../../src/encoding/address.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { extractBlueprintSource } from '../../src/encoding/on-chain-blueprint.js'
import { parseTransaction } from '../../src/encoding/vertex.js'
import { fixturesDir } from '../../src/package-root.js'
import { seededRandom } from '../support/seeded-random.js'

export const DEFAULT_S2_DB = '.bench-cache/s2-db'

/** Bumped whenever the chain's content changes, so older builds are rebuilt. */
const S2_LAYOUT_VERSION = 1
const GENESIS_TIMESTAMP = 1_730_000_000
const BLOCK_SPACING_SECONDS = 30
const CALL_PROBABILITY = 1 / 3
const PAUSE_EVERY = 10_000
const PAUSE_BLOCKS = 50
const CONTRACT_HEIGHT = 2
/** Far more than the live nodes of the contract and block tries, so reads from LevelDB are rare. */
const TRIE_NODES_IN_MEMORY = 50_000

export interface S2Parameters {
  blocks: number
  pools: number
  seed: number
}

export const S2_DEFAULTS: S2Parameters = { blocks: 80_000, pools: 24, seed: 2 }

/** What a benchmark needs to query the chain; stored in the database's build record. */
export interface S2ChainSummary {
  layoutVersion: number
  parameters: S2Parameters
  tipHeight: number
  contractId: string
  blueprintId: string
  /** Height of the block whose state first holds the contract. */
  contractHeight: number
  /** Token uids of the pools, USD first, in the order of `tokens`. */
  tokens: string[]
  usdToken: string
  owner: string
  /** Blocks after which the contract's state differs from their parent's. */
  changedBlocks: number
  swaps: number
  trieNodes: number
}

export interface EnsureS2Result {
  summary: S2ChainSummary
  /** False when a complete build was already there. */
  built: boolean
  seconds: number
}

/** Builds the S2 chain at `dbPath` unless a complete build with the same parameters is there. */
export async function ensureS2Chain(dbPath: string = DEFAULT_S2_DB, parameters: S2Parameters = S2_DEFAULTS,
  log: (line: string) => void = console.log): Promise<EnsureS2Result> {
  const started = performance.now()
  const record = await readBuildChainRecord(dbPath)
  const existing = record?.summary as S2ChainSummary | undefined
  if (record?.status === 'complete' && existing?.layoutVersion === S2_LAYOUT_VERSION && sameParameters(existing.parameters, parameters)) {
    log(`S2 chain already built at ${dbPath} (tip ${existing.tipHeight}); skipping the build`)
    return { summary: existing, built: false, seconds: (performance.now() - started) / 1000 }
  }
  if (record !== undefined) {
    log(`S2 chain at ${dbPath} is ${record.status === 'complete' ? 'built with other parameters' : 'incomplete'}; deleting it`)
    await rm(dbPath, { recursive: true, force: true })
  }

  const summary = await buildS2Chain(dbPath, parameters, log)
  const seconds = (performance.now() - started) / 1000
  log(`S2 chain built at ${dbPath} in ${seconds.toFixed(1)} s: ${summary.tipHeight + 1} blocks, ${summary.changedBlocks} state changes, ${summary.trieNodes} trie nodes`)
  return { summary, built: true, seconds }
}

async function buildS2Chain(dbPath: string, parameters: S2Parameters, log: (line: string) => void): Promise<S2ChainSummary> {
  const random = seededRandom(parameters.seed)
  const sink = await LevelChainSink.create(dbPath, 's2')
  try {
    const nodeStore = new MemoryTrieNodeStore({
      sink: (id, bytes) => sink.put('nc-state', id, bytes),
      load: (id) => sink.readTrieNodeSync(id),
      maxNodes: TRIE_NODES_IN_MEMORY,
      ownsAllNodes: true,
    })
    const writer = new ChainWriter({ sink, nodeStore })
    const source = await readPricePoolsBlueprint()

    const contractId = sha256(utf8('s2 price pools'))
    const owner = buildAddress(0x28, sha256(utf8('s2 owner')).subarray(0, 20))
    const tokens = Array.from({ length: parameters.pools }, (_, i) => sha256(utf8(`s2 token ${i}`)))
    const transactionParents = [sha256(utf8('s2 genesis tx 0')), sha256(utf8('s2 genesis tx 1'))]

    writer.addGenesis({ timestamp: GENESIS_TIMESTAMP })
    const first = writer.addBlock({ timestamp: blockTimestamp(1, random), transactionParents })
    const blueprintId = writer.addBlueprint({
      code: { source: source.code },
      ncPubkey: source.ncPubkey,
      ncSignature: source.ncSignature,
      weight: 17,
      timestamp: first.timestamp + 1,
      parents: transactionParents,
      nonce: parameters.seed,
    }, first.hash)

    let model: PricePoolsModel | undefined
    let changedBlocks = 0
    let swaps = 0
    const progressEvery = Math.max(1, Math.round(parameters.blocks / 8))
    const started = performance.now()

    for (let height = 2; height < parameters.blocks; height++) {
      const timestamp = blockTimestamp(height, random)
      const changes = nextCall(height, timestamp)
      if (changes !== undefined) {
        writer.callContract(contractId, changes)
        changedBlocks += 1
      }
      writer.addBlock({ timestamp, transactionParents })

      if (sink.isBatchFull) await sink.flush()
      if (height % progressEvery === 0) {
        const seconds = (performance.now() - started) / 1000
        log(`  height ${height} of ${parameters.blocks - 1}: ${changedBlocks} state changes, ${sink.counts['nc-state']} trie nodes, ${seconds.toFixed(1)} s, rss ${mebibytes(process.memoryUsage().rss)} MiB, heap ${mebibytes(process.memoryUsage().heapUsed)} MiB`)
      }
    }

    // Returns the call run in this block, or undefined for a block without one.
    function nextCall(height: number, timestamp: number): ContractChanges | undefined {
      if (height === CONTRACT_HEIGHT) {
        const created = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 30n, timestamp })
        model = created.model
        writer.createContract(contractId, blueprintId, created.changes)
        changedBlocks += 1
        return undefined
      }
      const pricePools = model!

      const poolIndex = height - CONTRACT_HEIGHT - 1
      if (poolIndex < tokens.length) {
        // USD at about 0.1 per HTR; other pools of different sizes and prices, from
        // 10^6 to 10^8 HTR against 10^5 to 10^11 units of the token.
        const htrAmount = BigInt(Math.floor(1_000_000 + random() * 99_000_000))
        const tokenAmount = poolIndex === 0
          ? htrAmount / 10n + BigInt(Math.floor(random() * 1000))
          : BigInt(Math.floor(100_000 + random() * 900_000)) * 10n ** BigInt(poolIndex % 6)
        return pricePools.addPool(tokens[poolIndex]!, htrAmount, tokenAmount, timestamp)
      }

      if (height % PAUSE_EVERY === 0) return pricePools.setPaused(owner, true, `maintenance ${height / PAUSE_EVERY}`)
      if (height % PAUSE_EVERY === PAUSE_BLOCKS) return pricePools.setPaused(owner, false, '')
      if (pricePools.paused || random() >= CALL_PROBABILITY) return undefined

      swaps += 1
      return randomSwap(pricePools, tokens[Math.floor(random() * tokens.length)]!, timestamp, random)
    }

    const tip = writer.tip!
    const summary: S2ChainSummary = {
      layoutVersion: S2_LAYOUT_VERSION,
      parameters,
      tipHeight: tip.height,
      contractId: bytesToHex(contractId),
      blueprintId: bytesToHex(blueprintId),
      contractHeight: CONTRACT_HEIGHT,
      tokens: tokens.map(bytesToHex),
      usdToken: bytesToHex(tokens[0]!),
      owner: bytesToHex(owner),
      changedBlocks,
      swaps,
      trieNodes: sink.counts['nc-state'],
    }
    await sink.complete(summary)
    return summary
  } finally {
    await sink.close()
  }
}

/**
 * Builds a swap of 0.01 % to 0.5 % of the input reserve, in a random direction, at the
 * quoted price or one unit below it. When that pays out nothing, the swap goes the other way.
 */
function randomSwap(model: PricePoolsModel, token: Uint8Array, timestamp: number, random: () => number): ContractChanges {
  const basisPoints = BigInt(1 + Math.floor(random() * 50))
  const keepOneUnit = random() < 0.1
  const htrForToken = random() < 0.5
  const changes = swapShare(model, token, htrForToken, basisPoints, keepOneUnit, timestamp)
    ?? swapShare(model, token, !htrForToken, basisPoints, keepOneUnit, timestamp)
  if (changes === undefined) throw new Error(`pool of token ${bytesToHex(token)} is too small to swap ${basisPoints} basis points`)
  return changes
}

function swapShare(model: PricePoolsModel, token: Uint8Array, htrForToken: boolean, basisPoints: bigint, keepOneUnit: boolean,
  timestamp: number): ContractChanges | undefined {
  const pool = model.pools.get(bytesToHex(token))!
  const reserveIn = htrForToken ? pool.reserveHtr : pool.reserveToken
  const reserveOut = htrForToken ? pool.reserveToken : pool.reserveHtr

  const amountIn = (reserveIn * basisPoints) / 10_000n + 1n
  const quote = model.amountOut(amountIn, reserveIn, reserveOut)
  const amountOut = keepOneUnit && quote > 1n ? quote - 1n : quote
  if (amountOut <= 0n) return undefined
  return htrForToken
    ? model.swapHtrForToken(token, amountIn, amountOut, timestamp)
    : model.swapTokenForHtr(token, amountIn, amountOut, timestamp)
}

/** Reads the corpus's `PricePools` blueprint transaction: its source, nano public key and signature. */
async function readPricePoolsBlueprint(): Promise<{ code: string; ncPubkey: Uint8Array; ncSignature: Uint8Array }> {
  const corpus = join(fixturesDir(), 'conformance')
  const chain = JSON.parse(await readFile(join(corpus, 'chain.json'), 'utf8')) as { blueprints: Record<string, string> }
  const blueprintId = chain.blueprints.price_pools
  let row: { cf: string; key: string; value: string } | undefined
  for (const line of (await readFile(join(corpus, 'node-dump.jsonl'), 'utf8')).split('\n')) {
    if (line.trim() === '') continue
    const candidate = JSON.parse(line) as { cf: string; key: string; value: string }
    if (candidate.cf === 'tx' && candidate.key === blueprintId) row = candidate
  }
  if (row === undefined) throw new Error(`the corpus has no tx row for the price_pools blueprint ${blueprintId}`)

  const bytes = hexToBytes(row.value)
  const blueprint = parseTransaction(bytes).blueprint!
  return { code: extractBlueprintSource(bytes), ncPubkey: blueprint.ncPubkey, ncSignature: blueprint.ncSignature }
}

function blockTimestamp(height: number, random: () => number): number {
  return GENESIS_TIMESTAMP + height * BLOCK_SPACING_SECONDS + Math.floor(random() * 5)
}

function sameParameters(a: S2Parameters, b: S2Parameters): boolean {
  return a.blocks === b.blocks && a.pools === b.pools && a.seed === b.seed
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

function mebibytes(bytes: number): number {
  return Math.round(bytes / 1024 / 1024)
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      blocks: { type: 'string', default: String(S2_DEFAULTS.blocks) },
      pools: { type: 'string', default: String(S2_DEFAULTS.pools) },
      seed: { type: 'string', default: String(S2_DEFAULTS.seed) },
    },
  })
  const parameters: S2Parameters = { blocks: Number(values.blocks), pools: Number(values.pools), seed: Number(values.seed) }
  if (!Number.isInteger(parameters.blocks) || parameters.blocks < CONTRACT_HEIGHT + parameters.pools + 1) {
    throw new Error(`--blocks ${values.blocks} is invalid; expected an integer of at least ${CONTRACT_HEIGHT + parameters.pools + 1}`)
  }
  if (!Number.isInteger(parameters.pools) || parameters.pools < 1) throw new Error(`--pools ${values.pools} is invalid; expected a positive integer`)
  if (!Number.isInteger(parameters.seed)) throw new Error(`--seed ${values.seed} is invalid; expected an integer`)

  const dbPath = resolve(positionals[0] ?? DEFAULT_S2_DB)
  const result = await ensureS2Chain(dbPath, parameters)
  console.log(JSON.stringify({ dbPath, built: result.built, seconds: Number(result.seconds.toFixed(1)), peakRssMiB: mebibytes(process.resourceUsage().maxRSS * 1024), ...result.summary }))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
