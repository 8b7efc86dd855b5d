import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import express from 'express'

import { hexToBytes } from '../../src/encoding/index.js'
import { parseJson } from '../../src/json.js'
import { createNanoContractRouter } from '../../src/http/router.js'
import { openStateService, type StateService } from '../../src/query/service.js'
import { columnFamilySublevels, type LevelDatabase, openMemorySource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { CORPUS_DIR } from '../support/corpus.js'

const chain = JSON.parse(readFileSync(join(CORPUS_DIR, 'chain.json'), 'utf8')) as {
  contracts: Record<string, string>
}
const POOLS = chain.contracts.pools!
const ZOO = chain.contracts.zoo!

let database: LevelDatabase
let service: StateService
let baseUrl: string
let close: () => Promise<void>

before(async () => {
  const memory = await openMemorySource()
  database = memory.database
  await loadDumpInto(database, readFileSync(join(CORPUS_DIR, 'node-dump.jsonl'), 'utf8').split('\n').filter((line) => line !== ''))
  service = await openStateService({ source: memory.source })

  const app = express()
  app.use('/v1a', createNanoContractRouter({ query: service.query }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await service.close()
  }
})

after(async () => {
  await close()
})

async function get(query: string): Promise<{ status: number; code: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/v1a/nano_contract/state?${query}`)
  return { status: response.status, code: response.headers.get('x-error-code'), body: parseJson(await response.text()) as Record<string, unknown> }
}

/** Root id of a contract's own trie at a height, read through the same query stack. */
async function contractRootAt(contractId: string, height: number): Promise<string> {
  const block = await service.chain.blockAtHeight(height)
  assert.ok(block?.rootId)
  const state = await service.chain.contractState(block.rootId, hexToBytes(contractId))
  assert.ok(state)
  return Buffer.from(state.contractRootId).toString('hex')
}

test('missing trie node answers 500 naming the key', async () => {
  const rootId = await contractRootAt(POOLS, 120)
  const trie = columnFamilySublevels(database).get('nc-state')!
  const original = await trie.get(hexToBytes(rootId))
  assert.ok(original)
  await trie.del(hexToBytes(rootId))

  try {
    const answer = await get(`id=${POOLS}&block_height=120&fields[]=total_swaps`)
    assert.equal(answer.status, 500)
    assert.equal(answer.code, 'NC_STORAGE_KEY_MISSING')
    assert.equal(answer.body.success, false)
    assert.match(String(answer.body.error), new RegExp(rootId))

    // The server keeps serving requests that do not touch the missing node.
    const other = await get(`id=${ZOO}&block_height=120&fields[]=small`)
    assert.equal(other.status, 200)
  } finally {
    await trie.put(hexToBytes(rootId), original)
  }
})

test('undecodable trie node answers 500', async () => {
  const rootId = await contractRootAt(POOLS, 121)
  const trie = columnFamilySublevels(database).get('nc-state')!
  const original = await trie.get(hexToBytes(rootId))
  assert.ok(original)
  await trie.put(hexToBytes(rootId), Uint8Array.of(0xff, 0xff, 0xff))

  try {
    const answer = await get(`id=${POOLS}&block_height=121&fields[]=total_swaps`)
    assert.equal(answer.status, 500)
    assert.equal(answer.body.success, false)
    assert.match(String(answer.code), /^NC_(DECODE_FAILED|STORAGE_INVALID)$/)
  } finally {
    await trie.put(hexToBytes(rootId), original)
  }
})

test('malformed ids and heights answer 400 naming the value', async () => {
  const badId = await get('id=xyz&block_height=3')
  assert.equal(badId.status, 400)
  assert.equal(badId.body.error, 'Invalid id: xyz')

  const badHeight = await get(`id=${POOLS}&block_height=ten`)
  assert.equal(badHeight.status, 400)
  assert.match(String(badHeight.body.error), /block_height: "ten"/)
})

test('oversized batch body answers 413', async () => {
  const body = JSON.stringify({ id: POOLS, block_heights: [1], fields: Array.from({ length: 40_000 }, (_, i) => `field_${i}`) })
  const response = await fetch(`${baseUrl}/v1a/nano_contract/state/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  assert.equal(response.status, 413)
  const answer = parseJson(await response.text()) as Record<string, unknown>
  assert.equal(answer.success, false)
})

test('batch body that is not JSON answers 400', async () => {
  const response = await fetch(`${baseUrl}/v1a/nano_contract/state/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": ' })
  assert.equal(response.status, 400)
  const answer = parseJson(await response.text()) as Record<string, unknown>
  assert.match(String(answer.error), /not valid JSON/)
})
