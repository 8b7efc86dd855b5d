import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteReader } from '../../src/encoding/byte-reader.js'
import { decodeAddress } from '../../src/encoding/address.js'
import { DecodeError, EncodeError, UnsupportedTypeError, ValueNotRenderableError } from '../../src/encoding/errors.js'
import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import type { TypeDescriptor } from '../../src/encoding/nc-type/descriptor.js'
import { decodeStoredValue, decodeValue } from '../../src/encoding/nc-type/decode.js'
import { encodeValue } from '../../src/encoding/nc-type/encode.js'
import { valueToJson } from '../../src/encoding/nc-type/json.js'
import { decodeAttributeValue } from '../../src/encoding/nc-type/stored-attribute.js'
import { findUnsupportedType } from '../../src/encoding/nc-type/supported.js'
import type { NcJson, NcValue } from '../../src/encoding/nc-type/value.js'

const STR: TypeDescriptor = { kind: 'str' }
const BOOL: TypeDescriptor = { kind: 'bool' }
const BYTES: TypeDescriptor = { kind: 'bytes' }
const INT: TypeDescriptor = { kind: 'int' }
const AMOUNT: TypeDescriptor = { kind: 'amount' }

const text = (value: string) => new TextEncoder().encode(value)

interface Vector {
  name: string
  type: TypeDescriptor
  value: NcValue
  hex: string
  json: NcJson
}

// Encodings taken from the doctests of hathorlib's serialization modules, plus a few computed by hand.
const vectors: Vector[] = [
  { name: 'bytes test', type: BYTES, value: text('test'), hex: '0474657374', json: '74657374' },
  { name: 'str foobar', type: STR, value: 'foobar', hex: '06666f6f626172', json: 'foobar' },
  { name: 'str katakana', type: STR, value: 'ハトホル', hex: '0ce3838fe38388e3839be383ab', json: 'ハトホル' },
  { name: 'str emoji', type: STR, value: '😎', hex: '04f09f988e', json: '😎' },
  { name: 'bool false', type: BOOL, value: false, hex: '00', json: false },
  { name: 'bool true', type: BOOL, value: true, hex: '01', json: true },
  { name: 'int zero', type: INT, value: 0n, hex: '00', json: 0n },
  { name: 'int 624485', type: INT, value: 624485n, hex: 'e58e26', json: 624485n },
  { name: 'int -123456', type: INT, value: -123456n, hex: 'c0bb78', json: -123456n },
  { name: 'int 63', type: INT, value: 63n, hex: '3f', json: 63n },
  { name: 'int 64', type: INT, value: 64n, hex: 'c000', json: 64n },
  { name: 'int -64', type: INT, value: -64n, hex: '40', json: -64n },
  { name: 'int -65', type: INT, value: -65n, hex: 'bf7f', json: -65n },
  { name: 'amount 128', type: AMOUNT, value: 128n, hex: '8001', json: 128n },
  { name: 'amount 64', type: AMOUNT, value: 64n, hex: '40', json: 64n },
  { name: 'timestamp', type: { kind: 'timestamp' }, value: 1730000301n, hex: '671db5ad', json: 1730000301n },
  { name: 'optional str', type: { kind: 'optional', inner: STR }, value: 'foobar', hex: '0106666f6f626172', json: 'foobar' },
  { name: 'optional none', type: { kind: 'optional', inner: STR }, value: null, hex: '00', json: null },
  {
    name: 'list of str',
    type: { kind: 'list', item: STR },
    value: ['foobar', 'π', '😎', 'test'],
    hex: '0406666f6f62617202cf8004f09f988e0474657374',
    json: ['foobar', 'π', '😎', 'test'],
  },
  {
    name: 'fixed tuple',
    type: { kind: 'tuple', items: [STR, BOOL, BYTES] },
    value: ['foobar', false, text('test')],
    hex: '06666f6f626172000474657374',
    json: ['foobar', false, '74657374'],
  },
  {
    name: 'signed data',
    type: { kind: 'signed_data', inner: STR },
    value: { data: '😎', scriptInput: text('foobar') },
    hex: '04f09f988e06666f6f626172',
    json: ['😎', '666f6f626172'],
  },
  {
    name: 'caller id address',
    type: { kind: 'caller_id' },
    value: { type: 'address', bytes: hexToBytes('2873c0a326af979a12be89ee8a00e8871c8e2765022e9b803c') },
    hex: '002873c0a326af979a12be89ee8a00e8871c8e2765022e9b803c',
    json: 'HH5As5aLtzFkcbmbXZmE65wSd22GqPWq2T',
  },
  {
    name: 'caller id contract',
    type: { kind: 'caller_id' },
    value: { type: 'contract', bytes: new Uint8Array(32).fill(0x22) },
    hex: '01' + '22'.repeat(32),
    json: '22'.repeat(32),
  },
  { name: 'token uid htr', type: { kind: 'token_uid' }, value: Uint8Array.of(0), hex: '00', json: '00' },
  {
    name: 'token uid custom',
    type: { kind: 'token_uid' },
    value: new Uint8Array(32).fill(0x11),
    hex: '01' + '11'.repeat(32),
    json: '11'.repeat(32),
  },
  {
    name: 'dict str to bool',
    type: { kind: 'dict', key: STR, value: BOOL },
    value: new Map<NcValue, NcValue>([['foo', false], ['bar', true], ['foobar', true], ['baz', false]]),
    hex: '0403666f6f00036261720106666f6f626172010362617a00',
    json: { foo: false, bar: true, foobar: true, baz: false },
  },
  {
    name: 'namedtuple point',
    type: { kind: 'namedtuple', name: 'Point', fields: [{ name: 'x', type: INT }, { name: 'y', type: INT }, { name: 'label', type: STR }] },
    value: [10n, -20n, 'origin'],
    hex: '0a6c' + '066f726967696e',
    json: [10n, -20n, 'origin'],
  },
  {
    name: 'dataclass balance',
    type: { kind: 'dataclass', name: 'Balance', fields: [{ name: 'value', type: INT }, { name: 'can_mint', type: BOOL }] },
    value: { value: 5n, can_mint: true },
    hex: '0501',
    json: { value: 5n, can_mint: true },
  },
  { name: 'null', type: { kind: 'null' }, value: null, hex: '', json: null },
  {
    name: 'frozenset of int',
    type: { kind: 'frozenset', item: INT },
    value: [9n, 3n, 5n],
    hex: '03090305',
    json: [9n, 3n, 5n],
  },
  {
    name: 'variadic tuple',
    type: { kind: 'variadic_tuple', item: INT },
    value: [1n, 2n, 3n, 2n ** 33n],
    hex: '04010203' + '8080808020',
    json: [1n, 2n, 3n, 8589934592n],
  },
  {
    name: 'address',
    type: { kind: 'address' },
    value: hexToBytes('2873c0a326af979a12be89ee8a00e8871c8e2765022e9b803c'),
    hex: '2873c0a326af979a12be89ee8a00e8871c8e2765022e9b803c',
    json: 'HH5As5aLtzFkcbmbXZmE65wSd22GqPWq2T',
  },
  {
    name: 'contract id',
    type: { kind: 'bytes32', name: 'ContractId' },
    value: new Uint8Array(32).fill(0xab),
    hex: 'ab'.repeat(32),
    json: 'ab'.repeat(32),
  },
  {
    name: 'output script',
    type: { kind: 'tx_output_script' },
    value: hexToBytes('76a914' + '22'.repeat(20) + '88ac'),
    hex: '19' + '76a914' + '22'.repeat(20) + '88ac',
    json: '76a914' + '22'.repeat(20) + '88ac',
  },
]

