import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { packageRoot } from '../../../src/package-root.js'
import { COLUMN_FAMILIES } from '../../../src/storage/column-families.js'
import type { ImportSummary, VerifyReport } from '../../../src/storage/rocksdb/index.js'
import { extractFixtureRocksDb, makeTempDirectory, readDumpContents, removeDirectory } from './node-rocksdb.js'

const compiled = !import.meta.url.endsWith('.ts')
const mainScript = fileURLToPath(new URL(`../../../src/cli/main.${compiled ? 'js' : 'ts'}`, import.meta.url))
const projectRoot = packageRoot()

/** Runs `nc-state import` with stderr not a terminal, as in a service or a CI job. */
function runImportCommand(...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const result = spawnSync(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), mainScript, 'import', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('nc-state import command', () => {
  let work: string
  let source: string

  before(() => {
    work = makeTempDirectory('import-command')
    source = extractFixtureRocksDb(work)
  })

  after(() => removeDirectory(work))

  test('imports and verifies with --json', () => {
    const result = runImportCommand('--from', source, '--db', join(work, 'copy'), '--verify', '--json')
    assert.equal(result.status, 0, result.stderr)

    const output = JSON.parse(result.stdout) as { import: ImportSummary, verify: VerifyReport }
    const dump = readDumpContents()
    assert.equal(output.import.tipHeight, 300)
    for (const cf of COLUMN_FAMILIES) {
      assert.equal(output.import.columnFamilies[cf].added, dump.get(cf)?.size, cf)
    }
    assert.equal(output.verify.match, true)
  })

  test('logs progress as JSON lines off a terminal', () => {
    const result = runImportCommand('--from', source, '--db', join(work, 'logged'))
    assert.equal(result.status, 0, result.stderr)

    const messages = result.stderr.trim().split('\n').map((line) => (JSON.parse(line) as { message: string }).message)
    assert.ok(messages.includes('import started'))
    assert.ok(messages.includes('import finished'))
    assert.match(result.stdout, /^Imported .* in [\d.]+ s\.$/m)
    assert.match(result.stdout, /^nc-state\s+3,532\s+3,532\s+0\s+0$/m)
  })

  test('--verify-only reports a match', () => {
    const result = runImportCommand('--from', source, '--db', join(work, 'copy'), '--verify-only')

    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /every column family matches/)
    assert.doesNotMatch(result.stdout, /^Imported/m)
  })

  test('rejection exits 1 with a plain message', () => {
    const result = runImportCommand('--from', join(work, 'no-such-directory'), '--db', join(work, 'rejected'))

    assert.equal(result.status, 1)
    assert.match(result.stderr, /^nc-state import: .*no-such-directory does not exist/m)
    assert.match(result.stderr, /"code":"NC_IMPORT_SOURCE_INVALID"/)
  })
})
