import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

import { LRUCache } from 'lru-cache'

import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'
import { bytesToHex } from '../encoding/hex.js'
import type { Logger } from '../logging.js'
import { BlueprintNotFoundError, BlueprintRejectedError, SandboxError, type BlueprintCheck } from './errors.js'
import { parseCallResult, splitCallResults } from './call-results.js'
import {
  CONTROL_BUFFER_BYTES,
  ControlSlot,
  sharedClockNow,
  SIGINT,
  STARTED_AT_OFFSET,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSettings,
  type WorkerStorage,
  type WorkerStorageMessage,
} from './worker-protocol.js'
import type { KeyValueRow } from '../storage/memory-source.js'
import { makeTemporaryCheckpointDirectory, releaseTemporaryCheckpointDirectory } from '../storage/rocksdb/checkpoint.js'

export interface ViewCallExecutorOptions {
  /**
   * LevelDB copy of the node's storage, which every worker opens itself (classic-level
   * multithreading); or, with `storageKind: 'rocksdb'`, a node's RocksDB directory, which every
   * worker opens as its own checkpoint (hard links on the same file system, a full copy elsewhere).
   */
  dbPath: string
  storageKind?: 'level' | 'rocksdb'
  /**
   * Number of worker threads, each with its own Python interpreter. Default: one less than the
   * number of CPUs, and at least 1, because the calling thread keeps a CPU busy too. On a 2-CPU
   * machine one worker was faster than two for the first request after start (77-82 ms against
   * 113-115 ms) and for 80,000 heights (46 s against 57 s).
   */
  workers?: number
  /** Time budget of one view call, in milliseconds. Default: 5000. */
  timeoutMs?: number
  /**
   * WebAssembly memory, in MiB, above which a worker's interpreter is replaced after its current
   * request. WebAssembly memory never shrinks, so this bounds what one huge allocation leaves behind.
   * Default: 1024.
   */
  memoryLimitMb?: number
  /** Folder of built-in blueprint sources, one `<blueprint id hex>.py` per blueprint, read before the chain. */
  builtinBlueprintsDir?: string
  /** Python recursion limit inside views. Default: 400. */
  recursionLimit?: number
  /** Byte budget of each worker's trie node cache. Default: 32 MiB. */
  trieCacheBytes?: number
  /**
   * Old-generation size of each worker's JavaScript heap, in MiB (Node.js `resourceLimits`). It
   * keeps the garbage V8 lets pile up small. A worker that runs out is replaced, and its
   * request fails. The interpreter's WebAssembly memory is outside it. Default: 256.
   */
  heapLimitMb?: number
  /**
   * Number of call results kept in memory, keyed by block root, contract id and call string (a
   * view's result depends on nothing else). Results that hit the time limit are not kept.
   * Default: 0, no cache, because the query layer keeps rendered results itself.
   */
  resultCacheEntries?: number
  logger?: Logger
}

export type ViewCallResult = { value: unknown } | { errmsg: string }

/** Work done by the executor's workers since it started. */
export interface ViewCallExecutorStats {
  /** Requests answered by a worker: `call()` messages and blueprint descriptions. */
  requests: number
  /** Call strings sent to workers. */
  callStrings: number
  /** Time workers spent on requests, in milliseconds, summed over workers. */
  workerBusyMs: number
  /** Workers replaced after a stuck call, a crash or too much memory. */
  workersReplaced: number
}

/**
 * The sandbox for the startup warm-up: descriptions and view calls that read the warm-up chain in
 * every worker, with no cache. `close` drops the chain from the workers, and later requests fail
 * at once with NC_SANDBOX_CLOSED.
 */
export interface WarmUpSandbox {
  describe(blueprintId: string | Uint8Array): Promise<BlueprintDescription>
  call(request: ViewCallRequest): Promise<Record<string, ViewCallResult>>
  callJson(request: ViewCallRequest): Promise<Record<string, string>>
  close(): void
}

export interface ViewCallRequest {
  /** The block's `nc_block_root_id`, hex or bytes. */
  blockRootId: string | Uint8Array
  contractId: string | Uint8Array
  /**
   * The contract's root id at that block, when the caller knows it: the worker then does not
   * look it up in the block's trie. It must be the root the block's trie holds for the contract.
   */
  contractRootId?: string | Uint8Array
  /** Call strings as the state endpoint receives them: `method(arg, ...)` with JSON arguments. */
  calls: string[]
}

