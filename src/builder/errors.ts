import { NcStateError } from '../errors.js'

/** Input the chain builder cannot write: an empty trie key, a height out of order, a bad option. */
export class BuildError extends NcStateError {
  constructor(code: 'NC_BUILD_INVALID_INPUT', message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}
