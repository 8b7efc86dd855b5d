import express from 'express'

import type { Logger } from '../logging.js'
import type { StateQuery } from '../query/state-query.js'
import { createMetrics } from './metrics.js'
import { buildOpenApiDocument } from './openapi.js'
import { createNanoContractRouter, sendJson } from './router.js'

export interface ServerAppOptions {
  logger: Logger
  version: string
  bodyLimit?: string
}

/**
 * Creates the standalone server's Express app: the nano-contract router under `/v1a`, `GET /health`,
 * `GET /metrics` (Prometheus) and `GET /openapi.json`. The app responds 503 until `setReady` hands it the state query,
 * so the port can open while storage and the sandbox are still loading.
 */
export function createServerApp(options: ServerAppOptions): { app: express.Express; setReady(query: StateQuery): void } {
  const app = express()
  app.disable('x-powered-by')
  let router: express.Router | undefined

  const openApiDocument = buildOpenApiDocument(options.version)

  app.get('/health', (_req, res) => {
    sendJson(res, router === undefined ? 503 : 200, { ready: router !== undefined })
  })

  const metrics = createMetrics()
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })

  app.get('/openapi.json', (_req, res) => {
    sendJson(res, 200, openApiDocument)
  })

  app.use('/v1a', (req, res, next) => {
    if (router === undefined) {
      sendJson(res, 503, { success: false, error: 'server is starting; retry when GET /health answers 200' })
      return
    }
    router(req, res, next)
  })

  app.use((_req, res) => {
    sendJson(res, 404, { success: false, error: 'not found' })
  })

  return {
    app,
    setReady(query: StateQuery) {
      metrics.attach(query)
      router = createNanoContractRouter({ query, logger: options.logger, bodyLimit: options.bodyLimit })
    },
  }
}
