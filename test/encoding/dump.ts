import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixturesDir } from '../../src/package-root.js'

/** One key/value of the node's storage from `fixtures/conformance/node-dump.jsonl`. */
export interface DumpRow {
  cf: string
  key: string
  value: string
}

// Found from the package root, so the tests run both under tsx and compiled into dist/.
const conformanceDir = join(fixturesDir(), 'conformance')

export function readDump(cf?: string): DumpRow[] {
  const rows = readFileSync(join(conformanceDir, 'node-dump.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DumpRow)
  return cf === undefined ? rows : rows.filter((row) => row.cf === cf)
}

export function readFixtureText(name: string): string {
  return readFileSync(join(conformanceDir, name), 'utf8')
}
