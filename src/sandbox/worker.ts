/**
 * Sandbox worker thread: one Pyodide interpreter and one handle on the LevelDB copy. Python reads
 * storage synchronously through the host object below while a view runs, so no state is copied
 * between threads per call. Messages are described in `worker-protocol.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { CachedTrieNodeSource } from '../nano/index.js'
import { openLevelSource } from '../storage/level-source.js'
import { openRocksDbSource } from '../storage/rocksdb/rocksdb-source.js'
import { MemoryKeyValueSource } from '../storage/memory-source.js'
import { NodeStorage } from '../storage/node-storage.js'
import { createSandboxPyodide, type PyodideInterface } from './pyodide.js'
import { createWorkerHost } from './worker-host.js'
import { ControlSlot, type WorkerReply, type WorkerRequest, type WorkerSettings, type WorkerStorageMessage } from './worker-protocol.js'

const settings = workerData as WorkerSettings
const control = new Int32Array(settings.controlBuffer, 0, 4)

/** A KeyboardInterrupt that escaped Python outside a call string is retried at most this often. */
const MAX_STALE_INTERRUPT_RETRIES = 3

/** Trie node cache of the warm-up chain, which has a few hundred nodes. */
const WARM_UP_TRIE_CACHE_BYTES = 4 * 1024 * 1024

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply)
}

/** Bytes of WebAssembly memory the interpreter holds; it only grows, so it decides when to recycle. */
function interpreterMemory(py: PyodideInterface): number {
  const module = (py as unknown as { _module?: { HEAP8?: Int8Array } })._module
  return module?.HEAP8?.length ?? 0
}

function isKeyboardInterrupt(error: unknown): boolean {
  return (error as { type?: string }).type === 'KeyboardInterrupt'
}

async function main(): Promise<void> {
  const py = await createSandboxPyodide()
  py.setInterruptBuffer(new Int32Array(settings.controlBuffer, ControlSlot.signal * 4, 1))
  // Deep recursion must end as RecursionError before it exhausts the WebAssembly stack.
  py.runPython(`import sys\nsys.setrecursionlimit(${settings.recursionLimit})`)

  const source = settings.storageKind === 'rocksdb'
    ? await openRocksDbSource(settings.dbPath, { checkpointDirectory: settings.checkpointDirectory, createCheckpointDirectory: false })
    : await openLevelSource(settings.dbPath, { multithreading: true })
  const storage = new NodeStorage(source)
  const nodes = new CachedTrieNodeSource(storage, { cacheMaxBytes: settings.trieCacheBytes })
  const host = createWorkerHost(storage, nodes, settings)
  const hostModule = py.pyimport('ncsandbox.host')
  hostModule.install_host(host, 'database')
  const callViews = hostModule.call_views
  const describeStored = hostModule.describe_stored

  // Storage messages have no reply, so the requests on a warm-up chain report a failure to open it.
  const openFailures = new Map<string, string>()

  /** Runs a request. Each call string handles its own interrupt in Python, so one that escapes is stale and the request runs again. */
  function run(request: WorkerRequest): string {
    const reads = request.storage ?? 'database'
    const openFailure = openFailures.get(reads)
    if (openFailure !== undefined) throw new Error(openFailure)
    for (let attempt = 0; ; attempt++) {
      try {
        if (request.kind === 'call') {
          return callViews(request.blockRootId, request.contractId, JSON.stringify(request.calls), request.contractRootId, reads) as string
        }
        host.call_started(0)
        return describeStored(request.blueprintId, reads) as string
      } catch (error) {
        const stale = request.kind === 'call' || !host.interrupted()
        if (!isKeyboardInterrupt(error) || !stale || attempt >= MAX_STALE_INTERRUPT_RETRIES) throw error
      }
    }
  }

  /** Opens or drops a warm-up chain. Its calls have the same time budget as the database's. */
  function changeStorage(message: WorkerStorageMessage): void {
    openFailures.delete(message.storage)
    try {
      if (message.kind === 'open-warm-up') {
        const warmUpStorage = new NodeStorage(MemoryKeyValueSource.fromRows(message.rows))
        const warmUpNodes = new CachedTrieNodeSource(warmUpStorage, { cacheMaxBytes: WARM_UP_TRIE_CACHE_BYTES })
        // All hosts number call strings in one sequence, which the executor's interrupts name.
        const warmUpHost = { ...createWorkerHost(warmUpStorage, warmUpNodes, { controlBuffer: settings.controlBuffer }), call_started: host.call_started, interrupted: host.interrupted }
        hostModule.install_host(warmUpHost, message.storage)
      } else {
        hostModule.remove_host(message.storage)
      }
    } catch (error) {
      if (message.kind === 'open-warm-up') openFailures.set(message.storage, `opening warm-up chain ${message.storage} failed: ${String((error as Error).message ?? error)}`)
    }
  }

  parentPort!.on('message', (request: WorkerRequest | WorkerStorageMessage) => {
    if (!('id' in request)) {
      changeStorage(request)
      return
    }

    let reply: WorkerReply
    const started = performance.now()
    try {
      reply = { id: request.id, kind: request.kind, json: run(request) }
    } catch (error) {
      reply = { id: request.id, kind: 'failed', interrupted: isKeyboardInterrupt(error), message: String((error as Error).message ?? error) }
    } finally {
      Atomics.store(control, ControlSlot.running, 0)
    }

    reply.memoryBytes = interpreterMemory(py)
    reply.busyMs = performance.now() - started
    post(reply)
  })

  post({ id: 0, kind: 'ready', memoryBytes: interpreterMemory(py) })
}

main().catch((error: unknown) => {
  post({ id: 0, kind: 'failed', interrupted: false, message: `sandbox worker failed to start: ${String((error as Error).message ?? error)}` })
})
