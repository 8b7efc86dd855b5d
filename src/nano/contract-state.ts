import { DecodeError, StorageError } from '../errors.js'
import { ByteReader } from '../encoding/byte-reader.js'
import { bytesToHex } from '../encoding/hex.js'
import { readBool, readBoundedBytes, VARINT_MAX_BYTES } from '../encoding/primitives.js'
import { fieldKey as fieldNameKey } from './field-keys.js'
import { decodeTrieKey, encodeTrieKey } from './trie/trie-key.js'
import type { TrieNode } from '../encoding/trie-node.js'
import type { TrieNodeSource } from './trie/trie-node-source.js'
import { findNearestNode, getContent, nodeKey, runWalk, runWalkSync, type TrieWalk } from './trie/walk.js'
import { attributeTrieKey, BALANCE_TAG, balanceTrieKey, BLUEPRINT_ID_METADATA_KEY, metadataTrieKey } from './trie-keys.js'

/** A contract's balance of one token: amount and the mint and melt authorities it holds. */
export interface Balance {
  value: bigint
  canMint: boolean
  canMelt: boolean
}

export interface TokenBalance {
  tokenUid: Uint8Array
  balance: Balance
}

/**
 * Balances under each node of a balance subtree, in the order `getAllBalances` lists them. A
 * node's content never changes, so the list stays valid while the node object lives (the trie
 * node cache keeps it). Entries are frozen because every later reader shares them.
 */
const balancesBySubtree = new WeakMap<TrieNode, readonly TokenBalance[]>()

/** Subtrees with more balances than this are walked each time, so the kept lists stay small next to their nodes. */
const MAX_KEPT_SUBTREE_BALANCES = 256

/** Balance the node returns for a token the contract never held. */
export const EMPTY_BALANCE: Readonly<Balance> = Object.freeze({ value: 0n, canMint: false, canMelt: false })

/**
 * A field key: raw bytes, or a field name that is encoded as UTF-8 (the key of a top-level
 * field). Container keys are built with `field-keys.ts`.
 */
export type FieldKey = Uint8Array | string

/**
 * One contract's state under one contract root id (hathorlib's `NCContractStorage`, read
 * only): attributes, balances and metadata. Methods that the sandbox calls from Python have
 * a `Sync` variant, which needs a trie node source with `getSync`.
 */
export class ContractState {
  constructor(
    private readonly nodes: TrieNodeSource,
    readonly contractId: Uint8Array,
    /** Root id of the contract's own trie. */
    readonly rootId: Uint8Array,
  ) {}

  /**
   * Attribute content exactly as stored: the presence byte (0x01, or 0x00 for a deleted
   * key) and then the encoded value. Undefined when the key was never written.
   */
  async getAttributeContent(key: FieldKey): Promise<Uint8Array | undefined> {
    return runWalk(this.nodes, this.attributeContentWalk(key))
  }

  getAttributeContentSync(key: FieldKey): Uint8Array | undefined {
    return runWalkSync(this.nodes, this.attributeContentWalk(key))
  }

  /**
   * Encoded value of an attribute, without the presence byte. Undefined when the key was
   * never written or was deleted, the two cases where the node raises KeyError.
   */
  async getAttribute(key: FieldKey): Promise<Uint8Array | undefined> {
    return this.presentValue(key, await this.getAttributeContent(key))
  }

  getAttributeSync(key: FieldKey): Uint8Array | undefined {
    return this.presentValue(key, this.getAttributeContentSync(key))
  }

  async hasAttribute(key: FieldKey): Promise<boolean> {
    return (await this.getAttribute(key)) !== undefined
  }

  hasAttributeSync(key: FieldKey): boolean {
    return this.getAttributeSync(key) !== undefined
  }

  /** Bytes of a metadata entry, or undefined when absent. The node keeps only `blueprint_id`. */
  async getMetadata(key: FieldKey): Promise<Uint8Array | undefined> {
    return runWalk(this.nodes, this.metadataWalk(toKeyBytes(key)))
  }

  getMetadataSync(key: FieldKey): Uint8Array | undefined {
    return runWalkSync(this.nodes, this.metadataWalk(toKeyBytes(key)))
  }

  /** Id of the contract's blueprint. Every contract has one, so its absence is a storage fault. */
  async getBlueprintId(): Promise<Uint8Array> {
    return this.requireBlueprintId(await this.getMetadata(BLUEPRINT_ID_METADATA_KEY))
  }

  getBlueprintIdSync(): Uint8Array {
    return this.requireBlueprintId(this.getMetadataSync(BLUEPRINT_ID_METADATA_KEY))
  }

  /** Balance of `tokenUid`. A token never held, or deleted, gives 0 without authorities, as in the node. */
  async getBalance(tokenUid: Uint8Array): Promise<Balance> {
    return runWalk(this.nodes, this.balanceWalk(tokenUid))
  }

  getBalanceSync(tokenUid: Uint8Array): Balance {
    return runWalkSync(this.nodes, this.balanceWalk(tokenUid))
  }

  /**
   * Lists every stored balance in the node's order for `__all__` (hathorlib's
   * `get_all_balances`): a depth-first walk of the subtree of balance keys, children in stored order.
   */
  async getAllBalances(): Promise<TokenBalance[]> {
    return runWalk(this.nodes, this.allBalancesWalk())
  }

  getAllBalancesSync(): TokenBalance[] {
    return runWalkSync(this.nodes, this.allBalancesWalk())
  }

  private attributeContentWalk(key: FieldKey): TrieWalk<Uint8Array | undefined> {
    return getContent(this.rootId, attributeTrieKey(toKeyBytes(key)))
  }

