import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'

import { COLUMN_FAMILIES } from '../column-families.js'
import { ImportError } from './errors.js'
import { readLatestOptionsFile, type RocksDbOptionsFile } from './options-file.js'

/** Name of the node's RocksDB directory inside its `--data` directory. */
export const NODE_DATABASE_DIRECTORY = 'data_v2.db'

/** Compression types that the bundled RocksDB (9.7, built with ZSTD only) can decompress. */
const READABLE_COMPRESSIONS = new Set(['kNoCompression', 'kZSTD', 'kZSTDNotFinalCompression'])

/** A node's RocksDB directory that passed the checks that need no RocksDB open. */
export interface NodeDirectory {
  /** Absolute path of the RocksDB directory (the node's `data_v2.db`). */
  path: string
  /** Every column family of the database: RocksDB refuses to open it unless all are listed. */
  columnFamilies: string[]
  optionsFile: RocksDbOptionsFile
}

/**
 * Checks that `from` is a Hathor node's RocksDB that the bundled RocksDB can read: a RocksDB
 * directory (or a node data directory holding `data_v2.db`), with every column family this
 * service reads, byte-wise key order, and no compression other than ZSTD.
 */
export async function inspectNodeDirectory(from: string): Promise<NodeDirectory> {
  const path = await findDatabaseDirectory(resolve(from))

  const optionsFile = await readLatestOptionsFile(path)
  if (optionsFile === undefined) {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID',
      `${path} has no OPTIONS-* file, so its column families cannot be listed. RocksDB writes one on every open: open the database once with the node (and stop it) or pass a checkpoint of it`,
      { path })
  }

  const columnFamilies = [...optionsFile.columnFamilies.keys()]
  const missing = COLUMN_FAMILIES.filter((name) => !optionsFile.columnFamilies.has(name))
  if (missing.length > 0) {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID',
      `${path} is not a Hathor full node's RocksDB: column families missing: ${missing.join(', ')} (present: ${columnFamilies.join(', ')})`,
      { path, missing, present: columnFamilies })
  }

  for (const name of COLUMN_FAMILIES) {
    const options = optionsFile.columnFamilies.get(name) ?? new Map<string, string>()
    checkComparator(path, optionsFile, name, options)
    checkCompression(path, optionsFile, name, options)
  }

  return { path, columnFamilies, optionsFile }
}

async function findDatabaseDirectory(from: string): Promise<string> {
  const info = await stat(from).catch(() => undefined)
  if (info === undefined) {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID', `${from} does not exist; pass the node's ${NODE_DATABASE_DIRECTORY} directory`, { path: from })
  }
  if (!info.isDirectory()) {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID', `${from} is not a directory; pass the node's ${NODE_DATABASE_DIRECTORY} directory`, { path: from })
  }

  if (await isFile(join(from, 'CURRENT'))) {
    return from
  }

  // The node's --data directory holds the RocksDB one level down.
  const nested = join(from, NODE_DATABASE_DIRECTORY)
  if (await isFile(join(nested, 'CURRENT'))) {
    return nested
  }

  throw new ImportError('NC_IMPORT_SOURCE_INVALID',
    `${from} is not a RocksDB directory (it has no CURRENT file, nor a ${NODE_DATABASE_DIRECTORY} directory that has one)`,
    { path: from })
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined)
  return info?.isFile() ?? false
}

function checkComparator(path: string, optionsFile: RocksDbOptionsFile, name: string, options: Map<string, string>): void {
  const comparator = options.get('comparator')
  if (comparator !== undefined && comparator !== 'leveldb.BytewiseComparator') {
    throw new ImportError('NC_IMPORT_SOURCE_INVALID',
      `column family ${name} of ${path} orders keys with ${comparator} (${optionsFile.fileName}); a Hathor node uses leveldb.BytewiseComparator`,
      { path, columnFamily: name, comparator })
  }
}

function checkCompression(path: string, optionsFile: RocksDbOptionsFile, name: string, options: Map<string, string>): void {
  const used = new Set<string>()
  const compression = options.get('compression')
  if (compression !== undefined) {
    used.add(compression)
  }

  const bottommost = options.get('bottommost_compression')
  if (bottommost !== undefined && bottommost !== 'kDisableCompressionOption') {
    used.add(bottommost)
  }

  for (const level of (options.get('compression_per_level') ?? '').split(':')) {
    if (level !== '') {
      used.add(level)
    }
  }

  if (options.get('enable_blob_files') === 'true') {
    used.add(options.get('blob_compression_type') ?? 'kNoCompression')
  }

  const unreadable = [...used].filter((type) => !READABLE_COMPRESSIONS.has(type))
  if (unreadable.length > 0) {
    throw new ImportError('NC_IMPORT_COMPRESSION_UNSUPPORTED', unsupportedCompressionMessage(path, `column family ${name} is configured with ${unreadable.join(', ')} (${optionsFile.fileName})`),
      { path, columnFamily: name, compression: unreadable })
  }
}

/** Message for data this build cannot decompress, shared by the OPTIONS check and by read errors. */
export function unsupportedCompressionMessage(path: string, finding: string): string {
  return `cannot read ${path}: ${finding}. The bundled RocksDB reads only uncompressed and ZSTD data. ` +
    'A Hathor full node writes its RocksDB without compression, so this directory was written with other settings: ' +
    'rewrite it without compression (or with ZSTD) before importing it'
}
