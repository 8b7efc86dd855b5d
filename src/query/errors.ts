import { NcStateError } from '../errors.js'

/**
 * A request the service rejects, or a block or contract that does not exist. `status` is the
 * HTTP status the node responds with, and `message` is the node's text where the node has one.
 */
export class QueryError extends NcStateError {
  readonly status: number

  constructor(code: QueryErrorCode, status: number, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.status = status
  }
}

export type QueryErrorCode =
  | 'NC_INVALID_PARAMETER'
  | 'NC_BLOCK_NOT_FOUND'
  | 'NC_NOT_A_BLOCK'
  | 'NC_VOIDED_BLOCK'
  | 'NC_CONTRACT_NOT_FOUND'
