import { DecodeError } from '../errors.js'
import { ByteReader } from '../encoding/byte-reader.js'
import { bytesToHex } from '../encoding/hex.js'
import { readBoundedBytes, readBoundedString } from '../encoding/primitives.js'
import { ContractState } from './contract-state.js'
import type { TrieNodeSource } from './trie/trie-node-source.js'
import { runWalk, runWalkSync, getContent } from './trie/walk.js'
import { addressTrieKey, contractTrieKey, tokenTrieKey } from './trie-keys.js'

/** Maximum encoded size of an address sequence number (hathorlib's `ADDRESS_SEQNUM_SIZE`). */
const ADDRESS_SEQNUM_MAX_BYTES = 8

/** A token created by a contract, as the block trie stores it (hathorlib's `TokenDescription`). */
export interface TokenDescription {
  tokenUid: Uint8Array
  name: string
  symbol: string
  /** 0 native, 1 deposit, 2 fee (hathorlib's `TokenVersion`). */
  version: number
}

/**
 * The nano state of one block (hathorlib's `NCBlockStorage`, read only): from the block's
 * `nc_block_root_id`, each contract's own root id, the tokens contracts created, and the
 * addresses' sequence numbers. Methods the sandbox needs have a `Sync` variant.
 */
export class BlockState {
  constructor(
    private readonly nodes: TrieNodeSource,
    /** The block's `nc_block_root_id`. */
    readonly blockRootId: Uint8Array,
  ) {}

  /** Root id of the contract's own trie, or undefined when the contract does not exist at this block. */
  async getContractRootId(contractId: Uint8Array): Promise<Uint8Array | undefined> {
    return trieContent(this.nodes, this.blockRootId, contractTrieKey(contractId))
  }

  getContractRootIdSync(contractId: Uint8Array): Uint8Array | undefined {
    return runWalkSync(this.nodes, getContent(this.blockRootId, contractTrieKey(contractId)))
  }

  async hasContract(contractId: Uint8Array): Promise<boolean> {
    return (await this.getContractRootId(contractId)) !== undefined
  }

  /** Returns the contract's state at this block, or undefined when the contract does not exist here. */
  async getContract(contractId: Uint8Array): Promise<ContractState | undefined> {
    const rootId = await this.getContractRootId(contractId)
    return rootId === undefined ? undefined : new ContractState(this.nodes, contractId, rootId)
  }

  getContractSync(contractId: Uint8Array): ContractState | undefined {
    const rootId = this.getContractRootIdSync(contractId)
    return rootId === undefined ? undefined : new ContractState(this.nodes, contractId, rootId)
  }

  /** Returns the description of a token a contract created, or undefined when no contract created it by this block. */
  async getToken(tokenUid: Uint8Array): Promise<TokenDescription | undefined> {
    const content = await trieContent(this.nodes, this.blockRootId, tokenTrieKey(tokenUid))
    return content === undefined ? undefined : decodeTokenDescription(tokenUid, content)
  }

  getTokenSync(tokenUid: Uint8Array): TokenDescription | undefined {
    const content = runWalkSync(this.nodes, getContent(this.blockRootId, tokenTrieKey(tokenUid)))
    return content === undefined ? undefined : decodeTokenDescription(tokenUid, content)
  }

  /** Returns the address's last nano sequence number, or -1 when it has none, as the node does. */
  async getAddressSeqnum(address: Uint8Array): Promise<bigint> {
    const content = await trieContent(this.nodes, this.blockRootId, addressTrieKey(address))
    return content === undefined ? -1n : decodeSeqnum(address, content)
  }

  getAddressSeqnumSync(address: Uint8Array): bigint {
    const content = runWalkSync(this.nodes, getContent(this.blockRootId, addressTrieKey(address)))
    return content === undefined ? -1n : decodeSeqnum(address, content)
  }
}

async function trieContent(nodes: TrieNodeSource, rootId: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
  return runWalk(nodes, getContent(rootId, key))
}

/**
 * Decodes a token description: token uid as length-prefixed bytes, name and symbol as
 * length-prefixed UTF-8, version as one byte. It is stored without a presence byte.
 */
export function decodeTokenDescription(tokenUid: Uint8Array, content: Uint8Array): TokenDescription {
  try {
    const reader = new ByteReader(content)
    const storedUid = readBoundedBytes(reader)
    const name = readBoundedString(reader)
    const symbol = readBoundedString(reader)
    const version = reader.readUint8()
    if (version > 2) throw new DecodeError(`token version ${version} is not 0 (native), 1 (deposit) or 2 (fee)`)
    reader.assertAtEnd('token description')
    return { tokenUid: storedUid, name, symbol, version }
  } catch (cause) {
    throw new DecodeError(`description of token ${bytesToHex(tokenUid)} in the block trie cannot be decoded: ${(cause as Error).message}`,
      { tokenUid: bytesToHex(tokenUid) }, { cause })
  }
}

function decodeSeqnum(address: Uint8Array, content: Uint8Array): bigint {
  try {
    const reader = new ByteReader(content)
    const seqnum = reader.readLeb128Unsigned(ADDRESS_SEQNUM_MAX_BYTES)
    reader.assertAtEnd('address sequence number')
    return seqnum
  } catch (cause) {
    throw new DecodeError(`sequence number of address ${bytesToHex(address)} in the block trie cannot be decoded: ${(cause as Error).message}`,
      { address: bytesToHex(address) }, { cause })
  }
}
