import { bytesToHex } from '../encoding/hex.js'
import type { TypeDescriptor } from '../encoding/nc-type/descriptor.js'
import { encodeAttributeValue } from '../encoding/nc-type/stored-attribute.js'
import type { NcValue } from '../encoding/nc-type/value.js'
import { fieldKey as fieldNameKey, type FieldKey } from '../nano/index.js'

/** Authority change of one token during a call, as hathorlib tracks it: the last grant or revoke wins. */
export type AuthorityChange = 'none' | 'granted' | 'revoked'

export interface AttributeWrite {
  /** Unhashed field key (see `src/nano/field-keys.ts`). */
  key: Uint8Array
  /** Trie content: presence byte, then the encoded value for a write. */
  content: Uint8Array
}

export interface BalanceChange {
  tokenUid: Uint8Array
  /** Amount added to the stored balance; negative for a withdrawal. */
  amount: bigint
}

export interface AuthorityChanges {
  tokenUid: Uint8Array
  mint: AuthorityChange
  melt: AuthorityChange
}

/**
 * What one contract call changes in one contract, kept in the order the node writes it
 * (hathorlib's `NCChangesTracker`): attributes in the order of their first write, the later
 * writes of a key replacing its value in place; then balance changes in the order of their
 * first token; then authority changes. `ContractWriter.apply` writes them to the trie.
 */
export class ContractChanges {
  readonly attributes = new Map<string, AttributeWrite>()
  readonly balances = new Map<string, BalanceChange>()
  readonly authorities = new Map<string, AuthorityChanges>()

  /** Writes `value`, encoded with `descriptor`, at a field key or a field name. */
  put(key: FieldKey, descriptor: TypeDescriptor, value: NcValue): this {
    return this.putContent(key, encodeAttributeValue(descriptor, { deleted: false, value }))
  }

  /** Deletes a key: the node stores the single byte 0x00 in its place. */
  delete(key: FieldKey): this {
    return this.putContent(key, Uint8Array.of(0))
  }

  /** Writes trie content that is already encoded, presence byte included. */
  putContent(key: FieldKey, content: Uint8Array): this {
    const keyBytes = toKeyBytes(key)
    this.attributes.set(bytesToHex(keyBytes), { key: keyBytes, content })
    return this
  }

  /** Adds `amount` (negative to withdraw) to the contract's balance of `tokenUid`. */
  addBalance(tokenUid: Uint8Array, amount: bigint): this {
    const id = bytesToHex(tokenUid)
    const change = this.balances.get(id)
    if (change === undefined) {
      this.balances.set(id, { tokenUid, amount })
    } else {
      change.amount += amount
    }
    return this
  }

  grantAuthorities(tokenUid: Uint8Array, mint: boolean, melt: boolean): this {
    return this.changeAuthorities(tokenUid, mint, melt, 'granted')
  }

  revokeAuthorities(tokenUid: Uint8Array, mint: boolean, melt: boolean): this {
    return this.changeAuthorities(tokenUid, mint, melt, 'revoked')
  }

  private changeAuthorities(tokenUid: Uint8Array, mint: boolean, melt: boolean, change: AuthorityChange): this {
    const id = bytesToHex(tokenUid)
    const entry = this.authorities.get(id) ?? { tokenUid, mint: 'none', melt: 'none' }
    if (mint) entry.mint = change
    if (melt) entry.melt = change
    this.authorities.set(id, entry)
    return this
  }
}

function toKeyBytes(key: FieldKey): Uint8Array {
  return typeof key === 'string' ? fieldNameKey(key) : key
}
