/** Messages between `ViewCallExecutor` (main thread) and its sandbox workers. */

export interface WorkerSettings {
  dbPath: string
  builtinBlueprintsDir?: string
  /** 4-byte SharedArrayBuffer: the main thread stores 2 (SIGINT) to interrupt the running Python code. */
  interruptBuffer: SharedArrayBuffer
  recursionLimit: number
  trieCacheBytes: number
}

export type WorkerRequest =
  | { id: number; kind: 'call'; blockRootId: string; contractId: string; call: string }
  | { id: number; kind: 'describe'; blueprintId: string }

export type WorkerReply = (
  | { id: number; kind: 'ready' }
  /** `json` is the output of the Python host (see `ncsandbox/host.py`). */
  | { id: number; kind: 'call' | 'describe'; json: string }
  /** Python raised out of the host: interrupted (time limit) or a sandbox fault. */
  | { id: number; kind: 'failed'; interrupted: boolean; message: string }
) & {
  /** WebAssembly memory of the worker's interpreter after the request. */
  memoryBytes?: number
}
