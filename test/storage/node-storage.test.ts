import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { StorageError } from '../../src/errors.js'
import { openLevelSource, openMemorySource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { buildFixtureDatabase, fromHex, hex, readChain, readStateCases, type Chain, type ChainBlock } from './fixture.js'

/**
 * Applies the node's rule for `get_older(timestamp, None, count)` to chain.json: every block
 * (voided ones too) with timestamp <= T, by timestamp then hash, both descending.
 */
function expectedBlocksAtOrBefore(chain: Chain, timestamp: number, limit: number): string[] {
  const newestFirst = (a: ChainBlock, b: ChainBlock): number => {
    if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp
    return Buffer.compare(Buffer.from(b.hash, 'hex'), Buffer.from(a.hash, 'hex'))
  }
  return [...chain.blocks, ...chain.voided_blocks]
    .filter((block) => block.timestamp <= timestamp)
    .sort(newestFirst)
    .slice(0, limit)
    .map((block) => block.hash)
}

describe('NodeStorage over the conformance dump', () => {
  let source: LevelKeyValueSource
  let storage: NodeStorage
  let remove: () => Promise<void>
  let chain: Chain

  before(async () => {
    const built = await buildFixtureDatabase()
    remove = built.remove
    source = await openLevelSource(built.dbPath)
    storage = new NodeStorage(source)
    chain = await readChain()
  })

  after(async () => {
    await source.close()
    await remove()
  })

  test('height index matches chain.json for every block', async () => {
    for (const block of chain.blocks) {
      const entry = await storage.getBlockAtHeight(block.height)
      assert.ok(entry !== undefined, `height ${block.height} is indexed`)
      assert.equal(hex(entry.hash), block.hash, `hash at height ${block.height}`)
      assert.equal(entry.timestamp, block.timestamp, `timestamp at height ${block.height}`)
    }
  })

  test('heights past the tip or outside 4 bytes have no block', async () => {
    assert.equal(await storage.getBlockAtHeight(chain.tip_height + 1), undefined)
    assert.equal(await storage.getBlockAtHeight(-1), undefined)
    assert.equal(await storage.getBlockAtHeight(2 ** 32), undefined)
  })

  test('tip height and tip block', async () => {
    assert.equal(await storage.getTipHeight(), chain.tip_height)
    const tip = await storage.getTip()
    const expected = chain.blocks.find((block) => block.height === chain.tip_height)!
    assert.equal(hex(tip.hash), expected.hash)
    assert.equal(tip.timestamp, expected.timestamp)
  })

  test('static metadata height and metadata root id of every block', async () => {
    for (const block of chain.blocks) {
      const hash = fromHex(block.hash)
      const staticMetadata = await storage.requireStaticMetadata(hash)
      assert.equal(staticMetadata.height, block.height, `static height of ${block.hash}`)

      const metadata = await storage.requireMetadata(hash)
      assert.equal(metadata.nc_block_root_id, block.nc_block_root_id ?? null, `nc_block_root_id at height ${block.height}`)
      assert.deepEqual(metadata.voided_by, [], `best-chain block ${block.height} is not voided`)
    }
  })

  test('voided blocks are stored, voided and not in the height index', async () => {
    assert.ok(chain.voided_blocks.length > 0)
    for (const block of chain.voided_blocks) {
      const hash = fromHex(block.hash)
      const metadata = await storage.requireMetadata(hash)
      assert.ok(metadata.voided_by.length > 0, `voided_by of ${block.hash}`)
      assert.ok((await storage.getVertexBytes(hash)) !== undefined)
      assert.equal((await storage.requireStaticMetadata(hash)).height, block.height)
      assert.notEqual(hex((await storage.getBlockAtHeight(block.height))!.hash), block.hash)
    }
  })

  test('blocks at or before the timestamps of the state cases', async () => {
    const timestamps = new Set<number>()
    for (const item of await readStateCases()) {
      if (typeof item.query.timestamp === 'number') timestamps.add(item.query.timestamp)
    }
    for (const block of [...chain.blocks, ...chain.voided_blocks]) {
      timestamps.add(block.timestamp)
      timestamps.add(block.timestamp - 1)
    }
    assert.ok(timestamps.size > 600)

    for (const timestamp of timestamps) {
      const hashes = (await storage.getBlocksAtOrBefore(timestamp, 100)).map(hex)
      assert.deepEqual(hashes, expectedBlocksAtOrBefore(chain, timestamp, 100), `blocks at or before ${timestamp}`)
    }
  })

  test('a voided block is listed first at its own timestamp', async () => {
    const voided = chain.voided_blocks[0]!
    const hashes = await storage.getBlocksAtOrBefore(voided.timestamp, 3)
    assert.equal(hex(hashes[0]!), voided.hash)
    assert.equal(hashes.length, 3)
  })

  test('timestamp edges', async () => {
    assert.deepEqual(await storage.getBlocksAtOrBefore(chain.genesis_timestamp - 1, 100), [])
    assert.deepEqual(await storage.getBlocksAtOrBefore(-5, 100), [])
    assert.deepEqual(await storage.getBlocksAtOrBefore(chain.genesis_timestamp, 0), [])

    const all = chain.blocks.length + chain.voided_blocks.length
    assert.equal((await storage.getBlocksAtOrBefore(2 ** 32 - 1, 1000)).length, all)
    assert.equal((await storage.getBlocksAtOrBefore(2 ** 40, 1000)).length, all)
    assert.deepEqual((await storage.getBlocksAtOrBefore(4_000_000_000, 5)).map(hex), expectedBlocksAtOrBefore(chain, 4_000_000_000, 5))
  })

  test('absent keys read as undefined, required ones raise', async () => {
    const absent = new Uint8Array(32).fill(0xee)
    assert.equal(await storage.getVertexBytes(absent), undefined)
    assert.equal(await storage.getMetadata(absent), undefined)
    assert.equal(await storage.getStaticMetadata(absent), undefined)
    assert.equal(await storage.getTrieNodeBytes(absent), undefined)
    assert.equal(storage.getTrieNodeBytesSync(absent), undefined)

    await assert.rejects(storage.requireMetadata(absent), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_KEY_MISSING')
      assert.equal(error.details.cf, 'meta')
      assert.equal(error.details.key, hex(absent))
      assert.ok(error.message.includes(hex(absent)))
      return true
    })
    await assert.rejects(storage.requireVertexBytes(absent), { code: 'NC_STORAGE_KEY_MISSING' })
    await assert.rejects(storage.requireStaticMetadata(absent), { code: 'NC_STORAGE_KEY_MISSING' })
  })

  test('trie node bytes read async and sync alike', async () => {
    const rootId = fromHex(chain.blocks.at(-1)!.nc_block_root_id!)
    const bytes = await storage.getTrieNodeBytes(rootId)
    assert.ok(bytes !== undefined)
    assert.deepEqual(storage.getTrieNodeBytesSync(rootId), bytes)
  })
})

