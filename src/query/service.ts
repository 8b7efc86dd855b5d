import { bytesToHex } from '../encoding/index.js'
import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'
import type { Logger } from '../logging.js'
import { BlueprintCatalog, CachedTrieNodeSource } from '../nano/index.js'
import { describeBlueprint } from '../sandbox/describe.js'
import { getSandboxPyodide } from '../sandbox/pyodide.js'
import { ViewCallExecutor, type ViewCallExecutorOptions } from '../sandbox/view-call-executor.js'
import type { KeyValueSource } from '../storage/column-families.js'
import { openLevelSource } from '../storage/level-source.js'
import { openRocksDbSource } from '../storage/rocksdb/rocksdb-source.js'
import { NodeStorage } from '../storage/node-storage.js'
import type { BlueprintDescriber, ChainReader, ViewCallRunner } from './chain.js'
import { StorageChainReader } from './level-chain.js'
import { StateQuery } from './state-query.js'

export interface StateServiceOptions {
  /** LevelDB copy to read. Exactly one of `dbPath`, `rocksdbPath` and `source` is given. */
  dbPath?: string
  /** A node's RocksDB directory, read in place. */
  rocksdbPath?: string
  /** Any other key/value source. */
  source?: KeyValueSource
  /** Folder of `<blueprint id hex>.py` files for blueprints that are not on chain. */
  builtinBlueprintsDir?: string
  /** Upper bound of the trie node cache, in bytes. */
  trieCacheBytes?: number
  /**
   * Pyodide workers that run view calls and describe blueprints with a time limit. They are on
   * by default for a LevelDB copy or a RocksDB directory, which each worker opens itself.
   * `false` returns an `errmsg` for every call and describes blueprints in the main thread.
   * They are not available with `source`.
   */
  sandbox?: SandboxOptions | false
  /** A view-call runner of the caller's own, in place of the sandbox's. */
  viewCalls?: ViewCallRunner
  logger?: Logger
}

export type SandboxOptions = Pick<ViewCallExecutorOptions, 'workers' | 'timeoutMs' | 'memoryLimitMb' | 'heapLimitMb' | 'recursionLimit' | 'trieCacheBytes'>

export interface StateService {
  query: StateQuery
  /** The chain as the query reads it, for callers that need blocks or contract roots directly. */
  chain: ChainReader
  storage: NodeStorage
  /** The sandbox workers, when the service runs them. */
  executor: ViewCallExecutor | undefined
  close(): Promise<void>
}

/** Opens the storage, the trie node cache and the blueprint describer, and builds the state query on them. */
export async function openStateService(options: StateServiceOptions): Promise<StateService> {
  const source = await openSource(options)
  const storage = new NodeStorage(source)
  const nodes = new CachedTrieNodeSource(storage, { cacheMaxBytes: options.trieCacheBytes })
  const catalog = new BlueprintCatalog(storage, { builtinDir: options.builtinBlueprintsDir, logger: options.logger })

  let blueprints: BlueprintDescriber = {
    async describe(blueprintId: Uint8Array): Promise<BlueprintDescription> {
      const id = bytesToHex(blueprintId)
      const source = await catalog.getSource(blueprintId)
      return describeBlueprint(source, id)
    },
  }
  let viewCalls = options.viewCalls
  let executor: ViewCallExecutor | undefined

  const sandboxPath = options.dbPath ?? options.rocksdbPath
  const sandboxEnabled = options.sandbox !== false && sandboxPath !== undefined && options.viewCalls === undefined
  if (sandboxEnabled) {
    executor = new ViewCallExecutor({
      dbPath: sandboxPath,
      storageKind: options.rocksdbPath === undefined ? 'level' : 'rocksdb',
      builtinBlueprintsDir: options.builtinBlueprintsDir,
      logger: options.logger,
      ...definedOnly(options.sandbox || {}),
    })
    try {
      await executor.start()
    } catch (error) {
      await executor.close()
      await source.close()
      throw error
    }
    blueprints = executor
    viewCalls = executor
  } else {
    // Loading Pyodide takes seconds: pay it before the first request, not during it.
    await getSandboxPyodide()
  }

  const chain = new StorageChainReader(storage, nodes)
  const query = new StateQuery({ chain, blueprints, viewCalls })
  return {
    query,
    chain,
    storage,
    executor,
    close: async () => {
      await executor?.close()
      await source.close()
    },
  }
}

/** Drops keys whose value is undefined, so they do not override the executor's defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>
}

async function openSource(options: StateServiceOptions): Promise<KeyValueSource> {
  const given = [options.dbPath, options.rocksdbPath, options.source].filter((value) => value !== undefined)
  if (given.length !== 1) throw new TypeError('openStateService needs exactly one of dbPath, rocksdbPath and source')

  if (options.source !== undefined) return options.source
  if (options.rocksdbPath !== undefined) return openRocksDbSource(options.rocksdbPath)
  return openLevelSource(options.dbPath!)
}
