import cliProgress from 'cli-progress'
import type { Command } from 'commander'

import { NcStateError } from '../../errors.js'
import { createLogger, type Logger } from '../../logging.js'
import type { ColumnFamily } from '../../storage/column-families.js'
import {
  importNodeRocksDb, verifyImport,
  type ImportProgress, type ImportSummary, type VerifyReport,
} from '../../storage/rocksdb/index.js'

interface ImportCommandOptions {
  from: string
  db: string
  verify?: boolean
  verifyOnly?: boolean
  checkpoint?: string
  json?: boolean
}

/** Seconds between progress log lines when stderr is not a terminal. */
const LOG_INTERVAL_MS = 5_000

export function register(program: Command): void {
  program
    .command('import')
    .description('copy the column families this service reads from a Hathor full node\'s RocksDB into the LevelDB copy; '
      + 'a later run copies only what changed, and a killed run resumes where it stopped')
    .requiredOption('--from <dir>', 'the node\'s RocksDB directory (data_v2.db, or the data directory holding it); the node must be stopped, or pass a checkpoint or copy of it')
    .requiredOption('--db <dir>', 'LevelDB directory to create or bring up to date')
    .option('--verify', 'after importing, re-read both sides and compare key counts and a SHA-256 digest per column family')
    .option('--verify-only', 'compare both sides as --verify does, without importing')
    .option('--checkpoint <dir>', 'temporary directory for the checkpoint of --from that is opened (default: <db>.checkpoint); '
      + 'on the file system of --from it is made of hard links, elsewhere it is a full copy')
    .option('--json', 'print the summary as JSON')
    .action(async (options: ImportCommandOptions) => {
      await runImportCommand(options)
    })
}

