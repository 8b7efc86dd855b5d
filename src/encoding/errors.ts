import { NcStateError } from '../errors.js'

export { DecodeError } from '../errors.js'

/** A value that cannot be encoded with the requested Hathor encoding (wrong shape or out of range). */
export class EncodeError extends NcStateError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('NC_ENCODE_FAILED', message, details, options)
  }
}

/** Failed address check, listed in the order the checks run. */
export type InvalidAddressReason =
  | 'invalid_base58'
  | 'invalid_length'
  | 'invalid_checksum'
  | 'invalid_version'

/**
 * A base58 address that is not a valid Hathor address. `code` is always `NC_INVALID_ADDRESS`,
 * and `reason` names the check that failed.
 */
export class InvalidAddress extends NcStateError {
  readonly reason: InvalidAddressReason

  constructor(reason: InvalidAddressReason, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('NC_INVALID_ADDRESS', message, { ...details, reason }, options)
    this.reason = reason
  }
}

/** A type descriptor of kind `unsupported`: hathorlib builds no NCType for that annotation. */
export class UnsupportedTypeError extends NcStateError {
  constructor(annotation: string, reason: string) {
    super('NC_TYPE_UNSUPPORTED', `type ${annotation} has no NCType: ${reason}`, { annotation, reason })
  }
}

/**
 * A value that hathorlib's `value_to_json` cannot render, such as a dict whose keys render as
 * JSON lists. `pythonRepr` is the `repr()` of the exception the node raises there.
 */
export class ValueNotRenderableError extends NcStateError {
  readonly pythonRepr: string

  constructor(message: string, pythonRepr: string, details: Record<string, unknown> = {}) {
    super('NC_VALUE_NOT_RENDERABLE', message, { ...details, pythonRepr })
    this.pythonRepr = pythonRepr
  }
}
