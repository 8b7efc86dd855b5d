import { EncodeError } from '../errors.js'
import type { CallerIdValue, NcRecord, NcValue, SignedDataValue } from './value.js'

// Shape checks shared by the encoder and the JSON renderer. The descriptor fixes the shape of a
// value, so a mismatch is the caller's bug, reported as EncodeError with the path.

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`
  if (Array.isArray(value)) return `array(${value.length})`
  if (value instanceof Map) return `Map(${value.size})`
  return typeof value
}

function mismatch(path: string, expected: string, value: unknown): EncodeError {
  return new EncodeError(`value at ${path} is ${describeValue(value)}, expected ${expected}`, { path })
}

export function expectBoolean(value: NcValue, path: string): boolean {
  if (typeof value !== 'boolean') throw mismatch(path, 'a boolean', value)
  return value
}

export function expectString(value: NcValue, path: string): string {
  if (typeof value !== 'string') throw mismatch(path, 'a string', value)
  return value
}

export function expectBigint(value: NcValue, path: string): bigint {
  if (typeof value !== 'bigint') throw mismatch(path, 'a bigint', value)
  return value
}

export function expectBytes(value: NcValue, path: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw mismatch(path, 'a Uint8Array', value)
  if (length !== undefined && value.length !== length) {
    throw new EncodeError(`value at ${path} has ${value.length} bytes, expected ${length}`, { path })
  }
  return value
}

export function expectArray(value: NcValue, path: string, length?: number): NcValue[] {
  if (!Array.isArray(value)) throw mismatch(path, 'an array', value)
  if (length !== undefined && value.length !== length) {
    throw new EncodeError(`value at ${path} has ${value.length} items, expected ${length}`, { path })
  }
  return value
}

export function expectMap(value: NcValue, path: string): Map<NcValue, NcValue> {
  if (!(value instanceof Map)) throw mismatch(path, 'a Map', value)
  return value
}

export function expectRecord(value: NcValue, path: string): NcRecord {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value) || value instanceof Map) {
    throw mismatch(path, 'an object of dataclass fields', value)
  }
  return value as NcRecord
}

export function expectCallerId(value: NcValue, path: string): CallerIdValue {
  const record = expectRecord(value, path) as Partial<CallerIdValue>
  if ((record.type !== 'address' && record.type !== 'contract') || !(record.bytes instanceof Uint8Array)) {
    throw mismatch(path, "a caller id { type: 'address' | 'contract', bytes }", value)
  }
  return record as CallerIdValue
}

export function expectSignedData(value: NcValue, path: string): SignedDataValue {
  const record = expectRecord(value, path) as Partial<SignedDataValue>
  if (!('data' in record) || !(record.scriptInput instanceof Uint8Array)) {
    throw mismatch(path, 'signed data { data, scriptInput }', value)
  }
  return record as SignedDataValue
}

export function expectField(record: NcRecord, field: string, path: string): NcValue {
  if (!Object.hasOwn(record, field)) {
    throw new EncodeError(`value at ${path} has no field ${JSON.stringify(field)}`, { path, field })
  }
  return record[field]!
}
