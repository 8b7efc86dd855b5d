import { MAX_BATCH_HEIGHTS } from '../query/state-query.js'

/**
 * Request schemas. The router validates with them (ajv) and the OpenAPI document is built
 * from them, so the two never disagree.
 */

/** Largest height the node's height index can hold: its key is 4 bytes big-endian. */
export const MAX_BLOCK_HEIGHT = 0xffff_ffff

export const NDJSON_MEDIA_TYPE = 'application/x-ndjson'

const stringList = (description: string) => ({
  type: 'array',
  items: { type: 'string' },
  description,
}) as const

const fieldsDescription = 'Field names to read: a plain name, or parts joined by dots where a part may be a\'<base58 address>\' or b\'<hex>\'.'
const balancesDescription = 'Token uids in hex whose balance to read; `__all__` adds every balance the contract holds.'
const callsDescription = 'View calls as `method(arg, ...)` with JSON arguments: bytes in hex, addresses in base58, tuples as arrays.'

/** Query parameters of `GET /nano_contract/state`, with the node's names. */
export const stateQuerySchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', description: 'Contract id in hex.' },
    block_hash: { type: 'string', description: 'Hash of the block to read the state at (hex).' },
    block_height: { type: 'integer', minimum: 0, maximum: MAX_BLOCK_HEIGHT, description: 'Height of the best-chain block to read the state at.' },
    timestamp: { type: 'integer', description: 'Read the state at the newest non-voided block with a timestamp at or before this Unix time.' },
    'fields[]': stringList(fieldsDescription),
    'balances[]': stringList(balancesDescription),
    'calls[]': stringList(callsDescription),
  },
} as const

/** Maximum number of heights one streamed response covers. */
export const MAX_STREAM_HEIGHTS = 10_000_000

/**
 * Body of `POST /nano_contract/state/batch`: `block_heights`, or a range `from_height` to
 * `to_height` (both included) every `step` heights. Ranges longer than
 * 100 heights stream as NDJSON (`Accept: application/x-ndjson`).
 */
export const batchBodySchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Contract id in hex.' },
    block_heights: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH_HEIGHTS,
      // Past 2^53 a JSON number no longer names one integer. Heights past the tip return a per-height error.
      items: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      description: `Best-chain heights, 1 to ${MAX_BATCH_HEIGHTS}; returned in request order, repeats included.`,
    },
    from_height: { type: 'integer', minimum: 0, maximum: MAX_BLOCK_HEIGHT, description: 'First height of a range, instead of block_heights.' },
    to_height: { type: 'integer', minimum: 0, maximum: MAX_BLOCK_HEIGHT, description: 'Last height of a range (included).' },
    step: { type: 'integer', minimum: 1, maximum: MAX_BLOCK_HEIGHT, description: 'Distance between heights of a range. Default 1.' },
    changes_only: { type: 'boolean', description: 'Leave out a height whose result equals the last one returned; totals then add total_unchanged.' },
    fields: stringList(fieldsDescription),
    balances: stringList(balancesDescription),
    calls: stringList(callsDescription),
  },
} as const

const valueResult = {
  oneOf: [
    { type: 'object', required: ['value'], properties: { value: {} } },
    { type: 'object', required: ['errmsg'], properties: { errmsg: { type: 'string' } } },
  ],
} as const

const balanceResult = {
  oneOf: [
    {
      type: 'object',
      required: ['value', 'can_mint', 'can_melt'],
      properties: { value: { type: 'string', description: 'Balance as a decimal string.' }, can_mint: { type: 'boolean' }, can_melt: { type: 'boolean' } },
    },
    { type: 'object', required: ['errmsg'], properties: { errmsg: { type: 'string' } } },
  ],
} as const

const snapshotProperties = {
  nc_id: { type: 'string' },
  blueprint_id: { type: 'string' },
  blueprint_name: { type: 'string' },
  fields: { type: 'object', additionalProperties: valueResult },
  balances: { type: 'object', additionalProperties: balanceResult },
  calls: { type: 'object', additionalProperties: valueResult },
} as const

/** Response schemas, for the OpenAPI document only. */
export const stateResponseSchema = {
  type: 'object',
  required: ['success', 'nc_id', 'blueprint_id', 'blueprint_name', 'fields', 'balances', 'calls'],
  properties: { success: { type: 'boolean', enum: [true] }, ...snapshotProperties },
} as const

export const batchResponseSchema = {
  type: 'object',
  required: ['success', 'snapshots', 'errors', 'total_requested', 'total_succeeded', 'total_failed'],
  properties: {
    success: { type: 'boolean', enum: [true] },
    snapshots: {
      type: 'array',
      items: {
        type: 'object',
        properties: { block_height: { type: 'integer' }, block_hash: { type: 'string' }, timestamp: { type: 'integer' }, ...snapshotProperties },
      },
    },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['block_height', 'error'], properties: { block_height: { type: 'integer' }, error: { type: 'string' } } },
    },
    total_requested: { type: 'integer' },
    total_succeeded: { type: 'integer' },
    total_failed: { type: 'integer' },
    total_unchanged: { type: 'integer', description: 'Only with changes_only.' },
  },
} as const

export const errorResponseSchema = {
  type: 'object',
  required: ['success', 'error'],
  properties: { success: { type: 'boolean', enum: [false] }, error: { type: 'string' } },
} as const
