import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { decodeTrieNode } from '../../src/encoding/trie-node.js'
import { encodeWorkingNode, fromTrieNode } from '../../src/builder/trie/working-node.js'
import { MemoryTrieNodeStore } from '../../src/builder/trie/node-store.js'
import { TrieWriter } from '../../src/builder/trie/trie-writer.js'
import { chain, contractRootAt, corpusNodes, trieEntries } from './corpus.js'

/** Inserts the entries into an empty trie and returns its root id and the nodes it stored. */
function rebuild(entries: Array<{ key: Uint8Array; content: Uint8Array }>): { rootId: string; stored: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>()
  const store = new MemoryTrieNodeStore({ sink: (id, bytes) => stored.set(bytesToHex(id), bytes) })
  const trie = new TrieWriter(store)
  for (const { key, content } of entries) trie.update(key, content)
  return { rootId: bytesToHex(trie.commit()), stored }
}

/**
 * Checks that every rebuilt node is a corpus node with the same fields. Bytes can differ
 * only in the order of children, which depends on the order of the node's updates.
 */
function assertNodesInCorpus(stored: Map<string, Uint8Array>): void {
  for (const [id, bytes] of stored) {
    const corpusBytes = corpusNodes.get(id)
    if (corpusBytes === undefined) assert.fail(`rebuilt node ${id} is not in the corpus`)
    const ours = decodeTrieNode(bytes)
    const theirs = decodeTrieNode(corpusBytes)
    assert.deepEqual(ours.key, theirs.key, `key of node ${id}`)
    assert.equal(ours.length, theirs.length, `length of node ${id}`)
    assert.deepEqual(ours.content, theirs.content, `content of node ${id}`)
    assert.deepEqual(new Map([...ours.children].sort()), new Map([...theirs.children].sort()), `children of node ${id}`)
  }
}

const tip = chain.tip_height
const heights = [10, 31, 60, 101, 150, 222, tip - 15, tip]

describe('rebuilding corpus tries', () => {
  for (const [role, contractId] of Object.entries(chain.contracts)) {
    it(`reproduces the contract roots of ${role}`, () => {
      let checked = 0
      for (const height of heights) {
        const rootId = contractRootAt(contractId, height)
        if (rootId === undefined) continue

        const { rootId: rebuilt, stored } = rebuild(trieEntries(rootId))
        assert.equal(rebuilt, bytesToHex(rootId), `${role} root at height ${height}`)
        assertNodesInCorpus(stored)
        checked += 1
      }
      assert.ok(checked >= 4, `${role} exists at only ${checked} of the sampled heights`)
    })
  }

  it('reproduces block trie roots', () => {
    for (const height of [1, 5, 22, 31, 101, tip]) {
      const rootHex = chain.blocks[height]!.nc_block_root_id!
      const { rootId, stored } = rebuild(trieEntries(hexToBytes(rootHex)))
      assert.equal(rootId, rootHex, `block trie root at height ${height}`)
      assertNodesInCorpus(stored)
    }
  })

  it('reproduces stored bytes of single-entry nodes', () => {
    // Nodes with at most one child have one possible byte layout, whatever the update order.
    const rootId = contractRootAt(chain.contracts.pools!, tip)!
    const { stored } = rebuild(trieEntries(rootId))
    let compared = 0
    for (const [id, bytes] of stored) {
      if (decodeTrieNode(bytes).children.size > 1) continue
      assert.equal(bytesToHex(bytes), bytesToHex(corpusNodes.get(id)!), `bytes of node ${id}`)
      compared += 1
    }
    assert.ok(compared > 20, `only ${compared} nodes compared`)
  })

  it('stores rebuilt nodes under their ids', () => {
    const rootId = contractRootAt(chain.contracts.zoo!, tip)!
    const { stored } = rebuild(trieEntries(rootId))
    for (const [id, bytes] of stored) assert.equal(bytesToHex(decodeTrieNode(bytes).id), id)
    assert.ok(stored.size > 10)
  })
})

describe('working node encoding', () => {
  it('round-trips corpus nodes', () => {
    for (const [id, bytes] of [...corpusNodes].slice(0, 500)) {
      assert.equal(bytesToHex(encodeWorkingNode(fromTrieNode(decodeTrieNode(bytes)))), bytesToHex(bytes), `node ${id}`)
    }
  })
})
