import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

import type { BlockInfo, BlueprintDescriber, ChainReader, ViewCallRunner } from './chain.js'
import { type BlockSelector, selectBlock } from './block-selector.js'
import { QueryError, type QueryErrorCode } from './errors.js'
import { parsePythonHex } from './hex.js'
import { RenderCache, type RenderCacheOptions } from './render-cache.js'
import { buildSnapshot, type RenderedSnapshot, type Snapshot, type SnapshotDependencies, type StateParts } from './snapshot.js'

/** Maximum number of heights in one JSON batch response; longer ranges stream as NDJSON. */
export const MAX_BATCH_HEIGHTS = 100

/** Heights computed at once while a batch or a stream is produced, in order. */
const DEFAULT_CONCURRENCY = 16

/**
 * Maximum time, in milliseconds, that a batch or stream computes before it lets the event loop
 * run. Storage reads are synchronous, so a stream whose client keeps up (or that writes nothing,
 * with `changes_only`) would otherwise hold the thread until its last height.
 */
const MAX_BUSY_MS = 10

export interface StateRequest extends StateParts {
  /** Contract id as the client sent it (hex); echoed in the response. */
  id: string
  selector: BlockSelector
}

/** Heights of a batch: a list, or a range `from..to` (both included) every `step` heights. */
export type HeightSelection =
  | { heights: number[] }
  | { from: number; to: number; step: number }

export interface BatchRequest extends StateParts {
  id: string
  selection: HeightSelection
  /** Leave out a height whose result equals the last one returned (a snapshot, or an error of the same code). */
  changesOnly?: boolean
}

/** A snapshot in a batch answer: the block it was taken at, then the snapshot itself. */
export interface BatchSnapshot extends Snapshot {
  block_height: number
  block_hash: string
  timestamp: number
}

export interface BatchError {
  block_height: number
  error: string
}

export interface BatchResult {
  success: true
  snapshots: BatchSnapshot[]
  errors: BatchError[]
  total_requested: number
  total_succeeded: number
  total_failed: number
}

/** Result of one height of a batch, with the JSON text of its response line. */
export type HeightOutcome =
  | { height: number; ok: true; block: BlockInfo; snapshot: RenderedSnapshot; json: string }
  | { height: number; ok: false; code: QueryErrorCode; error: string; json: string }

/** Counts of a batch or stream, for its totals. */
export interface BatchTotals {
  total_requested: number
  total_succeeded: number
  total_failed: number
  /** Heights left out by `changes_only` because their answer equals the last one given. */
  total_unchanged: number
}

export interface StateQueryOptions {
  chain: ChainReader
  blueprints: BlueprintDescriber
  viewCalls?: ViewCallRunner
  cache?: RenderCacheOptions
  /** Heights computed at once in a batch. Default 16. */
  concurrency?: number
}

/**
 * The one state-query module both endpoints call: resolves blocks, builds snapshots and
 * applies the node's rules and messages. Throws `QueryError` for request errors.
 */
export class StateQuery {
  readonly cache: RenderCache
  private readonly dependencies: SnapshotDependencies

  constructor(private readonly options: StateQueryOptions) {
    this.cache = new RenderCache(options.cache)
    this.dependencies = { ...options, cache: this.cache }
  }

  /** Builds the single-block endpoint's snapshot; `json` is the whole response, `success` flag included. */
  async getState(request: StateRequest): Promise<{ snapshot: Snapshot; json: string }> {
    const contractId = parseContractId(request.id, `Invalid id: ${request.id}`)
    const block = await selectBlock(this.options.chain, request.selector)

    const rendered = await buildSnapshot(this.dependencies, block, contractId, request.id, request)
    if (rendered === undefined) {
      throw new QueryError('NC_CONTRACT_NOT_FOUND', 404, `Nano contract does not exist at block ${block.hashHex}.`,
        { contractId: request.id, blockHash: block.hashHex })
    }
    return {
      get snapshot() {
        return rendered.snapshot
      },
      json: `{"success":true,${rendered.membersJson}}`,
    }
  }

  /** Builds one snapshot per requested height, in request order; a height that fails goes to `errors`. */
  async getBatch(request: BatchRequest): Promise<{ result: BatchResult; json: string }> {
    const count = countHeights(request.selection)
    if (count > MAX_BATCH_HEIGHTS) {
      throw new QueryError('NC_INVALID_PARAMETER', 400, `Too many blocks requested. Maximum is ${MAX_BATCH_HEIGHTS}`, { count })
    }

    const outcomes: HeightOutcome[] = []
    const snapshotJson: string[] = []
    const errorJson: string[] = []
    const totals = newTotals(count)
    for await (const outcome of this.streamBatch(request, totals)) {
      outcomes.push(outcome)
      if (outcome.ok) snapshotJson.push(outcome.json)
      else errorJson.push(outcome.json)
    }

    // `total_unchanged` appears only with `changes_only`, so plain answers keep the reference's shape.
    const { total_unchanged, ...counts } = totals
    const shownTotals = request.changesOnly === true ? totals : counts
    let result: BatchResult | undefined
    return {
      // Built when read, because the HTTP endpoint sends only the JSON text, and snapshots with view calls are parsed from it.
      get result() {
        return (result ??= batchResult(outcomes, shownTotals))
      },
      json: `{"success":true,"snapshots":[${snapshotJson.join(',')}],"errors":[${errorJson.join(',')}],${JSON.stringify(shownTotals).slice(1, -1)}}`,
    }
  }

