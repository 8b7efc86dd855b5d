import { closeSync, createWriteStream, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, type WriteStream } from 'node:fs'

import { stringify as stringifyCsv } from 'csv-stringify/sync'

import { parseJson, stringifyJson } from '../json.js'
import type { CallResult } from '../query/chain.js'
import { QueryError } from '../query/errors.js'
import type { BalanceResult, FieldResult, StateParts } from '../query/snapshot.js'
import { countHeights, type HeightOutcome, type StateQuery } from '../query/state-query.js'

export type BackfillFormat = 'jsonl' | 'csv'

export interface BackfillOptions extends StateParts {
  query: StateQuery
  id: string
  from: number
  to: number
  step: number
  changesOnly: boolean
  out: string
  format: BackfillFormat
  onProgress?: (done: number, total: number) => void
}

/** What decides a backfill's output file: everything but the query and the progress callback. */
export type BackfillOutputOptions = Omit<BackfillOptions, 'query' | 'onProgress'>

export interface BackfillResult {
  /** Height the run started from: `from`, or the one after the last height already in the file. */
  startedAt: number
  heightsComputed: number
  linesWritten: number
  resumed: boolean
}

/**
 * Checks the output file of a backfill before any work. It must be absent, empty, or written by
 * the same run (contract, parts, range), and a cut-off last line is removed. Returns the height
 * of its last complete line, or undefined when the run starts from the beginning.
 */
export function checkBackfillOutput(options: BackfillOutputOptions): number | undefined {
  if (options.format === 'csv' && options.balances.includes('__all__')) {
    throw new QueryError('NC_INVALID_PARAMETER', 400, 'balances __all__ has no fixed CSV columns; list the token uids, or use --format jsonl')
  }

  if (hasContent(options.out)) checkRunRecord(options)

  const header = options.format === 'csv' ? csvHeader(options) : undefined
  const lastHeight = resumePoint(options, header)
  if (lastHeight === undefined) return undefined

  if (lastHeight > options.to) {
    throw new QueryError('NC_INVALID_PARAMETER', 400,
      `${options.out} ends at height ${lastHeight}, past the end of this range (${options.to}); use a new output file`)
  }
  if (lastHeight < options.from || (lastHeight - options.from) % options.step !== 0) {
    throw new QueryError('NC_INVALID_PARAMETER', 400,
      `${options.out} ends at height ${lastHeight}, which is not a height of this range (from ${options.from} every ${options.step}); use a new output file`)
  }
  return lastHeight
}

/**
 * Returns the first height a backfill computes, given the last height its output file has
 * (undefined for a new file). Past `options.to`, the file is complete.
 */
export function restartHeight(options: Pick<BackfillOutputOptions, 'from' | 'step' | 'changesOnly'>, lastHeight: number | undefined): number {
  if (lastHeight === undefined) return options.from

  // With changes_only the last written height is computed again, unwritten, so that the
  // change filter compares the next height with it.
  return options.changesOnly ? lastHeight : lastHeight + options.step
}

/**
 * Writes the state of one contract at every height of a range to a JSONL or CSV file,
 * straight from the database. Rerun with the same options after an interruption, it keeps
 * the complete lines already written and goes on after the last one.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const lastHeight = checkBackfillOutput(options)
  const header = options.format === 'csv' ? csvHeader(options) : undefined
  const resumed = lastHeight !== undefined

  const restartAt = restartHeight(options, lastHeight)
  const skipFirst = resumed && options.changesOnly
  const result: BackfillResult = { startedAt: resumed ? lastHeight + options.step : options.from, heightsComputed: 0, linesWritten: 0, resumed }
  if (restartAt > options.to) return result

  const selection = { from: restartAt, to: options.to, step: options.step }
  const total = countHeights(selection)
  const fresh = !hasContent(options.out)
  if (fresh) writeRunRecord(options)
  const output = createWriteStream(options.out, { flags: 'a' })
  try {
    if (fresh && header !== undefined) await write(output, stringifyCsv([header]))

    const outcomes = options.query.streamBatch({ ...options, selection, changesOnly: options.changesOnly })
    let first = true
    for await (const outcome of outcomes) {
      if (first && skipFirst && outcome.height === restartAt) {
        first = false
        continue
      }
      first = false
      await write(output, options.format === 'jsonl' ? `${outcome.json}\n` : stringifyCsv([csvRow(outcome, options)]))
      result.linesWritten += 1
      options.onProgress?.(Math.floor((outcome.height - restartAt) / options.step) + 1, total)
    }
    result.heightsComputed = total
    options.onProgress?.(total, total)
  } finally {
    await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())))
  }
  return result
}

/** The settings that decide a backfill's lines, kept next to its output file in `<out>.run.json`. */
interface RunRecord {
  id: string
  fields: string[]
  balances: string[]
  calls: string[]
  from: number
  step: number
  changesOnly: boolean
  format: BackfillFormat
}

function runRecordPath(out: string): string {
  return `${out}.run.json`
}

function runRecordOf(options: BackfillOutputOptions): RunRecord {
  const { id, fields, balances, calls, from, step, changesOnly, format } = options
  return { id, fields, balances, calls, from, step, changesOnly, format }
}

function hasContent(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0
}

