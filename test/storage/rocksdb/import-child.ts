import { importNodeRocksDb } from '../../../src/storage/rocksdb/index.js'

/**
 * Runs one import in its own process, for the test that kills it part-way. Arguments: source
 * directory, LevelDB directory and entries per batch. Prints one line per progress event.
 * Without arguments (as when a test runner loads every file under test/) it does nothing.
 */
const [from, db, batchEntries] = process.argv.slice(2)
if (from !== undefined && db !== undefined) {
  await importNodeRocksDb({
    from,
    db,
    batchEntries: Number(batchEntries ?? 10),
    onProgress: (progress) => process.stdout.write(`${progress.columnFamily} ${progress.counts.sourceKeys}\n`),
  })
  process.stdout.write('finished\n')
}
