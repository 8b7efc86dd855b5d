import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { parseJson, stringifyJson } from '../../src/json.js'
import { CORPUS_DIR } from '../support/corpus.js'
import { type FixtureServer, startFixtureServer } from '../support/fixture-service.js'

const chain = JSON.parse(readFileSync(join(CORPUS_DIR, 'chain.json'), 'utf8')) as { contracts: Record<string, string>; tip_height: number }
const POOLS = chain.contracts.pools!
const FIELDS = ['total_swaps', 'paused', 'last_update']

let server: FixtureServer

before(async () => {
  server = await startFixtureServer({ sandbox: false })
})

after(async () => {
  await server.close()
})

/** Posts a batch body asking for NDJSON and returns the parsed lines. */
async function postNdjson(body: unknown): Promise<{ status: number; type: string | null; lines: Array<Record<string, unknown>> }> {
  const response = await fetch(`${server.baseUrl}/v1a/nano_contract/state/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: stringifyJson(body),
  })
  const text = await response.text()
  const lines = text.split('\n').filter((line) => line !== '').map((line) => parseJson(line) as Record<string, unknown>)
  return { status: response.status, type: response.headers.get('content-type'), lines }
}

/** Serializes a snapshot line without its block, to compare content across heights. */
function content(line: Record<string, unknown>): string {
  const { block_height: _height, block_hash: _hash, timestamp: _timestamp, ...rest } = line
  return stringifyJson(rest)
}

test('short range answers as a list of the same heights', async () => {
  const range = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, from_height: 201, to_height: 210, step: 3, fields: FIELDS })
  const list = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, block_heights: [201, 204, 207, 210], fields: FIELDS })
  assert.equal(range.status, 200)
  assert.equal(stringifyJson(range.body), stringifyJson(list.body))
  assert.equal(range.body.total_requested, 4)
})

test('long range without NDJSON is rejected', async () => {
  const answer = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, from_height: 0, to_height: 300 })
  assert.equal(answer.status, 400)
  assert.match(String(answer.body.error), /application\/x-ndjson/)
})

test('NDJSON stream gives every height in order then totals', async () => {
  const { status, type, lines } = await postNdjson({ id: POOLS, from_height: 0, to_height: chain.tip_height, fields: FIELDS })
  assert.equal(status, 200)
  assert.match(String(type), /^application\/x-ndjson/)
  assert.equal(lines.length, chain.tip_height + 2)

  const heights = lines.slice(0, -1).map((line) => line.block_height)
  assert.deepEqual(heights, Array.from({ length: chain.tip_height + 1 }, (_, height) => height))

  const totals = lines.at(-1)!
  assert.equal(totals.success, true)
  assert.equal(totals.total_requested, chain.tip_height + 1)
  assert.equal(Number(totals.total_succeeded) + Number(totals.total_failed), chain.tip_height + 1)
  assert.match(String(lines[0]!.error), /^Nano contract does not exist at block /)
})

test('NDJSON lines equal the JSON batch snapshots', async () => {
  const heights = [120, 121, 250]
  const { lines } = await postNdjson({ id: POOLS, block_heights: heights, fields: FIELDS, balances: ['__all__'] })
  const batch = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, block_heights: heights, fields: FIELDS, balances: ['__all__'] })
  assert.deepEqual(lines.slice(0, -1).map(stringifyJson), (batch.body.snapshots as unknown[]).map(stringifyJson))
})

test('step skips heights', async () => {
  const { lines } = await postNdjson({ id: POOLS, from_height: 5, to_height: 300, step: 50, fields: FIELDS })
  assert.deepEqual(lines.slice(0, -1).map((line) => line.block_height), [5, 55, 105, 155, 205, 255])
})

test('changes_only emits exactly the heights whose answer changed', async () => {
  const body = { id: POOLS, from_height: 0, to_height: chain.tip_height, fields: FIELDS, balances: ['00'] }
  const full = (await postNdjson(body)).lines.slice(0, -1)
  const changes = await postNdjson({ ...body, changes_only: true })

  const expected: number[] = []
  let last: string | undefined
  for (const line of full) {
    const key = line.error === undefined ? `ok:${content(line)}` : `error`
    if (key !== last) expected.push(Number(line.block_height))
    last = key
  }

  const emitted = changes.lines.slice(0, -1).map((line) => Number(line.block_height))
  assert.deepEqual(emitted, expected)
  assert.ok(emitted.length < full.length / 2, `expected far fewer lines than heights, got ${emitted.length} of ${full.length}`)

  const totals = changes.lines.at(-1)!
  assert.equal(Number(totals.total_unchanged), full.length - emitted.length)
})

test('slow NDJSON reader receives every line', async () => {
  const body = stringifyJson({ id: POOLS, from_height: 0, to_height: chain.tip_height, fields: FIELDS, balances: ['__all__'] })
  const url = new URL(`${server.baseUrl}/v1a/nano_contract/state/batch`)
  const text = await new Promise<string>((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        response.pause()
        setTimeout(() => response.resume(), 5)
      })
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
  const lines = text.split('\n').filter((line) => line !== '')
  assert.equal(lines.length, chain.tip_height + 2)
})

test('client leaving mid-stream leaves the server serving', async () => {
  const controller = new AbortController()
  const response = await fetch(`${server.baseUrl}/v1a/nano_contract/state/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: stringifyJson({ id: POOLS, from_height: 0, to_height: chain.tip_height, fields: FIELDS }),
    signal: controller.signal,
  })
  const reader = response.body!.getReader()
  await reader.read()
  controller.abort()

  const next = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, block_heights: [300], fields: ['paused'] })
  assert.equal(next.status, 200)
  assert.equal(next.body.total_succeeded, 1)
})

test('other requests are served during a long quiet stream', async () => {
  // changes_only over millions of heights past the tip writes almost nothing for seconds.
  const controller = new AbortController()
  const streaming = fetch(`${server.baseUrl}/v1a/nano_contract/state/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: stringifyJson({ id: POOLS, from_height: 0, to_height: 5_000_000, fields: ['paused'], changes_only: true }),
    signal: controller.signal,
  }).then(async (response) => response.text()).catch(() => undefined)
  await new Promise((done) => setTimeout(done, 200))

  try {
    const started = performance.now()
    const next = await server.post('/v1a/nano_contract/state/batch', { id: POOLS, block_heights: [300], fields: ['paused'] })
    const waited = performance.now() - started
    assert.equal(next.status, 200)
    assert.ok(waited < 1000, `a one-height batch waited ${waited.toFixed(0)} ms behind the stream`)
  } finally {
    controller.abort()
    await streaming
  }
})
