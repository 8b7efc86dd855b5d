import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import express from 'express'

import { createNanoContractRouter } from '../../src/http/router.js'
import { parseJson, stringifyJson } from '../../src/json.js'
import type { ViewCallRunner } from '../../src/query/chain.js'
import { openStateService, type StateService, type StateServiceOptions } from '../../src/query/service.js'
import { loadDump } from '../../src/storage/load-dump.js'
import { CORPUS_DIR } from './corpus.js'

export interface FixtureServer {
  service: StateService
  baseUrl: string
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>
  close(): Promise<void>
}

/**
 * Builds the LevelDB copy of the corpus in a temporary folder and serves the router on an
 * ephemeral loopback port. Responses are parsed without losing integer digits.
 */
export async function startFixtureServer(options: { viewCalls?: ViewCallRunner; sandbox?: boolean } = {}): Promise<FixtureServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nc-state-test-'))
  const dbPath = join(dir, 'db')
  await loadDump(join(CORPUS_DIR, 'node-dump.jsonl'), dbPath)
  const server = await startServer({ dbPath, viewCalls: options.viewCalls, sandbox: options.sandbox === false ? false : undefined })
  return {
    ...server,
    close: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Serves the router over the given storage on an ephemeral loopback port. */
export async function startServer(options: StateServiceOptions): Promise<FixtureServer> {
  const service = await openStateService(options)

  const app = express()
  app.use('/v1a', createNanoContractRouter({ query: service.query }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const read = async (response: Response) => ({ status: response.status, body: parseJson(await response.text()) as Record<string, unknown> })
  return {
    service,
    baseUrl,
    get: async (path) => read(await fetch(`${baseUrl}${path}`)),
    post: async (path, body) => read(await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : stringifyJson(body),
    })),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await service.close()
    },
  }
}
