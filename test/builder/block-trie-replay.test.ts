import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MemoryTrieNodeStore } from '../../src/builder/trie/node-store.js'
import { TrieWriter } from '../../src/builder/trie/trie-writer.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { contractTrieKey } from '../../src/nano/index.js'
import { chain, contractRootAt, corpusNodes } from './corpus.js'

/** The contract each corpus call label belongs to. */
const CALL_CONTRACTS: Array<[RegExp, string]> = [
  [/^(create P1|add_pool |swap |pause$|unpause$)/, 'pools'],
  [/^(create P2|P2 )/, 'pools2'],
  [/^(create Z1|zoo )/, 'zoo'],
  [/^(create L1|grant authority|ledger |close$)/, 'ledger'],
  [/^(create R1|watch )/, 'reader'],
]

function contractOf(label: string): string {
  const match = CALL_CONTRACTS.find(([pattern]) => pattern.test(label))
  if (match === undefined) throw new Error(`no contract for call ${label}`)
  return chain.contracts[match[1]]!
}

describe('block trie replay', () => {
  it('reproduces every block root and node from the calls of each block', () => {
    const stored = new Map<string, Uint8Array>()
    const trie = new TrieWriter(new MemoryTrieNodeStore({ sink: (id, bytes) => stored.set(bytesToHex(id), bytes) }))

    for (const block of chain.blocks.slice(1)) {
      // Each successful call maps its contract to the contract's new root, in call order. A
      // contract called twice ends with its root after the block, which is all the corpus keeps.
      for (const event of chain.events) {
        if (event.height !== block.height || !event.ok) continue
        const contractId = contractOf(event.call)
        trie.update(contractTrieKey(hexToBytes(contractId)), contractRootAt(contractId, block.height)!)
      }
      assert.equal(bytesToHex(trie.commit()), block.nc_block_root_id, `block root at height ${block.height}`)
    }

    assert.ok(stored.size > chain.tip_height, `only ${stored.size} nodes stored`)
    for (const [id, bytes] of stored) {
      const corpusBytes = corpusNodes.get(id)
      assert.ok(corpusBytes !== undefined, `node ${id} is not in the corpus`)
      assert.equal(bytesToHex(bytes), bytesToHex(corpusBytes), `bytes of node ${id}`)
    }
  })
})
