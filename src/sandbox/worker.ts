/**
 * Sandbox worker thread: one Pyodide interpreter and one handle on the LevelDB copy. Python reads
 * storage synchronously through the host object below while a view runs, so no state is copied
 * between threads per call. Messages are described in `worker-protocol.ts`.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'

import { bytesToHex, hexToBytes } from '../encoding/hex.js'
import { extractBlueprintSource } from '../encoding/on-chain-blueprint.js'
import { BlockState, CachedTrieNodeSource, ContractState } from '../nano/index.js'
import { openLevelSource } from '../storage/level-source.js'
import { NodeStorage } from '../storage/node-storage.js'
import { createSandboxPyodide, type PyodideInterface } from './pyodide.js'
import type { WorkerReply, WorkerRequest, WorkerSettings } from './worker-protocol.js'

const settings = workerData as WorkerSettings

/** Functions Python calls while a view runs; ids and keys travel as hex strings. */
function createHost(storage: NodeStorage, nodes: CachedTrieNodeSource) {
  const contract = (contractIdHex: string, rootHex: string) => new ContractState(nodes, hexToBytes(contractIdHex), hexToBytes(rootHex))

  return {
    contract_root(blockRootHex: string, contractIdHex: string): string | undefined {
      const root = new BlockState(nodes, hexToBytes(blockRootHex)).getContractRootIdSync(hexToBytes(contractIdHex))
      return root === undefined ? undefined : bytesToHex(root)
    },
    attribute(contractIdHex: string, rootHex: string, keyHex: string): string | undefined {
      const value = contract(contractIdHex, rootHex).getAttributeSync(hexToBytes(keyHex))
      return value === undefined ? undefined : bytesToHex(value)
    },
    balance(contractIdHex: string, rootHex: string, tokenHex: string): string {
      const balance = contract(contractIdHex, rootHex).getBalanceSync(hexToBytes(tokenHex))
      return `${balance.value},${balance.canMint ? 1 : 0},${balance.canMelt ? 1 : 0}`
    },
    blueprint_id(contractIdHex: string, rootHex: string): string {
      return bytesToHex(contract(contractIdHex, rootHex).getBlueprintIdSync())
    },
    blueprint_source(blueprintIdHex: string): string | undefined {
      return readBlueprintSource(storage, blueprintIdHex)
    },
  }
}

/** Source of a built-in blueprint (`<dir>/<id>.py`), else of the on-chain blueprint transaction `id`. */
function readBlueprintSource(storage: NodeStorage, blueprintIdHex: string): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(blueprintIdHex)) return undefined
  if (settings.builtinBlueprintsDir !== undefined) {
    const file = path.join(settings.builtinBlueprintsDir, `${blueprintIdHex}.py`)
    if (existsSync(file)) return readFileSync(file, 'utf8')
  }
  const bytes = storage.source.getSync?.('tx', hexToBytes(blueprintIdHex))
  return bytes === undefined ? undefined : extractBlueprintSource(bytes)
}

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply)
}

/** Bytes of WebAssembly memory the interpreter holds; it only grows, so it decides when to recycle. */
function interpreterMemory(py: PyodideInterface): number {
  const module = (py as unknown as { _module?: { HEAP8?: Int8Array } })._module
  return module?.HEAP8?.length ?? 0
}

async function main(): Promise<void> {
  const py = await createSandboxPyodide()
  py.setInterruptBuffer(new Int32Array(settings.interruptBuffer))
  // Deep recursion must end as RecursionError before it exhausts the WebAssembly stack.
  py.runPython(`import sys\nsys.setrecursionlimit(${settings.recursionLimit})`)

  const source = await openLevelSource(settings.dbPath, { multithreading: true })
  const storage = new NodeStorage(source)
  const nodes = new CachedTrieNodeSource(storage, { cacheMaxBytes: settings.trieCacheBytes })
  const host = createHost(storage, nodes)
  const hostModule = py.pyimport('ncsandbox.host')

  parentPort!.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply
    try {
      if (request.kind === 'call') {
        const json = hostModule.call_views(host, request.blockRootId, request.contractId, JSON.stringify([request.call])) as string
        reply = { id: request.id, kind: 'call', json }
      } else {
        const json = hostModule.describe_stored(host, request.blueprintId) as string
        reply = { id: request.id, kind: 'describe', json }
      }
    } catch (error) {
      const interrupted = (error as { type?: string }).type === 'KeyboardInterrupt'
      reply = { id: request.id, kind: 'failed', interrupted, message: String((error as Error).message ?? error) }
    }

    reply.memoryBytes = interpreterMemory(py)
    post(reply)
  })

  post({ id: 0, kind: 'ready', memoryBytes: interpreterMemory(py) })
}

main().catch((error: unknown) => {
  post({ id: 0, kind: 'failed', interrupted: false, message: `sandbox worker failed to start: ${String((error as Error).message ?? error)}` })
})
