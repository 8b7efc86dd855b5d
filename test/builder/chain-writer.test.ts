import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { sha256 } from '@noble/hashes/sha2.js'

import { PricePoolsModel } from '../../src/builder/blueprints/price-pools.js'
import { ChainWriter, type ChainSink } from '../../src/builder/chain-writer.js'
import { buildAddress } from '../../src/encoding/address.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { decodeStoredValue } from '../../src/encoding/nc-type/decode.js'
import { encodeValue } from '../../src/encoding/nc-type/encode.js'
import { HTR_TOKEN_UID } from '../../src/encoding/nc-type/value.js'
import { extractBlueprintSource } from '../../src/encoding/on-chain-blueprint.js'
import { parseBlock, parseTransaction } from '../../src/encoding/vertex.js'
import { BlockState, CachedTrieNodeSource, dictEntryKey, fieldKey } from '../../src/nano/index.js'
import type { ColumnFamily } from '../../src/storage/column-families.js'
import { openMemorySource } from '../../src/storage/level-source.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { chain, rowsOf } from './corpus.js'

const GENESIS_TIMESTAMP = 1_750_000_000
const contractId = sha256(new TextEncoder().encode('test pools'))
const owner = buildAddress(0x28, sha256(new TextEncoder().encode('owner')).subarray(0, 20))
const tokens = [1, 2, 3].map((i) => sha256(Uint8Array.of(i)))

/** Builds a short chain with one PricePools contract and returns it, read through the service's storage layer. */
async function buildChain() {
  const rows: Array<{ cf: ColumnFamily; key: Uint8Array; value: Uint8Array }> = []
  const sink: ChainSink = { put: (cf, key, value) => rows.push({ cf, key, value }) }
  const writer = new ChainWriter({ sink })

  const corpusBlueprint = parseTransaction(hexToBytes(rowsOf('tx').get(chain.blueprints.price_pools!)!))
  const source = extractBlueprintSource(hexToBytes(rowsOf('tx').get(chain.blueprints.price_pools!)!))

  const genesis = writer.addGenesis({ timestamp: GENESIS_TIMESTAMP })
  const first = writer.addBlock({ timestamp: GENESIS_TIMESTAMP + 30 })
  const blueprintId = writer.addBlueprint({
    code: { source },
    ncPubkey: corpusBlueprint.blueprint!.ncPubkey,
    ncSignature: corpusBlueprint.blueprint!.ncSignature,
    weight: 17,
    timestamp: GENESIS_TIMESTAMP + 31,
    parents: [],
    nonce: 1,
  }, first.hash)

  const created = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 30n, timestamp: GENESIS_TIMESTAMP + 60 })
  const model = created.model
  writer.createContract(contractId, blueprintId, created.changes)
  writer.addBlock({ timestamp: GENESIS_TIMESTAMP + 60 })

  tokens.forEach((token, i) => {
    const timestamp = GENESIS_TIMESTAMP + 90 + 30 * i
    writer.callContract(contractId, model.addPool(token, 1_000_000n * BigInt(i + 1), 5_000_000n, timestamp))
    writer.addBlock({ timestamp })
  })
  const quiet = writer.addBlock({ timestamp: GENESIS_TIMESTAMP + 180 })

  const swapTimestamp = GENESIS_TIMESTAMP + 210
  const quote = model.amountOut(10_000n, model.pools.get(bytesToHex(tokens[1]!))!.reserveHtr, 5_000_000n)
  writer.callContract(contractId, model.swapHtrForToken(tokens[1]!, 10_000n, quote, swapTimestamp))
  writer.callContract(contractId, model.setPaused(owner, true, 'maintenance'))
  const tip = writer.addBlock({ timestamp: swapTimestamp })
  const voided = writer.addVoidedBlock(tip.height, quiet.hash, { timestamp: swapTimestamp + 1, nonce: 999n, data: new TextEncoder().encode('side') })

  const { database, source: kv } = await openMemorySource()
  const batch = database.batch()
  for (const { cf, key, value } of rows) batch.put(key, value, { sublevel: database.sublevel<Uint8Array, Uint8Array>(cf, { keyEncoding: 'view', valueEncoding: 'view' }) })
  await batch.write()

  return { storage: new NodeStorage(kv), writer, model, genesis, tip, quiet, voided, blueprintId, source, rows }
}

