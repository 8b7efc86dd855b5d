#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander'

import { NcStateError } from '../errors.js'
import { registerCommands } from './commands/index.js'

const program = new Command()
  .name('nc-state')
  .description('Hathor nano-contract state at any block, from a LevelDB copy of a full node\'s storage')
  .showHelpAfterError()

registerCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  // Expected failures carry a stable code; print it with the message instead of a stack trace.
  if (error instanceof NcStateError) {
    process.stderr.write(`nc-state: ${error.message} (${error.code})\n`)
  } else if (error instanceof InvalidArgumentError) {
    process.stderr.write(`nc-state: ${error.message}\n`)
  } else if (isSystemError(error)) {
    // A port in use or a missing folder is the operator's to fix, so its message is enough.
    process.stderr.write(`nc-state: ${error.message} (${error.code})\n`)
  } else {
    process.stderr.write(`nc-state: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  }
  process.exit(1)
}

/** Tells whether `error` is one that Node.js raises for a failed system call, such as `EADDRINUSE` or `ENOENT`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string'
}
