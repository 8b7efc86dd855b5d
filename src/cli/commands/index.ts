import type { Command } from 'commander'

/** Adds every subcommand to the program. Each command module exports one `register` function. */
export function registerCommands(program: Command): void {
  void program
}
