import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { OPENAPI_PATH, renderOpenApiFile } from '../../src/cli/commands/openapi.js'

test('committed OpenAPI document is current', () => {
  const committed = readFileSync(OPENAPI_PATH, 'utf8')
  assert.equal(committed, renderOpenApiFile(), 'openapi/openapi.json is stale: run `npx nc-state openapi` and commit the file')
})

test('OpenAPI document lists both endpoints', () => {
  const document = JSON.parse(renderOpenApiFile()) as { paths: Record<string, unknown> }
  assert.ok(document.paths['/v1a/nano_contract/state'])
  assert.ok(document.paths['/v1a/nano_contract/state/batch'])
})