  /**
   * Yields one outcome per height, in request order, computing up to `concurrency` heights
   * ahead. The caller pulls at its own pace, which is how a slow HTTP client applies
   * backpressure.
   */
  async *streamBatch(
    request: BatchRequest,
    totals: BatchTotals = newTotals(countHeights(request.selection)),
    signal?: AbortSignal,
  ): AsyncGenerator<HeightOutcome> {
    const contractId = parseContractId(request.id, `Invalid contract id: ${request.id}`)
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY
    const window: Array<Promise<HeightOutcome>> = []
    const changes = new ChangeFilter()

    const take = async (): Promise<HeightOutcome | undefined> => {
      const outcome = await window.shift()!
      if (outcome.ok) totals.total_succeeded += 1
      else totals.total_failed += 1
      if (request.changesOnly === true && !changes.isChange(outcome)) {
        totals.total_unchanged += 1
        return undefined
      }
      return outcome
    }

    let busySince = performance.now()
    for (const height of heightsOf(request.selection)) {
      if (performance.now() - busySince > MAX_BUSY_MS) {
        await yieldToEventLoop()
        busySince = performance.now()
      }

      // With changes_only nothing may be written for a long time, so the consumer cannot be
      // relied on to notice a client that left.
      if (signal?.aborted === true) return
      const pending = this.snapshotAtHeight(height, contractId, request)
      // A consumer that stops early never awaits the rest: keep their failures from going unhandled.
      pending.catch(() => {})
      window.push(pending)
      if (window.length >= concurrency) {
        const outcome = await take()
        if (outcome !== undefined) yield outcome
      }
    }
    while (window.length > 0) {
      const outcome = await take()
      if (outcome !== undefined) yield outcome
    }
  }

  private async snapshotAtHeight(height: number, contractId: Uint8Array, request: BatchRequest): Promise<HeightOutcome> {
    const block = await this.options.chain.blockAtHeight(height)
    if (block === undefined) return failure(height, 'NC_BLOCK_NOT_FOUND', `No block found at height ${height}`)

    const snapshot = await buildSnapshot(this.dependencies, block, contractId, request.id, request)
    if (snapshot === undefined) return failure(height, 'NC_CONTRACT_NOT_FOUND', `Nano contract does not exist at block ${block.hashHex}`)

    const json = `{"block_height":${height},"block_hash":"${block.hashHex}","timestamp":${block.timestamp},${snapshot.membersJson}}`
    return { height, ok: true, block, snapshot, json }
  }
}

/**
 * Tells whether an outcome differs from the last one let through. Equal content ids prove
 * equal snapshots without looking at them; different ids may still render the same answer,
 * so their JSON is compared.
 */
class ChangeFilter {
  private last: HeightOutcome | undefined

  isChange(outcome: HeightOutcome): boolean {
    const last = this.last
    let changed: boolean
    if (last === undefined || last.ok !== outcome.ok) {
      changed = true
    } else if (outcome.ok && last.ok) {
      changed = outcome.snapshot.contentId !== last.snapshot.contentId && outcome.snapshot.membersJson !== last.snapshot.membersJson
    } else {
      changed = (last as { code: string }).code !== (outcome as { code: string }).code
    }
    // The last outcome let through is the reference, so slow drift is never hidden.
    if (changed) this.last = outcome
    return changed
  }
}

function batchResult(outcomes: HeightOutcome[], totals: Omit<BatchTotals, 'total_unchanged'>): BatchResult {
  const snapshots: BatchSnapshot[] = []
  const errors: BatchError[] = []
  for (const outcome of outcomes) {
    if (outcome.ok) snapshots.push(toBatchSnapshot(outcome.height, outcome.block, outcome.snapshot.snapshot))
    else errors.push({ block_height: outcome.height, error: outcome.error })
  }
  return { success: true, snapshots, errors, ...totals }
}

function newTotals(count: number): BatchTotals {
  return { total_requested: count, total_succeeded: 0, total_failed: 0, total_unchanged: 0 }
}

/** Number of heights a selection names. */
export function countHeights(selection: HeightSelection): number {
  if ('heights' in selection) return selection.heights.length
  if (selection.to < selection.from) return 0
  return Math.floor((selection.to - selection.from) / selection.step) + 1
}

export function* heightsOf(selection: HeightSelection): Generator<number> {
  if ('heights' in selection) {
    yield* selection.heights
    return
  }
  for (let height = selection.from; height <= selection.to; height += selection.step) yield height
}

function toBatchSnapshot(height: number, block: BlockInfo, snapshot: Snapshot): BatchSnapshot {
  return { block_height: height, block_hash: block.hashHex, timestamp: block.timestamp, ...snapshot }
}

function failure(height: number, code: QueryErrorCode, error: string): HeightOutcome {
  return { height, ok: false, code, error, json: JSON.stringify({ block_height: height, error }) }
}

function parseContractId(text: string, message: string): Uint8Array {
  const bytes = parsePythonHex(text)
  if (bytes === null) throw new QueryError('NC_INVALID_PARAMETER', 400, message, { id: text })
  return bytes
}