for (const vector of vectors) {
  test(`encode ${vector.name}`, () => {
    assert.equal(bytesToHex(encodeValue(vector.type, vector.value)), vector.hex)
  })

  test(`decode ${vector.name}`, () => {
    assert.deepEqual(decodeStoredValue(vector.type, hexToBytes(vector.hex)), vector.value)
  })

  test(`json ${vector.name}`, () => {
    assert.deepEqual(valueToJson(vector.type, vector.value), vector.json)
  })
}

test('bytes of 128 use two-byte prefix', () => {
  const data = text('test'.repeat(32))
  const encoded = encodeValue(BYTES, data)
  assert.equal(encoded.length, 130)
  assert.equal(bytesToHex(encoded.subarray(0, 10)), '80017465737474657374')
  assert.deepEqual(decodeStoredValue(BYTES, encoded), data)
})

test('int round trips at 223 bits', () => {
  const max = 2n ** 223n - 1n
  const min = -(2n ** 223n)
  for (const value of [max, min, 10n ** 55n, -(10n ** 40n) - 42n, 2n ** 62n + 42n]) {
    const encoded = encodeValue(INT, value)
    assert.ok(encoded.length <= 32, `${value} took ${encoded.length} bytes`)
    assert.equal(decodeStoredValue(INT, encoded), value)
  }
})

