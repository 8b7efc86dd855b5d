import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json'

/**
 * JSON that keeps every digit of integers of any size: integers that do not fit a double are
 * parsed as `bigint`, and `bigint` values are written as plain JSON numbers.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber)
}

export function stringifyJson(value: unknown): string {
  const text = stringify(value)
  if (text === undefined) throw new TypeError('value has no JSON form')
  return text
}

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text)
  return Number(text)
}

/**
 * Parses JSON in which every number is an integer, as the state endpoint renders it, and makes
 * each number a bigint, as in the query layer's values.
 */
export function parseIntegerJson(text: string): unknown {
  return parse(text, null, parseIntegerAsBigint)
}

function parseIntegerAsBigint(text: string): bigint | number {
  return isInteger(text) ? BigInt(text) : Number(text)
}
