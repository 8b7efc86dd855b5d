import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseJson, stringifyJson } from '../../src/json.js'
import { fixturesDir } from '../../src/package-root.js'

/** Folder of the conformance corpus bundled with the project. */
export const CORPUS_DIR = join(fixturesDir(), 'conformance')

export interface CorpusCase {
  name: string
  endpoint: 'state' | 'batch'
  query?: Record<string, string | number | string[]>
  body?: unknown
  status: number
  check: 'exact' | 'status'
  unordered: string[]
  response: Record<string, unknown>
}

/** Reads one of the corpus files; numbers keep every digit (bigint past 2^53). */
export function readCases(file: 'state-cases.jsonl' | 'batch-cases.jsonl'): CorpusCase[] {
  return readFileSync(join(CORPUS_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseJson(line) as CorpusCase)
}

/** Query string with repeated `name[]` parameters, as the node expects them. */
export function toQueryString(query: Record<string, string | number | string[]>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  return params.toString()
}

/** Removes `calls` from a snapshot and from every snapshot of a batch response. */
export function withoutCalls(body: Record<string, unknown>): Record<string, unknown> {
  const strip = (snapshot: unknown) => {
    if (snapshot === null || typeof snapshot !== 'object') return snapshot
    const { calls: _calls, ...rest } = snapshot as Record<string, unknown>
    return rest
  }
  const stripped = strip(body) as Record<string, unknown>
  if (Array.isArray(stripped.snapshots)) stripped.snapshots = stripped.snapshots.map(strip)
  return stripped
}

/**
 * Asserts that a response matches a corpus case: the status, then either the whole body
 * (`check: "exact"`) or a non-empty error (`check: "status"`).
 */
export function assertCaseAnswer(testCase: CorpusCase, status: number, body: Record<string, unknown>, options: { compareCalls: boolean }): void {
  assert.equal(status, testCase.status, `status of "${testCase.name}": ${stringifyJson(body).slice(0, 300)}`)

  if (testCase.check === 'status') {
    assert.equal(body.success, false)
    assert.equal(typeof body.error, 'string')
    assert.notEqual(body.error, '')
    return
  }

  const expected = options.compareCalls ? testCase.response : withoutCalls(testCase.response)
  const actual = options.compareCalls ? body : withoutCalls(body)
  assert.deepEqual(diffJson(expected, actual, testCase.unordered), [], `answer of "${testCase.name}" differs`)
}

/** Sends a corpus case to a server and returns the response. */
export function sendCase(server: { get(path: string): Promise<Answer>; post(path: string, body: unknown): Promise<Answer> }, testCase: CorpusCase): Promise<Answer> {
  return testCase.endpoint === 'state'
    ? server.get(`/v1a/nano_contract/state?${toQueryString(testCase.query ?? {})}`)
    : server.post('/v1a/nano_contract/state/batch', testCase.body)
}

type Answer = { status: number; body: Record<string, unknown> }

/**
 * Lists the differences between an expected and an actual JSON value under the corpus rules:
 * object key order is ignored, arrays are ordered except at the `unordered` dotted paths
 * (Python sets), and numbers compare by exact value. Returns at most `limit` differences.
 */
export function diffJson(expected: unknown, actual: unknown, unordered: string[] = [], limit = 10): string[] {
  const out: string[] = []
  const unorderedPaths = new Set(unordered)
  walk(expected, actual, '', unorderedPaths, out, limit)
  return out
}

function walk(expected: unknown, actual: unknown, path: string, unordered: Set<string>, out: string[], limit: number): void {
  if (out.length >= limit) return
  const here = path === '' ? '(root)' : path

  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${here}: expected ${show(expected)}, got ${show(actual)}`)
      return
    }
    if (unordered.has(path)) {
      const left = expected.map(canonical).sort()
      const right = actual.map(canonical).sort()
      if (left.join('\n') !== right.join('\n')) out.push(`${here}: expected the multiset ${show(expected)}, got ${show(actual)}`)
      return
    }
    expected.forEach((item, index) => walk(item, actual[index], joinPath(path, String(index)), unordered, out, limit))
    return
  }

  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${here}: expected an object, got ${show(actual)}`)
      return
    }
    const expectedKeys = Object.keys(expected)
    const actualKeys = Object.keys(actual)
    const missing = expectedKeys.filter((key) => !Object.hasOwn(actual, key))
    const extra = actualKeys.filter((key) => !Object.hasOwn(expected, key))
    if (missing.length > 0 || extra.length > 0) out.push(`${here}: missing keys [${missing.join(', ')}], extra keys [${extra.join(', ')}]`)
    for (const key of expectedKeys) {
      if (Object.hasOwn(actual, key)) walk((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], joinPath(path, key), unordered, out, limit)
    }
    return
  }

  if (canonical(expected) !== canonical(actual)) out.push(`${here}: expected ${show(expected)}, got ${show(actual)}`)
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Serializes a value so that 5 and 5n are equal but 5 and "5" are not. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' || (typeof item === 'number' && Number.isInteger(item)) ? `#${BigInt(item)}` : item)) ?? 'undefined'
}

function show(value: unknown): string {
  const text = canonical(value)
  return text.length > 160 ? `${text.slice(0, 160)}...` : text
}
