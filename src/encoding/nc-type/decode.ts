import { ADDRESS_LENGTH } from '../address.js'
import { ByteReader } from '../byte-reader.js'
import { DecodeError, UnsupportedTypeError } from '../errors.js'
import { bytesToHex } from '../hex.js'
import { readBool, readBoundedBytes, readBoundedString, VARINT_MAX_BYTES } from '../primitives.js'
import type { TypeDescriptor } from './descriptor.js'
import { encodeValue } from './encode.js'
import { HTR_TOKEN_UID, type NcRecord, type NcValue } from './value.js'

const CONTRACT_ID_LENGTH = 32

// Item count above which a collection of zero-width items (such as `list[None]`) is rejected,
// because its count is not bounded by the bytes that follow.
const MAX_ZERO_WIDTH_ITEMS = 1_000_000

/**
 * Reads one value in the encoding of `descriptor` from `reader`, leaving the reader after it.
 * The value model is documented in `value.ts`.
 */
export function decodeValue(descriptor: TypeDescriptor, reader: ByteReader): NcValue {
  switch (descriptor.kind) {
    case 'bool':
      return readBool(reader)

    case 'str':
      return readBoundedString(reader)

    case 'bytes':
    case 'tx_output_script':
      return readBoundedBytes(reader).slice()

    case 'int':
      return reader.readLeb128Signed(VARINT_MAX_BYTES)

    case 'amount':
      return reader.readLeb128Unsigned(VARINT_MAX_BYTES)

    case 'timestamp':
      return BigInt(reader.readUint32BE())

    case 'bytes32':
      return reader.readBytes(32).slice()

    case 'token_uid':
      return readBool(reader) ? reader.readBytes(32).slice() : HTR_TOKEN_UID.slice()

    case 'address':
      return reader.readBytes(ADDRESS_LENGTH).slice()

    case 'caller_id':
      return readBool(reader)
        ? { type: 'contract', bytes: reader.readBytes(CONTRACT_ID_LENGTH).slice() }
        : { type: 'address', bytes: reader.readBytes(ADDRESS_LENGTH).slice() }

    case 'signed_data': {
      const data = decodeValue(descriptor.inner, reader)
      // hathorlib reads the script input with no 64 KiB bound, unlike bytes values.
      const scriptInput = reader.readLengthPrefixedBytes().slice()
      return { data, scriptInput }
    }

    case 'optional':
      return readBool(reader) ? decodeValue(descriptor.inner, reader) : null

    case 'tuple':
      return descriptor.items.map((item) => decodeValue(item, reader))

    case 'namedtuple':
      return descriptor.fields.map((field) => decodeValue(field.type, reader))

    case 'variadic_tuple':
    case 'list':
    case 'deque':
      return readItems(descriptor.item, reader)

    case 'frozenset':
    case 'set':
      return withoutDuplicates(descriptor.item, readItems(descriptor.item, reader))

    case 'dict':
      return readDict(descriptor.key, descriptor.value, reader)

    case 'dataclass': {
      const record: NcRecord = {}
      for (const field of descriptor.fields) {
        Object.defineProperty(record, field.name, {
          value: decodeValue(field.type, reader), enumerable: true, writable: true, configurable: true,
        })
      }
      return record
    }

    case 'null':
      return null

    case 'unsupported':
      throw new UnsupportedTypeError(descriptor.annotation, descriptor.reason)
  }
}

/** Decodes a whole stored value of type `descriptor` and rejects trailing bytes. */
export function decodeStoredValue(descriptor: TypeDescriptor, bytes: Uint8Array): NcValue {
  const reader = new ByteReader(bytes)
  const value = decodeValue(descriptor, reader)
  reader.assertAtEnd('stored value')
  return value
}

function readItems(item: TypeDescriptor, reader: ByteReader): NcValue[] {
  const offset = reader.position
  const count = reader.readLength()
  checkCount(count, minEncodedLength(item), reader, offset)

  const items: NcValue[] = []
  for (let i = 0; i < count; i++) items.push(decodeValue(item, reader))
  return items
}

// A Python dict built from repeated keys keeps the first key's position and the last value.
function readDict(keyType: TypeDescriptor, valueType: TypeDescriptor, reader: ByteReader): Map<NcValue, NcValue> {
  const offset = reader.position
  const count = reader.readLength()
  checkCount(count, minEncodedLength(keyType) + minEncodedLength(valueType), reader, offset)

  const entries = new Map<NcValue, NcValue>()
  const keysByEncoding = new Map<string, NcValue>()
  for (let i = 0; i < count; i++) {
    const key = decodeValue(keyType, reader)
    const value = decodeValue(valueType, reader)
    const encoding = bytesToHex(encodeValue(keyType, key))
    const existing = keysByEncoding.get(encoding)
    if (existing === undefined) {
      keysByEncoding.set(encoding, key)
      entries.set(key, value)
    } else {
      entries.set(existing, value)
    }
  }
  return entries
}

// NOTE: items compare by their canonical encoding. Python compares nested frozensets as sets,
// so two nested frozensets with the same members in another order are kept apart here.
function withoutDuplicates(item: TypeDescriptor, items: NcValue[]): NcValue[] {
  const seen = new Set<string>()
  return items.filter((value) => {
    const encoding = bytesToHex(encodeValue(item, value))
    if (seen.has(encoding)) return false
    seen.add(encoding)
    return true
  })
}

function checkCount(count: number, itemLength: number, reader: ByteReader, offset: number): void {
  if (itemLength > 0 && count * itemLength > reader.remaining) {
    throw new DecodeError(
      `collection at offset ${offset} declares ${count} items, but only ${reader.remaining} bytes follow`)
  }
  if (itemLength === 0 && count > MAX_ZERO_WIDTH_ITEMS) {
    throw new DecodeError(
      `collection at offset ${offset} declares ${count} zero-width items, more than the maximum ${MAX_ZERO_WIDTH_ITEMS}`)
  }
}

/** Computes the fewest bytes a value of `descriptor` can take, used to reject impossible item counts early. */
function minEncodedLength(descriptor: TypeDescriptor): number {
  switch (descriptor.kind) {
    case 'null':
    case 'unsupported':
      return 0
    case 'timestamp':
      return 4
    case 'bytes32':
      return 32
    case 'address':
      return ADDRESS_LENGTH
    case 'caller_id':
      return 1 + ADDRESS_LENGTH
    case 'signed_data':
      return minEncodedLength(descriptor.inner) + 1
    case 'tuple':
      return descriptor.items.reduce((sum, item) => sum + minEncodedLength(item), 0)
    case 'namedtuple':
    case 'dataclass':
      return descriptor.fields.reduce((sum, field) => sum + minEncodedLength(field.type), 0)
    default:
      return 1
  }
}
