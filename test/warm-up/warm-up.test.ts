import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { openStateService, type StateService } from '../../src/query/service.js'
import { BlueprintNotFoundError, SandboxError } from '../../src/sandbox/errors.js'
import type { ColumnFamily, KeyValueSource } from '../../src/storage/column-families.js'
import { buildWarmUpChain } from '../../src/warm-up/chain.js'
import { warmUp, WarmUpError } from '../../src/warm-up/warm-up.js'
import { buildFixtureDatabase } from '../storage/fixture.js'

/** Counts every read of a source, so a test can tell that the warm-up read nothing of the database. */
function countReads(source: KeyValueSource): { reads: () => number } {
  let reads = 0
  const get = source.get.bind(source)
  const getMany = source.getMany.bind(source)
  const entries = source.entries.bind(source)
  source.get = async (cf: ColumnFamily, key: Uint8Array) => {
    reads += 1
    return get(cf, key)
  }
  source.getMany = async (cf: ColumnFamily, keys: Uint8Array[]) => {
    reads += keys.length
    return getMany(cf, keys)
  }
  source.entries = (cf, options) => {
    reads += 1
    return entries(cf, options)
  }
  if (source.getSync !== undefined) {
    const getSync = source.getSync.bind(source)
    source.getSync = (cf: ColumnFamily, key: Uint8Array) => {
      reads += 1
      return getSync(cf, key)
    }
  }
  return { reads: () => reads }
}

describe('startup warm-up', () => {
  let database: { dbPath: string; remove(): Promise<void> }
  let service: StateService

  before(async () => {
    database = await buildFixtureDatabase()
    service = await openStateService({ dbPath: database.dbPath, sandbox: { workers: 1 } })
  })

  after(async () => {
    await service?.close()
    await database?.remove()
  })

  test('runs every request with view calls and leaves the database unread and uncached', async () => {
    const counter = countReads(service.storage.source)
    const statsBefore = service.executor!.stats()

    const report = await warmUp({ executor: service.executor, rounds: 2 })

    assert.equal(report.calls, true)
    assert.equal(report.requests, 10)
    assert.deepEqual(service.executor!.stats(), statsBefore, 'the warm-up counted in the sandbox stats')
    assert.ok(report.heights > 100, `heights ${report.heights}`)
    assert.equal(counter.reads(), 0, 'the warm-up read the database')
    for (const [kind, counts] of Object.entries(service.query.cache.counters)) {
      assert.deepEqual(counts, { hits: 0, misses: 0 }, `${kind} lookups in the service's render cache`)
    }
    // The workers unloaded the warm-up blueprint, and the database does not have it.
    const { blueprintId } = buildWarmUpChain({ blocks: 3 })
    await assert.rejects(service.executor!.describe(blueprintId), BlueprintNotFoundError)
  })

  test('warm-up storage answers view calls until it is closed', async () => {
    const chain = buildWarmUpChain()
    const sandbox = service.executor!.openWarmUpStorage(chain.source.rows())
    const tip = await openStateService({ source: chain.source, sandbox: false })
    const block = await tip.chain.blockAtHeight(chain.tipHeight)
    await tip.close()

    const request = { blockRootId: block!.rootId!, contractId: chain.contractId, calls: ['token_count()', 'get_label()'] }
    const open = await sandbox.call(request)
    assert.deepEqual(open['token_count()'], { value: 8n })
    assert.equal(typeof (open['get_label()'] as { value: unknown }).value, 'string')
    assert.equal((await sandbox.describe(chain.blueprintId)).blueprintId, chain.blueprintId)

    // Requests on the database still go to the database meanwhile.
    await assert.rejects(service.executor!.describe(chain.blueprintId), BlueprintNotFoundError)

    sandbox.close()
    await assert.rejects(sandbox.call(request), (error: unknown) =>
      error instanceof SandboxError && error.code === 'NC_SANDBOX_CLOSED' && /warm-up chain warm-up-\d+ is closed/.test(error.message))
  })

  test('concurrent warm-ups both succeed', async () => {
    const reports = await Promise.all([warmUp({ executor: service.executor, rounds: 1 }), warmUp({ executor: service.executor, rounds: 1 })])
    assert.deepEqual(reports.map((report) => report.requests), [5, 5])
  })

  test('runs without a sandbox, with no view calls', async () => {
    const report = await warmUp({ rounds: 1 })
    assert.equal(report.calls, false)
    assert.equal(report.requests, 5)
  })
})

describe('startup warm-up with a troubled sandbox', () => {
  let database: { dbPath: string; remove(): Promise<void> }

  before(async () => {
    database = await buildFixtureDatabase()
  })

  after(async () => {
    await database?.remove()
  })

  test('closed sandbox fails with NC_WARM_UP_FAILED', async () => {
    // A closed sandbox fails every request at once; a 1 ms call budget raced with fast workers.
    const service = await openStateService({ dbPath: database.dbPath, sandbox: { workers: 1 } })
    await service.executor!.close()
    try {
      await assert.rejects(warmUp({ executor: service.executor, rounds: 1 }), (error: unknown) =>
        error instanceof WarmUpError && error.code === 'NC_WARM_UP_FAILED' && /the view call executor is closed/.test(error.message))
    } finally {
      await service.close()
    }
  })

  test('stops at its time limit', async () => {
    const service = await openStateService({ dbPath: database.dbPath, sandbox: { workers: 1 } })
    try {
      await assert.rejects(warmUp({ executor: service.executor, timeLimitMs: 1 }), (error: unknown) =>
        error instanceof WarmUpError && /exceeded its time limit of 1 ms/.test(error.message))
    } finally {
      await service.close()
    }
  })

  test('a worker that replaces another reads the open chain', async () => {
    // Over a 1 MiB interpreter, a worker is replaced after every request.
    const service = await openStateService({ dbPath: database.dbPath, sandbox: { workers: 1, memoryLimitMb: 1 } })
    const chain = buildWarmUpChain()
    const sandbox = service.executor!.openWarmUpStorage(chain.source.rows())
    try {
      const reader = await openStateService({ source: chain.source, sandbox: false })
      const block = await reader.chain.blockAtHeight(chain.tipHeight)
      await reader.close()

      const request = { blockRootId: block!.rootId!, contractId: chain.contractId, calls: ['token_count()'] }
      for (let i = 0; i < 2; i++) {
        assert.deepEqual((await sandbox.call(request))['token_count()'], { value: 8n }, `request ${i}`)
      }
      assert.ok(service.executor!.stats().workersReplaced >= 2, 'no worker was replaced')
    } finally {
      sandbox.close()
      await service.close()
    }
  })
})
