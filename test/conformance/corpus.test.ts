import { after, before, describe, test } from 'node:test'

import { assertCaseAnswer, readCases, sendCase } from '../support/corpus.js'
import { type FixtureServer, startFixtureServer } from '../support/fixture-service.js'

// Replays every recorded request of the conformance corpus against the router, view calls included.

let server: FixtureServer

before(async () => {
  server = await startFixtureServer()
})

after(async () => {
  await server.close()
})

for (const file of ['state-cases.jsonl', 'batch-cases.jsonl'] as const) {
  describe(`corpus ${file}`, () => {
    for (const testCase of readCases(file)) {
      test(testCase.name, async () => {
        const { status, body } = await sendCase(server, testCase)
        assertCaseAnswer(testCase, status, body, { compareCalls: true })
      })
    }
  })
}