// How long an interrupted call may take to stop before its worker is terminated and replaced.
const INTERRUPT_GRACE_MS = 1000
// Requests sent to a worker at once. The main thread renders several heights between two turns
// of its event loop, and worker replies wait until then. A state's view calls take about 0.6 ms
// in the backfill benchmark, so 8 requests keep the worker busy for about 5 ms. With 2, its S2
// took 29.8 s instead of 27.0-28.7 s. The cost: requests queued before a call runs long wait
// for that call's time budget.
const WORKER_QUEUE_DEPTH = 8
// A worker whose current call string has run longer than this gets no queued request: most
// requests take a few milliseconds, so a longer call may be one that runs to its time budget.
const MAX_RUNNING_MS_TO_QUEUE_BEHIND = 50
// How often the time budget check looks again at a worker that has requests but runs no call string yet.
const IDLE_WATCH_MS = 20

/** The contract state a request's calls run on, ids in hex. */
interface CallState {
  blockRootId: string
  contractId: string
  contractRootId: string | undefined
  /** Default: the workers' database. */
  storage?: WorkerStorage
}

type TaskRequest = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never

/** End of a task: the worker's reply, or `stuck` when Python could not be stopped in call string `callIndex`. */
type TaskOutcome = WorkerReply | { kind: 'stuck'; callIndex: number }

interface Task {
  request: TaskRequest
  resolve: (outcome: TaskOutcome) => void
  reject: (error: Error) => void
}

interface SandboxWorker {
  index: number
  worker: Worker
  control: Int32Array
  startedAt: Float64Array
  ready: boolean
  /** Tasks sent to the worker, in the order it runs them. */
  inflight: Array<{ task: Task; id: number }>
  watchdog?: NodeJS.Timeout
  /** Sequence number of the call string this worker was last asked to interrupt. */
  interrupted: number
  retired: boolean
  /** The worker's RocksDB checkpoint, deleted once the worker has ended. */
  checkpointDirectory: string | undefined
}

/**
 * Runs view calls and describes blueprints in a pool of sandbox workers (Pyodide interpreters in
 * worker threads). The call strings of one request go to one worker in one message and share
 * what it reads of the contract's state, but each has its own time budget. A call that runs
 * past it is interrupted (and its worker replaced if Python does not stop) and returns an
 * `errmsg`, and the other calls and requests go on.
 *
 * Implements the query layer's `ViewCallRunner` and `BlueprintDescriber`.
 */
export class ViewCallExecutor {
  /** Result of a call that ran past the time limit. The node has no such limit, so this text is the sandbox's own. */
  private readonly timedOut: ViewCallResult
  /** `timedOut` as JSON text. */
  private readonly timedOutJson: string
  private readonly options: Required<Omit<ViewCallExecutorOptions, 'builtinBlueprintsDir' | 'logger'>> & Pick<ViewCallExecutorOptions, 'builtinBlueprintsDir' | 'logger'>
  private readonly pool: SandboxWorker[] = []
  private readonly queue: Task[] = []
  private readonly descriptions = new Map<string, Promise<BlueprintDescription>>()
  /** Rows of the warm-up chains open now, by storage name, which a worker started later opens too. */
  private readonly warmUpChains = new Map<WorkerStorage, KeyValueRow[]>()
  private nextWarmUpChain = 1
  /** Replaced workers still ending; `close` waits for them, so their checkpoints are gone when it returns. */
  private readonly endingWorkers = new Set<Promise<void>>()
  private memoryWarningLogged = false
  private readonly answers: LRUCache<string, string> | undefined
  private nextId = 1
  private closed = false
  private readonly counters: ViewCallExecutorStats = { requests: 0, callStrings: 0, workerBusyMs: 0, workersReplaced: 0 }

