import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

import { isInteger, parse } from 'lossless-json'
import { LRUCache } from 'lru-cache'

import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'
import { bytesToHex } from '../encoding/hex.js'
import type { Logger } from '../logging.js'
import { BlueprintNotFoundError, BlueprintRejectedError, SandboxError, type BlueprintCheck } from './errors.js'
import type { WorkerReply, WorkerRequest, WorkerSettings } from './worker-protocol.js'

export interface ViewCallExecutorOptions {
  /** LevelDB copy of the node's storage; every worker opens it itself (classic-level multithreading). */
  dbPath: string
  /** Number of worker threads, each with its own Python interpreter. Default: the number of CPUs. */
  workers?: number
  /** Time budget of one view call, in milliseconds. Default: 5000. */
  timeoutMs?: number
  /**
   * WebAssembly memory, in MiB, above which a worker's interpreter is replaced after its current
   * call. WebAssembly memory never shrinks, so this bounds what one huge allocation leaves behind.
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
   * Number of call results kept in memory, keyed by block root, contract id and call string (a
   * view's result depends on nothing else). Results that hit the time limit are not kept. Default: 10000.
   */
  resultCacheEntries?: number
  logger?: Logger
}

export type ViewCallResult = { value: unknown } | { errmsg: string }

export interface ViewCallRequest {
  /** The block's `nc_block_root_id`, hex or bytes. */
  blockRootId: string | Uint8Array
  contractId: string | Uint8Array
  /** Call strings as the state endpoint receives them: `method(arg, ...)` with JSON arguments. */
  calls: string[]
}

// How long an interrupted call may take to stop before its worker is terminated and replaced.
const INTERRUPT_GRACE_MS = 1000
const SIGINT = 2

type TaskRequest = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never

interface Task {
  request: TaskRequest
  resolve: (reply: WorkerReply | 'timeout') => void
  reject: (error: Error) => void
}

interface SandboxWorker {
  index: number
  worker: Worker
  interrupt: Int32Array
  ready: Promise<void>
  current?: { task: Task; id: number; timer: NodeJS.Timeout; graceTimer?: NodeJS.Timeout }
  retired: boolean
}

/**
 * Runs view calls and describes blueprints in a pool of sandbox workers (Pyodide interpreters in
 * worker threads). Each call string is one task with its own time budget: a call that runs past
 * it is interrupted (and its worker replaced if Python does not stop), returns an `errmsg`,
 * and the other calls and requests go on.
 *
 * Implements the query layer's `ViewCallRunner` and `BlueprintDescriber`.
 */
export class ViewCallExecutor {
  /** Result of a call that ran past the time limit. The node has no such limit, so this text is the sandbox's own. */
  private readonly timedOut: ViewCallResult
  private readonly options: Required<Omit<ViewCallExecutorOptions, 'builtinBlueprintsDir' | 'logger'>> & Pick<ViewCallExecutorOptions, 'builtinBlueprintsDir' | 'logger'>
  private readonly pool: SandboxWorker[] = []
  private readonly queue: Task[] = []
  private readonly descriptions = new Map<string, Promise<BlueprintDescription>>()
  private readonly answers: LRUCache<string, Promise<ViewCallResult>>
  private nextId = 1
  private closed = false

