import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One key/value of the node's storage from `fixtures/conformance/node-dump.jsonl`. */
export interface DumpRow {
  cf: string
  key: string
  value: string
}

const fixtures = fileURLToPath(new URL('../../fixtures/conformance/', import.meta.url))

export function readDump(cf?: string): DumpRow[] {
  const rows = readFileSync(fixtures + 'node-dump.jsonl', 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DumpRow)
  return cf === undefined ? rows : rows.filter((row) => row.cf === cf)
}

export function readFixtureText(name: string): string {
  return readFileSync(fixtures + name, 'utf8')
}