  private presentValue(key: FieldKey, content: Uint8Array | undefined): Uint8Array | undefined {
    if (content === undefined) return undefined
    return this.stripPresence(content, `attribute ${describeKey(key)}`)
  }

  private *metadataWalk(key: Uint8Array): TrieWalk<Uint8Array | undefined> {
    const content = yield* getContent(this.rootId, metadataTrieKey(key))
    if (content === undefined) return undefined

    const value = this.stripPresence(content, `metadata ${describeKey(key)}`)
    if (value === undefined) return undefined
    return this.decode(`metadata ${describeKey(key)}`, () => readBoundedBytes(new ByteReader(value)))
  }

  private requireBlueprintId(blueprintId: Uint8Array | undefined): Uint8Array {
    if (blueprintId === undefined) {
      throw new StorageError('NC_STORAGE_KEY_MISSING',
        `contract ${bytesToHex(this.contractId)} has no blueprint_id metadata under contract root ${bytesToHex(this.rootId)}`,
        { contractId: bytesToHex(this.contractId), rootId: bytesToHex(this.rootId) })
    }
    return blueprintId
  }

  private *balanceWalk(tokenUid: Uint8Array): TrieWalk<Balance> {
    const content = yield* getContent(this.rootId, balanceTrieKey(tokenUid))
    if (content === undefined) return { ...EMPTY_BALANCE }

    const value = this.stripPresence(content, `balance of token ${bytesToHex(tokenUid)}`)
    if (value === undefined) return { ...EMPTY_BALANCE }
    return this.decodeBalance(tokenUid, value)
  }

  private *allBalancesWalk(): TrieWalk<TokenBalance[]> {
    const balanceTag = encodeTrieKey(Uint8Array.of(BALANCE_TAG))

    // The balance subtree is the nearest node to the tag when its key starts with the tag.
    // Otherwise it is the first child of that node whose key does. With neither, there is no balance.
    const nearest = yield* findNearestNode(this.rootId, balanceTag)
    let balanceRoot = nodeKey(nearest).startsWith(balanceTag) ? nearest : undefined
    if (balanceRoot === undefined) {
      for (const childId of nearest.children.values()) {
        const child = yield childId
        if (nodeKey(child).startsWith(balanceTag)) {
          balanceRoot = child
          break
        }
      }
    }
    if (balanceRoot === undefined) return []

    const balances: TokenBalance[] = []
    yield* this.collectBalances(balanceRoot, balances)
    return balances
  }

  /**
   * Appends the balances under `node` to `balances` in the node's order: depth first, the node
   * before its children, children in stored order. A subtree's list is kept with its node, so
   * a walk of a new contract root reads again only the subtrees that changed.
   */
  private *collectBalances(node: TrieNode, balances: TokenBalance[]): TrieWalk<void> {
    const known = balancesBySubtree.get(node)
    if (known !== undefined) {
      for (const entry of known) balances.push(entry)
      return
    }

    const start = balances.length
    if (node.content !== null) balances.push(this.decodeBalanceLeaf(node, node.content))
    for (const childId of node.children.values()) {
      yield* this.collectBalances(yield childId, balances)
    }

    if (balances.length - start <= MAX_KEPT_SUBTREE_BALANCES) balancesBySubtree.set(node, balances.slice(start))
  }

  /** Decodes the balance a leaf of the balance subtree holds; the token uid is its key after the tag. */
  private decodeBalanceLeaf(node: TrieNode, content: Uint8Array): TokenBalance {
    const tokenUid = decodeTrieKey(nodeKey(node)).subarray(1)
    const value = this.stripPresence(content, `balance of token ${bytesToHex(tokenUid)}`)
    if (value === undefined) {
      throw new StorageError('NC_STORAGE_INVALID',
        `balance of token ${bytesToHex(tokenUid)} in contract ${bytesToHex(this.contractId)} is stored as deleted; the node never deletes balances`,
        { contractId: bytesToHex(this.contractId), tokenUid: bytesToHex(tokenUid), trieNode: bytesToHex(node.id) })
    }
    return Object.freeze({ tokenUid, balance: Object.freeze(this.decodeBalance(tokenUid, value)) })
  }

  /** Balance value bytes: signed LEB128 amount (at most 32 bytes), then can_mint and can_melt bool bytes. */
  private decodeBalance(tokenUid: Uint8Array, value: Uint8Array): Balance {
    return this.decode(`balance of token ${bytesToHex(tokenUid)}`, () => {
      const reader = new ByteReader(value)
      const amount = reader.readLeb128Signed(VARINT_MAX_BYTES)
      const canMint = readBool(reader)
      const canMelt = readBool(reader)
      return { value: amount, canMint, canMelt }
    })
  }

  /** Value after the presence byte, or undefined for a deleted key. */
  private stripPresence(content: Uint8Array, what: string): Uint8Array | undefined {
    const present = this.decode(what, () => readBool(new ByteReader(content)))
    return present ? content.subarray(1) : undefined
  }

  private decode<T>(what: string, read: () => T): T {
    try {
      return read()
    } catch (cause) {
      throw new DecodeError(`${what} of contract ${bytesToHex(this.contractId)} cannot be decoded: ${(cause as Error).message}`,
        { contractId: bytesToHex(this.contractId), rootId: bytesToHex(this.rootId) }, { cause })
    }
  }
}

function toKeyBytes(key: FieldKey): Uint8Array {
  return typeof key === 'string' ? fieldNameKey(key) : key
}

function describeKey(key: FieldKey): string {
  return typeof key === 'string' ? JSON.stringify(key) : `0x${bytesToHex(key)}`
}
