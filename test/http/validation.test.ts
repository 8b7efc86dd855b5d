import assert from 'node:assert/strict'
import { test } from 'node:test'

import { parseBatchBody, parseStateQuery } from '../../src/http/validation.js'
import { QueryError } from '../../src/query/errors.js'

function messageOf(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    assert.ok(error instanceof QueryError, `expected a QueryError, got ${String(error)}`)
    assert.equal(error.status, 400)
    return error.message
  }
  assert.fail('expected the request to be rejected')
}

test('state query turns single values into lists', () => {
  const request = parseStateQuery({ id: 'ab', 'fields[]': 'x', block_height: '12' })
  assert.deepEqual(request.fields, ['x'])
  assert.deepEqual(request.balances, [])
  assert.equal(request.selector.blockHeight, 12)
})

test('state query without id names the parameter', () => {
  assert.equal(messageOf(() => parseStateQuery({ block_height: '3' })), 'missing required parameter: id')
})

test('state query rejects a non-integer height', () => {
  assert.match(messageOf(() => parseStateQuery({ id: 'ab', block_height: 'abc' })), /^invalid block_height: "abc"/)
  assert.match(messageOf(() => parseStateQuery({ id: 'ab', block_height: '-1' })), /^invalid block_height/)
})

test('state query rejects infinite and unsafe numbers', () => {
  assert.match(messageOf(() => parseStateQuery({ id: 'ab', block_height: 'Infinity' })), /^invalid block_height/)
  assert.match(messageOf(() => parseStateQuery({ id: 'ab', timestamp: '1e400' })), /^invalid timestamp/)
  assert.match(messageOf(() => parseStateQuery({ id: 'ab', timestamp: '99999999999999999999' })), /^invalid timestamp/)
})

test('state query takes only decimal integers', () => {
  for (const text of ['0x10', '1e2', '0b11', '0o7', '1__0', '_10', '10.5']) {
    assert.match(messageOf(() => parseStateQuery({ id: 'ab', block_height: text })), /^invalid block_height/, text)
    assert.match(messageOf(() => parseStateQuery({ id: 'ab', timestamp: text })), /^invalid timestamp/, text)
  }
  for (const text of ['10', '+10', ' 10 ', '1_0', '10.0']) {
    assert.equal(parseStateQuery({ id: 'ab', block_height: text }).selector.blockHeight, 10, text)
  }
})

test('batch body rejects heights past 2^53', () => {
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1e20] })), 'block_heights must hold integers from 0')
  assert.deepEqual(parseBatchBody({ id: 'ab', block_heights: [4294967296] }).selection, { heights: [4294967296] })
})

test('state query rejects a repeated single parameter', () => {
  assert.match(messageOf(() => parseStateQuery({ id: ['ab', 'cd'] })), /^parameter id must be given once/)
})

test('state query ignores unknown parameters', () => {
  assert.equal(parseStateQuery({ id: 'ab', other: '1' }).id, 'ab')
})

test('batch body rejects in the reference order', () => {
  assert.equal(messageOf(() => parseBatchBody({ block_heights: [1] })), 'missing required parameter: id')
  assert.equal(messageOf(() => parseBatchBody([])), 'missing required parameter: id')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [] })), 'Missing required parameter: block_heights')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab' })), 'Missing required parameter: block_heights')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [-1, 2] })), 'block_heights must hold integers from 0')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1.5] })), 'block_heights must hold integers from 0')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: Array.from({ length: 101 }, (_, i) => i) })),
    'Too many blocks requested. Maximum is 100')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1], fields: 'paused' })), 'fields must be an array of strings')
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1], calls: [1] })), 'calls must be an array of strings')
})

test('batch body rejects unknown keys by name', () => {
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1], field: ['x'] })), /^unknown parameter: field;/)
})

test('batch body keeps heights in order with repeats', () => {
  assert.deepEqual(parseBatchBody({ id: 'ab', block_heights: [50, 10, 50] }).selection, { heights: [50, 10, 50] })
})

test('batch body takes a range with a step', () => {
  assert.deepEqual(parseBatchBody({ id: 'ab', from_height: 10, to_height: 20, step: 5 }).selection, { from: 10, to: 20, step: 5 })
  assert.deepEqual(parseBatchBody({ id: 'ab', from_height: 3, to_height: 3 }).selection, { from: 3, to: 3, step: 1 })
})

test('batch body rejects inconsistent ranges', () => {
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', from_height: 10 })), /missing to_height/)
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', from_height: 10, to_height: 5 })), /to_height 5 is below from_height 10/)
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', block_heights: [1], from_height: 1, to_height: 2 })), /not both/)
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', from_height: 1, to_height: 2, step: 0 })), /^invalid step/)
  assert.match(messageOf(() => parseBatchBody({ id: 'ab', from_height: -1, to_height: 2 })), /^invalid from_height/)
  assert.equal(messageOf(() => parseBatchBody({ id: 'ab', from_height: 1, to_height: 2, changes_only: 'yes' })), 'changes_only must be true or false')
})
