import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { type BackfillOptions, runBackfill } from '../../src/cli/backfill.js'
import { openStateService, type StateService } from '../../src/query/service.js'
import { loadDump } from '../../src/storage/load-dump.js'
import { CORPUS_DIR } from '../support/corpus.js'

const chain = JSON.parse(readFileSync(join(CORPUS_DIR, 'chain.json'), 'utf8')) as { contracts: Record<string, string>; tip_height: number }
const POOLS = chain.contracts.pools!

let dir: string
let service: StateService

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nc-state-backfill-'))
  await loadDump(join(CORPUS_DIR, 'node-dump.jsonl'), join(dir, 'db'))
  service = await openStateService({ dbPath: join(dir, 'db'), sandbox: false })
})

after(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

function options(out: string, overrides: Partial<BackfillOptions> = {}): BackfillOptions {
  return {
    query: service.query,
    id: POOLS,
    from: 0,
    to: chain.tip_height,
    step: 1,
    fields: ['total_swaps', 'paused'],
    balances: ['00'],
    calls: [],
    changesOnly: false,
    out: join(dir, out),
    format: 'jsonl',
    ...overrides,
  }
}

test('backfill writes one JSON line per height', async () => {
  const result = await runBackfill(options('full.jsonl'))
  const lines = readFileSync(join(dir, 'full.jsonl'), 'utf8').trimEnd().split('\n')
  assert.equal(lines.length, chain.tip_height + 1)
  assert.equal(result.linesWritten, chain.tip_height + 1)
  assert.equal(result.resumed, false)
  assert.equal(JSON.parse(lines[200]!).block_height, 200)
  assert.equal(JSON.parse(lines[200]!).fields.total_swaps.value, 60)
})

test('backfill resumes after a cut-off line', async () => {
  await runBackfill(options('reference.jsonl', { step: 3 }))
  await runBackfill(options('resumed.jsonl', { step: 3, to: 150 }))
  appendFileSync(join(dir, 'resumed.jsonl'), '{"block_height":153,"blo')

  const result = await runBackfill(options('resumed.jsonl', { step: 3 }))
  assert.equal(result.resumed, true)
  assert.equal(result.startedAt, 153)
  assert.equal(readFileSync(join(dir, 'resumed.jsonl'), 'utf8'), readFileSync(join(dir, 'reference.jsonl'), 'utf8'))
})

test('backfill with changes_only resumes without repeating a line', async () => {
  await runBackfill(options('changes-reference.jsonl', { changesOnly: true }))
  await runBackfill(options('changes-resumed.jsonl', { changesOnly: true, to: 120 }))
  await runBackfill(options('changes-resumed.jsonl', { changesOnly: true }))

  const reference = readFileSync(join(dir, 'changes-reference.jsonl'), 'utf8')
  assert.equal(readFileSync(join(dir, 'changes-resumed.jsonl'), 'utf8'), reference)
  assert.ok(reference.split('\n').length < chain.tip_height / 2)
})

test('backfill writes and resumes CSV', async () => {
  await runBackfill(options('reference.csv', { format: 'csv' }))
  await runBackfill(options('resumed.csv', { format: 'csv', to: 99 }))
  await runBackfill(options('resumed.csv', { format: 'csv' }))

  const text = readFileSync(join(dir, 'reference.csv'), 'utf8')
  assert.equal(readFileSync(join(dir, 'resumed.csv'), 'utf8'), text)
  const rows = text.trimEnd().split('\n')
  assert.equal(rows[0], 'block_height,block_hash,timestamp,nc_id,field:total_swaps,field:paused,balance:00,error')
  assert.equal(rows.length, chain.tip_height + 2)
  assert.match(rows[201]!, new RegExp(`^200,[0-9a-f]{64},\\d+,${POOLS},60,false,10668697,$`))
})

test('backfill refuses a file of another contract', async () => {
  await runBackfill(options('contract.jsonl', { to: 20 }))
  await assert.rejects(runBackfill(options('contract.jsonl', { id: chain.contracts.zoo!, to: 30 })), /was written for contract/)
  await runBackfill(options('contract.csv', { to: 20, format: 'csv' }))
  await assert.rejects(runBackfill(options('contract.csv', { id: chain.contracts.zoo!, to: 30, format: 'csv' })), /was written for contract/)
})

test('backfill refuses a file of other fields', async () => {
  await runBackfill(options('fields.jsonl', { to: 20 }))
  await assert.rejects(runBackfill(options('fields.jsonl', { fields: ['paused'], to: 30 })), /other fields/)
})

test('backfill refuses a file of another range', async () => {
  await runBackfill(options('other.jsonl', { from: 0, to: 10, step: 2 }))
  await assert.rejects(runBackfill(options('other.jsonl', { from: 1, to: 20, step: 2 })), /starts at height 0|not a height of this range/)
})

test('backfill rejects another start or end', async () => {
  await runBackfill(options('start.jsonl', { from: 0, to: 30 }))
  await assert.rejects(runBackfill(options('start.jsonl', { from: 10, to: 30 })), /a range that starts at height 0/)
  await assert.rejects(runBackfill(options('start.jsonl', { from: 0, to: 20 })), /ends at height 30, past the end of this range \(20\)/)

  await runBackfill(options('start.csv', { from: 0, to: 30, format: 'csv' }))
  await assert.rejects(runBackfill(options('start.csv', { from: 10, to: 30, format: 'csv' })), /a range that starts at height 0/)
})

test('backfill rejects other balances and step', async () => {
  await runBackfill(options('record.jsonl', { to: 20 }))
  await assert.rejects(runBackfill(options('record.jsonl', { to: 30, balances: [] })), /other balances/)
  await assert.rejects(runBackfill(options('record.jsonl', { to: 30, step: 2 })), /step 1/)

  // Heights past the tip end the file with error lines, which name no contract or fields.
  const tip = chain.tip_height
  await runBackfill(options('errors.jsonl', { from: tip - 1, to: tip + 3 }))
  assert.match(readFileSync(join(dir, 'errors.jsonl'), 'utf8').trimEnd().split('\n').at(-1)!, /"error"/)
  await assert.rejects(runBackfill(options('errors.jsonl', { from: tip - 1, to: tip + 5, fields: ['paused'] })), /other fields/)
  await assert.rejects(runBackfill(options('errors.jsonl', { from: tip - 1, to: tip + 5, id: chain.contracts.zoo! })), /was written for contract/)
})

test('backfill rejects file without record', async () => {
  writeFileSync(join(dir, 'bare.jsonl'), '{"block_height":0}\n')
  await assert.rejects(runBackfill(options('bare.jsonl', { to: 10 })), /no readable record/)
})

test('backfill resumes header-only CSV', async () => {
  await runBackfill(options('header.csv', { to: 5, format: 'csv' }))
  const header = readFileSync(join(dir, 'header.csv'), 'utf8').split('\n')[0]!
  writeFileSync(join(dir, 'header.csv'), `${header}\n`)

  await runBackfill(options('header.csv', { to: 5, format: 'csv' }))
  const lines = readFileSync(join(dir, 'header.csv'), 'utf8').trimEnd().split('\n')
  assert.equal(lines.filter((line) => line === header).length, 1)
  assert.equal(lines.length, 7)
})
