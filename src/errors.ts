/**
 * Base class of every error this package raises on purpose.
 *
 * `code` is stable and documented in the README, so callers branch on it instead of on
 * message text. `details` contains the values involved (ids, keys, heights) for logs.
 */
export class NcStateError extends Error {
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.details = details
  }
}

/** Bytes that do not decode as the expected Hathor encoding. */
export class DecodeError extends NcStateError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('NC_DECODE_FAILED', message, details, options)
  }
}

/** A read from the node's storage failed, or a key that must exist is missing. */
export class StorageError extends NcStateError {
  constructor(code: 'NC_STORAGE_KEY_MISSING' | 'NC_STORAGE_READ_FAILED' | 'NC_STORAGE_NOT_OPEN' | 'NC_STORAGE_INVALID',
    message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}
