import { Ajv, type ErrorObject } from 'ajv'

import { QueryError } from '../query/errors.js'
import { type BatchRequest, countHeights, type HeightSelection, type StateRequest } from '../query/state-query.js'
import { batchBodySchema, MAX_BLOCK_HEIGHT, MAX_STREAM_HEIGHTS, stateQuerySchema } from './schemas.js'

/**
 * A query-string integer as the node parses it (pydantic's int from a string): optional sign and
 * surrounding spaces, digits with single underscores between them, and an optional zero fraction.
 */
const DECIMAL_INTEGER = /^\s*[+-]?\d+(?:_\d+)*(?:\.0*)?\s*$/

// Query strings carry only strings: coerce '12' to 12 and a single value to a one-item array.
const queryAjv = new Ajv({ allErrors: true, coerceTypes: 'array', strict: true })
const bodyAjv = new Ajv({ allErrors: true, strict: true })

const validateQuery = queryAjv.compile(stateQuerySchema)
const validateBody = bodyAjv.compile(batchBodySchema)

const ARRAY_PARAMETERS = ['fields[]', 'balances[]', 'calls[]'] as const
const BATCH_PARTS = ['fields', 'balances', 'calls'] as const
const RANGE_PARAMETERS = ['from_height', 'to_height', 'step'] as const

/** Validates the query string of the single-block endpoint and returns the state request. */
export function parseStateQuery(query: Record<string, unknown>): StateRequest {
  const params: Record<string, unknown> = {}
  for (const name of Object.keys(stateQuerySchema.properties)) {
    if (Object.hasOwn(query, name)) params[name] = query[name]
  }

  // Coercion would read JavaScript number forms ("0x10", "1e2"), but the node takes only decimal integers.
  for (const name of ['block_height', 'timestamp'] as const) {
    const text = params[name]
    if (typeof text !== 'string') continue
    if (!DECIMAL_INTEGER.test(text)) {
      throw invalid(describeQueryError([{ instancePath: `/${name}`, keyword: 'type' } as ErrorObject], query))
    }
    params[name] = text.replace(/_/g, '').trim()
  }

  if (!validateQuery(params)) {
    throw invalid(describeQueryError(validateQuery.errors ?? [], query))
  }

  // Coercion reads "Infinity", "1e400" and huge digit strings as numbers that no block has.
  for (const name of ['block_height', 'timestamp'] as const) {
    const number = params[name]
    if (number !== undefined && !Number.isSafeInteger(number)) {
      throw invalid(describeQueryError([{ instancePath: `/${name}`, keyword: 'type' } as ErrorObject], query))
    }
  }

  const value = (name: string) => params[name] as never
  return {
    id: value('id'),
    selector: { blockHash: value('block_hash'), blockHeight: value('block_height'), timestamp: value('timestamp') },
    fields: value(ARRAY_PARAMETERS[0]) ?? [],
    balances: value(ARRAY_PARAMETERS[1]) ?? [],
    calls: value(ARRAY_PARAMETERS[2]) ?? [],
  }
}

interface BatchBody {
  id: string
  block_heights?: number[]
  from_height?: number
  to_height?: number
  step?: number
  changes_only?: boolean
  fields?: string[]
  balances?: string[]
  calls?: string[]
}

/** Validates a batch body (already parsed JSON) and returns the batch request. */
export function parseBatchBody(body: unknown): BatchRequest {
  if (!validateBody(body)) {
    throw invalid(describeBatchError(validateBody.errors ?? [], body))
  }

  const request = body as BatchBody
  return {
    id: request.id,
    selection: heightSelection(request),
    changesOnly: request.changes_only ?? false,
    fields: request.fields ?? [],
    balances: request.balances ?? [],
    calls: request.calls ?? [],
  }
}

