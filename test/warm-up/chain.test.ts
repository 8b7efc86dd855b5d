import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { LevelChainSink } from '../../src/builder/level-sink.js'
import { BuildError } from '../../src/builder/errors.js'
import { encodeAddress } from '../../src/encoding/address.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { findUnsupportedType } from '../../src/encoding/index.js'
import { packageRoot } from '../../src/package-root.js'
import { openStateService, type StateService } from '../../src/query/service.js'
import type { BatchSnapshot } from '../../src/query/state-query.js'
import { describeBlueprint } from '../../src/sandbox/describe.js'
import { buildWarmUpChain, type WarmUpChain } from '../../src/warm-up/chain.js'
import { makeTempDir } from '../storage/fixture.js'

/** The contract's state after one block, copied from the model. */
interface ExpectedState {
  hash: string
  timestamp: number
  counter: bigint
  updatedAt: number
  isOpen: boolean
  label: string
  owner: string
  tokens: string[]
  amounts: Record<string, bigint>
  weighted: Record<string, bigint>
}

/** Builds the chain and records, for each height, the block and the model's state after it. */
function buildWithExpectations(blocks?: number): { chain: WarmUpChain; expected: Array<ExpectedState | { hash: string; timestamp: number }> } {
  const expected: Array<ExpectedState | { hash: string; timestamp: number }> = []
  const chain = buildWarmUpChain({
    ...(blocks === undefined ? {} : { blocks }),
    onBlock: (block, model) => {
      const header = { hash: bytesToHex(block.hash), timestamp: block.timestamp }
      expected[block.height] = model === undefined ? header : {
        ...header,
        counter: model.counter,
        updatedAt: model.updatedAt,
        isOpen: model.isOpen,
        label: model.label,
        owner: encodeAddress(model.owner),
        tokens: model.tokens.map(bytesToHex),
        amounts: Object.fromEntries(model.getAmounts()),
        weighted: Object.fromEntries(model.getWeighted()),
      }
    },
  })
  return { chain, expected }
}

function stateAt(expected: Array<ExpectedState | { hash: string; timestamp: number }>, height: number): ExpectedState {
  const state = expected[height]
  assert.ok(state !== undefined, `block at height ${height} was written`)
  assert.ok('counter' in state, `the contract exists at height ${height}`)
  return state
}

function rowsAsHex(chain: WarmUpChain): string[] {
  return chain.source.rows().map(([cf, key, value]) => `${cf} ${bytesToHex(key)} ${bytesToHex(value)}`).sort()
}

