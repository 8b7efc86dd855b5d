import { parseIntegerJson } from '../json.js'

/**
 * Output of `ncsandbox.host.call_views`: the JSON text of each call string's result object,
 * `{"value":...}` or `{"errmsg":...}`, in call order. A result is undefined when its call string
 * ran out of time.
 */
export type CallResultTexts = { ok: true; results: Array<string | undefined> } | { ok: false; error: string }

const OK_LINE = '{"ok":true}'
const TIMED_OUT_LINE = '{"timed_out":true}'

/** Splits the lines of `call_views` (see `ncsandbox/host.py`) without parsing the results. */
export function splitCallResults(text: string): CallResultTexts {
  const lines = text.split('\n')
  if (lines[0] !== OK_LINE) return JSON.parse(lines[0]!) as { ok: false; error: string }
  return { ok: true, results: lines.slice(1).map((line) => (line === TIMED_OUT_LINE ? undefined : line)) }
}

/** Parses a call result's JSON text. Views return no floats, so every number becomes a bigint. */
export function parseCallResult(text: string): { value: unknown } | { errmsg: string } {
  return parseIntegerJson(text) as { value: unknown } | { errmsg: string }
}
