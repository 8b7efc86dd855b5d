import { decodeAddress } from '../encoding/index.js'
import { parsePythonHex } from './hex.js'

/**
 * Checks a `fields[]` entry the way the node parses it: parts joined by dots, each part a plain
 * name, `a'<base58 address>'` or `b'<hex>'`. Returns false where the node reports
 * "invalid format". The node then looks the whole entry up among the class annotations, so
 * an entry with a dot or a quoted part is never a blueprint field, however well formed.
 */
export function isWellFormedFieldName(field: string): boolean {
  return field.split('.').every(isWellFormedPart)
}

function isWellFormedPart(part: string): boolean {
  if (part.startsWith('a\'') && part.endsWith('\'')) {
    return isValidAddress(part.slice(2, -1))
  }
  if (part.startsWith('b\'') && part.endsWith('\'')) {
    return parsePythonHex(part.slice(2, -1)) !== null
  }
  return true
}

function isValidAddress(text: string): boolean {
  try {
    decodeAddress(text)
    return true
  } catch {
    return false
  }
}