describe('warm-up chain', () => {
  test('default chain shape', () => {
    const { chain, expected } = buildWithExpectations()
    assert.equal(chain.tipHeight, 59)
    assert.equal(expected.length, 60)

    const tip = stateAt(expected, chain.tipHeight)
    assert.equal(tip.tokens.length, 8)

    let changedBlocks = 0
    for (let height = 3; height <= chain.tipHeight; height++) {
      if (stateAt(expected, height).counter !== stateAt(expected, height - 1).counter) changedBlocks += 1
    }
    assert.ok(changedBlocks >= 0.75 * (chain.tipHeight - 2), `the contract changes in ${changedBlocks} of ${chain.tipHeight - 2} blocks`)
    assert.ok(expected.some((state) => 'isOpen' in state && !state.isOpen), 'the ledger is closed in some block')
    assert.ok(new Set(Object.values(tip.weighted)).size > 1, 'tokens have different weighted amounts')
  })

  test('builds are deterministic, with or without onBlock', () => {
    const first = buildWarmUpChain()
    const second = buildWarmUpChain({ onBlock: () => {} })
    assert.equal(first.source.size('height-index'), first.tipHeight + 1)
    assert.equal(second.contractId, first.contractId)
    assert.equal(second.blueprintId, first.blueprintId)
    assert.deepEqual(rowsAsHex(second), rowsAsHex(first))
  })

  test('blocks option', () => {
    assert.equal(buildWarmUpChain({ blocks: 3 }).tipHeight, 2)
    assert.equal(buildWarmUpChain({ blocks: 25 }).tipHeight, 24)
    for (const blocks of [2, 0, -1, 10.5, Number.NaN]) {
      assert.throws(() => buildWarmUpChain({ blocks }), (error: unknown) => error instanceof BuildError && error.code === 'NC_BUILD_INVALID_INPUT', `blocks ${blocks}`)
    }
  })

  test('blueprint describes with renderable views', async () => {
    const source = readFileSync(join(packageRoot(), 'src', 'warm-up', 'ledger.py'), 'utf8')
    const description = await describeBlueprint(source, buildWarmUpChain({ blocks: 3 }).blueprintId)
    assert.equal(description.name, 'WarmUpLedger')

    const views = description.methods.filter((method) => method.kind === 'view')
    assert.deepEqual(views.map((view) => view.name).sort(), ['amount_of', 'balance_of', 'get_amounts', 'get_label', 'get_weighted', 'token_count'])
    for (const view of views) {
      assert.equal(findUnsupportedType(view.returns), null, `return type of ${view.name}`)
      for (const arg of view.args) assert.equal(findUnsupportedType(arg.type), null, `argument ${arg.name} of ${view.name}`)
    }
  })
})

describe('warm-up chain through the state service', () => {
  const { chain, expected } = buildWithExpectations()
  let service: StateService

  before(async () => {
    service = await openStateService({ source: chain.source, sandbox: false })
  })

  after(async () => {
    await service?.close()
  })

  test('blocks and contract roots', async () => {
    const contractId = hexToBytes(chain.contractId)
    for (let height = 0; height <= chain.tipHeight; height++) {
      const block = await service.chain.blockAtHeight(height)
      assert.ok(block !== undefined, `block at height ${height}`)
      assert.equal(block.hashHex, expected[height]!.hash, `hash at height ${height}`)
      assert.equal(block.timestamp, expected[height]!.timestamp, `timestamp at height ${height}`)

      const state = block.rootId === null ? undefined : await service.chain.contractState(block.rootId, contractId)
      assert.equal(state !== undefined, height >= 2, `contract exists at height ${height}`)
    }
    assert.equal(await service.chain.blockAtHeight(chain.tipHeight + 1), undefined)
    assert.equal((await service.chain.bestBlock()).height, chain.tipHeight)
  })

  test('batch fields and balances match the model', async () => {
    const { result } = await service.query.getBatch({
      id: chain.contractId,
      selection: { from: 0, to: chain.tipHeight, step: 1 },
      fields: chain.fields,
      balances: chain.balances,
      calls: [],
    })

    assert.deepEqual(result.errors.map((error) => error.block_height), [0, 1])
    assert.equal(result.snapshots.length, chain.tipHeight - 1)
    for (const snapshot of result.snapshots) {
      const height = snapshot.block_height
      const state = stateAt(expected, height)
      assert.equal(snapshot.blueprint_name, 'WarmUpLedger')
      assert.equal(snapshot.blueprint_id, chain.blueprintId)
      // The query layer builds these records without a prototype, so compare their own members.
      assert.deepEqual({ ...snapshot.fields }, {
        counter: { value: state.counter },
        updated_at: { value: BigInt(state.updatedAt) },
        is_open: { value: state.isOpen },
        label: { value: state.label },
        owner: { value: state.owner },
      }, `fields at height ${height}`)

      // Every deposit and withdrawal moves the contract's balance by the amount the ledger records.
      const balances = Object.fromEntries(Object.entries(snapshot.balances).map(([token, balance]) => [token, 'value' in balance ? BigInt(balance.value) : balance.errmsg]))
      assert.deepEqual(balances, state.amounts, `balances at height ${height}`)
    }
  })

  test('calls without the sandbox return errmsg', async () => {
    const { result } = await service.query.getBatch({ id: chain.contractId, selection: { heights: [chain.tipHeight] }, fields: [], balances: [], calls: chain.calls })
    for (const call of chain.calls) assert.ok('errmsg' in result.snapshots[0]!.calls[call]!, call)
  })
})

