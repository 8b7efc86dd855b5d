import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { COLUMN_FAMILIES } from '../../../src/storage/column-families.js'
import { importNodeRocksDb, type ImportSummary } from '../../../src/storage/rocksdb/index.js'
import {
  advanceNodeRocksDb, cloneContents, digestLevelCopy, makeTempDirectory, readChain, readDumpContents, readLevelCopy,
  removeDirectory, writeNodeRocksDb, type NodeContents,
} from './node-rocksdb.js'

/** Heights whose best block differs between the shorter and the longer chain. */
const REORGED_HEIGHTS = [249, 250]
const SHORT_TIP = 250

function heightKey(height: number): string {
  return height.toString(16).padStart(8, '0')
}

function timestampHex(timestamp: number): string {
  return timestamp.toString(16).padStart(8, '0')
}

/** Meta JSON of `hash`, derived from another block's meta, voided or not. */
function blockMeta(template: string, hash: string, voided: boolean): string {
  const meta = JSON.parse(Buffer.from(template, 'hex').toString('utf8')) as Record<string, unknown>
  meta.hash = hash
  meta.voided_by = voided ? [hash] : []
  return Buffer.from(JSON.stringify(meta)).toString('hex')
}

/**
 * Two states of one node built from the fixture. The longer chain is the fixture plus two side
 * blocks that lost a reorg at heights 249 and 250. The shorter chain is the same node earlier,
 * with its tip at height 250 and those two side blocks as its best blocks there. It lacks the
 * real blocks from height 249 up and a fifth of the trie nodes, and one block's metadata has an
 * older value.
 */
function buildChains(): { shorter: NodeContents, longer: NodeContents, removedTrieNodes: number } {
  const chain = readChain()
  const longer = cloneContents(readDumpContents())
  const blockByHeight = new Map(chain.blocks.map((block) => [block.height, block]))
  const get = (cf: string): Map<string, string> => longer.get(cf) ?? new Map<string, string>()

  const sideBlocks = new Map<number, { hash: string, timestamp: number }>()
  for (const height of REORGED_HEIGHTS) {
    const real = blockByHeight.get(height)
    assert.ok(real !== undefined)
    const hash = createHash('sha256').update(`side block at ${height}`).digest('hex')
    const timestamp = real.timestamp + 1
    sideBlocks.set(height, { hash, timestamp })

    get('tx').set(hash, get('tx').get(real.hash) ?? '')
    get('static-meta').set(hash, get('static-meta').get(real.hash) ?? '')
    get('meta').set(hash, blockMeta(get('meta').get(real.hash) ?? '', hash, true))
    get('timestamp-sorted-blocks').set(timestampHex(timestamp) + hash, '')
  }

  const shorter = cloneContents(longer)
  const short = (cf: string): Map<string, string> => shorter.get(cf) ?? new Map<string, string>()

  for (const block of chain.blocks.filter((candidate) => candidate.height >= REORGED_HEIGHTS[0]!)) {
    for (const cf of ['tx', 'meta', 'static-meta']) {
      short(cf).delete(block.hash)
    }
    short('timestamp-sorted-blocks').delete(timestampHex(block.timestamp) + block.hash)
    short('height-index').delete(heightKey(block.height))
  }

  for (const [height, side] of sideBlocks) {
    short('height-index').set(heightKey(height), side.hash + timestampHex(side.timestamp))
    short('meta').set(side.hash, blockMeta(short('meta').get(side.hash) ?? '', side.hash, false))
  }

  const block100 = blockByHeight.get(100)
  assert.ok(block100 !== undefined)
  const olderMeta = JSON.parse(Buffer.from(get('meta').get(block100.hash) ?? '', 'hex').toString('utf8')) as Record<string, unknown>
  olderMeta.validation = 'basic'
  short('meta').set(block100.hash, Buffer.from(JSON.stringify(olderMeta)).toString('hex'))

  let removedTrieNodes = 0
  for (const [index, key] of [...short('nc-state').keys()].entries()) {
    if (index % 5 === 0) {
      short('nc-state').delete(key)
      removedTrieNodes += 1
    }
  }

  return { shorter, longer, removedTrieNodes }
}

