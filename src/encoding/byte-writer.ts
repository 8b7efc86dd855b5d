import { EncodeError } from './errors.js'

/**
 * Growable output buffer that writes Hathor's primitive encodings, the mirror of `ByteReader`.
 *
 * Signed LEB128 is two's complement and unsigned LEB128 is plain, as in hathorlib's
 * `serialization/encoding/leb128.py`. `maxBytes` bounds the encoded length as the node does.
 */
export class ByteWriter {
  private buffer = new Uint8Array(64)
  private length = 0

  get position(): number {
    return this.length
  }

  /** Copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }

  writeByte(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new EncodeError(`byte value ${value} is not an integer in [0, 255]`)
    }
    this.ensure(1)
    this.buffer[this.length] = value
    this.length += 1
  }

  writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buffer.set(bytes, this.length)
    this.length += bytes.length
  }

  writeUint8(value: number): void {
    this.writeByte(value)
  }

  writeUint16BE(value: number): void {
    this.checkUnsigned(value, 0xffff, 'uint16')
    this.writeBytes(Uint8Array.of(value >>> 8, value & 0xff))
  }

  writeUint32BE(value: number): void {
    this.checkUnsigned(value, 0xffffffff, 'uint32')
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setUint32(0, value, false)
    this.writeBytes(bytes)
  }

  writeInt32BE(value: number): void {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new EncodeError(`int32 value ${value} is out of range`)
    }
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setInt32(0, value, false)
    this.writeBytes(bytes)
  }

  writeUint64BE(value: bigint): void {
    if (value < 0n || value >= 1n << 64n) {
      throw new EncodeError(`uint64 value ${value} is out of range`)
    }
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigUint64(0, value, false)
    this.writeBytes(bytes)
  }

  writeDoubleBE(value: number): void {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setFloat64(0, value, false)
    this.writeBytes(bytes)
  }

  /** Writes unsigned LEB128 and throws when the encoding would exceed `maxBytes`. */
  writeLeb128Unsigned(value: bigint | number, maxBytes: number | null = null): void {
    let rest = BigInt(value)
    if (rest < 0n) {
      throw new EncodeError(`cannot encode negative value ${rest} as unsigned LEB128`)
    }
    const out: number[] = []
    for (;;) {
      const byte = Number(rest & 0x7fn)
      rest >>= 7n
      if (rest === 0n) {
        out.push(byte)
        break
      }
      out.push(byte | 0x80)
    }
    this.writeLeb128Bytes(out, maxBytes, value, 'unsigned')
  }

  /** Writes signed (two's complement) LEB128 and throws when the encoding would exceed `maxBytes`. */
  writeLeb128Signed(value: bigint | number, maxBytes: number | null = null): void {
    let rest = BigInt(value)
    const out: number[] = []
    for (;;) {
      const byte = Number(rest & 0x7fn)
      rest >>= 7n
      const signBitSet = (byte & 0x40) !== 0
      if ((rest === 0n && !signBitSet) || (rest === -1n && signBitSet)) {
        out.push(byte)
        break
      }
      out.push(byte | 0x80)
    }
    this.writeLeb128Bytes(out, maxBytes, value, 'signed')
  }

  /** Bytes prefixed by their unsigned LEB128 length. */
  writeLengthPrefixedBytes(bytes: Uint8Array): void {
    this.writeLeb128Unsigned(bytes.length)
    this.writeBytes(bytes)
  }

  /** UTF-8 string prefixed by its unsigned LEB128 byte length. */
  writeLengthPrefixedString(text: string): void {
    this.writeLengthPrefixedBytes(new TextEncoder().encode(text))
  }

  private writeLeb128Bytes(out: number[], maxBytes: number | null, value: bigint | number, kind: string): void {
    if (maxBytes !== null && out.length > maxBytes) {
      throw new EncodeError(`value ${value} needs ${out.length} bytes as ${kind} LEB128, more than the maximum ${maxBytes}`)
    }
    this.writeBytes(Uint8Array.from(out))
  }

  private checkUnsigned(value: number, max: number, name: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new EncodeError(`${name} value ${value} is out of range [0, ${max}]`)
    }
  }
}