describe('warm-up chain view calls in the sandbox', () => {
  const { chain, expected } = buildWithExpectations()
  const heights = [2, 3, 6, 10, 11, 17, 23, 30, 41, chain.tipHeight]
  let service: StateService
  let remove: () => Promise<void>
  let snapshots: BatchSnapshot[]

  before(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    const dbPath = join(temp.dir, 'db')
    const sink = await LevelChainSink.create(dbPath, 'warm-up')
    for (const [cf, key, value] of chain.source.rows()) sink.put(cf, key, value)
    await sink.complete({ contractId: chain.contractId })
    await sink.close()

    service = await openStateService({ dbPath, sandbox: { workers: 1 } })
    const { result } = await service.query.getBatch({ id: chain.contractId, selection: { heights }, fields: chain.fields, balances: [], calls: chain.calls })
    assert.deepEqual(result.errors, [])
    snapshots = result.snapshots
  })

  after(async () => {
    await service?.close()
    await remove?.()
  })

  test('no call or field fails', () => {
    assert.equal(snapshots.length, heights.length)
    for (const snapshot of snapshots) {
      assert.equal(snapshot.blueprint_name, 'WarmUpLedger')
      for (const [name, field] of Object.entries(snapshot.fields)) {
        assert.ok('value' in field, `field ${name} at height ${snapshot.block_height}: ${'errmsg' in field ? field.errmsg : ''}`)
      }
      for (const [call, outcome] of Object.entries(snapshot.calls)) {
        assert.ok('value' in outcome, `${call} at height ${snapshot.block_height}: ${'errmsg' in outcome ? outcome.errmsg : ''}`)
      }
      assert.deepEqual(Object.keys(snapshot.calls), chain.calls)
    }
  })

  test('get_amounts and get_weighted match the model', () => {
    for (const snapshot of snapshots) {
      const state = stateAt(expected, snapshot.block_height)
      assert.deepEqual(snapshot.calls['get_amounts()'], { value: state.amounts }, `get_amounts() at height ${snapshot.block_height}`)
      assert.deepEqual(snapshot.calls['get_weighted()'], { value: state.weighted }, `get_weighted() at height ${snapshot.block_height}`)
    }
    const tip = stateAt(expected, chain.tipHeight)
    assert.equal(Object.keys(tip.weighted).length, 8)
  })

  test('scalar views match the model', () => {
    const amountOf = chain.calls.find((call) => call.startsWith('amount_of('))
    const balanceOf = chain.calls.find((call) => call.startsWith('balance_of('))
    assert.ok(amountOf !== undefined, 'an amount_of call is listed')
    assert.ok(balanceOf !== undefined, 'a balance_of call is listed')
    const token = /"([0-9a-f]{64})"/.exec(amountOf)![1]!
    assert.equal(balanceOf, `balance_of("${token}")`)

    for (const snapshot of snapshots) {
      const state = stateAt(expected, snapshot.block_height)
      const expectedAmount = state.amounts[token] ?? 0n
      const label = `at height ${snapshot.block_height}`
      assert.deepEqual(snapshot.calls['token_count()'], { value: BigInt(state.tokens.length) }, `token_count() ${label}`)
      assert.deepEqual(snapshot.calls['get_label()'], { value: state.label }, `get_label() ${label}`)
      assert.deepEqual(snapshot.calls[amountOf], { value: expectedAmount }, `${amountOf} ${label}`)
      assert.deepEqual(snapshot.calls[balanceOf], { value: expectedAmount }, `${balanceOf} ${label}`)
    }
  })
})