describe('incremental import', () => {
  let work: string
  let chains: ReturnType<typeof buildChains>
  let freshLonger: string
  let freshShorter: string

  before(async () => {
    work = makeTempDirectory('incremental')
    chains = buildChains()

    const longerSource = join(work, 'longer-source')
    const shorterSource = join(work, 'shorter-source')
    await writeNodeRocksDb(longerSource, chains.longer)
    await writeNodeRocksDb(shorterSource, chains.shorter)

    freshLonger = join(work, 'fresh-longer')
    freshShorter = join(work, 'fresh-shorter')
    await importNodeRocksDb({ from: longerSource, db: freshLonger })
    await importNodeRocksDb({ from: shorterSource, db: freshShorter })
  })

  after(() => removeDirectory(work))

  test('shorter chain then longer equals a fresh import', async () => {
    const node = join(work, 'node-advances')
    const copy = join(work, 'copy-advances')
    await writeNodeRocksDb(node, chains.shorter)
    await importNodeRocksDb({ from: node, db: copy })

    await advanceNodeRocksDb(node, chains.shorter, chains.longer)
    const second = await importNodeRocksDb({ from: node, db: copy })

    assert.deepEqual(await readLevelCopy(copy), await readLevelCopy(freshLonger))
    assert.deepEqual(await digestLevelCopy(copy), await digestLevelCopy(freshLonger))
    assert.equal(second.tipHeight, 300)
  })

  test('longer chain overwrites the reorged heights', async () => {
    const chain = readChain()
    const node = join(work, 'node-reorg')
    const copy = join(work, 'copy-reorg')
    await writeNodeRocksDb(node, chains.shorter)
    await importNodeRocksDb({ from: node, db: copy })
    await advanceNodeRocksDb(node, chains.shorter, chains.longer)

    const second = await importNodeRocksDb({ from: node, db: copy })
    const heightIndex = new Map((await readLevelCopy(copy)).get('height-index'))

    for (const height of REORGED_HEIGHTS) {
      const best = chain.blocks.find((block) => block.height === height)
      assert.equal(heightIndex.get(heightKey(height))?.slice(0, 64), best?.hash, `best block at height ${height}`)
    }
    assert.deepEqual(pickCounts(second, 'height-index'), { added: 300 - SHORT_TIP, updated: REORGED_HEIGHTS.length, deleted: 0 })
    assert.deepEqual(pickCounts(second, 'meta'), { added: 300 - REORGED_HEIGHTS[0]! + 1, updated: REORGED_HEIGHTS.length + 1, deleted: 0 })
    assert.deepEqual(pickCounts(second, 'nc-state'), { added: chains.removedTrieNodes, updated: 0, deleted: 0 })
  })

  test('shorter source removes heights above its tip', async () => {
    const copy = join(work, 'copy-shrinks')
    await importNodeRocksDb({ from: join(work, 'longer-source'), db: copy })

    const second = await importNodeRocksDb({ from: join(work, 'shorter-source'), db: copy })

    assert.deepEqual(await readLevelCopy(copy), await readLevelCopy(freshShorter))
    assert.deepEqual(pickCounts(second, 'height-index'), { added: 0, updated: REORGED_HEIGHTS.length, deleted: 300 - SHORT_TIP })
    assert.equal(second.tipHeight, SHORT_TIP)
  })

  test('interrupted import then advanced node equals a fresh import', async () => {
    const node = join(work, 'node-interrupted')
    const copy = join(work, 'copy-interrupted')
    await writeNodeRocksDb(node, chains.shorter)
    let batches = 0
    await assert.rejects(importNodeRocksDb({
      from: node,
      db: copy,
      batchEntries: 50,
      onProgress: () => {
        batches += 1
        if (batches === 30) {
          throw new Error('interrupted')
        }
      },
    }), /interrupted/)

    await advanceNodeRocksDb(node, chains.shorter, chains.longer)
    const second = await importNodeRocksDb({ from: node, db: copy })

    assert.equal(second.resumed, false, 'a changed source is compared from the start')
    assert.deepEqual(await digestLevelCopy(copy), await digestLevelCopy(freshLonger))
    for (const cf of COLUMN_FAMILIES) {
      assert.equal(second.columnFamilies[cf].sourceKeys, chains.longer.get(cf)?.size, `source keys of ${cf}`)
    }
  })
})

function pickCounts(summary: ImportSummary, cf: keyof ImportSummary['columnFamilies']): { added: number, updated: number, deleted: number } {
  const { added, updated, deleted } = summary.columnFamilies[cf]
  return { added, updated, deleted }
}
