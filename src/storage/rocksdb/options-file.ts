import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Contents of a RocksDB OPTIONS file: the INI-like text RocksDB writes on every open and on every
 * column family change (`OPTIONS-<number>`, the highest number being current). It is the one
 * place that lists a database's column families in plain text, with each one's compression.
 */
export interface RocksDbOptionsFile {
  /** File name inside the database directory, such as `OPTIONS-000059`. */
  fileName: string
  /** Version of RocksDB that wrote the file, such as `7.8.3`. */
  rocksDbVersion: string | undefined
  /** Options of each column family (`[CFOptions "name"]` sections), in file order. */
  columnFamilies: Map<string, Map<string, string>>
}

const OPTIONS_FILE_NAME = /^OPTIONS-(\d+)$/

/** Reads the current (highest-numbered) OPTIONS file of a RocksDB directory; undefined when there is none. */
export async function readLatestOptionsFile(directory: string): Promise<RocksDbOptionsFile | undefined> {
  let latest: { name: string, number: number } | undefined
  for (const name of await readdir(directory)) {
    const match = OPTIONS_FILE_NAME.exec(name)
    if (match === null) {
      continue
    }

    const number = Number(match[1])
    if (latest === undefined || number > latest.number) {
      latest = { name, number }
    }
  }

  if (latest === undefined) {
    return undefined
  }

  const text = await readFile(join(directory, latest.name), 'utf8')
  return parseOptionsFile(latest.name, text)
}

/** Parses the text of an OPTIONS file; sections other than `[Version]` and `[CFOptions "…"]` are skipped. */
export function parseOptionsFile(fileName: string, text: string): RocksDbOptionsFile {
  const columnFamilies = new Map<string, Map<string, string>>()
  let rocksDbVersion: string | undefined
  let section: 'version' | 'column-family' | 'other' = 'other'
  let current: Map<string, string> | undefined

  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) {
      continue
    }

    if (line.startsWith('[')) {
      const columnFamily = /^\[CFOptions "(.*)"\]$/.exec(line)
      if (columnFamily !== null) {
        section = 'column-family'
        current = new Map()
        columnFamilies.set(columnFamily[1] ?? '', current)
      } else {
        section = line === '[Version]' ? 'version' : 'other'
        current = undefined
      }
      continue
    }

    const separator = line.indexOf('=')
    if (separator < 0) {
      continue
    }

    const name = line.slice(0, separator).trim()
    const value = line.slice(separator + 1).trim()
    if (section === 'version' && name === 'rocksdb_version') {
      rocksDbVersion = value
    } else if (section === 'column-family' && current !== undefined) {
      current.set(name, value)
    }
  }

  return { fileName, rocksDbVersion, columnFamilies }
}
