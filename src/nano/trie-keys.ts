import { sha256 } from '@noble/hashes/sha2.js'

/**
 * Keys of the two kinds of nano-state tries, as hathorlib's `block_storage.py` and
 * `contract_storage.py` build them. Each key starts with a one-byte tag.
 *
 * Block trie (root: the block's `nc_block_root_id`):
 * - 0x00 ‖ contract id (32 bytes): the contract's own trie root id, stored as raw bytes.
 * - 0x01 ‖ token uid: the token's description (see `decodeTokenDescription`).
 * - 0x02 ‖ address (25 bytes): the address's last nano sequence number, unsigned LEB128.
 *
 * Contract trie (root: the contract root id from the block trie):
 * - 0x00 ‖ SHA-256(field key): an attribute. Field keys are described in `field-keys.ts`.
 * - 0x01 ‖ token uid (not hashed): a balance.
 * - 0x02 ‖ SHA-256(metadata key): contract metadata; the node keeps only `blueprint_id`.
 *
 * Attribute, balance and metadata contents start with a presence byte (hathorlib's
 * `MaybeDeletedNCType`): 0x01 then the encoded value, or 0x00 alone for a deleted key.
 */

export const CONTRACT_TAG = 0x00
export const TOKEN_TAG = 0x01
export const ADDRESS_TAG = 0x02

export const ATTRIBUTE_TAG = 0x00
export const BALANCE_TAG = 0x01
export const METADATA_TAG = 0x02

/** Metadata key under which a contract stores its blueprint id. */
export const BLUEPRINT_ID_METADATA_KEY = new TextEncoder().encode('blueprint_id')

export function contractTrieKey(contractId: Uint8Array): Uint8Array {
  return tagged(CONTRACT_TAG, contractId)
}

export function tokenTrieKey(tokenUid: Uint8Array): Uint8Array {
  return tagged(TOKEN_TAG, tokenUid)
}

export function addressTrieKey(address: Uint8Array): Uint8Array {
  return tagged(ADDRESS_TAG, address)
}

/** Contract-trie key of an attribute. `fieldKey` is the unhashed key: a field name's UTF-8, or a container key. */
export function attributeTrieKey(fieldKey: Uint8Array): Uint8Array {
  return tagged(ATTRIBUTE_TAG, sha256(fieldKey))
}

export function balanceTrieKey(tokenUid: Uint8Array): Uint8Array {
  return tagged(BALANCE_TAG, tokenUid)
}

export function metadataTrieKey(metadataKey: Uint8Array): Uint8Array {
  return tagged(METADATA_TAG, sha256(metadataKey))
}

function tagged(tag: number, body: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + body.length)
  key[0] = tag
  key.set(body, 1)
  return key
}
