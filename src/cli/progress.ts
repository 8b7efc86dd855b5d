import cliProgress from 'cli-progress'

import type { Logger } from '../logging.js'

/** Reports progress of long work: a bar on a terminal, a structured log line at most every few seconds otherwise. */
export interface ProgressReporter {
  update(done: number, total: number | undefined, details?: Record<string, unknown>): void
  stop(): void
}

export function createProgressReporter(label: string, unit: string, logger: Logger, logEveryMs = 5000): ProgressReporter {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}`,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic)
    const started = Date.now()
    let begun = false
    return {
      update(done, total) {
        if (!begun) {
          bar.start(total ?? done, 0, { speed: 0 })
          begun = true
        }
        if (total !== undefined) bar.setTotal(total)
        const seconds = Math.max((Date.now() - started) / 1000, 0.001)
        bar.update(done, { speed: Math.round(done / seconds) })
      },
      stop() {
        if (begun) bar.stop()
      },
    }
  }

  let lastLog = 0
  return {
    update(done, total, details = {}) {
      const now = Date.now()
      if (now - lastLog < logEveryMs) return
      lastLog = now
      logger.info('progress', { task: label, done, total, unit, ...details })
    },
    stop() {},
  }
}