/** Writes the run record through a temporary file, so that a crash never leaves half of one. */
function writeRunRecord(options: BackfillOutputOptions): void {
  const path = runRecordPath(options.out)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(runRecordOf(options))}\n`)
  renameSync(`${path}.tmp`, path)
}

/**
 * Rejects resuming a file that another backfill wrote: its run record must exist and match
 * this run in every setting but `--to`, which a rerun may raise to extend the file.
 */
function checkRunRecord(options: BackfillOutputOptions): void {
  const path = runRecordPath(options.out)
  let written: Partial<RunRecord>
  try {
    written = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunRecord>
  } catch {
    throw new QueryError('NC_INVALID_PARAMETER', 400,
      `${options.out} has content but no readable record ${path} of the backfill that wrote it; use a new output file`)
  }

  const expected = runRecordOf(options)
  for (const key of Object.keys(expected) as Array<keyof RunRecord>) {
    if (JSON.stringify(written[key]) !== JSON.stringify(expected[key])) throw otherRun(options.out, describeSetting(key, written[key]))
  }
}

function describeSetting(key: keyof RunRecord, value: unknown): string {
  switch (key) {
    case 'id': return `contract ${String(value)}`
    case 'from': return `a range that starts at height ${String(value)}`
    case 'changesOnly': return `changes_only ${String(value)}`
    case 'fields':
    case 'balances':
    case 'calls': return `other ${key} (${JSON.stringify(value)})`
    default: return `${key} ${JSON.stringify(value)}`
  }
}

function write(output: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    output.write(text, (error) => (error ? reject(error) : resolve()))
  })
}

/**
 * Height of the last complete line of an existing output file, after cutting off a partial
 * last line left by an interrupted run. Undefined when there is no file or no data line yet.
 */
function resumePoint(options: BackfillOutputOptions, header: string[] | undefined): number | undefined {
  const { out: path, format } = options
  if (!existsSync(path)) return undefined

  const fd = openSync(path, 'r+')
  try {
    const size = fstatSync(fd).size
    const tailLength = Math.min(size, 1 << 20)
    const tail = Buffer.alloc(tailLength)
    readSync(fd, tail, 0, tailLength, size - tailLength)

    const end = tail.lastIndexOf(0x0a)
    const completeSize = end < 0 ? 0 : size - tailLength + end + 1
    if (completeSize < size) ftruncateSync(fd, completeSize)
    if (completeSize === 0) return undefined

    // The run record already matched this run, so only the last height is read here.
    const last = tail.subarray(0, end).toString('utf8').split('\n').at(-1) ?? ''
    if (format === 'jsonl') return heightOfJsonLine(path, last)
    if (last === stringifyCsv([header ?? []]).trimEnd()) return undefined
    return parseHeight(path, last.split(',')[0] ?? '')
  } finally {
    closeSync(fd)
  }
}

function heightOfJsonLine(path: string, line: string): number {
  let parsed: { block_height?: unknown }
  try {
    parsed = parseJson(line) as { block_height?: unknown }
  } catch {
    throw new QueryError('NC_INVALID_PARAMETER', 400, `${path} does not end with a backfill JSON line; use a new output file`)
  }
  return parseHeight(path, String(parsed.block_height))
}

function otherRun(path: string, what: string): QueryError {
  return new QueryError('NC_INVALID_PARAMETER', 400, `${path} was written for ${what}, not for this backfill; use a new output file`)
}

function parseHeight(path: string, text: string): number {
  const height = Number(text)
  if (!Number.isInteger(height) || height < 0) {
    throw new QueryError('NC_INVALID_PARAMETER', 400, `${path} does not end with a backfill line (no block height in ${JSON.stringify(text.slice(0, 40))}); use a new output file`)
  }
  return height
}

export function csvHeader(parts: StateParts): string[] {
  return [
    'block_height', 'block_hash', 'timestamp', 'nc_id',
    ...parts.fields.map((name) => `field:${name}`),
    ...parts.balances.map((token) => `balance:${token}`),
    ...parts.calls.map((call) => `call:${call}`),
    'error',
  ]
}

/** Builds one CSV row: values as JSON text (strings bare), errors as `ERROR: <message>`. */
function csvRow(outcome: HeightOutcome, parts: StateParts): string[] {
  if (!outcome.ok) {
    return [String(outcome.height), '', '', '', ...parts.fields.map(() => ''), ...parts.balances.map(() => ''), ...parts.calls.map(() => ''), outcome.error]
  }

  const { snapshot } = outcome.snapshot
  return [
    String(outcome.height),
    outcome.block.hashHex,
    String(outcome.block.timestamp),
    snapshot.nc_id,
    ...parts.fields.map((name) => valueCell(snapshot.fields[name])),
    ...parts.balances.map((token) => balanceCell(snapshot.balances[token])),
    ...parts.calls.map((call) => valueCell(snapshot.calls[call])),
    '',
  ]
}

function valueCell(result: FieldResult | CallResult | undefined): string {
  if (result === undefined) return ''
  if ('errmsg' in result) return `ERROR: ${result.errmsg}`
  return typeof result.value === 'string' ? result.value : stringifyJson(result.value)
}

function balanceCell(result: BalanceResult | undefined): string {
  if (result === undefined) return ''
  if ('errmsg' in result) return `ERROR: ${result.errmsg}`
  return result.value
}
