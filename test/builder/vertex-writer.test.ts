import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { serializeBlock, serializeBlueprintTransaction } from '../../src/builder/vertex-writer.js'
import {
  encodeBlockStaticMetadata, encodeTransactionStaticMetadata, encodeVertexMetadata, heightIndexKey, heightIndexValue,
  timestampIndexKey,
} from '../../src/builder/vertex-rows.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { extractBlueprintSource } from '../../src/encoding/on-chain-blueprint.js'
import { parseBlock, parseTransaction } from '../../src/encoding/vertex.js'
import { chain, rowsOf } from './corpus.js'

const txRows = rowsOf('tx')
const metaRows = rowsOf('meta')
const staticMetaRows = rowsOf('static-meta')
const blueprintIds = Object.values(chain.blueprints)
const BLOCK_WEIGHT_RAW = 2n ** 21n

describe('vertex writer', () => {
  it('reserializes every corpus block byte for byte', () => {
    const blocks = [...chain.blocks, ...chain.voided_blocks]
    for (const { hash } of blocks) {
      const parsed = parseBlock(hexToBytes(txRows.get(hash)!))
      const vertex = serializeBlock({ ...parsed, nonce: parsed.nonce! })
      assert.equal(bytesToHex(vertex.bytes), txRows.get(hash), `bytes of block ${hash}`)
      assert.equal(bytesToHex(vertex.hash), hash, `hash of block ${hash}`)
    }
  })

  it('reserializes every corpus blueprint transaction byte for byte', () => {
    for (const id of blueprintIds) {
      const parsed = parseTransaction(hexToBytes(txRows.get(id)!))
      const blueprint = parsed.blueprint!
      const vertex = serializeBlueprintTransaction({
        ...parsed,
        code: { compressed: blueprint.compressedCode },
        ncPubkey: blueprint.ncPubkey,
        ncSignature: blueprint.ncSignature,
      })
      assert.equal(bytesToHex(vertex.bytes), txRows.get(id), `bytes of blueprint ${id}`)
      assert.equal(bytesToHex(vertex.hash), id, `hash of blueprint ${id}`)
    }
  })

  it('compresses blueprint source the node can read back', () => {
    const original = hexToBytes(txRows.get(chain.blueprints.price_pools!)!)
    const source = extractBlueprintSource(original)
    const parsed = parseTransaction(original)

    const vertex = serializeBlueprintTransaction({
      ...parsed, code: { source }, ncPubkey: parsed.blueprint!.ncPubkey, ncSignature: parsed.blueprint!.ncSignature, nonce: 7,
    })
    assert.equal(extractBlueprintSource(vertex.bytes), source)
    assert.equal(parseTransaction(vertex.bytes).nonce, 7)
    assert.notEqual(bytesToHex(vertex.hash), chain.blueprints.price_pools)
  })

  it('rejects a block nonce wider than 16 bytes', () => {
    assert.throws(() => serializeBlock({ outputs: [], weight: 21, timestamp: 1, parents: [], nonce: 1n << 128n }),
      { code: 'NC_BUILD_INVALID_INPUT' })
  })
})

describe('vertex rows', () => {
  it('match the corpus rows of every block', () => {
    const heightIndex = rowsOf('height-index')
    const timestampIndex = rowsOf('timestamp-sorted-blocks')
    for (const block of chain.blocks) {
      const hash = hexToBytes(block.hash)
      const meta = encodeVertexMetadata({
        hash,
        ncBlockRootId: block.nc_block_root_id === null ? null : hexToBytes(block.nc_block_root_id),
        accumulatedWeightRaw: BLOCK_WEIGHT_RAW,
        scoreRaw: BLOCK_WEIGHT_RAW * 3n,
      })
      assert.equal(bytesToHex(meta), metaRows.get(block.hash), `meta of block ${block.height}`)
      assert.equal(bytesToHex(encodeBlockStaticMetadata(block.height)), staticMetaRows.get(block.hash), `static-meta of block ${block.height}`)
      assert.equal(heightIndex.get(bytesToHex(heightIndexKey(block.height))), bytesToHex(heightIndexValue(hash, block.timestamp)),
        `height index of block ${block.height}`)
      assert.equal(timestampIndex.get(bytesToHex(timestampIndexKey(block.timestamp, hash))), '', `timestamp index of block ${block.height}`)
    }
  })

  it('match the corpus rows of voided blocks', () => {
    for (const block of chain.voided_blocks) {
      const hash = hexToBytes(block.hash)
      const meta = encodeVertexMetadata({ hash, voidedBy: [hash], accumulatedWeightRaw: BLOCK_WEIGHT_RAW, scoreRaw: BLOCK_WEIGHT_RAW * 3n })
      assert.equal(bytesToHex(meta), metaRows.get(block.hash), `meta of voided block ${block.hash}`)
      assert.equal(bytesToHex(encodeBlockStaticMetadata(block.height)), staticMetaRows.get(block.hash))
    }
  })

  it('match the corpus rows of blueprint transactions', () => {
    const firstBlock = hexToBytes(chain.blocks[2]!.hash)
    for (const id of blueprintIds) {
      const meta = encodeVertexMetadata({ hash: hexToBytes(id), firstBlock, accumulatedWeightRaw: 2n ** 17n, scoreRaw: 0n })
      assert.equal(bytesToHex(meta), metaRows.get(id), `meta of blueprint ${id}`)
      assert.equal(bytesToHex(encodeTransactionStaticMetadata()), staticMetaRows.get(id), `static-meta of blueprint ${id}`)
    }
  })

  it('rejects a height past 32 bits', () => {
    assert.throws(() => heightIndexKey(2 ** 32), { code: 'NC_BUILD_INVALID_INPUT' })
  })
})
