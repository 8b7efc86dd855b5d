import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { sha256 } from '@noble/hashes/sha2.js'

import { PricePoolsModel } from '../../src/builder/blueprints/price-pools.js'
import { ChainWriter, type ChainSink } from '../../src/builder/chain-writer.js'
import { LevelChainSink } from '../../src/builder/level-sink.js'
import { buildAddress } from '../../src/encoding/address.js'
import { bytesToHex } from '../../src/encoding/hex.js'
import { StorageError } from '../../src/errors.js'
import { BlockState, CachedTrieNodeSource } from '../../src/nano/index.js'
import type { ColumnFamily, KeyValueSource, RangeOptions } from '../../src/storage/column-families.js'
import { openLevelSource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { MemoryKeyValueSource } from '../../src/storage/memory-source.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { seededRandom } from '../support/seeded-random.js'
import { makeTempDir } from './fixture.js'

/** Keys of 1 to 4 bytes from a few byte values, so that many keys are prefixes of others. */
function randomKey(random: () => number): Uint8Array {
  const alphabet = [0x00, 0x01, 0x21, 0x3a, 0x7f, 0x80, 0xfe, 0xff]
  const length = 1 + Math.floor(random() * 4)
  return Uint8Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]!)
}

async function collect(source: KeyValueSource, cf: ColumnFamily, options: RangeOptions): Promise<string[]> {
  const rows: string[] = []
  for await (const [key, value] of source.entries(cf, options)) rows.push(`${bytesToHex(key)}=${bytesToHex(value)}`)
  return rows
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** Writes every row to each sink. */
function teeSink(...sinks: ChainSink[]): ChainSink {
  return { put: (cf, key, value) => sinks.forEach((sink) => sink.put(cf, key, value)) }
}

describe('MemoryKeyValueSource against LevelDB', () => {
  const random = seededRandom(11)
  const memory = new MemoryKeyValueSource()
  let level: LevelKeyValueSource
  let remove: () => Promise<void>
  const probes: Uint8Array[] = []

  before(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    const dbPath = join(temp.dir, 'db')
    const sink = await LevelChainSink.create(dbPath, 'memory-source-test')
    const both = teeSink(memory, sink)

    for (let i = 0; i < 300; i++) {
      const cf: ColumnFamily = i % 3 === 0 ? 'tx' : 'nc-state'
      both.put(cf, randomKey(random), Uint8Array.of(i & 0xff, i >> 8))
    }
    // A second put of the same key replaces its value in both.
    both.put('tx', Uint8Array.of(0x21), utf8('replaced'))
    both.put('tx', Uint8Array.of(0x21), utf8('final'))
    await sink.complete({})
    await sink.close()
    level = await openLevelSource(dbPath, { multithreading: false })

    for (let i = 0; i < 12; i++) probes.push(randomKey(random))
    probes.push(Uint8Array.of(0x00), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff), new Uint8Array(0))
  })

  after(async () => {
    await level?.close()
    await remove?.()
  })

  test('full scans in both directions', async () => {
    for (const cf of ['tx', 'nc-state', 'meta'] as const) {
      assert.deepEqual(await collect(memory, cf, {}), await collect(level, cf, {}), `forward ${cf}`)
      assert.deepEqual(await collect(memory, cf, { reverse: true }), await collect(level, cf, { reverse: true }), `reverse ${cf}`)
    }
    assert.ok((await collect(memory, 'nc-state', {})).length > 100, 'the test wrote rows to nc-state')
  })

  test('single bounds with reverse and limit', async () => {
    for (const probe of probes) {
      for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
        for (const reverse of [false, true]) {
          for (const limit of [undefined, 0, 1, 3, -1]) {
            const options: RangeOptions = { [bound]: probe, reverse, ...(limit === undefined ? {} : { limit }) }
            const label = `${bound} ${bytesToHex(probe)} reverse ${reverse} limit ${limit}`
            assert.deepEqual(await collect(memory, 'nc-state', options), await collect(level, 'nc-state', options), label)
          }
        }
      }
    }
  })

  test('lower and upper bounds together', async () => {
    for (const low of probes) {
      for (const high of probes) {
        for (const [lower, upper] of [['gt', 'lt'], ['gte', 'lte'], ['gt', 'lte'], ['gte', 'lt']] as const) {
          const options: RangeOptions = { [lower]: low, [upper]: high }
          const label = `${lower} ${bytesToHex(low)} ${upper} ${bytesToHex(high)}`
          assert.deepEqual(await collect(memory, 'nc-state', options), await collect(level, 'nc-state', options), label)
          const reversed = { ...options, reverse: true, limit: 2 }
          assert.deepEqual(await collect(memory, 'nc-state', reversed), await collect(level, 'nc-state', reversed), `${label} reverse`)
        }
      }
    }
  })

  test('both bounds of one side', async () => {
    const [first, second] = [Uint8Array.of(0x01), Uint8Array.of(0x80)]
    for (const options of [{ gt: first, gte: second }, { gt: second, gte: first }, { lt: first, lte: second }, { lt: second, lte: first }]) {
      assert.deepEqual(await collect(memory, 'nc-state', options), await collect(level, 'nc-state', options), JSON.stringify(Object.keys(options)))
    }
  })

  test('point reads of present and absent keys', async () => {
    for (const probe of [...probes, Uint8Array.of(0x21)]) {
      const expected = await level.get('tx', probe)
      const label = `key ${bytesToHex(probe)}`
      assert.deepEqual(await memory.get('tx', probe), expected, label)
      assert.deepEqual(memory.getSync('tx', probe), expected, label)
    }
    assert.deepEqual(await memory.getMany('tx', probes), await level.getMany('tx', probes))
    assert.deepEqual(memory.getSync('tx', Uint8Array.of(0x21)), utf8('final'))
  })
})

