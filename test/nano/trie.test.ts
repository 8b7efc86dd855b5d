import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { sha256 } from '@noble/hashes/sha2.js'

import { DecodeError, StorageError } from '../../src/errors.js'
import { encodeTrieNode, type TrieNode } from '../../src/encoding/trie-node.js'
import { CachedTrieNodeSource, type TrieNodeSource } from '../../src/nano/trie/trie-node-source.js'
import { decodeTrieKey, encodeTrieKey } from '../../src/nano/trie/trie-key.js'
import { collectDepthFirst, nodeKey, runWalk, trieGet, trieGetSync } from '../../src/nano/trie/walk.js'
import type { ColumnFamily, KeyValueSource, RangeOptions } from '../../src/storage/column-families.js'
import { openLevelSource, openMemorySource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { buildFixtureDatabase, fromHex, hex, readChain, type Chain } from '../storage/fixture.js'

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Builds a node with a made-up id, because these tests exercise the walk, not the node's hashing. */
function makeNode(label: string, key: string, content: Uint8Array | null, children: Array<[string, TrieNode]> = []): TrieNode {
  return {
    key: ascii(key),
    length: key.length,
    content,
    children: new Map(children.map(([edge, child]) => [hex(ascii(edge)), child.id])),
    id: sha256(ascii(label)),
  }
}

/**
 * Builds a trie laid out as hathorlib lays out the raw keys 0x01, 0x02 and 0x0105: the root,
 * a split node "0" without content, and leaves. Node "01" has content and a child.
 */
function buildSmallTrie() {
  const leaf0105 = makeNode('0105', '0105', ascii('c0105'))
  const node01 = makeNode('01', '01', ascii('c01'), [['05', leaf0105]])
  const leaf02 = makeNode('02', '02', ascii('c02'))
  const split0 = makeNode('0', '0', null, [['2', leaf02], ['1', node01]])
  const root = makeNode('root', '', null, [['0', split0]])
  return { root, split0, node01, leaf02, leaf0105, all: [root, split0, node01, leaf02, leaf0105] }
}

async function sourceWithNodes(nodes: TrieNode[], extra: Array<{ key: string; value: string }> = []) {
  const { database, source } = await openMemorySource()
  const lines = nodes.map((node) => JSON.stringify({ cf: 'nc-state', key: hex(node.id), value: hex(encodeTrieNode(node)) }))
  lines.push(...extra.map((entry) => JSON.stringify({ cf: 'nc-state', ...entry })))
  await loadDumpInto(database, lines)
  return source
}

/** Counts reads of `nc-state` so tests can see what the cache saves. */
class CountingSource implements KeyValueSource {
  reads = 0

  constructor(private readonly inner: KeyValueSource) {}

  async get(cf: ColumnFamily, key: Uint8Array) {
    if (cf === 'nc-state') this.reads += 1
    return this.inner.get(cf, key)
  }

  async getMany(cf: ColumnFamily, keys: Uint8Array[]) {
    return this.inner.getMany(cf, keys)
  }

  entries(cf: ColumnFamily, options?: RangeOptions) {
    return this.inner.entries(cf, options)
  }

  async close() {
    await this.inner.close()
  }
}

describe('trie keys', () => {
  test('encode as lowercase hex text', () => {
    assert.equal(encodeTrieKey(Uint8Array.of(0x00, 0xab, 0x1f)), '00ab1f')
  })

  test('decode pads a half byte with zero', () => {
    assert.deepEqual(decodeTrieKey('01ab'), Uint8Array.of(0x01, 0xab))
    assert.deepEqual(decodeTrieKey('01a'), Uint8Array.of(0x01, 0xa0))
  })
})

describe('trie walk on a small trie', () => {
  const trie = buildSmallTrie()

  test('finds every stored key, async and sync', async () => {
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes(trie.all)))
    const expected: Array<[Uint8Array, string | undefined]> = [
      [Uint8Array.of(0x01), 'c01'],
      [Uint8Array.of(0x02), 'c02'],
      [Uint8Array.of(0x01, 0x05), 'c0105'],
      [Uint8Array.of(0x03), undefined],
      [Uint8Array.of(0x01, 0x06), undefined],
      [Uint8Array.of(0x01, 0x05, 0x00), undefined],
      [Uint8Array.of(0x00), undefined],
      [new Uint8Array(0), undefined],
    ]
    for (const [key, content] of expected) {
      const found = await trieGet(source, trie.root.id, key)
      assert.equal(found === undefined ? undefined : Buffer.from(found).toString(), content, `key ${hex(key)}`)
      const foundSync = trieGetSync(source, trie.root.id, key)
      assert.equal(foundSync === undefined ? undefined : Buffer.from(foundSync).toString(), content, `sync key ${hex(key)}`)
    }
  })

  test('depth-first order follows stored child order', async () => {
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes(trie.all)))
    const nodes = await runWalk(source, collectDepthFirst(trie.root))
    assert.deepEqual(nodes.map(nodeKey), ['', '0', '02', '01', '0105'])
  })

  test('missing child node names its id', async () => {
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes(trie.all.filter((node) => node !== trie.leaf0105))))
    assert.equal(Buffer.from((await trieGet(source, trie.root.id, Uint8Array.of(0x02)))!).toString(), 'c02')

    await assert.rejects(trieGet(source, trie.root.id, Uint8Array.of(0x01, 0x05)), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_KEY_MISSING')
      assert.equal(error.details.key, hex(trie.leaf0105.id))
      assert.equal(error.details.cf, 'nc-state')
      assert.ok(error.message.includes(hex(trie.leaf0105.id)))
      return true
    })
    assert.throws(() => trieGetSync(source, trie.root.id, Uint8Array.of(0x01, 0x05)), { code: 'NC_STORAGE_KEY_MISSING' })
  })

  test('missing root node names its id', async () => {
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes(trie.all)))
    const unknownRoot = new Uint8Array(32).fill(7)
    await assert.rejects(trieGet(source, unknownRoot, Uint8Array.of(0x01)), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_KEY_MISSING')
      assert.ok(error.message.includes(hex(unknownRoot)))
      return true
    })
  })

  test('undecodable node is a decode error naming its id', async () => {
    const garbageId = new Uint8Array(32).fill(9)
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes([], [{ key: hex(garbageId), value: 'ff' }])))
    await assert.rejects(trieGet(source, garbageId, Uint8Array.of(0x01)), (error: unknown) => {
      assert.ok(error instanceof DecodeError)
      assert.equal(error.code, 'NC_DECODE_FAILED')
      assert.equal(error.details.key, hex(garbageId))
      assert.ok(error.message.includes(hex(garbageId)))
      return true
    })
  })

  test('node stored under another id is invalid', async () => {
    const wrongId = new Uint8Array(32).fill(3)
    const source = new CachedTrieNodeSource(new NodeStorage(await sourceWithNodes([], [{ key: hex(wrongId), value: hex(encodeTrieNode(trie.leaf02)) }])))
    await assert.rejects(trieGet(source, wrongId, Uint8Array.of(0x02)), { code: 'NC_STORAGE_INVALID' })
  })

  test('cache serves repeated reads without storage', async () => {
    const counting = new CountingSource(await sourceWithNodes(trie.all))
    const source = new CachedTrieNodeSource(new NodeStorage(counting))

    await trieGet(source, trie.root.id, Uint8Array.of(0x01, 0x05))
    const readsAfterFirstWalk = counting.reads
    assert.equal(readsAfterFirstWalk, 4)

    await trieGet(source, trie.root.id, Uint8Array.of(0x01, 0x05))
    assert.equal(counting.reads, readsAfterFirstWalk)
    assert.equal(source.cacheUsage.nodes, 4)
  })

  test('cache stays within its byte bound', async () => {
    const counting = new CountingSource(await sourceWithNodes(trie.all))
    const maxBytes = 600
    const source = new CachedTrieNodeSource(new NodeStorage(counting), { cacheMaxBytes: maxBytes })

    await trieGet(source, trie.root.id, Uint8Array.of(0x01, 0x05))
    await trieGet(source, trie.root.id, Uint8Array.of(0x02))
    assert.ok(source.cacheUsage.bytes <= maxBytes, `cache holds ${source.cacheUsage.bytes} bytes`)
    assert.ok(source.cacheUsage.nodes < trie.all.length)

    const reads = counting.reads
    await trieGet(source, trie.root.id, Uint8Array.of(0x01, 0x05))
    assert.ok(counting.reads > reads, 'evicted nodes are read again')
  })

  test('sync walk needs a source with getSync', async () => {
    const source: TrieNodeSource = { get: async () => trie.root }
    assert.throws(() => trieGetSync(source, trie.root.id, Uint8Array.of(0x01)), { code: 'NC_STORAGE_READ_FAILED' })

    const noSyncStorage = new CachedTrieNodeSource(new NodeStorage(new CountingSource(await sourceWithNodes(trie.all))))
    assert.throws(() => trieGetSync(noSyncStorage, trie.root.id, Uint8Array.of(0x01)), { code: 'NC_STORAGE_READ_FAILED' })
  })

  test('cache size must be positive', async () => {
    const storage = new NodeStorage(await sourceWithNodes(trie.all))
    assert.throws(() => new CachedTrieNodeSource(storage, { cacheMaxBytes: 0 }), RangeError)
  })
})

