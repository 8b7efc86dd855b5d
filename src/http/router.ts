import express, { type NextFunction, type Request, type Response } from 'express'

import { NcStateError } from '../errors.js'
import type { Logger } from '../logging.js'
import { QueryError } from '../query/errors.js'
import { type BatchRequest, type BatchTotals, countHeights, MAX_BATCH_HEIGHTS, type StateQuery } from '../query/state-query.js'
import { NDJSON_MEDIA_TYPE } from './schemas.js'
import { parseJson, stringifyJson } from '../json.js'
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
  /** Set when the client closed the connection before the response ended. */
  abandoned?: boolean
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
      const { json } = await query.getState(request)
      sendJsonText(res, 200, json)
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
        log.heights = countHeights(request.selection)

        if (req.accepts(['application/json', NDJSON_MEDIA_TYPE]) === NDJSON_MEDIA_TYPE) {
          log.route = 'batch-stream'
          await streamNdjson(res, query, request, logger, log)
          return
        }
        if (log.heights > MAX_BATCH_HEIGHTS && !('heights' in request.selection)) {
          throw new QueryError('NC_INVALID_PARAMETER', 400,
            `the range covers ${log.heights} heights; ranges over ${MAX_BATCH_HEIGHTS} heights stream as NDJSON: send Accept: ${NDJSON_MEDIA_TYPE}`)
        }

        const { json } = await query.getBatch(request)
        sendLargeJsonText(res, 200, json)
      } catch (error) {
        if (res.headersSent) {
          logger?.error('stream failed', { ...log, error: String(error) })
          res.destroy()
        } else {
          sendError(res, error, logger, log)
        }
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
  sendJsonText(res, status, stringifyJson(body))
}

function sendJsonText(res: Response, status: number, json: string): void {
  res.status(status).type('application/json; charset=utf-8').send(json)
}

/**
 * Sends a batch response without Express's `send`, which hashes the whole body with SHA-1 for an
 * ETag, hundreds of kilobytes per request, although no client revalidates a POST response.
 */
function sendLargeJsonText(res: Response, status: number, json: string): void {
  const body = Buffer.from(json, 'utf8')
  res.status(status).type('application/json; charset=utf-8')
  res.setHeader('Content-Length', body.length)
  res.end(body)
}

/**
 * Writes one JSON line per height, in order, then a totals line. It waits for the socket to
 * drain before computing more, so a slow client slows the server down instead of filling
 * its memory, and it stops when the client goes away.
 */
async function streamNdjson(res: Response, query: StateQuery, request: BatchRequest, logger: Logger | undefined, log: RequestLog): Promise<void> {
  const totals: BatchTotals = { total_requested: countHeights(request.selection), total_succeeded: 0, total_failed: 0, total_unchanged: 0 }
  let closed = false
  const abort = new AbortController()
  res.on('close', () => {
    closed = true
    abort.abort()
  })

  res.status(200).type(`${NDJSON_MEDIA_TYPE}; charset=utf-8`)
  const outcomes = query.streamBatch(request, totals, abort.signal)
  try {
    for await (const outcome of outcomes) {
      if (closed) break
      if (!res.write(`${outcome.json}\n`)) await waitForDrain(res)
    }
    if (closed) {
      log.abandoned = true
      logger?.info('stream abandoned by the client', { ...log, heightsDone: totals.total_succeeded + totals.total_failed })
      return
    }
  } catch (error) {
    // Headers are gone, so the failure becomes the last line instead of a status.
    const code = error instanceof NcStateError ? error.code : 'NC_INTERNAL_ERROR'
    const message = error instanceof Error ? error.message : String(error)
    res.end(`${stringifyJson({ success: false, error: message, code })}\n`)
    logger?.error('stream failed', { ...log, code, error: message })
    return
  } finally {
    await outcomes.return(undefined)
  }

  const { total_unchanged, ...counts } = totals
  res.end(`${stringifyJson({ success: true, ...(request.changesOnly === true ? totals : counts) })}\n`)
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
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
    outcome: log.abandoned === true ? 'abandoned' : outcomeOf(status),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  })
}

function outcomeOf(status: number): 'ok' | 'rejected' | 'failed' {
  if (status < 400) return 'ok'
  if (status < 500) return 'rejected'
  return 'failed'
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}
