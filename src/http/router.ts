import express, { type NextFunction, type Request, type Response } from 'express'

import { NcStateError } from '../errors.js'
import type { Logger } from '../logging.js'
import { QueryError } from '../query/errors.js'
import type { StateQuery } from '../query/state-query.js'
import { parseJson, stringifyJson } from './json.js'
import { parseBatchBody, parseStateQuery } from './validation.js'

export interface NanoContractRouterOptions {
  query: StateQuery
  logger?: Logger
  /** Largest accepted batch body, in the `bytes` package's notation. Default '256kb'. */
  bodyLimit?: string
}

/** Per-request facts for the access log line. */
interface RequestLog {
  route: string
  contract?: string
  heights?: number
}

/**
 * Creates the Express router with `GET /nano_contract/state` and
 * `POST /nano_contract/state/batch`. Mount it where the node mounts its API, e.g. under `/v1a`.
 */
export function createNanoContractRouter(options: NanoContractRouterOptions): express.Router {
  const router = express.Router()
  const { query, logger } = options

  router.get('/nano_contract/state', async (req, res) => {
    const log: RequestLog = { route: 'state' }
    const started = performance.now()
    try {
      const request = parseStateQuery(req.query as Record<string, unknown>)
      log.contract = request.id
      log.heights = 1
      const snapshot = await query.getState(request)
      sendJson(res, 200, { success: true, ...snapshot })
    } catch (error) {
      sendError(res, error, logger, log)
    } finally {
      logRequest(logger, log, res.statusCode, started)
    }
  })

  router.post(
    '/nano_contract/state/batch',
    express.text({ type: () => true, limit: options.bodyLimit ?? '256kb' }),
    async (req, res) => {
      const log: RequestLog = { route: 'batch' }
      const started = performance.now()
      try {
        const request = parseBatchBody(parseBody(req.body))
        log.contract = request.id
        log.heights = request.blockHeights.length
        const result = await query.getBatch(request)
        sendJson(res, 200, result)
      } catch (error) {
        sendError(res, error, logger, log)
      } finally {
        logRequest(logger, log, res.statusCode, started)
      }
    },
  )

  // Errors raised before a handler runs, such as a body over the size limit or a broken body stream.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error)
    const status = httpStatusOf(error)
    if (status === 413) {
      sendJson(res, 413, { success: false, error: `request body is larger than the limit of ${options.bodyLimit ?? '256kb'}` })
    } else if (status !== undefined && status < 500) {
      sendJson(res, status, { success: false, error: `invalid request body: ${(error as Error).message}` })
    } else {
      sendError(res, error, logger, { route: 'batch' })
    }
    logRequest(logger, { route: 'batch' }, res.statusCode, performance.now())
  })

  return router
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new QueryError('NC_INVALID_PARAMETER', 400, 'request body is empty; expected a JSON object')
  }
  try {
    return parseJson(body)
  } catch (error) {
    throw new QueryError('NC_INVALID_PARAMETER', 400, `request body is not valid JSON: ${(error as Error).message}`)
  }
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json; charset=utf-8').send(stringifyJson(body))
}

/** Request errors keep the node's body shape; storage faults become 500 and are logged. */
function sendError(res: Response, error: unknown, logger: Logger | undefined, log: RequestLog): void {
  if (error instanceof QueryError) {
    res.setHeader('X-Error-Code', error.code)
    sendJson(res, error.status, { success: false, error: error.message })
    return
  }

  if (error instanceof NcStateError) {
    logger?.error('request failed', { ...log, code: error.code, error: error.message, details: error.details })
    res.setHeader('X-Error-Code', error.code)
    sendJson(res, 500, { success: false, error: error.message, code: error.code })
    return
  }

  logger?.error('request failed', { ...log, code: 'NC_INTERNAL_ERROR', error: String(error), stack: (error as Error)?.stack })
  res.setHeader('X-Error-Code', 'NC_INTERNAL_ERROR')
  sendJson(res, 500, { success: false, error: 'internal error; see the server log', code: 'NC_INTERNAL_ERROR' })
}

function logRequest(logger: Logger | undefined, log: RequestLog, status: number, started: number): void {
  logger?.info('request', {
    ...log,
    status,
    outcome: status < 400 ? 'ok' : status < 500 ? 'rejected' : 'failed',
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  })
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}
