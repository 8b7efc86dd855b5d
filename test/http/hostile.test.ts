import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { extractBlueprintSource, hexToBytes } from '../../src/encoding/index.js'
import { loadDump } from '../../src/storage/load-dump.js'
import { openLevelSource } from '../../src/storage/level-source.js'
import { CORPUS_DIR } from '../support/corpus.js'
import { type FixtureServer, startServer } from '../support/fixture-service.js'

// Hostile blueprint code served over HTTP: each bad call fails with a clear message within its
// budget while the server keeps serving other requests. The hostile code is installed as
// built-in blueprint sources, which take precedence over the on-chain code of the same id.

const chain = JSON.parse(readFileSync(join(CORPUS_DIR, 'chain.json'), 'utf8')) as {
  contracts: Record<string, string>
  blueprints: Record<string, string>
}
const ZOO = chain.contracts.zoo!
const POOLS = chain.contracts.pools!
const LEDGER = chain.contracts.ledger!
const READER = chain.contracts.reader!
const TIMEOUT_MS = 1000

const HOSTILE_VIEWS = `
    @view
    def loop_forever(self) -> int:
        count = 0
        while True:
            count += 1
        return count

    @view
    def huge_allocation(self) -> int:
        return len(b'x' * (2 ** 34))

    @view
    def recurse(self, depth: int) -> int:
        return self.recurse(depth + 1)

    @view
    def write_field(self) -> int:
        self.small = 7
        return self.small
`

const SUBCLASSES_VIEW = `
    @view
    def subclasses(self) -> int:
        return len(().__class__.__bases__[0].__subclasses__())
`

let dir: string
let server: FixtureServer

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nc-state-hostile-'))
  const dbPath = join(dir, 'db')
  await loadDump(join(CORPUS_DIR, 'node-dump.jsonl'), dbPath)

  const source = await openLevelSource(dbPath)
  const zooSource = extractBlueprintSource((await source.get('tx', hexToBytes(chain.blueprints.type_zoo!)))!)
  const ledgerSource = extractBlueprintSource((await source.get('tx', hexToBytes(chain.blueprints.savings_ledger!)))!)
  const readerSource = extractBlueprintSource((await source.get('tx', hexToBytes(chain.blueprints.price_reader!)))!)
  await source.close()

  const builtinDir = join(dir, 'blueprints')
  mkdirSync(builtinDir)
  writeFileSync(join(builtinDir, `${chain.blueprints.type_zoo!}.py`), zooSource.trimEnd() + '\n' + HOSTILE_VIEWS)
  writeFileSync(join(builtinDir, `${chain.blueprints.savings_ledger!}.py`), `from os import path\n${ledgerSource}`)
  writeFileSync(join(builtinDir, `${chain.blueprints.price_reader!}.py`), readerSource.trimEnd() + '\n' + SUBCLASSES_VIEW)

  server = await startServer({ dbPath, builtinBlueprintsDir: builtinDir, sandbox: { workers: 2, timeoutMs: TIMEOUT_MS } })
})

after(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function zooCall(call: string): Promise<unknown> {
  const answer = await server.get(`/v1a/nano_contract/state?id=${ZOO}&block_height=200&calls[]=${encodeURIComponent(call)}`)
  assert.equal(answer.status, 200)
  return (answer.body.calls as Record<string, unknown>)[call]
}

async function assertPoolsAnswers(): Promise<number> {
  const started = performance.now()
  const answer = await server.get(`/v1a/nano_contract/state?id=${POOLS}&block_height=200&calls[]=pool_count()`)
  assert.equal(answer.status, 200)
  assert.deepEqual((answer.body.calls as Record<string, unknown>)['pool_count()'], { value: 3 })
  return performance.now() - started
}

test('endless loop times out while others are served', async () => {
  const looping = zooCall('loop_forever()')
  const poolsMs = await assertPoolsAnswers()
  assert.ok(poolsMs < TIMEOUT_MS, `the other request waited ${poolsMs} ms`)

  const started = performance.now()
  assert.deepEqual(await looping, { errmsg: `NCFail('view call exceeded the time limit of ${TIMEOUT_MS} ms')` })
  assert.ok(performance.now() - started < TIMEOUT_MS + 2000)
})

test('requests avoid the worker of a long call', async () => {
  const looping = zooCall('loop_forever()')
  await new Promise((done) => setTimeout(done, 200))

  // A batch over many states sends several view-call requests at once, more than the free worker's queue holds.
  const started = performance.now()
  const answer = await server.post('/v1a/nano_contract/state/batch',
    { id: POOLS, block_heights: Array.from({ length: 100 }, (_, index) => 201 + index), calls: ['pool_count()'] })
  const waited = performance.now() - started
  assert.equal(answer.status, 200)
  assert.equal(answer.body.total_succeeded, 100)
  assert.ok(waited < TIMEOUT_MS / 2, `the batch waited ${waited} ms while the loop ran`)

  await looping
})

test('huge allocation fails as NCFail', async () => {
  assert.deepEqual(await zooCall('huge_allocation()'), { errmsg: 'NCFail()' })
  await assertPoolsAnswers()
})

test('deep recursion fails as NCFail', async () => {
  assert.deepEqual(await zooCall('recurse(0)'), { errmsg: 'NCFail()' })
  await assertPoolsAnswers()
})

test('view writing a field fails', async () => {
  const answer = await zooCall('write_field()') as { errmsg?: string }
  assert.match(String(answer.errmsg), /view/)
})

test('blueprint reaching __subclasses__ is rejected', async () => {
  // The node refuses any code with `__` in its text, so the whole blueprint fails to load.
  const answer = await server.get(`/v1a/nano_contract/state?id=${READER}&block_height=200&fields[]=source`)
  assert.equal(answer.status, 500)
  assert.equal(answer.body.code, 'NC_BLUEPRINT_REJECTED')
  assert.match(String(answer.body.error), /dunder/)
  await assertPoolsAnswers()
})

test('blueprint importing os is rejected by name', async () => {
  const answer = await server.get(`/v1a/nano_contract/state?id=${LEDGER}&block_height=200&fields[]=total`)
  assert.equal(answer.status, 500)
  assert.equal(answer.body.code, 'NC_BLUEPRINT_REJECTED')
  assert.match(String(answer.body.error), /os/)
  await assertPoolsAnswers()
})