describe('MemoryKeyValueSource', () => {
  test('rows round trip through structuredClone', async () => {
    const source = new MemoryKeyValueSource()
    source.put('tx', Uint8Array.of(2), Uint8Array.of(20))
    source.put('tx', Uint8Array.of(1), Uint8Array.of(10))
    source.put('height-index', Uint8Array.of(0, 0, 0, 1), Uint8Array.of(7))

    const copy = MemoryKeyValueSource.fromRows(structuredClone(source.rows()))
    assert.deepEqual(await collect(copy, 'tx', {}), ['01=0a', '02=14'])
    assert.deepEqual(await collect(copy, 'height-index', {}), ['00000001=07'])
    assert.equal(copy.size('tx'), 2)
    assert.equal(copy.size('meta'), 0)
  })

  test('put copies key and value', async () => {
    const source = new MemoryKeyValueSource()
    const key = Uint8Array.of(5)
    const value = Uint8Array.of(50)
    source.put('meta', key, value)
    key[0] = 6
    value[0] = 60
    assert.deepEqual(await collect(source, 'meta', {}), ['05=32'])
  })

  test('put after a range read is seen by the next one', async () => {
    const source = new MemoryKeyValueSource()
    source.put('tx', Uint8Array.of(3), Uint8Array.of(0))
    assert.deepEqual(await collect(source, 'tx', {}), ['03=00'])
    source.put('tx', Uint8Array.of(1), Uint8Array.of(0))
    assert.deepEqual(await collect(source, 'tx', { reverse: true }), ['03=00', '01=00'])
  })

  test('closed source rejects reads', async () => {
    const source = new MemoryKeyValueSource()
    await source.close()
    assert.throws(() => source.getSync('tx', Uint8Array.of(1)), (error: unknown) => error instanceof StorageError && error.code === 'NC_STORAGE_NOT_OPEN')
    await assert.rejects(source.get('tx', Uint8Array.of(1)), (error: unknown) => error instanceof StorageError && error.code === 'NC_STORAGE_NOT_OPEN')
    await assert.rejects(collect(source, 'tx', {}), (error: unknown) => error instanceof StorageError && error.code === 'NC_STORAGE_NOT_OPEN')
  })

  test('unknown column family', () => {
    const source = new MemoryKeyValueSource()
    assert.throws(() => source.getSync('nope' as ColumnFamily, Uint8Array.of(1)), (error: unknown) => error instanceof StorageError && error.code === 'NC_STORAGE_INVALID')
  })
})

