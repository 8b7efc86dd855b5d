import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'

import { runBackfill } from '../../src/cli/backfill.js'
import { parseJson } from '../../src/json.js'
import { packageRoot } from '../../src/package-root.js'
import { openStateService } from '../../src/query/service.js'
import { buildFixtureDatabase } from '../storage/fixture.js'

// Runs the `nc-state` command as a user would: from source under tsx, from dist/ once built.
const compiled = import.meta.url.endsWith('.js')
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${compiled ? 'js' : 'ts'}`, import.meta.url))
const LOADER_FLAGS = compiled ? [] : ['--import', 'tsx']

/** The corpus's `pools` contract. */
const POOLS = (parseJson(readFileSync(join(packageRoot(), 'fixtures', 'conformance', 'chain.json'), 'utf8')) as { contracts: Record<string, string> }).contracts.pools!

const children: ChildProcess[] = []

after(() => {
  for (const child of children) child.kill('SIGKILL')
})

function run(args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [...LOADER_FLAGS, MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return Object.assign(child, { output: () => output })
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once('exit', (code) => resolve(code))
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

test('built command is executable for npx', { skip: !compiled && 'runs from TypeScript sources' }, () => {
  assert.notEqual(statSync(MAIN).mode & 0o111, 0, `${MAIN} has no executable bit, so \`npx nc-state\` fails`)
})

test('backfill rejects a foreign file before opening the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-state-cli-'))
  try {
    const out = join(dir, 'other.jsonl')
    writeFileSync(out, '{"block_height":5,"nc_id":"ab"}\n')
    // The database does not exist: an error about it would mean the file was checked too late.
    const child = run(['backfill', '--db', join(dir, 'missing-db'), '--id', 'cd', '--from', '0', '--to', '10', '--out', out])
    assert.equal(await exitCode(child), 1)
    assert.match(child.output(), /has content but no readable record .*other\.jsonl\.run\.json/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('backfill of a complete file exits before opening the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nc-state-cli-'))
  const database = await buildFixtureDatabase()
  try {
    const out = join(dir, 'done.jsonl')
    const settings = { id: POOLS, from: 0, to: 20, step: 1, fields: ['total_swaps'], balances: [], calls: [], changesOnly: false, out, format: 'jsonl' as const }
    const service = await openStateService({ dbPath: database.dbPath, sandbox: false })
    try {
      await runBackfill({ ...settings, query: service.query })
    } finally {
      await service.close()
    }
    const written = readFileSync(out, 'utf8')

    // The database does not exist: opening it would fail the command.
    const child = run(['backfill', '--db', join(dir, 'missing-db'), '--id', POOLS, '--from', '0', '--to', '20', '--field', 'total_swaps', '--out', out])
    assert.equal(await exitCode(child), 0, child.output())
    assert.match(child.output(), /"complete":true/)
    assert.equal(readFileSync(out, 'utf8'), written)
  } finally {
    await database.remove()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('serve with a missing database exits naming it', async () => {
  const child = run(['serve', '--db', '/nonexistent/nc-state-db', '--port', '0', '--no-sandbox'])
  assert.equal(await exitCode(child), 1)
  assert.match(child.output(), /\/nonexistent\/nc-state-db/)
  assert.match(child.output(), /NC_STORAGE_NOT_OPEN/)
})

test('serve on a port in use exits without a stack trace', async () => {
  const portHolder = createServer()
  await new Promise<void>((done) => portHolder.listen(0, '127.0.0.1', done))
  const port = (portHolder.address() as { port: number }).port
  try {
    const child = run(['serve', '--db', '/nonexistent/nc-state-db', '--port', String(port), '--no-sandbox'])
    assert.equal(await exitCode(child), 1)
    assert.match(child.output(), new RegExp(`nc-state: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`))
    assert.doesNotMatch(child.output(), /\n\s+at /)
  } finally {
    await new Promise<void>((done) => portHolder.close(() => done()))
  }
})

test('serve rejects a bad port', async () => {
  const child = run(['serve', '--port', 'eighty'])
  assert.notEqual(await exitCode(child), 0)
  assert.match(child.output(), /expected a TCP port/)
})

test('serve answers the README example on the fixture data', async () => {
  const port = await freePort()
  const child = run(['serve', '--port', String(port), '--workers', '1'])
  const base = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 90_000
  let health = 0
  while (health !== 200) {
    assert.ok(Date.now() < deadline, `server not ready: ${child.output()}`)
    assert.equal(child.exitCode, null, `server exited: ${child.output()}`)
    health = await fetch(`${base}/health`).then((response) => response.status, () => 0)
    if (health !== 200) await new Promise((done) => setTimeout(done, 250))
  }

  // The first curl example of the README, sent as written.
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8')
  const example = /curl -s '(http:\/\/127\.0\.0\.1:8080\/v1a\/nano_contract\/state\?[^']+)'/.exec(readme)
  assert.ok(example, 'README has no state example')
  const response = await fetch(example[1]!.replace('127.0.0.1:8080', `127.0.0.1:${port}`))
  assert.equal(response.status, 200)
  const body = parseJson(await response.text()) as { success: boolean; blueprint_name: string; fields: Record<string, unknown> }
  assert.equal(body.success, true)
  assert.equal(body.blueprint_name, 'PricePools')
  assert.deepEqual(body.fields.total_swaps, { value: 60 })

  const openapi = await fetch(`${base}/openapi.json`)
  assert.equal(openapi.status, 200)
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.match(metrics, /nc_state_render_cache_lookups/)

  child.kill('SIGTERM')
  assert.equal(await exitCode(child), 0)
})
