import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { DecodeError } from '../../src/encoding/errors.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { extractBlueprintSource, inflateSource } from '../../src/encoding/on-chain-blueprint.js'
import {
  computeVertexHash, isBlock, parseBlock, parseTransaction, readVertexTimestamp, vertexKind,
} from '../../src/encoding/vertex.js'
import { readDump, readFixtureText } from './dump.js'

interface ChainBlock { height: number; hash: string; timestamp: number }
const chain = JSON.parse(readFixtureText('chain.json')) as {
  blocks: ChainBlock[]
  voided_blocks: ChainBlock[]
  blueprints: Record<string, string>
}
const vertices = new Map(readDump('tx').map((row) => [row.key, hexToBytes(row.value)]))

function vertex(hash: string): Uint8Array {
  const bytes = vertices.get(hash)
  assert.ok(bytes !== undefined, `vertex ${hash} is not in the dump`)
  return bytes
}

test('every chain block parses with its timestamp', () => {
  const blocks = [...chain.blocks, ...chain.voided_blocks]
  assert.ok(blocks.length > 300)
  for (const block of blocks) {
    const bytes = vertex(block.hash)
    assert.equal(vertexKind(bytes), 'block')
    const parsed = parseBlock(bytes)
    assert.equal(parsed.timestamp, block.timestamp, `block ${block.height}`)
    assert.equal(readVertexTimestamp(bytes), block.timestamp)
  }
})

test('block parents link the best chain', () => {
  for (const block of chain.blocks.slice(1)) {
    const parent = chain.blocks[block.height - 1]!
    const parents = parseBlock(vertex(block.hash)).parents.map(bytesToHex)
    assert.equal(parents[0], parent.hash, `block ${block.height}`)
  }
})

test('block hashes match their keys', () => {
  for (const [hash, bytes] of vertices) {
    assert.equal(bytesToHex(computeVertexHash(bytes)), hash)
  }
})

test('every stored vertex has a known kind', () => {
  let blocks = 0
  let transactions = 0
  for (const bytes of vertices.values()) {
    if (isBlock(bytes)) blocks += 1
    else transactions += 1
  }
  assert.equal(blocks, chain.blocks.length + chain.voided_blocks.length)
  assert.equal(transactions, Object.keys(chain.blueprints).length)
})

test('blueprint transactions yield Python source', () => {
  const names = Object.keys(chain.blueprints)
  assert.equal(names.length, 4)
  for (const [name, id] of Object.entries(chain.blueprints)) {
    const bytes = vertex(id)
    assert.equal(vertexKind(bytes), 'transaction')
    const source = extractBlueprintSource(bytes)
    assert.match(source, /class /, name)
    assert.match(source, /Blueprint/, name)
    assert.ok(parseTransaction(bytes).blueprint !== null)
  }
})

test('type zoo source declares TypeZoo', () => {
  const source = extractBlueprintSource(vertex(chain.blueprints.type_zoo!))
  assert.match(source, /class TypeZoo\(Blueprint\)/)
})

test('block is not a blueprint', () => {
  assert.throws(() => extractBlueprintSource(vertex(chain.blocks[1]!.hash)), DecodeError)
  assert.throws(() => parseTransaction(vertex(chain.blocks[1]!.hash)), DecodeError)
})

test('blueprint is not a block', () => {
  assert.throws(() => parseBlock(vertex(chain.blueprints.type_zoo!)), DecodeError)
})

test('unknown version is rejected', () => {
  assert.throws(() => vertexKind(Uint8Array.of(0, 4)), DecodeError)
  assert.throws(() => vertexKind(Uint8Array.of(0)), DecodeError)
})

test('truncated block is rejected', () => {
  const bytes = vertex(chain.blocks[5]!.hash)
  assert.throws(() => parseBlock(bytes.subarray(0, 40)), DecodeError)
})

test('blueprint code size limits apply', () => {
  const bytes = vertex(chain.blueprints.type_zoo!)
  assert.throws(() => extractBlueprintSource(bytes, { maxCompressedSize: 100 }), DecodeError)
  assert.throws(() => extractBlueprintSource(bytes, { maxUncompressedSize: 100 }), DecodeError)
})

test('inflate accepts truncated stream', () => {
  const compressed = deflateSync(Buffer.from('class A(Blueprint):\n    pass\n'.repeat(20)))
  assert.equal(inflateSource(compressed), 'class A(Blueprint):\n    pass\n'.repeat(20))
  const partial = inflateSource(compressed.subarray(0, compressed.length - 8))
  assert.ok(partial.startsWith('class A'))
})

test('inflate rejects invalid UTF-8', () => {
  assert.throws(() => inflateSource(deflateSync(Buffer.from([0xff, 0xfe]))), DecodeError)
})
