import { test } from 'node:test'
import assert from 'node:assert/strict'
import { computeTrieNodeId, decodeTrieNode, encodeTrieNode } from '../../src/encoding/trie-node.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { DecodeError } from '../../src/errors.js'
import { readDump } from './dump.js'

const rows = readDump('nc-state')

test('corpus has trie nodes', () => {
  assert.ok(rows.length > 1000, `expected many nc-state rows, found ${rows.length}`)
})

test('every stored trie node decodes to its own id', () => {
  for (const row of rows) {
    const node = decodeTrieNode(hexToBytes(row.value))
    assert.equal(bytesToHex(node.id), row.key, `row ${row.key}`)
    assert.equal(node.id.length, 32)
    for (const childId of node.children.values()) assert.equal(childId.length, 32, `child of ${row.key}`)
  }
})

test('every child id is a stored trie node', () => {
  const ids = new Set(rows.map((row) => row.key))
  for (const row of rows) {
    const node = decodeTrieNode(hexToBytes(row.value))
    for (const childId of node.children.values()) {
      assert.ok(ids.has(bytesToHex(childId)), `child ${bytesToHex(childId)} of ${row.key} is missing`)
    }
  }
})

test('decoded trie nodes are well formed', () => {
  let withContent = 0
  let withChildren = 0
  for (const row of rows) {
    const node = decodeTrieNode(hexToBytes(row.value))
    assert.ok(node.length <= node.key.length, `length ${node.length} exceeds key of ${node.key.length} bytes in ${row.key}`)
    if (node.content !== null) withContent += 1
    if (node.children.size > 0) withChildren += 1
  }
  assert.ok(withContent > 0, 'no node carries content')
  assert.ok(withChildren > 0, 'no node has children')
})

test('stored trie node ids are their hashes', () => {
  for (const row of rows) {
    const node = decodeTrieNode(hexToBytes(row.value))
    assert.equal(bytesToHex(computeTrieNodeId(node)), row.key, `row ${row.key}`)
  }
})

test('trie node encode reproduces stored bytes', () => {
  for (const row of rows) {
    const encoded = encodeTrieNode(decodeTrieNode(hexToBytes(row.value)))
    assert.equal(bytesToHex(encoded), row.value, `row ${row.key}`)
  }
})

test('trie node decode rejects trailing bytes', () => {
  const first = rows[0]!
  assert.throws(() => decodeTrieNode(hexToBytes(first.value + '00')), DecodeError)
})

test('trie node decode rejects truncation', () => {
  const first = rows[0]!
  assert.throws(() => decodeTrieNode(hexToBytes(first.value.slice(0, -2))), DecodeError)
})

test('trie node decode rejects invalid content flag', () => {
  // An empty key, length 0, then content flag 0x02.
  assert.throws(() => decodeTrieNode(Uint8Array.of(0x00, 0x00, 0x02)), DecodeError)
})

test('empty root node round trips', () => {
  const node = { key: new Uint8Array(), length: 0, content: null, children: new Map(), id: new Uint8Array(32).fill(7) }
  const bytes = encodeTrieNode(node)
  assert.equal(bytesToHex(bytes), '0000000020' + '07'.repeat(32))
  assert.deepEqual(decodeTrieNode(bytes), node)
})
