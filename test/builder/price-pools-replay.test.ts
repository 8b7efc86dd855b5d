import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { PricePoolsModel } from '../../src/builder/blueprints/price-pools.js'
import type { ContractChanges } from '../../src/builder/contract-changes.js'
import { ContractWriter } from '../../src/builder/contract-writer.js'
import { MemoryTrieNodeStore } from '../../src/builder/trie/node-store.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import type { TypeDescriptor } from '../../src/encoding/nc-type/descriptor.js'
import { decodeStoredValue } from '../../src/encoding/nc-type/decode.js'
import { encodeValue } from '../../src/encoding/nc-type/encode.js'
import { ContractState, dictEntryKey, fieldKey } from '../../src/nano/index.js'
import { chain, contractRootAt, corpusNodes, corpusNodeSource } from './corpus.js'

/**
 * Replays the corpus's two PricePools contracts call by call with the PricePools model and
 * the contract writer. Call arguments come from the corpus state after each block. The
 * contract roots and the stored bytes of every node must then equal the node's.
 */

const TOKEN_UID: TypeDescriptor = { kind: 'token_uid' }

interface Replay {
  contractId: string
  /** Which corpus events are calls of this contract. */
  isCall: (label: string) => boolean
}

const replays: Record<string, Replay> = {
  pools: { contractId: chain.contracts.pools!, isCall: (label) => /^(create P1|add_pool |swap |pause$|unpause$)/.test(label) },
  pools2: { contractId: chain.contracts.pools2!, isCall: (label) => /^(create P2|P2 )/.test(label) },
}

/** Reads the contract's stored state after a block, to recover the arguments of its calls. */
class CorpusContract {
  private readonly state: ContractState

  constructor(contractId: string, height: number) {
    const rootId = contractRootAt(contractId, height)
    assert.ok(rootId !== undefined, `contract ${contractId} missing at height ${height}`)
    this.state = new ContractState(corpusNodeSource, hexToBytes(contractId), rootId)
  }

  field(name: string, descriptor: TypeDescriptor) {
    return decodeStoredValue(descriptor, this.state.getAttributeSync(fieldKey(name))!)
  }

  entry(field: string, token: Uint8Array, descriptor: TypeDescriptor): bigint {
    const key = dictEntryKey(fieldKey(field), encodeValue(TOKEN_UID, token))
    return decodeStoredValue(descriptor, this.state.getAttributeSync(key)!) as bigint
  }
}

/** Builds the changes of one corpus call, with arguments recovered from the state after its block. */
function callChanges(model: PricePoolsModel, label: string, after: CorpusContract, timestamp: number): ContractChanges {
  const addPool = /add_pool (\w+)$/.exec(label)
  if (addPool !== null) {
    const token = hexToBytes(chain.tokens[addPool[1]!]!)
    return model.addPool(token, after.entry('reserve_htr', token, { kind: 'amount' }), after.entry('reserve_token', token, { kind: 'amount' }), timestamp)
  }

  if (label === 'pause' || label === 'unpause') {
    return model.setPaused(model.owner, after.field('paused', { kind: 'bool' }) as boolean, after.field('note', { kind: 'str' }) as string)
  }

  // A swap: the one pool whose reserves moved.
  for (const pool of model.pools.values()) {
    const reserveHtr = after.entry('reserve_htr', pool.token, { kind: 'amount' })
    const reserveToken = after.entry('reserve_token', pool.token, { kind: 'amount' })
    if (reserveHtr === pool.reserveHtr) continue

    if (reserveHtr > pool.reserveHtr) {
      return model.swapHtrForToken(pool.token, reserveHtr - pool.reserveHtr, pool.reserveToken - reserveToken, timestamp)
    }
    return model.swapTokenForHtr(pool.token, reserveToken - pool.reserveToken, pool.reserveHtr - reserveHtr, timestamp)
  }
  throw new Error(`no pool changed for call ${label}`)
}

describe('PricePools replay', () => {
  for (const [role, replay] of Object.entries(replays)) {
    it(`reproduces the roots and node bytes of ${role}`, () => {
      const stored = new Map<string, Uint8Array>()
      const store = new MemoryTrieNodeStore({ sink: (id, bytes) => stored.set(bytesToHex(id), bytes) })
      let writer: ContractWriter | undefined
      let model: PricePoolsModel | undefined
      let calls = 0

      for (const block of chain.blocks) {
        const events = chain.events.filter((event) => event.height === block.height && event.ok && replay.isCall(event.call))
        if (events.length > 0) {
          const after = new CorpusContract(replay.contractId, block.height)

          for (const { call } of events) {
            if (call.startsWith('create')) {
              const created = PricePoolsModel.initialize({
                owner: after.field('owner', { kind: 'address' }) as Uint8Array,
                usdToken: after.field('usd_token', TOKEN_UID) as Uint8Array,
                feeBps: after.field('fee_bps', { kind: 'int' }) as bigint,
                timestamp: block.timestamp,
              })
              model = created.model
              writer = ContractWriter.create(store, hexToBytes(replay.contractId), hexToBytes(chain.blueprints.price_pools!))
              writer.apply(created.changes)
            } else {
              writer!.apply(callChanges(model!, call, after, block.timestamp))
            }
            writer!.commit()
            calls += 1
          }
        }

        const expected = contractRootAt(replay.contractId, block.height)
        const actual = writer?.rootId
        assert.equal(actual === undefined ? undefined : bytesToHex(actual), expected === undefined ? undefined : bytesToHex(expected),
          `${role} root at height ${block.height}`)
      }

      assert.ok(calls >= 15, `only ${calls} calls replayed`)
      for (const [id, bytes] of stored) {
        const corpusBytes = corpusNodes.get(id)
        assert.ok(corpusBytes !== undefined, `node ${id} is not in the corpus`)
        assert.equal(bytesToHex(bytes), bytesToHex(corpusBytes), `bytes of node ${id}`)
      }
    })
  }
})
