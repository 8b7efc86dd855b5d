import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { stringifyJson } from '../../src/json.js'
import { type CorpusCase, diffJson, readCases, toQueryString } from '../support/corpus.js'
import { type FixtureServer, startFixtureServer } from '../support/fixture-service.js'

// Replays every recorded request of the conformance corpus against the router, view calls included.

let server: FixtureServer

before(async () => {
  server = await startFixtureServer()
})

after(async () => {
  await server.close()
})

function check(testCase: CorpusCase, status: number, body: Record<string, unknown>): void {
  assert.equal(status, testCase.status, `status of "${testCase.name}": ${stringifyJson(body).slice(0, 300)}`)

  if (testCase.check === 'status') {
    assert.equal(body.success, false)
    assert.equal(typeof body.error, 'string')
    assert.notEqual(body.error, '')
    return
  }

  const differences = diffJson(testCase.response, body, testCase.unordered)
  assert.deepEqual(differences, [], `answer of "${testCase.name}" differs`)
}

describe('state endpoint corpus', () => {
  for (const testCase of readCases('state-cases.jsonl')) {
    test(testCase.name, async () => {
      const { status, body } = await server.get(`/v1a/nano_contract/state?${toQueryString(testCase.query ?? {})}`)
      check(testCase, status, body)
    })
  }
})

describe('batch endpoint corpus', () => {
  for (const testCase of readCases('batch-cases.jsonl')) {
    test(testCase.name, async () => {
      const { status, body } = await server.post('/v1a/nano_contract/state/batch', testCase.body)
      check(testCase, status, body)
    })
  }
})