describe('trie walk on the conformance dump', () => {
  let source: LevelKeyValueSource
  let nodes: CachedTrieNodeSource
  let remove: () => Promise<void>
  let chain: Chain

  before(async () => {
    const built = await buildFixtureDatabase()
    remove = built.remove
    source = await openLevelSource(built.dbPath)
    nodes = new CachedTrieNodeSource(new NodeStorage(source))
    chain = await readChain()
  })

  after(async () => {
    await source.close()
    await remove()
  })

  test('every stored key is found from its root', async () => {
    const rootIds = new Set<string>()
    for (const block of chain.blocks) {
      if (block.nc_block_root_id) rootIds.add(block.nc_block_root_id)
    }
    assert.ok(rootIds.size > 50)

    let checked = 0
    for (const rootHex of rootIds) {
      const rootId = fromHex(rootHex)
      const blockTrie = await runWalk(nodes, collectDepthFirst(await nodes.get(rootId)))

      for (const node of blockTrie) {
        if (node.content === null) continue
        const key = decodeTrieKey(nodeKey(node))
        assert.deepEqual(await trieGet(nodes, rootId, key), node.content, `block trie key ${hex(key)}`)
        assert.deepEqual(trieGetSync(nodes, rootId, key), node.content, `sync block trie key ${hex(key)}`)

        // Contract entries hold the contract's own root id: walk that trie too.
        if (key[0] !== 0x00) continue
        const contractTrie = await runWalk(nodes, collectDepthFirst(await nodes.get(node.content)))
        for (const contractNode of contractTrie) {
          if (contractNode.content === null) continue
          const contractKey = decodeTrieKey(nodeKey(contractNode))
          assert.deepEqual(await trieGet(nodes, node.content, contractKey), contractNode.content, `contract trie key ${hex(contractKey)}`)
          checked += 1
        }
      }
    }
    assert.ok(checked > 1000, `checked ${checked} contract keys`)
  })
})