  constructor(options: ViewCallExecutorOptions) {
    this.options = {
      workers: availableParallelism(),
      timeoutMs: 5000,
      memoryLimitMb: 1024,
      recursionLimit: 400,
      trieCacheBytes: 32 * 1024 * 1024,
      resultCacheEntries: 10_000,
      ...options,
    }
    this.answers = new LRUCache({ max: Math.max(1, this.options.resultCacheEntries) })
    this.timedOut = { errmsg: `NCFail('view call exceeded the time limit of ${this.options.timeoutMs} ms')` }
    if (!Number.isInteger(this.options.workers) || this.options.workers < 1) {
      throw new RangeError(`workers must be a positive integer, got ${this.options.workers}`)
    }
    if (!(this.options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${this.options.timeoutMs}`)
  }

  /** Starts the workers and waits until every interpreter is ready (a few seconds each). */
  async start(): Promise<void> {
    for (let index = 0; index < this.options.workers; index++) this.pool.push(this.spawn(index))
    await Promise.all(this.pool.map(async (entry) => entry.ready))
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
   * Answers view calls for a contract at a block root. Each result is the node's JSON value
   * (integers as bigint) or the `repr()` of the exception the node raises. Repeated call strings
   * are answered once.
   */
  async call(request: ViewCallRequest): Promise<Record<string, ViewCallResult>> {
    const blockRootId = toHex(request.blockRootId)
    const contractId = toHex(request.contractId)
    const unique = [...new Set(request.calls)]

    const answers = await Promise.all(unique.map(async (call) => this.cachedCall(blockRootId, contractId, call)))
    const results: Record<string, ViewCallResult> = {}
    unique.forEach((call, index) => {
      results[call] = answers[index]!
    })
    return results
  }

  /** Stops every worker; pending and later requests fail with NC_SANDBOX_CLOSED. */
  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.reject(closedError())
    await Promise.all(this.pool.map(async (entry) => {
      entry.retired = true
      if (entry.current !== undefined) this.finish(entry, undefined)
      await entry.worker.terminate()
    }))
  }

  /** Runs one call, sharing the result of an identical call that is cached or still running. */
  private async cachedCall(blockRootId: string, contractId: string, call: string): Promise<ViewCallResult> {
    const key = `${blockRootId}:${contractId}:${call}`
    let answer = this.answers.get(key)
    if (answer === undefined) {
      answer = this.runCall(blockRootId, contractId, call)
      this.answers.set(key, answer)
      answer.then((result) => {
        if (result === this.timedOut) this.answers.delete(key)
      }, () => this.answers.delete(key))
    }
    return answer
  }

  private async runCall(blockRootId: string, contractId: string, call: string): Promise<ViewCallResult> {
    const reply = await this.submit({ kind: 'call', blockRootId, contractId, call })
    if (reply === 'timeout') return this.timedOut
    if (reply.kind === 'failed') {
      throw new SandboxError('NC_SANDBOX_FAILED', `view call ${call} on contract ${contractId} failed in the sandbox: ${reply.message}`, { contractId, blockRootId, call })
    }

    const answer = parseWithBigints((reply as { json: string }).json) as { ok: true; results: Record<string, ViewCallResult> } | { ok: false; error: string }
    if (!answer.ok) {
      throw new SandboxError('NC_SANDBOX_FAILED', `view call ${call} on contract ${contractId} at block root ${blockRootId} could not read storage: ${answer.error}`, { contractId, blockRootId, call })
    }
    return answer.results[call]!
  }

  private async runDescribe(blueprintId: string): Promise<BlueprintDescription> {
    const reply = await this.submit({ kind: 'describe', blueprintId })
    if (reply === 'timeout') {
      throw new SandboxError('NC_SANDBOX_TIMEOUT', `loading blueprint ${blueprintId} exceeded the time limit of ${this.options.timeoutMs} ms`, { blueprintId })
    }
    if (reply.kind === 'failed') {
      throw new SandboxError('NC_SANDBOX_FAILED', `describing blueprint ${blueprintId} failed in the sandbox: ${reply.message}`, { blueprintId })
    }

    const answer = JSON.parse((reply as { json: string }).json) as
      | { ok: true; description: BlueprintDescription }
      | { ok: false; check: BlueprintCheck | 'not_found'; reason: string }
    if (answer.ok) return answer.description
    if (answer.check === 'not_found') throw new BlueprintNotFoundError(blueprintId)
    throw new BlueprintRejectedError(blueprintId, answer.check, answer.reason)
  }

  private async submit(request: TaskRequest): Promise<WorkerReply | 'timeout'> {
    if (this.closed) throw closedError()
    if (this.pool.length === 0) throw new SandboxError('NC_SANDBOX_FAILED', 'the view call executor is not started; call start() first')
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject })
      this.dispatch()
    })
  }

  private dispatch(): void {
    for (const entry of this.pool) {
      if (this.queue.length === 0) return
      if (entry.current !== undefined || entry.retired) continue
      void entry.ready.then(() => this.assign(entry), () => {})
    }
  }

  private assign(entry: SandboxWorker): void {
    if (entry.current !== undefined || entry.retired) return
    const task = this.queue.shift()
    if (task === undefined) return

    const id = this.nextId++
    const timer = setTimeout(() => this.interruptCall(entry), this.options.timeoutMs)
    entry.current = { task, id, timer }
    entry.worker.postMessage({ ...task.request, id } as WorkerRequest)
  }

  /** Asks Python to stop the running call; replaces the worker if it does not stop in time. */
  private interruptCall(entry: SandboxWorker): void {
    const current = entry.current
    if (current === undefined) return
    Atomics.store(entry.interrupt, 0, SIGINT)
    current.graceTimer = setTimeout(() => {
      if (entry.current?.id !== current.id) return
      this.options.logger?.warn('sandbox worker did not stop an interrupted view call; replacing it', { worker: entry.index })
      this.finish(entry, 'timeout')
      this.replace(entry)
    }, INTERRUPT_GRACE_MS)
  }

  private onReply(entry: SandboxWorker, reply: WorkerReply): void {
    const current = entry.current
    if (current === undefined || reply.id !== current.id) return

    const timedOut = reply.kind === 'failed' && reply.interrupted
    // A stale interrupt request must not hit the next call.
    Atomics.store(entry.interrupt, 0, 0)
    this.finish(entry, timedOut ? 'timeout' : reply)

    const memoryLimit = this.options.memoryLimitMb * 1024 * 1024
    if ((reply.memoryBytes ?? 0) > memoryLimit) {
      this.options.logger?.info('sandbox worker memory above limit; replacing it', { worker: entry.index, memoryBytes: reply.memoryBytes })
      this.replace(entry)
    } else {
      this.dispatch()
    }
  }

  private finish(entry: SandboxWorker, outcome: WorkerReply | 'timeout' | undefined): void {
    const current = entry.current
    if (current === undefined) return
    clearTimeout(current.timer)
    if (current.graceTimer !== undefined) clearTimeout(current.graceTimer)
    entry.current = undefined
    if (outcome === undefined) current.task.reject(closedError())
    else current.task.resolve(outcome)
  }

  private replace(entry: SandboxWorker): void {
    entry.retired = true
    void entry.worker.terminate()
    if (this.closed) return
    const fresh = this.spawn(entry.index)
    this.pool[entry.index] = fresh
    fresh.ready.then(() => this.dispatch(), () => {})
  }

  private spawn(index: number): SandboxWorker {
    const interruptBuffer = new SharedArrayBuffer(4)
    const settings: WorkerSettings = {
      dbPath: this.options.dbPath,
      interruptBuffer,
      recursionLimit: this.options.recursionLimit,
      trieCacheBytes: this.options.trieCacheBytes,
      ...(this.options.builtinBlueprintsDir === undefined ? {} : { builtinBlueprintsDir: this.options.builtinBlueprintsDir }),
    }
    const worker = createWorker(settings)
    const entry: SandboxWorker = { index, worker, interrupt: new Int32Array(interruptBuffer), ready: Promise.resolve(), retired: false }

    entry.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') {
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
        const current = entry.current
        if (current !== undefined) {
          entry.current = undefined
          clearTimeout(current.timer)
          if (current.graceTimer !== undefined) clearTimeout(current.graceTimer)
          current.task.reject(new SandboxError('NC_SANDBOX_FAILED', `sandbox worker ${index} crashed during a request: ${error.message}`, { worker: index }))
        }
        if (!entry.retired) this.replace(entry)
      })
    })
    entry.ready.catch(() => {})
    return entry
  }
}

function toHex(id: string | Uint8Array): string {
  return typeof id === 'string' ? id.toLowerCase() : bytesToHex(id)
}

function closedError(): SandboxError {
  return new SandboxError('NC_SANDBOX_CLOSED', 'the view call executor is closed')
}

/** Parses JSON from Python with every integer as a bigint, so no digit is lost. */
function parseWithBigints(text: string): unknown {
  return parse(text, null, (value: string) => (isInteger(value) ? BigInt(value) : Number(value)))
}

function createWorker(settings: WorkerSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: settings })

  // Running from TypeScript sources (tsx): the worker registers tsx's loader before importing its module.
  const url = new URL('./worker.ts', import.meta.url).href
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`
  return new Worker(bootstrap, { eval: true, workerData: settings })
}
