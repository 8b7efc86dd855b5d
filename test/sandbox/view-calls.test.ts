import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'

import { isInteger, parse } from 'lossless-json'

import { ViewCallExecutor, type ViewCallResult } from '../../src/sandbox/view-call-executor.js'
import { findPackageRoot } from '../../src/package-root.js'
import { loadDump } from '../../src/storage/load-dump.js'

const corpusDir = path.join(findPackageRoot(import.meta.url), 'fixtures', 'conformance')

interface ChainBlock { height: number; hash: string; timestamp: number; nc_block_root_id?: string | null }
interface Chain { blocks: ChainBlock[]; voided_blocks: ChainBlock[]; blueprints: Record<string, string>; contracts: Record<string, string> }

const chain = JSON.parse(readFileSync(path.join(corpusDir, 'chain.json'), 'utf8')) as Chain

function readCases(file: string): Array<Record<string, any>> {
  return readFileSync(path.join(corpusDir, file), 'utf8').split('\n').filter((line) => line.trim() !== '')
    .map((line) => parse(line, null, (text: string) => (isInteger(text) ? BigInt(text) : Number(text))) as Record<string, any>)
}

/** Returns the block a state case selects, resolving height, hash, timestamp or the best block as the node does. */
function selectedBlock(query: Record<string, any>): ChainBlock {
  const best = chain.blocks[chain.blocks.length - 1]!
  if (query.block_height !== undefined) return chain.blocks.find((b) => b.height === Number(query.block_height))!
  if (query.block_hash !== undefined) return chain.blocks.find((b) => b.hash === query.block_hash)!
  if (query.timestamp !== undefined) {
    const candidates = chain.blocks.filter((b) => b.timestamp <= Number(query.timestamp))
    return candidates[candidates.length - 1]!
  }
  return best
}

interface ExpectedCall { label: string; blockRootId: string; contractId: string; call: string; expected: ViewCallResult }

function expectedCalls(): ExpectedCall[] {
  const out: ExpectedCall[] = []
  for (const c of readCases('state-cases.jsonl')) {
    const calls = c.response.calls as Record<string, ViewCallResult> | undefined
    if (Number(c.status) !== 200 || calls === undefined) continue
    const block = selectedBlock(c.query)
    for (const [call, expected] of Object.entries(calls)) {
      out.push({ label: `state case "${c.name}"`, blockRootId: block.nc_block_root_id!, contractId: c.query.id, call, expected })
    }
  }
  for (const c of readCases('batch-cases.jsonl')) {
    for (const snapshot of (c.response.snapshots ?? []) as Array<Record<string, any>>) {
      const block = chain.blocks.find((b) => b.hash === snapshot.block_hash)!
      for (const [call, expected] of Object.entries((snapshot.calls ?? {}) as Record<string, ViewCallResult>)) {
        out.push({ label: `batch case "${c.name}" at height ${snapshot.block_height}`, blockRootId: block.nc_block_root_id!, contractId: snapshot.nc_id, call, expected })
      }
    }
  }
  return out
}

let workDir: string
let executor: ViewCallExecutor

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'nc-sandbox-test-'))
  const dbPath = path.join(workDir, 'db')
  await loadDump(path.join(corpusDir, 'node-dump.jsonl'), dbPath)
  executor = new ViewCallExecutor({ dbPath, workers: 2, timeoutMs: 3000 })
  await executor.start()
})

after(async () => {
  await executor?.close()
  rmSync(workDir, { recursive: true, force: true })
})

describe('corpus view calls', () => {
  test('every recorded calls answer', async (t) => {
    const cases = expectedCalls()
    assert.ok(cases.length > 6000, `only ${cases.length} recorded call answers found`)

    // Group by contract and block root: one request per distinct state, as the query layer sends it.
    const groups = new Map<string, ExpectedCall[]>()
    for (const c of cases) {
      const key = `${c.contractId}@${c.blockRootId}`
      groups.set(key, [...(groups.get(key) ?? []), c])
    }

    const failures: string[] = []
    for (const group of groups.values()) {
      const first = group[0]!
      const results = await executor.call({ blockRootId: first.blockRootId, contractId: first.contractId, calls: group.map((c) => c.call) })
      for (const c of group) {
        try {
          assert.deepStrictEqual(results[c.call], c.expected)
        } catch {
          failures.push(`${c.label}: ${c.call} -> ${String(JSON.stringify(results[c.call], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))}`)
        }
      }
    }
    t.diagnostic(`${cases.length - failures.length} of ${cases.length} call answers match, in ${groups.size} requests`)
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${cases.length} call answers differ`)
  })
})

describe('executor describe', () => {
  test('describes the corpus blueprints from storage', async () => {
    assert.equal((await executor.describe(chain.blueprints.price_pools!)).name, 'PricePools')
    assert.equal((await executor.describe(chain.blueprints.type_zoo!)).name, 'TypeZoo')
    assert.equal((await executor.describe(chain.blueprints.savings_ledger!)).name, 'SavingsLedger')
    assert.equal((await executor.describe(chain.blueprints.price_reader!)).name, 'PriceReader')
  })

  test('a worker heap limit below 16 MiB is rejected', () => {
    assert.throws(() => new ViewCallExecutor({ dbPath: path.join(workDir, 'db'), heapLimitMb: 8 }), /heapLimitMb must be an integer of at least 16, got 8/)
  })

  test('unknown blueprint id is not found', async () => {
    await assert.rejects(executor.describe('ab'.repeat(32)), (error: Error & { code?: string }) => error.code === 'NC_BLUEPRINT_NOT_FOUND')
  })
})
