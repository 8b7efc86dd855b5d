import type { ByteReader } from './byte-reader.js'
import type { ByteWriter } from './byte-writer.js'
import { DecodeError, EncodeError } from './errors.js'

/**
 * Maximum encoded size of a bytes or str value, length prefix included (hathorlib's
 * `DEFAULT_BYTES_MAX_LENGTH`, 64 KiB, applied to the whole encoding).
 */
export const BYTES_MAX_ENCODED_LENGTH = 2 ** 16

/** Maximum encoded size of an `int` (signed) or `Amount` (unsigned) LEB128 value. */
export const VARINT_MAX_BYTES = 32

/** Reads a length-prefixed byte string no longer than `BYTES_MAX_ENCODED_LENGTH` in total. */
export function readBoundedBytes(reader: ByteReader): Uint8Array {
  const start = reader.position
  const size = reader.readLength()
  const prefixLength = reader.position - start
  if (prefixLength + size > BYTES_MAX_ENCODED_LENGTH) {
    throw new DecodeError(
      `byte string of ${size} bytes at offset ${start} exceeds the maximum encoded length ${BYTES_MAX_ENCODED_LENGTH}`)
  }
  return reader.readBytes(size)
}

export function writeBoundedBytes(writer: ByteWriter, bytes: Uint8Array): void {
  const prefixLength = leb128UnsignedLength(bytes.length)
  if (prefixLength + bytes.length > BYTES_MAX_ENCODED_LENGTH) {
    throw new EncodeError(
      `byte string of ${bytes.length} bytes exceeds the maximum encoded length ${BYTES_MAX_ENCODED_LENGTH}`)
  }
  writer.writeLengthPrefixedBytes(bytes)
}

/** Reads a UTF-8 string with the same bound as `readBoundedBytes` and rejects invalid UTF-8. */
export function readBoundedString(reader: ByteReader): string {
  const start = reader.position
  const raw = readBoundedBytes(reader)
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw)
  } catch (cause) {
    throw new DecodeError(`invalid UTF-8 string of ${raw.length} bytes at offset ${start}`, {}, { cause })
  }
}

export function writeBoundedString(writer: ByteWriter, text: string): void {
  if (!isWellFormedUnicode(text)) {
    throw new EncodeError('string contains a lone surrogate, so it has no UTF-8 encoding')
  }
  writeBoundedBytes(writer, new TextEncoder().encode(text))
}

/** Reads a bool byte: 0x00 is false, 0x01 is true, and any other byte is an error. */
export function readBool(reader: ByteReader): boolean {
  const offset = reader.position
  const byte = reader.readByte()
  if (byte === 0) return false
  if (byte === 1) return true
  throw new DecodeError(`invalid bool byte 0x${byte.toString(16).padStart(2, '0')} at offset ${offset}, expected 0x00 or 0x01`)
}

export function writeBool(writer: ByteWriter, value: boolean): void {
  writer.writeByte(value ? 1 : 0)
}

function leb128UnsignedLength(value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length += 1
  }
  return length
}

function isWellFormedUnicode(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i += 1
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false
    }
  }
  return true
}
