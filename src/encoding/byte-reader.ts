import { DecodeError } from '../errors.js'

/**
 * Cursor over a byte array that reads Hathor's primitive encodings.
 *
 * LEB128 here follows hathorlib's serialization: unsigned values are plain LEB128 and signed
 * values are two's-complement LEB128 (sign bit 0x40 of the last byte). `maxBytes` bounds the
 * encoded length, as the node does (a 32-byte signed LEB128 holds 223 bits plus sign).
 */
export class ByteReader {
  private offset = 0

  constructor(readonly bytes: Uint8Array) {}

  get position(): number {
    return this.offset
  }

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  isAtEnd(): boolean {
    return this.offset >= this.bytes.length
  }

  /** Throws unless every byte was consumed, so trailing garbage is never silently ignored. */
  assertAtEnd(what: string): void {
    if (this.offset !== this.bytes.length) {
      throw new DecodeError(`${what}: ${this.bytes.length - this.offset} trailing bytes after offset ${this.offset}`)
    }
  }

  readByte(): number {
    const value = this.bytes[this.offset]
    if (value === undefined) {
      throw new DecodeError(`unexpected end of data at offset ${this.offset}`)
    }
    this.offset += 1
    return value
  }

  readBytes(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.bytes.length) {
      throw new DecodeError(`expected ${length} bytes at offset ${this.offset}, only ${this.remaining} left`)
    }
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  readRest(): Uint8Array {
    return this.readBytes(this.remaining)
  }

  readUint8(): number {
    return this.readByte()
  }

  readUint16BE(): number {
    const b = this.readBytes(2)
    return (b[0]! << 8) | b[1]!
  }

  readUint32BE(): number {
    const b = this.readBytes(4)
    return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!)
  }

  readInt32BE(): number {
    return this.readUint32BE() | 0
  }

  readUint64BE(): bigint {
    const b = this.readBytes(8)
    let value = 0n
    for (const byte of b) value = (value << 8n) | BigInt(byte)
    return value
  }

  readDoubleBE(): number {
    const b = this.readBytes(8)
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false)
  }

  /** Unsigned LEB128. */
  readLeb128Unsigned(maxBytes: number | null = null): bigint {
    let result = 0n
    let shift = 0n
    for (let count = 1; ; count++) {
      if (maxBytes !== null && count > maxBytes) {
        throw new DecodeError(`unsigned LEB128 longer than ${maxBytes} bytes at offset ${this.offset}`)
      }
      const byte = this.readByte()
      result |= BigInt(byte & 0x7f) << shift
      shift += 7n
      if ((byte & 0x80) === 0) return result
    }
  }

  /** Signed (two's complement) LEB128. */
  readLeb128Signed(maxBytes: number | null = null): bigint {
    let result = 0n
    let shift = 0n
    for (let count = 1; ; count++) {
      if (maxBytes !== null && count > maxBytes) {
        throw new DecodeError(`signed LEB128 longer than ${maxBytes} bytes at offset ${this.offset}`)
      }
      const byte = this.readByte()
      result |= BigInt(byte & 0x7f) << shift
      shift += 7n
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= 1n << shift
        return result
      }
    }
  }

  /** Unsigned LEB128 that must fit a JavaScript number (lengths, counts). */
  readLength(maxBytes: number | null = null): number {
    const value = this.readLeb128Unsigned(maxBytes)
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new DecodeError(`length ${value} is too large at offset ${this.offset}`)
    }
    return Number(value)
  }

  /** Bytes prefixed by their unsigned LEB128 length. */
  readLengthPrefixedBytes(): Uint8Array {
    return this.readBytes(this.readLength())
  }

  /** UTF-8 string prefixed by its unsigned LEB128 byte length; invalid UTF-8 is an error. */
  readLengthPrefixedString(): string {
    const raw = this.readLengthPrefixedBytes()
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw)
    } catch (cause) {
      throw new DecodeError(`invalid UTF-8 string of ${raw.length} bytes`, {}, { cause })
    }
  }
}