function heightSelection(body: BatchBody): HeightSelection {
  const hasRange = body.from_height !== undefined || body.to_height !== undefined || body.step !== undefined
  if (body.block_heights !== undefined) {
    if (hasRange) throw invalid('give either block_heights or from_height and to_height, not both')
    return { heights: body.block_heights }
  }

  if (body.from_height === undefined || body.to_height === undefined) {
    // The reference names block_heights when no heights are given at all.
    if (!hasRange) throw invalid('Missing required parameter: block_heights')
    throw invalid(`a range needs both from_height and to_height; missing ${body.from_height === undefined ? 'from_height' : 'to_height'}`)
  }
  if (body.to_height < body.from_height) {
    throw invalid(`to_height ${body.to_height} is below from_height ${body.from_height}`)
  }

  const selection = { from: body.from_height, to: body.to_height, step: body.step ?? 1 }
  if (countHeights(selection) > MAX_STREAM_HEIGHTS) {
    throw invalid(`the range covers ${countHeights(selection)} heights; at most ${MAX_STREAM_HEIGHTS} per request`)
  }
  return selection
}

function describeQueryError(errors: ErrorObject[], query: Record<string, unknown>): string {
  const first = errors[0]
  if (first === undefined) return 'invalid query parameters'

  if (first.keyword === 'required') return `missing required parameter: ${String(first.params.missingProperty)}`

  const name = first.instancePath.split('/')[1] ?? ''
  const given = query[name]
  if (Array.isArray(given) && !name.endsWith('[]')) {
    return `parameter ${name} must be given once, got ${given.length} values`
  }
  if (name === 'block_height') return `invalid block_height: ${JSON.stringify(given)}; expected an integer from 0 to ${MAX_BLOCK_HEIGHT}`
  if (name === 'timestamp') return `invalid timestamp: ${JSON.stringify(given)}; expected an integer (Unix time in seconds)`
  return `invalid ${name}: ${JSON.stringify(given)}; ${first.message ?? 'invalid value'}`
}

/**
 * Picks the message for the most basic problem first, in the order the reference checks:
 * id present, heights present, heights well formed, heights count, the lists, the id type.
 */
function describeBatchError(errors: ErrorObject[], body: unknown): string {
  const at = (path: string) => errors.filter((error) => error.instancePath === path || error.instancePath.startsWith(`${path}/`))
  const missing = (name: string) => errors.some((error) => error.keyword === 'required' && error.params.missingProperty === name)

  if (typeof body !== 'object' || body === null || Array.isArray(body) || missing('id')) {
    return 'missing required parameter: id'
  }

  const heightErrors = at('/block_heights')
  if (heightErrors.some((error) => error.keyword === 'minItems')) {
    return 'Missing required parameter: block_heights'
  }
  if (heightErrors.some((error) => error.keyword !== 'maxItems')) {
    return 'block_heights must hold integers from 0'
  }
  if (heightErrors.length > 0) {
    return `Too many blocks requested. Maximum is ${batchBodySchema.properties.block_heights.maxItems}`
  }

  for (const part of BATCH_PARTS) {
    if (at(`/${part}`).length > 0) return `${part} must be an array of strings`
  }

  for (const name of RANGE_PARAMETERS) {
    const value = (body as Record<string, unknown>)[name]
    if (at(`/${name}`).length > 0) return `invalid ${name}: ${JSON.stringify(String(value))}; expected ${name === 'step' ? 'an integer from 1' : 'an integer from 0'} to ${MAX_BLOCK_HEIGHT}`
  }
  if (at('/changes_only').length > 0) return 'changes_only must be true or false'

  if (at('/id').length > 0) {
    return `Invalid contract id: ${JSON.stringify((body as Record<string, unknown>).id)}`
  }

  const unknown = errors.find((error) => error.keyword === 'additionalProperties')
  if (unknown !== undefined) {
    const allowed = Object.keys(batchBodySchema.properties).join(', ')
    return `unknown parameter: ${String(unknown.params.additionalProperty)}; expected only ${allowed}`
  }

  return errors[0]?.message ?? 'invalid request body'
}

function invalid(message: string): QueryError {
  return new QueryError('NC_INVALID_PARAMETER', 400, message)
}
