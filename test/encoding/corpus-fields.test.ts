import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sha256 } from '@noble/hashes/sha2.js'
import { isInteger, parse } from 'lossless-json'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import type { TypeDescriptor } from '../../src/encoding/nc-type/descriptor.js'
import { valueToJson } from '../../src/encoding/nc-type/json.js'
import {
  decodeAttributeValue, decodeStoredBalance, decodeStoredMetadata, encodeAttributeValue, encodeStoredBalance,
} from '../../src/encoding/nc-type/stored-attribute.js'
import type { NcJson } from '../../src/encoding/nc-type/value.js'
import { decodeTrieNode, type TrieNode } from '../../src/encoding/trie-node.js'
import { readDump, readFixtureText } from './dump.js'

// These tests find stored values by their trie key alone, so they cover every version of a
// field that the corpus stores, across all heights, without walking a block's trie.

const INT: TypeDescriptor = { kind: 'int' }
const STR: TypeDescriptor = { kind: 'str' }

// The TypeZoo blueprint's value fields, typed as hathorlib's field type map builds them.
const zooFields: Record<string, TypeDescriptor> = {
  small: INT,
  big_amount: { kind: 'amount' },
  huge: INT,
  negative: INT,
  text: STR,
  raw: { kind: 'bytes' },
  flag: { kind: 'bool' },
  who: { kind: 'address' },
  token: { kind: 'token_uid' },
  htr: { kind: 'token_uid' },
  contract: { kind: 'bytes32', name: 'ContractId' },
  blueprint: { kind: 'bytes32', name: 'BlueprintId' },
  vertex: { kind: 'bytes32', name: 'VertexId' },
  when: { kind: 'timestamp' },
  script: { kind: 'tx_output_script' },
  maybe_text: { kind: 'optional', inner: STR },
  maybe_int: { kind: 'optional', inner: INT },
  pair: { kind: 'tuple', items: [STR, INT] },
  many: { kind: 'variadic_tuple', item: INT },
  frozen: { kind: 'frozenset', item: INT },
  point: { kind: 'namedtuple', name: 'Point', fields: [{ name: 'x', type: INT }, { name: 'y', type: INT }, { name: 'label', type: STR }] },
  signed: { kind: 'signed_data', inner: STR },
  scratch: INT,
}

// Value fields of the other blueprints (dict and list fields are not stored under one key).
const otherFields: Record<string, TypeDescriptor> = {
  owner: { kind: 'address' },
  usd_token: { kind: 'token_uid' },
  fee_bps: INT,
  total_swaps: INT,
  last_update: { kind: 'timestamp' },
  paused: { kind: 'bool' },
  note: STR,
  total: { kind: 'amount' },
  result: { kind: 'optional', inner: STR },
  source: { kind: 'bytes32', name: 'ContractId' },
}

const chain = JSON.parse(readFixtureText('chain.json')) as { contracts: Record<string, string>; blueprints: Record<string, string> }

const nodes: TrieNode[] = readDump('nc-state').map((row) => decodeTrieNode(hexToBytes(row.value)))

/** Trie key of a contract entry: the tag byte and the key bytes, written as ASCII hex one nibble a byte. */
function trieKey(tag: number, key: Uint8Array): string {
  const raw = new Uint8Array(1 + key.length)
  raw[0] = tag
  raw.set(key, 1)
  return bytesToHex(new TextEncoder().encode(bytesToHex(raw)))
}

function attributeKey(name: string): string {
  return trieKey(0, sha256(new TextEncoder().encode(name)))
}

function contentsAt(key: string): Uint8Array[] {
  return nodes.filter((node) => node.content !== null && bytesToHex(node.key) === key).map((node) => node.content!)
}

function parseLossless(text: string): unknown {
  return parse(text, null, (value) => (isInteger(value) ? BigInt(value) : Number(value)))
}

function canonical(json: NcJson, unordered: boolean): string {
  const sorted = unordered && Array.isArray(json) ? [...json].map((item) => String(item)).sort() : json
  return JSON.stringify(sorted, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))
}

test('every zoo field version decodes', () => {
  for (const [name, type] of Object.entries(zooFields)) {
    const contents = contentsAt(attributeKey(name))
    assert.ok(contents.length > 0, `no stored value for field ${name}`)
    for (const content of contents) {
      const stored = decodeAttributeValue(type, content, { rejectTrailingBytes: true })
      if (!stored.deleted) valueToJson(type, stored.value)
      assert.equal(bytesToHex(encodeAttributeValue(type, stored)), bytesToHex(content), `field ${name}`)
    }
  }
})