describe('ChainWriter', () => {
  it('writes blocks the storage layer reads back', async () => {
    const { storage, genesis, tip, voided } = await buildChain()

    assert.equal(await storage.getTipHeight(), tip.height)
    const atTip = await storage.getBlockAtHeight(tip.height)
    assert.equal(bytesToHex(atTip!.hash), bytesToHex(tip.hash))
    assert.equal(atTip!.timestamp, tip.timestamp)

    const genesisMeta = await storage.requireMetadata(genesis.hash)
    assert.equal(genesisMeta.nc_block_root_id, null)
    const tipMeta = await storage.requireMetadata(tip.hash)
    assert.equal(tipMeta.nc_block_root_id, bytesToHex(tip.ncBlockRootId!))
    assert.deepEqual(tipMeta.voided_by, [])
    assert.equal((await storage.requireStaticMetadata(tip.hash)).height, tip.height)

    const block = parseBlock(await storage.requireVertexBytes(tip.hash))
    assert.equal(block.timestamp, tip.timestamp)
    assert.equal(bytesToHex(block.parents[0]!), bytesToHex((await storage.getBlockAtHeight(tip.height - 1))!.hash))

    const voidedMeta = await storage.requireMetadata(voided.hash)
    assert.deepEqual(voidedMeta.voided_by, [bytesToHex(voided.hash)])
    const latest = await storage.getBlocksAtOrBefore(voided.timestamp, 2)
    assert.deepEqual(latest.map(bytesToHex), [bytesToHex(voided.hash), bytesToHex(tip.hash)])
  })

  it('keeps the parent root in blocks without calls', async () => {
    const { storage, quiet } = await buildChain()
    const parent = await storage.getBlockAtHeight(quiet.height - 1)
    const parentMeta = await storage.requireMetadata(parent!.hash)
    assert.equal(parentMeta.nc_block_root_id, bytesToHex(quiet.ncBlockRootId!))
  })

  it('stores the blueprint transaction with its source', async () => {
    const { storage, blueprintId, source } = await buildChain()
    assert.equal(extractBlueprintSource(await storage.requireVertexBytes(blueprintId)), source)
    const meta = await storage.requireMetadata(blueprintId)
    assert.equal(meta.nc_block_root_id, null)
    assert.notEqual(meta.first_block, null)
  })

  it('writes contract state the nano reader decodes', async () => {
    const { storage, tip, model, blueprintId } = await buildChain()
    const blockState = new BlockState(new CachedTrieNodeSource(storage), tip.ncBlockRootId!)
    const contract = await blockState.getContract(contractId)
    assert.ok(contract !== undefined)

    assert.equal(bytesToHex(await contract.getBlueprintId()), bytesToHex(blueprintId))
    assert.equal(decodeStoredValue({ kind: 'int' }, (await contract.getAttribute('total_swaps'))!), 1n)
    assert.equal(decodeStoredValue({ kind: 'bool' }, (await contract.getAttribute('paused'))!), true)
    assert.equal(decodeStoredValue({ kind: 'str' }, (await contract.getAttribute('note'))!), 'maintenance')
    assert.equal(decodeStoredValue({ kind: 'timestamp' }, (await contract.getAttribute('last_update'))!), BigInt(tip.timestamp))

    for (const pool of model.pools.values()) {
      const key = dictEntryKey(fieldKey('reserve_token'), encodeValue({ kind: 'token_uid' }, pool.token))
      assert.equal(decodeStoredValue({ kind: 'amount' }, (await contract.getAttribute(key))!), pool.reserveToken)
    }

    const balances = await contract.getAllBalances()
    const byToken = new Map(balances.map(({ tokenUid, balance }) => [bytesToHex(tokenUid), balance.value]))
    const htr = [...model.pools.values()].reduce((sum, pool) => sum + pool.reserveHtr, 0n)
    assert.equal(byToken.get(bytesToHex(HTR_TOKEN_UID)), htr)
    for (const pool of model.pools.values()) assert.equal(byToken.get(bytesToHex(pool.token)), pool.reserveToken)
    assert.equal(balances.length, model.pools.size + 1)
  })

  it('has no contract before its creating block', async () => {
    const { storage } = await buildChain()
    const first = await storage.getBlockAtHeight(1)
    const meta = await storage.requireMetadata(first!.hash)
    const blockState = new BlockState(new CachedTrieNodeSource(storage), hexToBytes(meta.nc_block_root_id!))
    assert.equal(await blockState.hasContract(contractId), false)
  })

  it('writes every trie node once', async () => {
    const { rows } = await buildChain()
    const ids = rows.filter((row) => row.cf === 'nc-state').map((row) => bytesToHex(row.key))
    assert.equal(new Set(ids).size, ids.length)
  })

  it('rejects a second genesis, a block before genesis and a duplicate contract', () => {
    const writer = new ChainWriter({ sink: { put: () => {} } })
    assert.throws(() => writer.addBlock({ timestamp: 1 }), { code: 'NC_BUILD_INVALID_INPUT' })
    writer.addGenesis({ timestamp: 10 })
    assert.throws(() => writer.addGenesis({ timestamp: 10 }), { code: 'NC_BUILD_INVALID_INPUT' })
    assert.throws(() => writer.addBlock({ timestamp: 9 }), { code: 'NC_BUILD_INVALID_INPUT' })

    const { changes } = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 0n, timestamp: 10 })
    writer.createContract(contractId, new Uint8Array(32), changes)
    assert.throws(() => writer.createContract(contractId, new Uint8Array(32), changes), { code: 'NC_BUILD_INVALID_INPUT' })
    assert.throws(() => writer.callContract(new Uint8Array(32), changes), { code: 'NC_BUILD_INVALID_INPUT' })
  })
})

describe('PricePoolsModel', () => {
  it('rejects calls the blueprint rejects', () => {
    const { model } = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 30n, timestamp: 1 })
    model.addPool(tokens[0]!, 1000n, 1000n, 2)
    assert.throws(() => model.addPool(tokens[0]!, 1000n, 1000n, 3), /pool exists/)
    assert.throws(() => model.swapHtrForToken(tokens[0]!, 100n, 100n, 3), /slippage/)
    assert.throws(() => model.setPaused(new Uint8Array(25), true, ''), /only owner/)
    model.setPaused(owner, true, 'x')
    assert.throws(() => model.swapTokenForHtr(tokens[0]!, 10n, 1n, 4), /paused/)
    assert.throws(() => PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 1001n, timestamp: 1 }), /fee_bps/)
  })

  it('quotes with the blueprint formula', () => {
    const { model } = PricePoolsModel.initialize({ owner, usdToken: tokens[0]!, feeBps: 30n, timestamp: 1 })
    // (1000 * 9970 * 5000) // (2000 * 10000 + 1000 * 9970) = 49850000000 // 29970000 = 1663
    assert.equal(model.amountOut(1000n, 2000n, 5000n), 1663n)
  })
})
