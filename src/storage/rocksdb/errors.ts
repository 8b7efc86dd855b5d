import { NcStateError } from '../../errors.js'

/**
 * Stable codes of the errors raised while opening a node's RocksDB directory or importing it.
 *
 * - `NC_IMPORT_SOURCE_LOCKED`: a running process (the node) holds the directory's LOCK file.
 * - `NC_IMPORT_SOURCE_INVALID`: not a RocksDB directory, or not a Hathor node's (missing column families).
 * - `NC_IMPORT_COMPRESSION_UNSUPPORTED`: data compressed with an algorithm the bundled RocksDB cannot read.
 * - `NC_IMPORT_DESTINATION_INVALID`: the destination exists and is not one of this package's LevelDB copies.
 * - `NC_IMPORT_CHECKPOINT_INVALID`: the checkpoint directory exists and was not made by this package.
 * - `NC_IMPORT_READ_FAILED`: RocksDB failed to open or read the directory for another reason.
 */
export type ImportErrorCode =
  | 'NC_IMPORT_SOURCE_LOCKED'
  | 'NC_IMPORT_SOURCE_INVALID'
  | 'NC_IMPORT_COMPRESSION_UNSUPPORTED'
  | 'NC_IMPORT_DESTINATION_INVALID'
  | 'NC_IMPORT_CHECKPOINT_INVALID'
  | 'NC_IMPORT_READ_FAILED'

export class ImportError extends NcStateError {
  declare readonly code: ImportErrorCode

  constructor(code: ImportErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}

/** Joins the messages of an error and of its causes: the binding wraps RocksDB's status text in `cause`. */
export function errorMessageChain(error: unknown): string {
  const messages: string[] = []
  let current: unknown = error
  while (current instanceof Error && messages.length < 5) {
    messages.push(current.message)
    current = current.cause
  }
  return messages.join(': ')
}
