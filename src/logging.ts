import type { Writable } from 'node:stream'

import winston from 'winston'

/**
 * Structured JSON logger shared by the server and the CLI. Lines go to stderr so that
 * commands whose output is data (backfill, openapi) keep stdout clean, or to `stream` when given.
 */
export function createLogger(level: string = process.env.NC_STATE_LOG_LEVEL ?? 'info', stream?: Writable): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [stream === undefined
      ? new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })
      : new winston.transports.Stream({ stream })],
  })
}

export type Logger = winston.Logger
