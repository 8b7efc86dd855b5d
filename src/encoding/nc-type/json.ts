import { ADDRESS_LENGTH, encodeAddress } from '../address.js'
import { EncodeError, UnsupportedTypeError, ValueNotRenderableError } from '../errors.js'
import { bytesToHex } from '../hex.js'
import type { TypeDescriptor } from './descriptor.js'
import {
  expectArray, expectBigint, expectBoolean, expectBytes, expectCallerId, expectField, expectMap, expectRecord,
  expectSignedData, expectString,
} from './value-checks.js'
import type { NcJson, NcJsonObject, NcValue } from './value.js'

/**
 * Renders a value as hathorlib's `NCType.value_to_json` does. Bytes-like values become
 * lowercase hex, addresses base58, HTR's token uid "00" and integers bigint. Tuples,
 * NamedTuples, sets and lists become arrays, and `SignedData` becomes
 * `[data, script_input_hex]`. Dataclasses and dicts become objects, and None becomes null.
 *
 * Dict keys become the strings the node's JSON response carries: pydantic writes an int key
 * in decimal, a bool key as "true" or "false" and a None key as "None". A key that renders as
 * a list throws `ValueNotRenderableError`, as Python raises `TypeError` for that dict.
 */
export function valueToJson(descriptor: TypeDescriptor, value: NcValue, path = 'value'): NcJson {
  switch (descriptor.kind) {
    case 'bool':
      return expectBoolean(value, path)

    case 'str':
      return expectString(value, path)

    case 'bytes':
    case 'tx_output_script':
      return bytesToHex(expectBytes(value, path))

    case 'bytes32':
      return bytesToHex(expectBytes(value, path, 32))

    case 'int':
    case 'amount':
    case 'timestamp':
      return expectBigint(value, path)

    case 'token_uid': {
      const tokenUid = expectBytes(value, path)
      const isHtr = tokenUid.length === 1 && tokenUid[0] === 0
      if (!isHtr && tokenUid.length !== 32) {
        throw new EncodeError(`token uid at ${path} has ${tokenUid.length} bytes, expected 32 or the single byte 00 of HTR`, { path })
      }
      return bytesToHex(tokenUid)
    }

    case 'address':
      return encodeAddress(expectBytes(value, path, ADDRESS_LENGTH))

    case 'caller_id': {
      const callerId = expectCallerId(value, path)
      return callerId.type === 'address' ? encodeAddress(callerId.bytes) : bytesToHex(expectBytes(callerId.bytes, path, 32))
    }

    case 'signed_data': {
      const signed = expectSignedData(value, path)
      return [valueToJson(descriptor.inner, signed.data, path + '.data'), bytesToHex(signed.scriptInput)]
    }

    case 'optional':
      return value === null ? null : valueToJson(descriptor.inner, value, path)

    case 'tuple':
      return renderFixedItems(descriptor.items, expectArray(value, path), path)

    case 'namedtuple':
      return renderFixedItems(descriptor.fields.map((field) => field.type), expectArray(value, path), path)

    case 'variadic_tuple':
    case 'frozenset':
    case 'list':
    case 'set':
    case 'deque':
      return expectArray(value, path).map((item, i) => valueToJson(descriptor.item, item, `${path}[${i}]`))

    case 'dict': {
      const rendered: NcJsonObject = {}
      let i = 0
      for (const [key, entryValue] of expectMap(value, path)) {
        const jsonKey = renderDictKey(valueToJson(descriptor.key, key, `${path}.key[${i}]`), path)
        setOwn(rendered, jsonKey, valueToJson(descriptor.value, entryValue, `${path}.value[${i}]`))
        i += 1
      }
      return rendered
    }

    case 'dataclass': {
      const record = expectRecord(value, path)
      const rendered: NcJsonObject = {}
      for (const field of descriptor.fields) {
        setOwn(rendered, field.name, valueToJson(field.type, expectField(record, field.name, path), `${path}.${field.name}`))
      }
      return rendered
    }

    case 'null':
      if (value !== null) throw new EncodeError(`value at ${path} must be null for a None type`, { path })
      return null

    case 'unsupported':
      throw new UnsupportedTypeError(descriptor.annotation, descriptor.reason)
  }
}

// hathorlib renders a fixed tuple with zip(), so it stops at the shorter of values and types.
function renderFixedItems(types: TypeDescriptor[], items: NcValue[], path: string): NcJson[] {
  const count = Math.min(types.length, items.length)
  const rendered: NcJson[] = []
  for (let i = 0; i < count; i++) rendered.push(valueToJson(types[i]!, items[i]!, `${path}[${i}]`))
  return rendered
}

function renderDictKey(key: NcJson, path: string): string {
  if (typeof key === 'string') return key
  if (typeof key === 'bigint') return key.toString()
  if (typeof key === 'boolean') return key ? 'true' : 'false'
  if (key === null) return 'None'

  const typeName = Array.isArray(key) ? 'list' : 'dict'
  throw new ValueNotRenderableError(`dict at ${path} has keys that render as a JSON ${typeName}, which Python cannot hash`,
    `TypeError("unhashable type: '${typeName}'")`, { path })
}

// Assigns with defineProperty so that a key such as "__proto__" becomes an own property.
function setOwn(target: NcJsonObject, key: string, value: NcJson): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
