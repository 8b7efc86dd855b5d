import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

import type { Command } from 'commander'

import { buildOpenApiDocument } from '../../http/openapi.js'
import { packageRoot } from '../../package-root.js'
import { packageVersion } from '../version.js'

export const OPENAPI_PATH = join(packageRoot(), 'openapi', 'openapi.json')

/** Renders the committed document's exact text, so a test can tell when the file is stale. */
export function renderOpenApiFile(): string {
  return `${JSON.stringify(buildOpenApiDocument(packageVersion()), null, 2)}\n`
}

export function register(program: Command): void {
  program
    .command('openapi')
    .description('write the OpenAPI document built from the request schemas')
    .option('--out <file>', 'file to write; - for stdout', OPENAPI_PATH)
    .action((options: { out: string }) => {
      const text = renderOpenApiFile()
      if (options.out === '-') {
        process.stdout.write(text)
        return
      }
      mkdirSync(dirname(options.out), { recursive: true })
      writeFileSync(options.out, text)
      process.stderr.write(`wrote ${options.out}\n`)
    })
}
