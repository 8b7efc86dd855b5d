/** Messages between `ViewCallExecutor` (main thread) and its sandbox workers. */
import type { KeyValueRow } from '../storage/memory-source.js'

export interface WorkerSettings {
  dbPath: string
  /** What `dbPath` is: our LevelDB copy, or a node's RocksDB directory opened as a private checkpoint. */
  storageKind: 'level' | 'rocksdb'
  /** With `rocksdb`, the empty directory the worker makes its checkpoint in; the executor deletes it after the worker ends. */
  checkpointDirectory?: string
  builtinBlueprintsDir?: string
  /** `CONTROL_BUFFER_BYTES` of shared memory, laid out as `ControlSlot` and `STARTED_AT_OFFSET` describe. */
  controlBuffer: SharedArrayBuffer
  recursionLimit: number
  trieCacheBytes: number
}

/**
 * Int32 slots of the control buffer, through which a worker reports the call string it runs, so
 * that each call string gets its own time budget even when one message carries several.
 */
export const ControlSlot = {
  /** Pyodide's interrupt buffer: the executor stores 2 (SIGINT) to interrupt the running Python code. */
  signal: 0,
  /** Sequence number of the call string running now (it grows by one per call string), 0 between requests. */
  running: 1,
  /** Sequence number of the call string the executor interrupted. */
  target: 2,
  /** Index of the running call string in its request's `calls`. */
  callIndex: 3,
} as const

/** Byte offset of a Float64 with the time the running call string started (`performance.timeOrigin + performance.now()`). */
export const STARTED_AT_OFFSET = 16
export const CONTROL_BUFFER_BYTES = 24

/** SIGINT, the value Pyodide's interrupt buffer takes to raise KeyboardInterrupt. */
export const SIGINT = 2

/**
 * Name of the storage a request reads: `database`, the worker's database, or the name of a
 * warm-up chain, a small chain in memory that the startup warm-up queries (see
 * `openWarmUpStorage`).
 */
export type WorkerStorage = string

export type WorkerRequest =
  /** Every call string of one request: they share the contract's state, each has its own time budget. */
  | { id: number; kind: 'call'; blockRootId: string; contractId: string; contractRootId?: string; calls: string[]; storage?: WorkerStorage }
  | { id: number; kind: 'describe'; blueprintId: string; storage?: WorkerStorage }

/** Messages that change what a worker can read; the worker sends no reply. */
export type WorkerStorageMessage =
  /** Opens a warm-up chain under the name `storage`, with every row: column family, key and value. */
  | { kind: 'open-warm-up'; storage: WorkerStorage; rows: KeyValueRow[] }
  /** Drops a warm-up chain and the blueprints loaded from it. */
  | { kind: 'close-warm-up'; storage: WorkerStorage }

export type WorkerReply = (
  | { id: number; kind: 'ready' }
  /** `json` is the output of the Python host (see `ncsandbox/host.py`). */
  | { id: number; kind: 'call' | 'describe'; json: string }
  /** Python raised out of the host: interrupted (time limit) or a sandbox fault. */
  | { id: number; kind: 'failed'; interrupted: boolean; message: string }
) & {
  /** WebAssembly memory of the worker's interpreter after the request. */
  memoryBytes?: number
  /** Time the worker spent on the request, in milliseconds. */
  busyMs?: number
}

/** Milliseconds on a clock that the main thread and the workers share. */
export function sharedClockNow(): number {
  return performance.timeOrigin + performance.now()
}
