import type { Command } from 'commander'

import * as backfill from './backfill.js'
import * as importCommand from './import.js'
import * as loadDump from './load-dump.js'
import * as openapi from './openapi.js'
import * as serve from './serve.js'

/** Adds every subcommand to the program. Each command module exports one `register` function. */
export function registerCommands(program: Command): void {
  serve.register(program)
  loadDump.register(program)
  importCommand.register(program)
  openapi.register(program)
  backfill.register(program)
}
