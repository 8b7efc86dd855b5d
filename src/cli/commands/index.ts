import type { Command } from 'commander'

import * as openapi from './openapi.js'

/** Adds every subcommand to the program. Each command module exports one `register` function. */
export function registerCommands(program: Command): void {
  openapi.register(program)
}
