import { LRUCache } from 'lru-cache'

import { bytesToHex, hexToBytes, readVertexTimestamp, vertexKind } from '../encoding/index.js'
import { BlockState, type TokenBalance, type TrieNodeSource } from '../nano/index.js'
import type { NodeStorage } from '../storage/node-storage.js'
import type { Balance, BlockInfo, ChainReader, ContractStateReader } from './chain.js'

/** Blocks kept in memory by height; about 1.5 KB each with the cache entry (measured on the S2 chain). */
const DEFAULT_BLOCK_CACHE_ENTRIES = 20_000

/** Contract readers kept by block root and contract id. */
const DEFAULT_CONTRACT_CACHE_ENTRIES = 10_000

/**
 * `ChainReader` over the node's column families (a LevelDB copy or a RocksDB directory).
 * Blocks are cached by height: the process holds the database alone while it serves, so what
 * it reads cannot change under it.
 */
export class StorageChainReader implements ChainReader {
  private readonly blocksByHeight: LRUCache<number, Promise<BlockInfo | undefined>>
  private readonly contracts = new LRUCache<string, Promise<ContractStateReader | undefined>>({ max: DEFAULT_CONTRACT_CACHE_ENTRIES })

  constructor(
    private readonly storage: NodeStorage,
    private readonly nodes: TrieNodeSource,
    blockCacheEntries = DEFAULT_BLOCK_CACHE_ENTRIES,
  ) {
    this.blocksByHeight = new LRUCache({ max: blockCacheEntries })
  }

  blockAtHeight(height: number): Promise<BlockInfo | undefined> {
    let block = this.blocksByHeight.get(height)
    if (block === undefined) {
      block = this.readBlockAtHeight(height)
      this.blocksByHeight.set(height, block)
      // A failed read is not cached, so the next request reads again.
      block.catch(() => this.blocksByHeight.delete(height))
    }
    return block
  }

  private async readBlockAtHeight(height: number): Promise<BlockInfo | undefined> {
    const entry = await this.storage.getBlockAtHeight(height)
    if (entry === undefined) return undefined
    const metadata = await this.storage.requireMetadata(entry.hash)
    return {
      hash: entry.hash,
      hashHex: bytesToHex(entry.hash),
      height,
      timestamp: entry.timestamp,
      voided: metadata.voided_by.length > 0,
      rootId: metadata.nc_block_root_id === null ? null : hexToBytes(metadata.nc_block_root_id),
    }
  }

  async bestBlock(): Promise<BlockInfo> {
    const tip = await this.storage.getTip()
    const block = await this.blockAtHeight(tip.height)
    if (block === undefined) throw new Error(`height index lost its tip at height ${tip.height}`)
    return block
  }

  async vertexKind(hash: Uint8Array): Promise<'block' | 'transaction' | undefined> {
    const bytes = await this.storage.getVertexBytes(hash)
    return bytes === undefined ? undefined : vertexKind(bytes)
  }

  async blockByHash(hash: Uint8Array): Promise<BlockInfo> {
    const bytes = await this.storage.requireVertexBytes(hash)
    const metadata = await this.storage.requireMetadata(hash)
    const staticMetadata = await this.storage.getStaticMetadata(hash)
    return {
      hash,
      hashHex: bytesToHex(hash),
      height: staticMetadata?.height,
      timestamp: readVertexTimestamp(bytes),
      voided: metadata.voided_by.length > 0,
      rootId: metadata.nc_block_root_id === null ? null : hexToBytes(metadata.nc_block_root_id),
    }
  }

  blocksAtOrBefore(timestamp: number, limit: number): Promise<Uint8Array[]> {
    return this.storage.getBlocksAtOrBefore(timestamp, limit)
  }

  /** Readers by block root and contract id: consecutive blocks often share a root, so one walk serves many heights. */
  contractState(blockRootId: Uint8Array, contractId: Uint8Array): Promise<ContractStateReader | undefined> {
    const key = `${bytesToHex(blockRootId)}/${bytesToHex(contractId)}`
    let reader = this.contracts.get(key)
    if (reader === undefined) {
      reader = this.readContractState(blockRootId, contractId)
      this.contracts.set(key, reader)
      reader.catch(() => this.contracts.delete(key))
    }
    return reader
  }

  private async readContractState(blockRootId: Uint8Array, contractId: Uint8Array): Promise<ContractStateReader | undefined> {
    const contract = await new BlockState(this.nodes, blockRootId).getContract(contractId)
    if (contract === undefined) return undefined

    let blueprintId: Promise<Uint8Array> | undefined
    return {
      contractRootId: contract.rootId,
      blueprintId: () => (blueprintId ??= contract.getBlueprintId()),
      balance: (tokenUid): Promise<Balance> => contract.getBalance(tokenUid),
      allBalances: async () => (await contract.getAllBalances()).map((entry) => [tokenHexOf(entry), entry.balance] as [string, Balance]),
      attribute: (key) => contract.getAttributeContent(key),
    }
  }
}

/** Token uids as hex, by balance entry: `getAllBalances` returns the same entry for a leaf that did not change. */
const tokenHexes = new WeakMap<TokenBalance, string>()

function tokenHexOf(entry: TokenBalance): string {
  let tokenHex = tokenHexes.get(entry)
  if (tokenHex === undefined) {
    tokenHex = bytesToHex(entry.tokenUid)
    tokenHexes.set(entry, tokenHex)
  }
  return tokenHex
}
