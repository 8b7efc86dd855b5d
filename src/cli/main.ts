#!/usr/bin/env node
import { Command } from 'commander'

import { registerCommands } from './commands/index.js'

const program = new Command()
  .name('nc-state')
  .description('Hathor nano-contract state at any block, from a LevelDB copy of a full node\'s storage')
  .showHelpAfterError()

registerCommands(program)

await program.parseAsync(process.argv)