describe('NodeStorage timestamp ties and faults', () => {
  async function storageWith(lines: Array<{ cf: string; key: string; value: string }>) {
    const { database, source } = await openMemorySource()
    await loadDumpInto(database, lines.map((line) => JSON.stringify(line)))
    return { storage: new NodeStorage(source), close: async () => source.close() }
  }

  const hashA = 'aa'.repeat(32)
  const hashB = 'bb'.repeat(32)
  const hashC = '0c'.repeat(32)

  test('blocks with one timestamp come in descending hash order', async () => {
    const timestamp = (1000).toString(16).padStart(8, '0')
    const earlier = (999).toString(16).padStart(8, '0')
    const { storage, close } = await storageWith([
      { cf: 'timestamp-sorted-blocks', key: timestamp + hashA, value: '' },
      { cf: 'timestamp-sorted-blocks', key: timestamp + hashB, value: '' },
      { cf: 'timestamp-sorted-blocks', key: earlier + hashC, value: '' },
    ])
    assert.deepEqual((await storage.getBlocksAtOrBefore(1000, 10)).map(hex), [hashB, hashA, hashC])
    assert.deepEqual((await storage.getBlocksAtOrBefore(1000, 1)).map(hex), [hashB])
    assert.deepEqual((await storage.getBlocksAtOrBefore(999, 10)).map(hex), [hashC])
    await close()
  })

  test('a malformed height-index value names the key and column family', async () => {
    const { storage, close } = await storageWith([{ cf: 'height-index', key: '00000005', value: 'abcd' }])
    await assert.rejects(storage.getBlockAtHeight(5), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_INVALID')
      assert.equal(error.details.cf, 'height-index')
      assert.equal(error.details.key, '00000005')
      assert.match(error.message, /00000005/)
      return true
    })
    await close()
  })

  test('metadata that is not JSON names the key', async () => {
    const { storage, close } = await storageWith([{ cf: 'meta', key: hashA, value: Buffer.from('{"voided_by": [').toString('hex') }])
    await assert.rejects(storage.getMetadata(fromHex(hashA)), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_INVALID')
      assert.equal(error.details.cf, 'meta')
      assert.equal(error.details.key, hashA)
      return true
    })
    await close()
  })

  test('an empty height index is a storage fault', async () => {
    const { storage, close } = await storageWith([])
    await assert.rejects(storage.getTipHeight(), { code: 'NC_STORAGE_KEY_MISSING' })
    await close()
  })

  test('metadata with only short numbers parses exactly', async () => {
    // A hash with a 16-digit run takes the lossless parser; the other one takes JSON.parse.
    const digitHash = '1234567890123456' + 'ab'.repeat(24)
    for (const rootId of [hashC, digitHash]) {
      const json = `{"voided_by": [], "nc_block_root_id": "${rootId}", "height": 9007199254740991, "weight": 2.25}`
      const { storage, close } = await storageWith([{ cf: 'meta', key: hashA, value: Buffer.from(json).toString('hex') }])
      const metadata = await storage.requireMetadata(fromHex(hashA))
      assert.equal(metadata.nc_block_root_id, rootId)
      assert.equal(metadata.height, 9007199254740991)
      assert.equal(metadata.weight, 2.25)
      await close()
    }
  })

  test('metadata fields keep their values and defaults', async () => {
    const json = `{"hash": "${hashA}", "voided_by": ["${hashB}"], "nc_block_root_id": "${hashC}", "weight": 1.5, "score_raw": 123456789012345678901234567890}`
    const { storage, close } = await storageWith([{ cf: 'meta', key: hashA, value: Buffer.from(json).toString('hex') }])
    const metadata = await storage.requireMetadata(fromHex(hashA))
    assert.deepEqual(metadata.voided_by, [hashB])
    assert.equal(metadata.nc_block_root_id, hashC)
    assert.equal(metadata.first_block, null)
    assert.equal(metadata.score_raw, 123456789012345678901234567890n)
    assert.equal(metadata.weight, 1.5)
    await close()
  })
})
