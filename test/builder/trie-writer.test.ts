import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { MemoryTrieNodeStore } from '../../src/builder/trie/node-store.js'
import { TrieWriter } from '../../src/builder/trie/trie-writer.js'
import { packageRoot } from '../../src/package-root.js'

interface Golden {
  batches: Array<{ updates: Array<[string, string]>; root_id: string }>
  nodes: Record<string, string>
}

/** Updates and what hathorlib 0.15's PatriciaTrie stored for them (see make-trie-golden.py). */
const golden = JSON.parse(readFileSync(join(packageRoot(), 'test/builder/fixtures/trie-golden.json'), 'utf8')) as Golden

function collectingStore(): { store: MemoryTrieNodeStore; written: Map<string, string> } {
  const written = new Map<string, string>()
  const store = new MemoryTrieNodeStore({ sink: (id, bytes) => written.set(bytesToHex(id), bytesToHex(bytes)) })
  return { store, written }
}

describe('TrieWriter', () => {
  it('starts from the empty root that hathorlib stores', () => {
    const { store, written } = collectingStore()
    const trie = new TrieWriter(store)

    const emptyId = createHash('sha256').update(Buffer.alloc(0)).digest('hex')
    assert.equal(bytesToHex(trie.rootId), emptyId)
    assert.deepEqual([...written.keys()], [emptyId])
  })

  it('matches hathorlib root ids after each commit', () => {
    const { store } = collectingStore()
    const trie = new TrieWriter(store)

    golden.batches.forEach((batch, index) => {
      for (const [key, content] of batch.updates) trie.update(hexToBytes(key), hexToBytes(content))
      assert.equal(bytesToHex(trie.commit()), batch.root_id, `root id after batch ${index}`)
    })
  })

  it('stores the same node bytes as hathorlib', () => {
    const { store, written } = collectingStore()
    const trie = new TrieWriter(store)
    for (const batch of golden.batches) {
      for (const [key, content] of batch.updates) trie.update(hexToBytes(key), hexToBytes(content))
      trie.commit()
    }

    assert.equal(written.size, Object.keys(golden.nodes).length, 'number of stored nodes')
    for (const [id, bytes] of Object.entries(golden.nodes)) {
      assert.equal(written.get(id), bytes, `bytes of node ${id}`)
    }
  })

  it('reads back the latest content of every key', () => {
    const trie = new TrieWriter(new MemoryTrieNodeStore())
    const latest = new Map<string, string>()
    for (const batch of golden.batches) {
      for (const [key, content] of batch.updates) {
        trie.update(hexToBytes(key), hexToBytes(content))
        latest.set(key, content)
      }
    }

    for (const [key, content] of latest) {
      const stored = trie.get(hexToBytes(key))
      assert.ok(stored !== undefined, `key ${key} is missing`)
      assert.equal(bytesToHex(stored), content, `content of key ${key}`)
    }
    assert.equal(trie.get(hexToBytes('07ffffff')), undefined)
  })

  it('gives the same root id for any insertion order', () => {
    const pairs = new Map<string, string>()
    for (const batch of golden.batches) for (const [key, content] of batch.updates) pairs.set(key, content)
    const entries = [...pairs]

    const forward = new TrieWriter(new MemoryTrieNodeStore())
    for (const [key, content] of entries) forward.update(hexToBytes(key), hexToBytes(content))
    const backward = new TrieWriter(new MemoryTrieNodeStore())
    for (const [key, content] of [...entries].reverse()) backward.update(hexToBytes(key), hexToBytes(content))

    assert.equal(bytesToHex(backward.commit()), bytesToHex(forward.commit()))
    assert.equal(bytesToHex(forward.rootId), golden.batches.at(-1)!.root_id)
  })

  it('reopens a committed root from the store', () => {
    const { store } = collectingStore()
    const first = new TrieWriter(store)
    const [half, rest] = [golden.batches.slice(0, 20), golden.batches.slice(20)]
    for (const batch of half) for (const [key, content] of batch.updates) first.update(hexToBytes(key), hexToBytes(content))
    const middleRoot = first.commit()
    assert.equal(bytesToHex(first.rootId), bytesToHex(middleRoot))

    const reopened = new TrieWriter(store, middleRoot)
    for (const batch of rest) for (const [key, content] of batch.updates) reopened.update(hexToBytes(key), hexToBytes(content))
    assert.equal(bytesToHex(reopened.commit()), golden.batches.at(-1)!.root_id)
  })

  it('keeps only nodes reachable from the committed root', () => {
    const { store, written } = collectingStore()
    const trie = new TrieWriter(store)
    trie.update(hexToBytes('0011'), Uint8Array.of(1))
    trie.update(hexToBytes('0011'), Uint8Array.of(2))
    trie.update(hexToBytes('0012'), Uint8Array.of(3))
    trie.commit()

    // Root, split node 001, and the two leaves; the leaf holding 1 never reaches the store.
    assert.equal(written.size, 1 + 4)
  })

  it('rolls back uncommitted updates', () => {
    const trie = new TrieWriter(new MemoryTrieNodeStore())
    trie.update(hexToBytes('01'), Uint8Array.of(1))
    const committed = trie.commit()
    trie.update(hexToBytes('02'), Uint8Array.of(2))
    assert.equal(trie.isDirty, true)

    trie.rollback()
    assert.equal(trie.isDirty, false)
    assert.equal(bytesToHex(trie.rootId), bytesToHex(committed))
    assert.equal(trie.get(hexToBytes('02')), undefined)
  })

  it('rejects an empty key', () => {
    const trie = new TrieWriter(new MemoryTrieNodeStore())
    assert.throws(() => trie.update(new Uint8Array(0), Uint8Array.of(1)), { code: 'NC_BUILD_INVALID_INPUT' })
  })

  it('fails on a root id the store does not hold', () => {
    assert.throws(() => new TrieWriter(new MemoryTrieNodeStore(), new Uint8Array(32)), { code: 'NC_STORAGE_KEY_MISSING' })
  })
})
