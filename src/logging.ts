import winston from 'winston'

/**
 * Structured JSON logger shared by the server and the CLI. Lines go to stderr so that
 * commands whose output is data (backfill, openapi) keep stdout clean.
 */
export function createLogger(level: string = process.env.NC_STATE_LOG_LEVEL ?? 'info'): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
  })
}

export type Logger = winston.Logger