test('int rejects values past 32 bytes', () => {
  assert.throws(() => encodeValue(INT, 2n ** 223n), EncodeError)
  assert.throws(() => encodeValue(INT, -(2n ** 223n) - 1n), EncodeError)
  // 33 bytes: 32 continuation bytes then a final one.
  assert.throws(() => decodeStoredValue(INT, hexToBytes('80'.repeat(32) + '00')), DecodeError)
})

test('amount round trips and rejects negatives', () => {
  const max = 2n ** 224n - 1n
  assert.equal(decodeStoredValue(AMOUNT, encodeValue(AMOUNT, max)), max)
  assert.throws(() => encodeValue(AMOUNT, 2n ** 224n), EncodeError)
  assert.throws(() => encodeValue(AMOUNT, -1n), EncodeError)
})

test('non-canonical LEB128 decodes', () => {
  // 0x80 0x00 is a padded zero; hathorlib accepts it.
  assert.equal(decodeStoredValue(INT, hexToBytes('8000')), 0n)
})

test('decodeStoredValue rejects trailing bytes', () => {
  assert.throws(() => decodeStoredValue(STR, hexToBytes('0161ff')), DecodeError)
})

test('decodeValue leaves reader after value', () => {
  const reader = new ByteReader(hexToBytes('0161' + '0162'))
  assert.equal(decodeValue(STR, reader), 'a')
  assert.equal(reader.position, 2)
  assert.equal(decodeValue(STR, reader), 'b')
  assert.ok(reader.isAtEnd())
})

test('decode rejects invalid bool bytes', () => {
  assert.throws(() => decodeStoredValue(BOOL, Uint8Array.of(2)), DecodeError)
  assert.throws(() => decodeStoredValue({ kind: 'optional', inner: INT }, Uint8Array.of(2, 0)), DecodeError)
  assert.throws(() => decodeStoredValue({ kind: 'token_uid' }, Uint8Array.of(2)), DecodeError)
  assert.throws(() => decodeStoredValue({ kind: 'caller_id' }, hexToBytes('02' + '00'.repeat(32))), DecodeError)
})

test('decode rejects invalid UTF-8', () => {
  assert.throws(() => decodeStoredValue(STR, hexToBytes('01ff')), DecodeError)
  // A surrogate encoded in UTF-8 (CESU style) is invalid for Python too.
  assert.throws(() => decodeStoredValue(STR, hexToBytes('03eda080')), DecodeError)
})

test('decode keeps a leading BOM', () => {
  assert.equal(decodeStoredValue(STR, hexToBytes('03efbbbf')), '\ufeff')
})

test('decode enforces 64 KiB bytes bound', () => {
  const fits = new Uint8Array(65536 - 3)
  assert.equal((decodeStoredValue(BYTES, encodeValue(BYTES, fits)) as Uint8Array).length, fits.length)

  const tooLong = new Uint8Array(65536 - 2)
  assert.throws(() => encodeValue(BYTES, tooLong), EncodeError)
  const forged = new Uint8Array(3 + tooLong.length)
  forged.set([0xfe, 0xff, 0x03])
  assert.throws(() => decodeStoredValue(BYTES, forged), DecodeError)
})

test('signed data script input is unbounded', () => {
  const type: TypeDescriptor = { kind: 'signed_data', inner: BOOL }
  const value = { data: true, scriptInput: new Uint8Array(70000).fill(1) }
  assert.deepEqual(decodeStoredValue(type, encodeValue(type, value)), value)
})

test('decode rejects impossible item counts', () => {
  assert.throws(() => decodeStoredValue({ kind: 'list', item: INT }, hexToBytes('0501')), DecodeError)
  assert.throws(() => decodeStoredValue({ kind: 'list', item: { kind: 'null' } }, hexToBytes('ffffffff0f')), DecodeError)
  assert.deepEqual(decodeStoredValue({ kind: 'list', item: { kind: 'null' } }, hexToBytes('03')), [null, null, null])
})

test('frozenset decode drops duplicates', () => {
  const type: TypeDescriptor = { kind: 'frozenset', item: INT }
  // 0x05 and the padded 0x85 0x00 are both 5.
  assert.deepEqual(decodeStoredValue(type, hexToBytes('03050385' + '00')), [5n, 3n])
})

test('dict decode keeps last duplicate value', () => {
  const type: TypeDescriptor = { kind: 'dict', key: STR, value: INT }
  const decoded = decodeStoredValue(type, hexToBytes('03' + '016101' + '016202' + '016103')) as Map<NcValue, NcValue>
  assert.deepEqual([...decoded.entries()], [['a', 3n], ['b', 2n]])
})

