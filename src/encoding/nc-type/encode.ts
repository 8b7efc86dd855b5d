import { ADDRESS_LENGTH } from '../address.js'
import { ByteWriter } from '../byte-writer.js'
import { EncodeError, UnsupportedTypeError } from '../errors.js'
import { VARINT_MAX_BYTES, writeBool, writeBoundedBytes, writeBoundedString } from '../primitives.js'
import type { TypeDescriptor } from './descriptor.js'
import {
  expectArray, expectBigint, expectBoolean, expectBytes, expectCallerId, expectField, expectMap, expectRecord,
  expectSignedData, expectString,
} from './value-checks.js'
import { type NcValue } from './value.js'

const CONTRACT_ID_LENGTH = 32
const UINT32_MAX = 0xffffffffn

/** Encodes a value as hathorlib's NCType for `descriptor` serializes it. */
export function encodeValue(descriptor: TypeDescriptor, value: NcValue): Uint8Array {
  const writer = new ByteWriter()
  writeValue(descriptor, writer, value)
  return writer.toBytes()
}

/** Writes a value in the encoding of `descriptor`. `path` names the value in error messages. */
export function writeValue(descriptor: TypeDescriptor, writer: ByteWriter, value: NcValue, path = 'value'): void {
  switch (descriptor.kind) {
    case 'bool':
      writeBool(writer, expectBoolean(value, path))
      return

    case 'str':
      writeBoundedString(writer, expectString(value, path))
      return

    case 'bytes':
    case 'tx_output_script':
      writeBoundedBytes(writer, expectBytes(value, path))
      return

    case 'int':
      writer.writeLeb128Signed(expectBigint(value, path), VARINT_MAX_BYTES)
      return

    case 'amount':
      writer.writeLeb128Unsigned(expectBigint(value, path), VARINT_MAX_BYTES)
      return

    case 'timestamp':
      writeTimestamp(writer, expectBigint(value, path), path)
      return

    case 'bytes32':
      writer.writeBytes(expectBytes(value, path, 32))
      return

    case 'token_uid':
      writeTokenUid(writer, expectBytes(value, path), path)
      return

    case 'address':
      writer.writeBytes(expectBytes(value, path, ADDRESS_LENGTH))
      return

    case 'caller_id': {
      const callerId = expectCallerId(value, path)
      const isContract = callerId.type === 'contract'
      writeBool(writer, isContract)
      writer.writeBytes(expectBytes(callerId.bytes, path + '.bytes', isContract ? CONTRACT_ID_LENGTH : ADDRESS_LENGTH))
      return
    }

    case 'signed_data': {
      const signed = expectSignedData(value, path)
      writeValue(descriptor.inner, writer, signed.data, path + '.data')
      // hathorlib writes the script input with no 64 KiB bound, unlike bytes values.
      writer.writeLengthPrefixedBytes(signed.scriptInput)
      return
    }

    case 'optional':
      writeBool(writer, value !== null)
      if (value !== null) writeValue(descriptor.inner, writer, value, path)
      return

    case 'tuple':
    case 'namedtuple':
      writeFixedItems(descriptor.kind === 'tuple' ? descriptor.items : descriptor.fields.map((field) => field.type),
        writer, expectArray(value, path), path)
      return

    case 'variadic_tuple':
    case 'frozenset':
    case 'list':
    case 'set':
    case 'deque': {
      const items = expectArray(value, path)
      writer.writeLeb128Unsigned(items.length)
      items.forEach((item, i) => writeValue(descriptor.item, writer, item, `${path}[${i}]`))
      return
    }

    case 'dict': {
      const entries = expectMap(value, path)
      writer.writeLeb128Unsigned(entries.size)
      let i = 0
      for (const [key, entryValue] of entries) {
        writeValue(descriptor.key, writer, key, `${path}.key[${i}]`)
        writeValue(descriptor.value, writer, entryValue, `${path}.value[${i}]`)
        i += 1
      }
      return
    }

    case 'dataclass': {
      const record = expectRecord(value, path)
      for (const field of descriptor.fields) {
        writeValue(field.type, writer, expectField(record, field.name, path), `${path}.${field.name}`)
      }
      return
    }

    case 'null':
      if (value !== null) throw new EncodeError(`value at ${path} must be null for a None type`, { path })
      return

    case 'unsupported':
      throw new UnsupportedTypeError(descriptor.annotation, descriptor.reason)
  }
}

function writeFixedItems(types: TypeDescriptor[], writer: ByteWriter, items: NcValue[], path: string): void {
  if (items.length !== types.length) {
    throw new EncodeError(`value at ${path} has ${items.length} items, expected ${types.length}`, { path })
  }
  types.forEach((type, i) => writeValue(type, writer, items[i]!, `${path}[${i}]`))
}

function writeTimestamp(writer: ByteWriter, timestamp: bigint, path: string): void {
  if (timestamp < 0n || timestamp > UINT32_MAX) {
    throw new EncodeError(`timestamp ${timestamp} at ${path} is out of the uint32 range`, { path })
  }
  writer.writeUint32BE(Number(timestamp))
}

// HTR is written as an absent optional (0x00) and any other token as 0x01 and its 32 bytes.
function writeTokenUid(writer: ByteWriter, tokenUid: Uint8Array, path: string): void {
  if (tokenUid.length === 1 && tokenUid[0] === 0) {
    writeBool(writer, false)
    return
  }
  if (tokenUid.length !== 32) {
    throw new EncodeError(`token uid at ${path} has ${tokenUid.length} bytes, expected 32 or the single byte 00 of HTR`, { path })
  }
  writeBool(writer, true)
  writer.writeBytes(tokenUid)
}
