import { type Command, InvalidArgumentError, Option } from 'commander'

import { createLogger } from '../../logging.js'
import { openStateService } from '../../query/service.js'
import { type BackfillFormat, checkBackfillOutput, restartHeight, runBackfill } from '../backfill.js'
import { createProgressReporter } from '../progress.js'

interface BackfillCommandOptions {
  db?: string
  rocksdb?: string
  id: string
  from: number
  to: number
  step: number
  field: string[]
  balance: string[]
  call: string[]
  changesOnly: boolean
  out: string
  format: BackfillFormat
  builtinBlueprints?: string
}

export function register(program: Command): void {
  program
    .command('backfill')
    .description('write a contract\'s state at every height of a range to a JSONL or CSV file, straight from the database; rerun to resume')
    .option('--db <dir>', 'LevelDB copy to read')
    .option('--rocksdb <dir>', 'read a node\'s RocksDB directory instead')
    .requiredOption('--id <hex>', 'contract id')
    .requiredOption('--from <height>', 'first height', parseHeight)
    .requiredOption('--to <height>', 'last height (included)', parseHeight)
    .option('--step <heights>', 'distance between heights', parseStep, 1)
    .option('--field <name>', 'field to read; repeat for more', collect, [])
    .option('--balance <token>', 'token uid in hex, or __all__ (JSONL only); repeat for more', collect, [])
    .option('--call <call>', 'view call such as "get_all_prices_usd()"; repeat for more', collect, [])
    .option('--changes-only', 'write a height only when its answer differs from the last one written', false)
    .requiredOption('--out <file>', 'output file; an existing one is resumed after its last complete line')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--builtin-blueprints <dir>', 'folder of <blueprint id hex>.py sources for blueprints that are not on chain')
    .action(backfill)
}

async function backfill(options: BackfillCommandOptions): Promise<void> {
  const logger = createLogger()
  // Exiting through process.exit runs the exit handlers, which delete temporary RocksDB checkpoints.
  process.once('SIGINT', () => process.exit(130))
  process.once('SIGTERM', () => process.exit(143))
  if ((options.db === undefined) === (options.rocksdb === undefined)) {
    throw new InvalidArgumentError('give exactly one of --db and --rocksdb')
  }
  if (options.to < options.from) throw new InvalidArgumentError(`--to ${options.to} is below --from ${options.from}`)

  // Loading the sandbox takes seconds, so a file of another run is rejected before it.
  const parts = { fields: options.field, balances: options.balance, calls: options.call }
  const lastHeight = checkBackfillOutput({ ...parts, id: options.id, from: options.from, to: options.to, step: options.step, changesOnly: options.changesOnly, out: options.out, format: options.format })
  if (restartHeight(options, lastHeight) > options.to) {
    logger.info('backfill finished', { out: options.out, lastHeight, linesWritten: 0, resumed: true, complete: true })
    return
  }

  const service = await openStateService({ dbPath: options.db, rocksdbPath: options.rocksdb, builtinBlueprintsDir: options.builtinBlueprints, logger })
  const progress = createProgressReporter('backfill', 'heights', logger)
  const started = performance.now()
  try {
    const result = await runBackfill({
      query: service.query,
      id: options.id,
      from: options.from,
      to: options.to,
      step: options.step,
      fields: options.field,
      balances: options.balance,
      calls: options.call,
      changesOnly: options.changesOnly,
      out: options.out,
      format: options.format,
      onProgress: (done, total) => progress.update(done, total),
    })
    progress.stop()
    logger.info('backfill finished', { out: options.out, ...result, durationMs: Math.round(performance.now() - started) })
  } finally {
    progress.stop()
    await service.close()
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function parseHeight(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`expected a block height (an integer from 0), got ${text}`)
  return value
}

function parseStep(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`expected a step of at least 1, got ${text}`)
  return value
}