describe('NodeStorage over MemoryKeyValueSource', () => {
  const memory = new MemoryKeyValueSource()
  let level: LevelKeyValueSource
  let remove: () => Promise<void>
  let blocks: Array<{ height: number; hash: Uint8Array; timestamp: number; ncBlockRootId: Uint8Array | null }>
  let voided: { hash: Uint8Array; timestamp: number }
  const contractId = sha256(utf8('memory source contract'))

  before(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    const dbPath = join(temp.dir, 'db')
    const sink = await LevelChainSink.create(dbPath, 'memory-source-chain')
    const writer = new ChainWriter({ sink: teeSink(memory, sink) })

    const start = 1_760_000_000
    const owner = buildAddress(0x28, sha256(utf8('memory source owner')).subarray(0, 20))
    const tokens = [1, 2, 3, 4].map((i) => sha256(Uint8Array.of(i)))
    blocks = [writer.addGenesis({ timestamp: start })]
    const created = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 30n, timestamp: start + 30 })
    writer.createContract(contractId, sha256(utf8('some blueprint')), created.changes)
    blocks.push(writer.addBlock({ timestamp: start + 30 }))
    for (let height = 2; height < 40; height++) {
      // Every block pair shares a timestamp, so the timestamp index orders them by hash.
      const timestamp = start + 30 * Math.floor(height / 2) * 2
      const token = tokens[height - 2]
      if (token !== undefined) writer.callContract(contractId, created.model.addPool(token, 1000n * BigInt(height), 500n, timestamp))
      blocks.push(writer.addBlock({ timestamp }))
    }
    const side = writer.addVoidedBlock(20, blocks[19]!.hash, { timestamp: blocks[20]!.timestamp, nonce: 77n })
    voided = { hash: side.hash, timestamp: side.timestamp }

    await sink.complete({})
    await sink.close()
    level = await openLevelSource(dbPath, { multithreading: false })
  })

  after(async () => {
    await level?.close()
    await remove?.()
  })

  test('blocks by height and the tip', async () => {
    const fromMemory = new NodeStorage(memory)
    const fromLevel = new NodeStorage(level)

    for (const block of blocks) {
      const entry = await fromMemory.getBlockAtHeight(block.height)
      assert.deepEqual(entry, await fromLevel.getBlockAtHeight(block.height), `height ${block.height}`)
      assert.equal(bytesToHex(entry!.hash), bytesToHex(block.hash), `hash at height ${block.height}`)
      assert.equal(entry!.timestamp, block.timestamp, `timestamp at height ${block.height}`)
    }
    assert.equal(await fromMemory.getBlockAtHeight(blocks.length), undefined)

    const tip = await fromMemory.getTip()
    assert.deepEqual(tip, await fromLevel.getTip())
    assert.equal(tip.height, blocks.length - 1)
    assert.equal(bytesToHex(tip.hash), bytesToHex(blocks.at(-1)!.hash))
  })

  test('blocks at or before a timestamp', async () => {
    const fromMemory = new NodeStorage(memory)
    const fromLevel = new NodeStorage(level)
    for (const timestamp of [0, blocks[0]!.timestamp, voided.timestamp, voided.timestamp + 1, blocks.at(-1)!.timestamp, 2 ** 32]) {
      for (const limit of [1, 3, 100]) {
        const expected = (await fromLevel.getBlocksAtOrBefore(timestamp, limit)).map(bytesToHex)
        assert.deepEqual((await fromMemory.getBlocksAtOrBefore(timestamp, limit)).map(bytesToHex), expected, `timestamp ${timestamp} limit ${limit}`)
      }
    }
    const aroundVoided = (await fromMemory.getBlocksAtOrBefore(voided.timestamp, 100)).map(bytesToHex)
    assert.ok(aroundVoided.includes(bytesToHex(voided.hash)), 'the voided block is in the timestamp index')
  })

  test('metadata and contract state', async () => {
    const fromMemory = new NodeStorage(memory)
    const fromLevel = new NodeStorage(level)
    for (const block of blocks) {
      assert.deepEqual(await fromMemory.requireMetadata(block.hash), await fromLevel.requireMetadata(block.hash), `metadata at height ${block.height}`)
      assert.deepEqual(await fromMemory.requireStaticMetadata(block.hash), await fromLevel.requireStaticMetadata(block.hash))
    }

    const tipRoot = blocks.at(-1)!.ncBlockRootId!
    const memoryContract = await new BlockState(new CachedTrieNodeSource(fromMemory), tipRoot).getContract(contractId)
    const levelContract = await new BlockState(new CachedTrieNodeSource(fromLevel), tipRoot).getContract(contractId)
    assert.ok(memoryContract !== undefined)
    assert.ok(levelContract !== undefined)
    assert.deepEqual(await memoryContract.getAllBalances(), await levelContract.getAllBalances())
    assert.equal((await memoryContract.getAllBalances()).length, 5)
    assert.deepEqual(await memoryContract.getAttribute('last_update'), await levelContract.getAttribute('last_update'))
  })

  test('every row equals its LevelDB copy', async () => {
    const rows = memory.rows()
    for (const [cf, key, value] of rows) {
      assert.deepEqual(level.getSync(cf, key), value, `${cf} ${bytesToHex(key)}`)
    }
    for (const cf of ['tx', 'meta', 'static-meta', 'height-index', 'timestamp-sorted-blocks', 'nc-state'] as const) {
      assert.equal(memory.size(cf), (await collect(level, cf, {})).length, `rows of ${cf}`)
    }
  })
})
