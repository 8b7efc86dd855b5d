import { NcStateError } from '../errors.js'

/** Step of the node's on-chain blueprint checks that rejected the code. */
export type BlueprintCheck =
  | 'dunder_text'
  | 'syntax'
  | 'restricted_syntax'
  | 'no_export'
  | 'load_failed'
  | 'not_a_class'
  | 'not_a_blueprint'

/**
 * Blueprint code that the node would reject (code `NC_BLUEPRINT_REJECTED`).
 * `reason` is the node's own message, such as `forbidden syntax: Import statements are not allowed.`
 */
export class BlueprintRejectedError extends NcStateError {
  readonly check: BlueprintCheck
  readonly reason: string

  constructor(blueprintId: string, check: BlueprintCheck, reason: string) {
    super('NC_BLUEPRINT_REJECTED', `blueprint ${blueprintId} was rejected (${check}): ${reason}`, { blueprintId, check, reason })
    this.check = check
    this.reason = reason
  }
}

/** No built-in blueprint file and no on-chain blueprint transaction has this id (code `NC_BLUEPRINT_NOT_FOUND`). */
export class BlueprintNotFoundError extends NcStateError {
  constructor(blueprintId: string) {
    super('NC_BLUEPRINT_NOT_FOUND', `blueprint ${blueprintId} not found: no built-in blueprint file and no on-chain blueprint transaction has this id`, { blueprintId })
  }
}

/**
 * The Python sandbox itself failed: Pyodide did not load, a worker died, or a call ran past its
 * time limit. Codes: `NC_SANDBOX_FAILED`, `NC_SANDBOX_TIMEOUT`, `NC_SANDBOX_CLOSED`.
 */
export class SandboxError extends NcStateError {
  constructor(code: 'NC_SANDBOX_FAILED' | 'NC_SANDBOX_TIMEOUT' | 'NC_SANDBOX_CLOSED', message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}
