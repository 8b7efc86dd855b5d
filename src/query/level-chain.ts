import { bytesToHex, hexToBytes, readVertexTimestamp, vertexKind } from '../encoding/index.js'
import { BlockState, type TrieNodeSource } from '../nano/index.js'
import type { NodeStorage } from '../storage/node-storage.js'
import type { Balance, BlockInfo, ChainReader, ContractStateReader } from './chain.js'

/** `ChainReader` over the node's column families (a LevelDB copy or a RocksDB directory). */
export class StorageChainReader implements ChainReader {
  constructor(
    private readonly storage: NodeStorage,
    private readonly nodes: TrieNodeSource,
  ) {}

  async blockAtHeight(height: number): Promise<BlockInfo | undefined> {
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

  async contractState(blockRootId: Uint8Array, contractId: Uint8Array): Promise<ContractStateReader | undefined> {
    const contract = await new BlockState(this.nodes, blockRootId).getContract(contractId)
    if (contract === undefined) return undefined

    return {
      contractRootId: contract.rootId,
      blueprintId: () => contract.getBlueprintId(),
      balance: (tokenUid): Promise<Balance> => contract.getBalance(tokenUid),
      allBalances: async () => (await contract.getAllBalances()).map((entry) => [bytesToHex(entry.tokenUid), entry.balance] as [string, Balance]),
      attribute: (key) => contract.getAttributeContent(key),
    }
  }
}