async function runImportCommand(options: ImportCommandOptions): Promise<void> {
  const interactive = process.stderr.isTTY === true && options.json !== true
  // On a terminal the progress bars replace the info lines; warnings and errors still show.
  const logger = createLogger(interactive ? 'warn' : undefined)
  const common = {
    from: options.from,
    db: options.db,
    logger,
    ...(options.checkpoint === undefined ? {} : { checkpointDirectory: options.checkpoint }),
  }

  try {
    let summary: ImportSummary | undefined
    if (options.verifyOnly !== true) {
      const progress = interactive ? new ProgressBars() : new ProgressLog(logger)
      const startedAt = Date.now()
      try {
        summary = await importNodeRocksDb({ ...common, onProgress: (event) => progress.update(event) })
      } finally {
        progress.stop()
      }
      if (options.json !== true) {
        process.stdout.write(formatImportSummary(summary, Date.now() - startedAt))
      }
    }

    let report: VerifyReport | undefined
    if (options.verify === true || options.verifyOnly === true) {
      report = await verifyImport(common)
      if (options.json !== true) {
        process.stdout.write(formatVerifyReport(report))
      }
      if (!report.match) {
        process.exitCode = 1
      }
    }

    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ import: summary, verify: report }, null, 2)}\n`)
    }
  } catch (error) {
    reportFailure(logger, error)
    process.exitCode = 1
  }
}

function reportFailure(logger: Logger, error: unknown): void {
  if (error instanceof NcStateError) {
    logger.error('import failed', { code: error.code, error: error.message, ...error.details })
    process.stderr.write(`nc-state import: ${error.message}\n`)
    return
  }

  const message = error instanceof Error ? error.message : String(error)
  logger.error('import failed', { error: message, stack: error instanceof Error ? error.stack : undefined })
  process.stderr.write(`nc-state import: ${message}\n`)
}

/** Rates of one column family, measured from the first progress event of this process. */
class RateMeter {
  private readonly startedAt = Date.now()

  constructor(private readonly startKeys: number, private readonly startBytes: number) {}

  rates(event: ImportProgress): { keysPerSecond: number, megabytesPerSecond: number } {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001)
    return {
      keysPerSecond: Math.round((event.counts.sourceKeys - this.startKeys) / seconds),
      megabytesPerSecond: Math.round((event.counts.bytesRead - this.startBytes) / seconds / 1e5) / 10,
    }
  }
}

interface ProgressDisplay {
  update(event: ImportProgress): void
  stop(): void
}

/** One bar per column family, on stderr. */
class ProgressBars implements ProgressDisplay {
  private readonly multiBar = new cliProgress.MultiBar({
    stream: process.stderr,
    format: '{columnFamily} |{bar}| {percentage}% | {keys} keys | {keysPerSecond} keys/s | {megabytesPerSecond} MB/s | ETA {eta_formatted}',
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic)

  private readonly bars = new Map<ColumnFamily, { bar: cliProgress.SingleBar, meter: RateMeter }>()

  update(event: ImportProgress): void {
    let entry = this.bars.get(event.columnFamily)
    if (entry === undefined) {
      entry = {
        bar: this.multiBar.create(1000, 0, { columnFamily: event.columnFamily.padEnd(23) }),
        meter: new RateMeter(event.counts.sourceKeys, event.counts.bytesRead),
      }
      this.bars.set(event.columnFamily, entry)
    }

    entry.bar.update(Math.round(event.fraction * 1000), {
      columnFamily: event.columnFamily.padEnd(23),
      keys: event.counts.sourceKeys.toLocaleString('en-US'),
      ...entry.meter.rates(event),
    })
  }

  stop(): void {
    this.multiBar.stop()
  }
}

/** Structured progress lines, at most one per `LOG_INTERVAL_MS`. */
class ProgressLog implements ProgressDisplay {
  private lastLoggedAt = Date.now()
  private readonly meters = new Map<ColumnFamily, RateMeter>()

  constructor(private readonly logger: Logger) {}

  update(event: ImportProgress): void {
    let meter = this.meters.get(event.columnFamily)
    if (meter === undefined) {
      meter = new RateMeter(event.counts.sourceKeys, event.counts.bytesRead)
      this.meters.set(event.columnFamily, meter)
    }

    if (event.done || Date.now() - this.lastLoggedAt < LOG_INTERVAL_MS) {
      return
    }
    this.lastLoggedAt = Date.now()
    this.logger.info('import progress', {
      columnFamily: event.columnFamily,
      percent: Math.round(event.fraction * 1000) / 10,
      ...event.counts,
      ...meter.rates(event),
    })
  }

  stop(): void {}
}

function formatImportSummary(summary: ImportSummary, elapsedMs: number): string {
  const lines = [
    `Imported ${summary.source} into ${summary.destination} in ${(elapsedMs / 1000).toFixed(1)} s${summary.resumed ? ' (resumed an interrupted import)' : ''}.`,
    `Tip: height ${summary.tipHeight}, block ${summary.tipHash}.`,
    row(['column family', 'source keys', 'added', 'updated', 'deleted']),
  ]
  for (const [cf, counts] of Object.entries(summary.columnFamilies)) {
    lines.push(row([cf, counts.sourceKeys, counts.added, counts.updated, counts.deleted]))
  }
  return `${lines.join('\n')}\n`
}

const VERIFY_WIDTHS = [24, 12, 12, 18, 10]

function formatVerifyReport(report: VerifyReport): string {
  const lines = [
    report.match
      ? `Verified ${report.destination} against ${report.source}: every column family matches.`
      : `Verification of ${report.destination} against ${report.source} FAILED: see the column families marked MISMATCH.`,
    row(['column family', 'source keys', 'copy keys', 'source digest', 'result'], VERIFY_WIDTHS),
  ]
  for (const verification of report.columnFamilies) {
    lines.push(row([
      verification.columnFamily, verification.sourceKeys, verification.destinationKeys,
      verification.sourceDigest.slice(0, 16), verification.match ? 'match' : 'MISMATCH',
    ], VERIFY_WIDTHS))
  }
  return `${lines.join('\n')}\n`
}

function row(cells: Array<string | number>, widths: number[] = [24, 12, 12, 12, 12]): string {
  return cells.map((cell, index) => {
    const text = typeof cell === 'number' ? cell.toLocaleString('en-US') : cell
    const width = widths[index] ?? 12
    return index === 0 ? text.padEnd(width) : text.padStart(width)
  }).join(' ')
}