test('deleted zoo field is marked deleted', () => {
  const states = contentsAt(attributeKey('scratch')).map((content) => decodeAttributeValue(INT, content).deleted)
  assert.ok(states.includes(true), 'scratch is never stored as deleted')
  assert.ok(states.includes(false), 'scratch is never stored with a value')
})

test('other blueprint fields decode', () => {
  for (const [name, type] of Object.entries(otherFields)) {
    const contents = contentsAt(attributeKey(name))
    assert.ok(contents.length > 0, `no stored value for field ${name}`)
    for (const content of contents) {
      const stored = decodeAttributeValue(type, content, { rejectTrailingBytes: true })
      if (!stored.deleted) valueToJson(type, stored.value)
      assert.equal(bytesToHex(encodeAttributeValue(type, stored)), bytesToHex(content), `field ${name}`)
    }
  }
})

test('field answers match decoded values', () => {
  const allFields: Record<string, TypeDescriptor> = { ...otherFields, ...zooFields }
  const decodedJson = new Map<string, Set<string>>()
  for (const [name, type] of Object.entries(allFields)) {
    const rendered = new Set<string>()
    for (const content of contentsAt(attributeKey(name))) {
      const stored = decodeAttributeValue(type, content)
      if (!stored.deleted) rendered.add(canonical(valueToJson(type, stored.value), type.kind === 'frozenset'))
    }
    decodedJson.set(name, rendered)
  }

  let checked = 0
  for (const line of readFixtureText('state-cases.jsonl').split('\n')) {
    if (line.trim() === '') continue
    const testCase = parseLossless(line) as {
      name: string; status: bigint; query: { id?: string }; response: { fields?: Record<string, { value?: NcJson }> }
    }
    if (testCase.status !== 200n) continue

    for (const [name, answer] of Object.entries(testCase.response.fields ?? {})) {
      const type = Object.hasOwn(allFields, name) ? allFields[name] : undefined
      if (type === undefined || answer.value === undefined) continue
      const expected = canonical(answer.value, type.kind === 'frozenset')
      assert.ok(decodedJson.get(name)!.has(expected), `${testCase.name}: ${name} = ${expected} is not among decoded values`)
      checked += 1
    }
  }
  assert.ok(checked > 500, `only ${checked} field answers checked`)
})

test('huge values past 2^53 decode exactly', () => {
  const type = zooFields.huge!
  const values = contentsAt(attributeKey('huge'))
    .map((content) => decodeAttributeValue(type, content))
    .flatMap((stored) => (stored.deleted ? [] : [stored.value as bigint]))
  assert.ok(values.some((value) => value < -(10n ** 55n)), 'no huge value below -10^55')
})

test('dict entries decode', () => {
  // `scores: dict[str, int]` stores each entry under `scores:` and the key's encoding.
  const key = new TextEncoder().encode('scores:\x05alice')
  const contents = contentsAt(attributeKey(new TextDecoder().decode(key)))
  assert.ok(contents.length > 0)
  const stored = decodeAttributeValue(INT, contents[0]!, { rejectTrailingBytes: true })
  assert.deepEqual(stored, { deleted: false, value: 10n })
})

test('stored blueprint ids decode', () => {
  const blueprintIds = new Set(Object.values(chain.blueprints))
  const contents = contentsAt(trieKey(2, sha256(new TextEncoder().encode('blueprint_id'))))
  // Contracts of the same blueprint store the same trie node, so there is one entry per blueprint.
  assert.equal(contents.length, blueprintIds.size)
  for (const content of contents) {
    const blueprintId = decodeStoredMetadata(content)
    assert.ok(blueprintId !== null)
    assert.ok(blueprintIds.has(bytesToHex(blueprintId)), `unknown blueprint ${bytesToHex(blueprintId)}`)
  }
})

test('stored balances decode and re-encode', () => {
  const balancePrefix = bytesToHex(new TextEncoder().encode('01'))
  const balances = nodes.filter((node) => node.content !== null && bytesToHex(node.key).startsWith(balancePrefix)
    && (node.key.length === 4 || node.key.length === 66))
  assert.ok(balances.length > 0, 'no balance entries found')
  for (const node of balances) {
    const balance = decodeStoredBalance(node.content!)
    assert.ok(balance !== null)
    assert.ok(balance.value >= 0n)
    assert.equal(bytesToHex(encodeStoredBalance(balance)), bytesToHex(node.content!))
  }
})