test('dict json keys follow the node', () => {
  const intKeys: TypeDescriptor = { kind: 'dict', key: INT, value: STR }
  assert.deepEqual(valueToJson(intKeys, new Map<NcValue, NcValue>([[-5n, 'a'], [2n ** 70n, 'b']])),
    { '-5': 'a', '1180591620717411303424': 'b' })

  const boolKeys: TypeDescriptor = { kind: 'dict', key: { kind: 'optional', inner: BOOL }, value: INT }
  assert.deepEqual(valueToJson(boolKeys, new Map<NcValue, NcValue>([[true, 1n], [false, 2n], [null, 3n]])),
    { true: 1n, false: 2n, None: 3n })

  const addressKeys: TypeDescriptor = { kind: 'dict', key: { kind: 'address' }, value: AMOUNT }
  const address = decodeAddress('HH5As5aLtzFkcbmbXZmE65wSd22GqPWq2T')
  assert.deepEqual(valueToJson(addressKeys, new Map<NcValue, NcValue>([[address, 100n]])),
    { HH5As5aLtzFkcbmbXZmE65wSd22GqPWq2T: 100n })
})

test('dict json keeps __proto__ key', () => {
  const type: TypeDescriptor = { kind: 'dict', key: STR, value: INT }
  const rendered = valueToJson(type, new Map<NcValue, NcValue>([['__proto__', 1n]])) as Record<string, NcJson>
  assert.ok(Object.hasOwn(rendered, '__proto__'))
  assert.equal(Object.getPrototypeOf(rendered), Object.prototype)
  assert.equal(JSON.stringify(rendered, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)),
    '{"__proto__":1}')
})

test('dict json rejects tuple keys', () => {
  const type: TypeDescriptor = { kind: 'dict', key: { kind: 'tuple', items: [INT] }, value: INT }
  assert.throws(() => valueToJson(type, new Map<NcValue, NcValue>([[[1n], 2n]])), (error: unknown) => {
    assert.ok(error instanceof ValueNotRenderableError)
    assert.equal(error.pythonRepr, `TypeError("unhashable type: 'list'")`)
    return true
  })
})

test('unsupported descriptor throws everywhere', () => {
  const type: TypeDescriptor = { kind: 'unsupported', annotation: 'float', reason: 'no NCType for float' }
  assert.throws(() => decodeStoredValue(type, new Uint8Array()), UnsupportedTypeError)
  assert.throws(() => encodeValue(type, null), UnsupportedTypeError)
  assert.throws(() => valueToJson(type, null), UnsupportedTypeError)
})

test('encode rejects mismatched values', () => {
  assert.throws(() => encodeValue(INT, 5 as unknown as NcValue), EncodeError)
  assert.throws(() => encodeValue({ kind: 'bytes32', name: 'VertexId' }, new Uint8Array(31)), EncodeError)
  assert.throws(() => encodeValue({ kind: 'tuple', items: [INT, INT] }, [1n]), EncodeError)
  assert.throws(() => encodeValue({ kind: 'token_uid' }, new Uint8Array(2)), EncodeError)
  assert.throws(() => encodeValue({ kind: 'timestamp' }, 2n ** 32n), EncodeError)
  assert.throws(() => encodeValue(STR, 'lone \ud800 surrogate'), EncodeError)
  assert.throws(() => encodeValue({ kind: 'dataclass', name: 'D', fields: [{ name: 'a', type: INT }] }, {}), EncodeError)
})

test('nested optional tuple round trips', () => {
  const type: TypeDescriptor = {
    kind: 'dict',
    key: STR,
    value: { kind: 'optional', inner: { kind: 'tuple', items: [INT, { kind: 'set', item: { kind: 'bytes32', name: 'VertexId' } }] } },
  }
  const value = new Map<NcValue, NcValue>([
    ['a', [1n, [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]]],
    ['b', null],
  ])
  const encoded = encodeValue(type, value)
  assert.deepEqual(decodeStoredValue(type, encoded), value)
  assert.deepEqual(valueToJson(type, value), { a: [1n, ['01'.repeat(32), '02'.repeat(32)]], b: null })
})

test('nested unsupported type is found', () => {
  const unsupported: TypeDescriptor = { kind: 'unsupported', annotation: 'dict[str, int]', reason: 'dict is not a field type' }
  const nested: TypeDescriptor = { kind: 'tuple', items: [INT, { kind: 'optional', inner: unsupported }] }
  assert.deepEqual(findUnsupportedType(nested), { annotation: 'dict[str, int]', reason: 'dict is not a field type' })
  assert.equal(findUnsupportedType({ kind: 'dict', key: STR, value: { kind: 'list', item: INT } }), null)
  assert.throws(() => decodeAttributeValue(nested, Uint8Array.of(0)), UnsupportedTypeError)
})
