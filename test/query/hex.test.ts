import assert from 'node:assert/strict'
import { test } from 'node:test'

import { parsePythonHex } from '../../src/query/hex.js'

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'))

test('parsePythonHex accepts both cases', () => {
  assert.equal(hex(parsePythonHex('00aBfF')), '00abff')
})

test('parsePythonHex skips whitespace between pairs', () => {
  assert.equal(hex(parsePythonHex(' 00 ab\tcd\n')), '00abcd')
})

test('parsePythonHex reads empty text as zero bytes', () => {
  assert.equal(hex(parsePythonHex('')), '')
})

test('parsePythonHex rejects an odd digit count', () => {
  assert.equal(parsePythonHex('abc'), null)
})

test('parsePythonHex rejects whitespace inside a pair', () => {
  assert.equal(parsePythonHex('a b'), null)
})

test('parsePythonHex rejects non-hex characters', () => {
  assert.equal(parsePythonHex('zz-not-hex'), null)
  assert.equal(parsePythonHex('0x00'), null)
})
