import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { readBuildChainRecord } from '../../src/builder/level-sink.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { decodeStoredValue } from '../../src/encoding/nc-type/decode.js'
import { extractBlueprintSource } from '../../src/encoding/on-chain-blueprint.js'
import { BlockState, CachedTrieNodeSource, decodeDequeMetadata, dequeMetadataKey, fieldKey } from '../../src/nano/index.js'
import { openLevelSource } from '../../src/storage/level-source.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { ensureS2Chain, type S2ChainSummary, type S2Parameters } from '../bench/build-s2-chain.js'
import { chain, rowsOf } from './corpus.js'

const parameters: S2Parameters = { blocks: 600, pools: 21, seed: 7 }
const quiet = () => {}

describe('S2 chain build', () => {
  let directory: string
  let dbPath: string
  let summary: S2ChainSummary

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 's2-chain-'))
    dbPath = join(directory, 'db')
    const result = await ensureS2Chain(dbPath, parameters, quiet)
    assert.equal(result.built, true)
    summary = result.summary
  })

  after(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('writes a database the storage layer opens', async () => {
    const source = await openLevelSource(dbPath, { multithreading: false })
    try {
      const storage = new NodeStorage(source)
      assert.equal(await storage.getTipHeight(), parameters.blocks - 1)
      assert.equal(summary.tipHeight, parameters.blocks - 1)

      const blueprintTx = await storage.requireVertexBytes(hexToBytes(summary.blueprintId))
      const corpusTx = hexToBytes(rowsOf('tx').get(chain.blueprints.price_pools!)!)
      assert.equal(extractBlueprintSource(blueprintTx), extractBlueprintSource(corpusTx))
    } finally {
      await source.close()
    }
  })

  it('runs the contract with the expected state at the tip', async () => {
    const source = await openLevelSource(dbPath, { multithreading: false })
    try {
      const storage = new NodeStorage(source)
      const tip = await storage.getBlockAtHeight(summary.tipHeight)
      const meta = await storage.requireMetadata(tip!.hash)
      const blockState = new BlockState(new CachedTrieNodeSource(storage), hexToBytes(meta.nc_block_root_id!))
      const contract = await blockState.getContract(hexToBytes(summary.contractId))
      assert.ok(contract !== undefined)

      assert.equal(bytesToHex(await contract.getBlueprintId()), summary.blueprintId)
      assert.equal(decodeStoredValue({ kind: 'int' }, (await contract.getAttribute('total_swaps'))!), BigInt(summary.swaps))
      const tokens = decodeDequeMetadata((await contract.getAttribute(dequeMetadataKey(fieldKey('tokens'))))!)
      assert.equal(tokens.length, BigInt(parameters.pools))
      assert.equal((await contract.getAllBalances()).length, parameters.pools + 1)
    } finally {
      await source.close()
    }
  })

  it('changes the contract in about one block in three', () => {
    const share = summary.changedBlocks / parameters.blocks
    assert.ok(share > 0.25, `state changes in only ${summary.changedBlocks} of ${parameters.blocks} blocks`)
    assert.ok(share < 0.42, `state changes in ${summary.changedBlocks} of ${parameters.blocks} blocks`)
  })

  it('skips a complete build with the same parameters', async () => {
    const again = await ensureS2Chain(dbPath, parameters, quiet)
    assert.equal(again.built, false)
    assert.deepEqual(again.summary, summary)
  })

  it('rebuilds when the parameters differ', async () => {
    const other = join(directory, 'other')
    await ensureS2Chain(other, { ...parameters, blocks: 100 }, quiet)
    const rebuilt = await ensureS2Chain(other, { ...parameters, blocks: 120 }, quiet)
    assert.equal(rebuilt.built, true)
    assert.equal(rebuilt.summary.tipHeight, 119)
    assert.equal((await readBuildChainRecord(other))?.status, 'complete')
  })
})
