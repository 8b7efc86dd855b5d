import type { Command } from 'commander'

import { createLogger } from '../../logging.js'
import { loadDump } from '../../storage/load-dump.js'
import { createProgressReporter } from '../progress.js'

export function register(program: Command): void {
  program
    .command('load-dump')
    .description('build the LevelDB copy from a node-dump.jsonl file ({"cf","key","value"} in hex, one per line)')
    .requiredOption('--dump <file>', 'node-dump.jsonl to read')
    .requiredOption('--db <dir>', 'LevelDB directory to create or update')
    .action(async (options: { dump: string; db: string }) => {
      const logger = createLogger()
      const progress = createProgressReporter('load-dump', 'bytes', logger)
      const started = performance.now()

      const result = await loadDump(options.dump, options.db, {
        onProgress: (state) => progress.update(state.bytesRead, state.totalBytes, { entries: state.entries }),
      })

      progress.stop()
      logger.info('load-dump finished', {
        dump: options.dump,
        db: options.db,
        lines: result.lines,
        entries: result.entries,
        durationMs: Math.round(performance.now() - started),
      })
    })
}
