import { bytesToHex } from '../encoding/hex.js'
import { decodeStoredBalance, encodeStoredBalance, encodeStoredMetadata, type Balance } from '../encoding/nc-type/stored-attribute.js'
import { HTR_TOKEN_UID } from '../encoding/nc-type/value.js'
import { attributeTrieKey, balanceTrieKey, BLUEPRINT_ID_METADATA_KEY, metadataTrieKey } from '../nano/index.js'
import type { ContractChanges } from './contract-changes.js'
import { BuildError } from './errors.js'
import type { TrieNodeStore } from './trie/node-store.js'
import { TrieWriter } from './trie/trie-writer.js'

/**
 * Writes one contract's own trie as hathorlib's `NCContractStorage` does: attributes at
 * 0x00 ‖ SHA-256(field key), balances at 0x01 ‖ token uid, metadata at
 * 0x02 ‖ SHA-256(metadata key), every content behind a presence byte.
 */
export class ContractWriter {
  private readonly trie: TrieWriter

  /** Opens the contract's trie at `rootId`, or an empty trie for a new contract. */
  constructor(store: TrieNodeStore, readonly contractId: Uint8Array, rootId?: Uint8Array) {
    this.trie = new TrieWriter(store, rootId)
  }

  /**
   * Starts a new contract as the node does before its `initialize` runs: an empty trie and
   * the blueprint id, written before any change of the creating call.
   */
  static create(store: TrieNodeStore, contractId: Uint8Array, blueprintId: Uint8Array): ContractWriter {
    const writer = new ContractWriter(store, contractId)
    writer.setBlueprintId(blueprintId)
    return writer
  }

  /** Root id as of the last commit. */
  get rootId(): Uint8Array {
    return this.trie.rootId
  }

  setBlueprintId(blueprintId: Uint8Array): void {
    this.trie.update(metadataTrieKey(BLUEPRINT_ID_METADATA_KEY), encodeStoredMetadata(blueprintId))
  }

  /** Attribute content as stored (presence byte first), or undefined when never written. */
  getAttributeContent(fieldKey: Uint8Array): Uint8Array | undefined {
    return this.trie.get(attributeTrieKey(fieldKey))
  }

  /** Reads the stored balance of a token, or zero without authorities when none is stored. */
  getBalance(tokenUid: Uint8Array): Balance {
    const content = this.trie.get(balanceTrieKey(tokenUid))
    const stored = content === undefined ? null : decodeStoredBalance(content)
    return stored ?? { value: 0n, canMint: false, canMelt: false }
  }

  /**
   * Writes one call's changes in the node's order (see `ContractChanges`). A balance is
   * rewritten for every token the call touched, even when its amount did not change.
   */
  apply(changes: ContractChanges): void {
    for (const { key, content } of changes.attributes.values()) {
      this.trie.update(attributeTrieKey(key), content)
    }

    for (const { tokenUid, amount } of changes.balances.values()) {
      const balance = this.getBalance(tokenUid)
      balance.value += amount
      if (balance.value < 0n) {
        throw new BuildError('NC_BUILD_INVALID_INPUT',
          `balance of token ${bytesToHex(tokenUid)} in contract ${bytesToHex(this.contractId)} would become ${balance.value}; expected at least 0`,
          { contractId: bytesToHex(this.contractId), tokenUid: bytesToHex(tokenUid) })
      }
      this.writeBalance(tokenUid, balance)
    }

    // The node writes the grants, then the revokes, so a token with authority changes is written twice.
    for (const { tokenUid, mint, melt } of changes.authorities.values()) {
      if (tokenUid.length === HTR_TOKEN_UID.length && tokenUid[0] === HTR_TOKEN_UID[0]) {
        throw new BuildError('NC_BUILD_INVALID_INPUT', 'HTR has no mint or melt authorities; expected another token uid')
      }
      const balance = this.getBalance(tokenUid)
      balance.canMint ||= mint === 'granted'
      balance.canMelt ||= melt === 'granted'
      this.writeBalance(tokenUid, balance)
      balance.canMint &&= mint !== 'revoked'
      balance.canMelt &&= melt !== 'revoked'
      this.writeBalance(tokenUid, balance)
    }
  }

  /** Stores the new nodes and returns the contract's root id. */
  commit(): Uint8Array {
    return this.trie.commit()
  }

  private writeBalance(tokenUid: Uint8Array, balance: Balance): void {
    this.trie.update(balanceTrieKey(tokenUid), encodeStoredBalance(balance))
  }
}
