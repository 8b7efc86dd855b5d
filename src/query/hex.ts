/**
 * Parses hex text with the rules of Python's `bytes.fromhex`, which the node applies to ids,
 * hashes and token uids: pairs of hex digits in either case, ASCII whitespace allowed between
 * pairs, an empty string is zero bytes. Returns null where Python raises `ValueError`.
 */
export function parsePythonHex(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length >> 1)
  let length = 0
  let i = 0

  while (i < text.length) {
    if (isAsciiWhitespace(text.charCodeAt(i))) {
      i += 1
      continue
    }
    const high = hexDigit(text.charCodeAt(i))
    const low = i + 1 < text.length ? hexDigit(text.charCodeAt(i + 1)) : -1
    if (high < 0 || low < 0) return null
    out[length++] = (high << 4) | low
    i += 2
  }

  return out.subarray(0, length)
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  if (code >= 65 && code <= 70) return code - 55
  return -1
}

/** Python's `str.isspace` subset that `bytes.fromhex` skips: space, \t, \n, \v, \f, \r. */
function isAsciiWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13)
}
