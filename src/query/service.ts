import { bytesToHex } from '../encoding/index.js'
import type { BlueprintDescription } from '../encoding/nc-type/descriptor.js'
import type { Logger } from '../logging.js'
import { CachedTrieNodeSource } from '../nano/index.js'
import { extractBlueprintSource } from '../encoding/on-chain-blueprint.js'
import { describeBlueprint } from '../sandbox/describe.js'
import type { KeyValueSource } from '../storage/column-families.js'
import { openLevelSource } from '../storage/level-source.js'
import { NodeStorage } from '../storage/node-storage.js'
import type { BlueprintDescriber, ViewCallRunner } from './chain.js'
import { StorageChainReader } from './level-chain.js'
import { StateQuery } from './state-query.js'

export interface StateServiceOptions {
  /** LevelDB copy to read. Exactly one of `dbPath` and `source` is given. */
  dbPath?: string
  /** Any other key/value source, such as a RocksDB directory opened by the storage layer. */
  source?: KeyValueSource
  /** Folder of `<blueprint id hex>.py` files for blueprints that are not on chain. */
  builtinBlueprintsDir?: string
  /** Upper bound of the trie node cache, in bytes. */
  trieCacheBytes?: number
  viewCalls?: ViewCallRunner
  logger?: Logger
}

export interface StateService {
  query: StateQuery
  storage: NodeStorage
  close(): Promise<void>
}

/** Opens the storage, the trie node cache and the blueprint describer, and builds the state query on them. */
export async function openStateService(options: StateServiceOptions): Promise<StateService> {
  const source = options.source ?? (await openLevelSource(requirePath(options.dbPath)))
  const storage = new NodeStorage(source)
  const nodes = new CachedTrieNodeSource(storage, { cacheMaxBytes: options.trieCacheBytes })
  const catalog = { getSource: async (id: Uint8Array) => extractBlueprintSource(await storage.requireVertexBytes(id)) }

  const blueprints: BlueprintDescriber = {
    async describe(blueprintId: Uint8Array): Promise<BlueprintDescription> {
      const id = bytesToHex(blueprintId)
      const source = await catalog.getSource(blueprintId)
      return describeBlueprint(source, id)
    },
  }

  const query = new StateQuery({ chain: new StorageChainReader(storage, nodes), blueprints, viewCalls: options.viewCalls })
  return {
    query,
    storage,
    close: () => source.close(),
  }
}

function requirePath(path: string | undefined): string {
  if (path === undefined) throw new TypeError('openStateService needs dbPath or source')
  return path
}