  constructor(options: ViewCallExecutorOptions) {
    this.options = {
      storageKind: 'level',
      workers: Math.max(1, availableParallelism() - 1),
      timeoutMs: 5000,
      memoryLimitMb: 1024,
      recursionLimit: 400,
      trieCacheBytes: 32 * 1024 * 1024,
      heapLimitMb: 256,
      resultCacheEntries: 0,
      ...options,
    }
    if (this.options.resultCacheEntries > 0) this.answers = new LRUCache({ max: this.options.resultCacheEntries })
    this.timedOut = { errmsg: `NCFail('view call exceeded the time limit of ${this.options.timeoutMs} ms')` }
    this.timedOutJson = JSON.stringify(this.timedOut)
    if (!Number.isInteger(this.options.workers) || this.options.workers < 1) {
      throw new RangeError(`workers must be a positive integer, got ${this.options.workers}`)
    }
    if (!(this.options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${this.options.timeoutMs}`)
    if (!Number.isInteger(this.options.heapLimitMb) || this.options.heapLimitMb < 16) throw new RangeError(`heapLimitMb must be an integer of at least 16, got ${this.options.heapLimitMb}`)
  }

  /** Starts the workers and waits until every interpreter is ready (a few seconds each). */
  async start(): Promise<void> {
    const started = Array.from({ length: this.options.workers }, (_, index) => this.spawn(index))
    this.pool.push(...started.map(({ entry }) => entry))
    await Promise.all(started.map(async ({ ready }) => ready))
  }

  /** Describes a blueprint from its source in storage (or the built-in folder); cached per blueprint id. */
  async describe(blueprintId: string | Uint8Array): Promise<BlueprintDescription> {
    const id = toHex(blueprintId)
    let description = this.descriptions.get(id)
    if (description === undefined) {
      description = this.runDescribe(id)
      this.descriptions.set(id, description)
      description.catch((error: unknown) => {
        // Only a verdict on the code itself is final; sandbox faults may pass.
        if (!(error instanceof BlueprintRejectedError)) this.descriptions.delete(id)
      })
    }
    return description
  }

  /**
   * Runs view calls for a contract at a block root. Each result is the node's JSON value
   * (integers as bigint) or the `repr()` of the exception the node raises. Repeated call strings
   * are answered once.
   */
  async call(request: ViewCallRequest): Promise<Record<string, ViewCallResult>> {
    const texts = await this.callJson(request)
    const results: Record<string, ViewCallResult> = {}
    for (const [call, text] of Object.entries(texts)) results[call] = parseCallResult(text)
    return results
  }

  /**
   * Runs view calls like `call` and returns each result object, `{"value":...}` or
   * `{"errmsg":...}`, as the JSON text the worker wrote. The node's key order and every digit
   * are kept.
   */
  async callJson(request: ViewCallRequest): Promise<Record<string, string>> {
    const state = callStateOf(request)
    const unique = [...new Set(request.calls)]
    const cacheKey = (call: string) => `${state.blockRootId}:${state.contractId}:${call}`

    const found = new Map<string, string>()
    const missing = unique.filter((call) => {
      const cached = this.answers?.get(cacheKey(call))
      if (cached !== undefined) found.set(call, cached)
      return cached === undefined
    })

    if (missing.length > 0) {
      const answers = await this.runCalls(state, missing)
      missing.forEach((call, index) => {
        const answer = answers[index]!
        found.set(call, answer)
        if (answer !== this.timedOutJson) this.answers?.set(cacheKey(call), answer)
      })
    }

    const results: Record<string, string> = {}
    for (const call of unique) results[call] = found.get(call)!
    return results
  }

  /**
   * Opens `rows`, every row of a small chain held in memory, in every worker, and returns a
   * describer and view-call runner that read it. The startup warm-up runs its queries on it, so
   * the interpreters and code paths are warm while nothing of the database is cached. Each call
   * opens a chain of its own, and a worker that replaces another opens the chains open then.
   * Their requests are left out of `stats()`.
   */
  openWarmUpStorage(rows: KeyValueRow[]): WarmUpSandbox {
    const storage = `warm-up-${this.nextWarmUpChain++}`
    this.warmUpChains.set(storage, rows)
    this.postToWorkers({ kind: 'open-warm-up', storage, rows })
    const assertOpen = () => {
      if (!this.warmUpChains.has(storage)) throw new SandboxError('NC_SANDBOX_CLOSED', `warm-up chain ${storage} is closed`, { storage })
    }
    return {
      describe: async (blueprintId) => {
        assertOpen()
        return this.runDescribe(toHex(blueprintId), storage)
      },
      call: async (request) => {
        assertOpen()
        const calls = [...new Set(request.calls)]
        const answers = await this.runCalls({ ...callStateOf(request), storage }, calls)
        return Object.fromEntries(calls.map((call, index) => [call, parseCallResult(answers[index]!)]))
      },
      callJson: async (request) => {
        assertOpen()
        const calls = [...new Set(request.calls)]
        const answers = await this.runCalls({ ...callStateOf(request), storage }, calls)
        return Object.fromEntries(calls.map((call, index) => [call, answers[index]!]))
      },
      close: () => {
        if (this.warmUpChains.delete(storage)) this.postToWorkers({ kind: 'close-warm-up', storage })
      },
    }
  }

  private postToWorkers(message: WorkerStorageMessage): void {
    for (const entry of this.pool) {
      if (!entry.retired) entry.worker.postMessage(message)
    }
  }

  /** Returns counters of the work done so far. */
  stats(): ViewCallExecutorStats {
    return { ...this.counters }
  }

  /** Stops every worker; pending and later requests fail with NC_SANDBOX_CLOSED. */
  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.reject(closedError())
    await Promise.all(this.pool.map(async (entry) => {
      entry.retired = true
      clearTimeout(entry.watchdog)
      for (const { task } of entry.inflight.splice(0)) task.reject(closedError())
      await entry.worker.terminate()
      removeCheckpoint(entry)
    }))
    await Promise.all([...this.endingWorkers])
  }

  /** Runs call strings in one worker message and returns the JSON text of their results, in order. */
  private async runCalls(state: CallState, calls: string[]): Promise<string[]> {
    const { blockRootId, contractId } = state
    if (state.storage === undefined) this.counters.callStrings += calls.length
    const outcome = await this.submit({ kind: 'call', ...state, calls })

    if (outcome.kind === 'stuck') {
      // The worker was replaced; the other call strings run again, as views have no side effects.
      const others = calls.filter((_, index) => index !== outcome.callIndex)
      const results = others.length === 0 ? [] : await this.runCalls(state, others)
      results.splice(outcome.callIndex, 0, this.timedOutJson)
      return results
    }
    if (outcome.kind === 'failed') {
      if (outcome.interrupted) return calls.map(() => this.timedOutJson)
      throw new SandboxError('NC_SANDBOX_FAILED', `view calls on contract ${contractId} failed in the sandbox: ${outcome.message}`, { contractId, blockRootId, calls })
    }

    const answer = splitCallResults((outcome as { json: string }).json)
    if (!answer.ok) {
      throw new SandboxError('NC_SANDBOX_FAILED', `view calls on contract ${contractId} at block root ${blockRootId} could not read storage: ${answer.error}`, { contractId, blockRootId, calls })
    }
    return answer.results.map((result) => result ?? this.timedOutJson)
  }

  private async runDescribe(blueprintId: string, storage?: WorkerStorage): Promise<BlueprintDescription> {
    const outcome = await this.submit({ kind: 'describe', blueprintId, storage })
    if (outcome.kind === 'stuck' || (outcome.kind === 'failed' && outcome.interrupted)) {
      throw new SandboxError('NC_SANDBOX_TIMEOUT', `loading blueprint ${blueprintId} exceeded the time limit of ${this.options.timeoutMs} ms`, { blueprintId })
    }
    if (outcome.kind === 'failed') {
      throw new SandboxError('NC_SANDBOX_FAILED', `describing blueprint ${blueprintId} failed in the sandbox: ${outcome.message}`, { blueprintId })
    }

    const answer = JSON.parse((outcome as { json: string }).json) as
      | { ok: true; description: BlueprintDescription }
      | { ok: false; check: BlueprintCheck | 'not_found'; reason: string }
    if (answer.ok) return answer.description
    if (answer.check === 'not_found') throw new BlueprintNotFoundError(blueprintId)
    throw new BlueprintRejectedError(blueprintId, answer.check, answer.reason)
  }

  private async submit(request: TaskRequest): Promise<TaskOutcome> {
    if (this.closed) throw closedError()
    if (this.pool.length === 0) throw new SandboxError('NC_SANDBOX_FAILED', 'the view call executor is not started; call start() first')
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject })
      this.dispatch()
    })
  }

  /** Hands queued tasks to idle workers first, then fills each worker's queue. */
  private dispatch(): void {
    for (let depth = 1; depth <= WORKER_QUEUE_DEPTH; depth++) {
      for (const entry of this.pool) {
        if (this.queue.length === 0) return
        if (!entry.ready || entry.retired || entry.inflight.length >= depth) continue
        // A task queued behind a call that already runs long could wait for its whole time budget.
        if (entry.inflight.length > 0 && this.runningForMs(entry) > MAX_RUNNING_MS_TO_QUEUE_BEHIND) continue
        this.assign(entry, this.queue.shift()!)
      }
    }
  }

  /** Time the worker's current call string has been running, or 0 when it runs none. */
  private runningForMs(entry: SandboxWorker): number {
    if (Atomics.load(entry.control, ControlSlot.running) === 0) return 0
    return sharedClockNow() - entry.startedAt[0]!
  }

  private assign(entry: SandboxWorker, task: Task): void {
    const id = this.nextId++
    entry.inflight.push({ task, id })
    entry.worker.postMessage({ ...task.request, id } as WorkerRequest)
    if (entry.inflight.length === 1) this.watch(entry)
  }

  /**
   * Checks the call string the worker runs against the time budget. Interrupts Python in one
   * that ran past it, and replaces the worker when Python does not stop within the grace time.
   * Re-arms itself while the worker has requests.
   */
  private watch(entry: SandboxWorker): void {
    clearTimeout(entry.watchdog)
    entry.watchdog = undefined
    if (entry.retired || entry.inflight.length === 0) return

    const running = Atomics.load(entry.control, ControlSlot.running)
    const elapsed = sharedClockNow() - entry.startedAt[0]!
    if (running === 0 || Atomics.load(entry.control, ControlSlot.running) !== running) {
      entry.watchdog = setTimeout(() => this.watch(entry), IDLE_WATCH_MS)
      return
    }

    const budget = this.options.timeoutMs
    if (entry.interrupted === running) {
      if (elapsed < budget + INTERRUPT_GRACE_MS) {
        entry.watchdog = setTimeout(() => this.watch(entry), budget + INTERRUPT_GRACE_MS - elapsed)
        return
      }
      this.options.logger?.warn('sandbox worker did not stop an interrupted view call; replacing it', { worker: entry.index })
      const callIndex = Atomics.load(entry.control, ControlSlot.callIndex)
      const stuck = entry.inflight.shift()!
      this.replace(entry)
      stuck.task.resolve({ kind: 'stuck', callIndex })
      return
    }

    if (elapsed >= budget) {
      entry.interrupted = running
      Atomics.store(entry.control, ControlSlot.target, running)
      Atomics.store(entry.control, ControlSlot.signal, SIGINT)
      entry.watchdog = setTimeout(() => this.watch(entry), INTERRUPT_GRACE_MS)
      return
    }
    entry.watchdog = setTimeout(() => this.watch(entry), budget - elapsed)
  }

  private onReply(entry: SandboxWorker, reply: WorkerReply): void {
    const index = entry.inflight.findIndex(({ id }) => id === reply.id)
    if (index < 0) return
    const [{ task }] = entry.inflight.splice(index, 1) as [{ task: Task; id: number }]
    if (task.request.storage === undefined) {
      this.counters.requests += 1
      this.counters.workerBusyMs += reply.busyMs ?? 0
    }
    if (entry.inflight.length === 0) {
      clearTimeout(entry.watchdog)
      entry.watchdog = undefined
    }

    const memoryLimit = this.options.memoryLimitMb * 1024 * 1024
    if ((reply.memoryBytes ?? 0) > memoryLimit) {
      this.options.logger?.info('sandbox worker memory above limit; replacing it', { worker: entry.index, memoryBytes: reply.memoryBytes })
      this.replace(entry)
    }
    task.resolve(reply)
    this.dispatch()
  }

  /** Logs once when a fresh interpreter already uses more memory than the limit, because then every request replaces its worker. */
  private warnIfMemoryLimitTooLow(memoryBytes: number): void {
    if (this.memoryWarningLogged || memoryBytes <= this.options.memoryLimitMb * 1024 * 1024) return
    this.memoryWarningLogged = true
    this.options.logger?.warn('sandbox memory limit is below a fresh interpreter; every request will replace its worker', {
      memoryLimitMb: this.options.memoryLimitMb, freshInterpreterMb: Math.ceil(memoryBytes / (1024 * 1024)),
    })
  }

  /** Terminates a worker, puts the tasks it still held back at the front of the queue, and starts a fresh one. */
  private replace(entry: SandboxWorker): void {
    entry.retired = true
    this.counters.workersReplaced += 1
    clearTimeout(entry.watchdog)
    const ended: Promise<void> = entry.worker.terminate().then(() => undefined, () => undefined).finally(() => {
      removeCheckpoint(entry)
      this.endingWorkers.delete(ended)
    })
    this.endingWorkers.add(ended)
    this.queue.unshift(...entry.inflight.splice(0).map(({ task }) => task))
    if (this.closed) return

    const { entry: fresh, ready } = this.spawn(entry.index)
    this.pool[entry.index] = fresh
    ready.then(() => this.dispatch(), (error: unknown) => {
      this.options.logger?.error('sandbox worker failed to start', { worker: entry.index, error: String(error) })
    })
  }

  private spawn(index: number): { entry: SandboxWorker; ready: Promise<void> } {
    const controlBuffer = new SharedArrayBuffer(CONTROL_BUFFER_BYTES)
    // Made here, because a terminated worker cannot delete its own checkpoint.
    const checkpointDirectory = this.options.storageKind === 'rocksdb' ? makeTemporaryCheckpointDirectory() : undefined
    const settings: WorkerSettings = {
      dbPath: this.options.dbPath,
      storageKind: this.options.storageKind,
      ...(checkpointDirectory === undefined ? {} : { checkpointDirectory }),
      controlBuffer,
      recursionLimit: this.options.recursionLimit,
      trieCacheBytes: this.options.trieCacheBytes,
      ...(this.options.builtinBlueprintsDir === undefined ? {} : { builtinBlueprintsDir: this.options.builtinBlueprintsDir }),
    }
    const worker = createWorker(settings, this.options.heapLimitMb)
    for (const [storage, rows] of this.warmUpChains) worker.postMessage({ kind: 'open-warm-up', storage, rows } satisfies WorkerStorageMessage)
    const entry: SandboxWorker = {
      index,
      worker,
      control: new Int32Array(controlBuffer, 0, 4),
      startedAt: new Float64Array(controlBuffer, STARTED_AT_OFFSET, 1),
      ready: false,
      inflight: [],
      interrupted: 0,
      retired: false,
      checkpointDirectory,
    }

    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') {
          entry.ready = true
          this.warnIfMemoryLimitTooLow(reply.memoryBytes ?? 0)
          resolve()
        } else if (reply.id === 0 && reply.kind === 'failed') {
          reject(new SandboxError('NC_SANDBOX_FAILED', reply.message, { worker: index }))
        } else {
          this.onReply(entry, reply)
        }
      })
      worker.on('error', (error) => {
        this.options.logger?.error('sandbox worker crashed', { worker: index, error: error.message })
        reject(new SandboxError('NC_SANDBOX_FAILED', `sandbox worker ${index} crashed: ${error.message}`, { worker: index }, { cause: error }))
        // The request it ran fails; the ones queued behind it go to the fresh worker.
        const running = entry.inflight.shift()
        running?.task.reject(new SandboxError('NC_SANDBOX_FAILED', `sandbox worker ${index} crashed during a request: ${error.message}`, { worker: index }))
        if (!entry.retired) this.replace(entry)
      })
    })
    ready.catch(() => {})
    return { entry, ready }
  }
}

function removeCheckpoint(entry: SandboxWorker): void {
  if (entry.checkpointDirectory !== undefined) releaseTemporaryCheckpointDirectory(entry.checkpointDirectory)
}

function callStateOf(request: ViewCallRequest): CallState {
  return {
    blockRootId: toHex(request.blockRootId),
    contractId: toHex(request.contractId),
    contractRootId: request.contractRootId === undefined ? undefined : toHex(request.contractRootId),
  }
}

function toHex(id: string | Uint8Array): string {
  return typeof id === 'string' ? id.toLowerCase() : bytesToHex(id)
}

function closedError(): SandboxError {
  return new SandboxError('NC_SANDBOX_CLOSED', 'the view call executor is closed')
}

function createWorker(settings: WorkerSettings, heapLimitMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapLimitMb }
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: settings, resourceLimits })

  // Running from TypeScript sources (tsx): the worker registers tsx's loader before importing its module.
  const url = new URL('./worker.ts', import.meta.url).href
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`
  return new Worker(bootstrap, { eval: true, workerData: settings, resourceLimits })
}
