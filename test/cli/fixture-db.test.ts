import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { removeAbandonedBuilds } from '../../src/cli/fixture-db.js'

test('abandoned partial builds are removed', () => {
  const folder = mkdtempSync(join(tmpdir(), 'nc-state-fixture-'))
  try {
    // A pid above the kernel's maximum (2^22) cannot belong to a running process.
    const names = ['db.partial-99999999', `db.partial-${process.ppid}`, 'db.partial-notapid', 'db', 'other.partial-99999999']
    for (const name of names) mkdirSync(join(folder, name))

    removeAbandonedBuilds(join(folder, 'db'))

    assert.deepEqual(readdirSync(folder).sort(), ['db', `db.partial-${process.ppid}`, 'other.partial-99999999'].sort())
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})
