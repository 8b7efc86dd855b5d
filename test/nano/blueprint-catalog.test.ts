import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { BlueprintCatalog, BlueprintError } from '../../src/nano/blueprint-catalog.js'
import type { ColumnFamily, KeyValueSource, RangeOptions } from '../../src/storage/column-families.js'
import { openLevelSource, openMemorySource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { buildFixtureDatabase, fromHex, makeTempDir, readChain, readDumpLines, readStateCases, type Chain } from '../storage/fixture.js'

/** Counts reads of `tx`, to see what the source cache saves. */
class CountingSource implements KeyValueSource {
  txReads = 0

  constructor(private readonly inner: KeyValueSource) {}

  async get(cf: ColumnFamily, key: Uint8Array) {
    if (cf === 'tx') this.txReads += 1
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

function assertBlueprintError(code: string, idHex: string) {
  return (error: unknown) => {
    assert.ok(error instanceof BlueprintError, `expected a BlueprintError, got ${String(error)}`)
    assert.equal(error.code, code)
    assert.equal(error.details.blueprintId, idHex)
    assert.ok(error.message.includes(idHex))
    return true
  }
}

describe('BlueprintCatalog on the conformance dump', () => {
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

  test('on-chain blueprints define the class the cases name', async () => {
    const names = new Map<string, string>()
    for (const item of await readStateCases()) {
      const { blueprint_id: id, blueprint_name: name } = item.response
      if (typeof id === 'string' && typeof name === 'string') names.set(id, name)
    }
    assert.equal(names.size, Object.keys(chain.blueprints).length)

    const catalog = new BlueprintCatalog(storage)
    for (const [idHex, name] of names) {
      const blueprint = await catalog.getBlueprint(fromHex(idHex))
      assert.equal(blueprint.origin, 'on-chain')
      assert.match(blueprint.source, new RegExp(`^class ${name}\\(Blueprint\\):`, 'm'), `source of ${idHex}`)
      assert.equal(await catalog.getSource(fromHex(idHex)), blueprint.source)
    }
  })

  test('unknown id is not found', async () => {
    const idHex = 'ab'.repeat(32)
    await assert.rejects(new BlueprintCatalog(storage).getSource(fromHex(idHex)), assertBlueprintError('NC_BLUEPRINT_NOT_FOUND', idHex))
  })

  test('a block id is not a blueprint', async () => {
    const blockHash = chain.blocks[5]!.hash
    await assert.rejects(new BlueprintCatalog(storage).getSource(fromHex(blockHash)), assertBlueprintError('NC_BLUEPRINT_NOT_A_BLUEPRINT', blockHash))
  })

  test('built-in folder serves ids not on chain and comes first', async () => {
    const temp = await makeTempDir()
    try {
      const builtinId = 'cd'.repeat(32)
      const onChainId = chain.blueprints.type_zoo!
      await writeFile(join(temp.dir, `${builtinId}.py`), 'class Builtin(Blueprint):\n    pass\n')
      await writeFile(join(temp.dir, `${onChainId}.py`), 'class Override(Blueprint):\n    pass\n')

      const catalog = new BlueprintCatalog(storage, { builtinDir: temp.dir })
      const builtin = await catalog.getBlueprint(fromHex(builtinId))
      assert.equal(builtin.origin, 'builtin')
      assert.match(builtin.source, /class Builtin/)
      assert.match(await catalog.getSource(fromHex(onChainId)), /class Override/)
      assert.match(await catalog.getSource(fromHex(chain.blueprints.price_pools!)), /class PricePools/)

      const missing = 'ef'.repeat(32)
      await assert.rejects(catalog.getSource(fromHex(missing)), assertBlueprintError('NC_BLUEPRINT_NOT_FOUND', missing))
    } finally {
      await temp.remove()
    }
  })

  test('sources are cached by id', async () => {
    const counting = new CountingSource(source)
    const catalog = new BlueprintCatalog(new NodeStorage(counting))
    const id = fromHex(chain.blueprints.savings_ledger!)

    const first = await catalog.getSource(id)
    const reads = counting.txReads
    assert.ok(reads > 0)
    assert.equal(await catalog.getSource(id), first)
    assert.equal(counting.txReads, reads)
  })
})

describe('BlueprintCatalog confirmation', () => {
  async function storageWithBlueprint(metadata: Record<string, unknown>) {
    const chain = await readChain()
    const idHex = chain.blueprints.price_reader!
    const txLine = (await readDumpLines()).find((line) => line.cf === 'tx' && line.key === idHex)!
    const { database, source } = await openMemorySource()
    await loadDumpInto(database, [
      JSON.stringify(txLine),
      JSON.stringify({ cf: 'meta', key: idHex, value: Buffer.from(JSON.stringify({ hash: idHex, ...metadata })).toString('hex') }),
    ])
    return { idHex, storage: new NodeStorage(source), close: async () => source.close() }
  }

  test('unconfirmed blueprint is rejected', async () => {
    const { idHex, storage, close } = await storageWithBlueprint({ voided_by: [], first_block: null })
    await assert.rejects(new BlueprintCatalog(storage).getSource(fromHex(idHex)), assertBlueprintError('NC_BLUEPRINT_NOT_CONFIRMED', idHex))
    await close()
  })

  test('voided blueprint is rejected', async () => {
    const { idHex, storage, close } = await storageWithBlueprint({ voided_by: ['22'.repeat(32)], first_block: '11'.repeat(32) })
    await assert.rejects(new BlueprintCatalog(storage).getSource(fromHex(idHex)), assertBlueprintError('NC_BLUEPRINT_NOT_CONFIRMED', idHex))
    await close()
  })

  test('confirmed blueprint is served', async () => {
    const { idHex, storage, close } = await storageWithBlueprint({ voided_by: [], first_block: '11'.repeat(32) })
    assert.match(await new BlueprintCatalog(storage).getSource(fromHex(idHex)), /class PriceReader\(Blueprint\)/)
    await close()
  })
})
