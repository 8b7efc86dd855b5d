import type { BlueprintDescriber, ChainReader, ViewCallRunner } from './chain.js'
import { type BlockSelector, selectBlock } from './block-selector.js'
import { QueryError } from './errors.js'
import { parsePythonHex } from './hex.js'
import { buildSnapshot, type Snapshot, type StateParts } from './snapshot.js'

export const MAX_BATCH_HEIGHTS = 100

export interface StateRequest extends StateParts {
  /** Contract id as the client sent it (hex); echoed in the answer. */
  id: string
  selector: BlockSelector
}

export interface BatchRequest extends StateParts {
  id: string
  blockHeights: number[]
}

/** A snapshot in a batch answer: the block it was taken at, then the snapshot itself. */
export interface BatchSnapshot extends Snapshot {
  block_height: number
  block_hash: string
  timestamp: number
}

export interface BatchResult {
  success: true
  snapshots: BatchSnapshot[]
  errors: Array<{ block_height: number; error: string }>
  total_requested: number
  total_succeeded: number
  total_failed: number
}

export interface StateQueryOptions {
  chain: ChainReader
  blueprints: BlueprintDescriber
  viewCalls?: ViewCallRunner
}

/**
 * The one state-query module both endpoints call: resolves blocks, builds snapshots and
 * applies the node's rules and messages. Throws `QueryError` for request errors.
 */
export class StateQuery {
  constructor(private readonly options: StateQueryOptions) {}

  /** The single-block endpoint's answer (without the `success` flag, which the HTTP layer adds). */
  async getState(request: StateRequest): Promise<Snapshot> {
    const contractId = parseContractId(request.id, `Invalid id: ${request.id}`)
    const block = await selectBlock(this.options.chain, request.selector)

    const snapshot = await buildSnapshot(this.options, block, contractId, request.id, request)
    if (snapshot === undefined) {
      throw new QueryError('NC_CONTRACT_NOT_FOUND', 404, `Nano contract does not exist at block ${block.hashHex}.`,
        { contractId: request.id, blockHash: block.hashHex })
    }
    return snapshot
  }

  /** One snapshot per requested height, in request order; a height that fails goes to `errors`. */
  async getBatch(request: BatchRequest): Promise<BatchResult> {
    if (request.blockHeights.length === 0) {
      throw new QueryError('NC_INVALID_PARAMETER', 400, 'Missing required parameter: block_heights')
    }
    if (request.blockHeights.length > MAX_BATCH_HEIGHTS) {
      throw new QueryError('NC_INVALID_PARAMETER', 400, `Too many blocks requested. Maximum is ${MAX_BATCH_HEIGHTS}`,
        { count: request.blockHeights.length })
    }
    const contractId = parseContractId(request.id, `Invalid contract id: ${request.id}`)

    const snapshots: BatchSnapshot[] = []
    const errors: BatchResult['errors'] = []

    for (const height of request.blockHeights) {
      const block = await this.options.chain.blockAtHeight(height)
      if (block === undefined) {
        errors.push({ block_height: height, error: `No block found at height ${height}` })
        continue
      }

      const snapshot = await buildSnapshot(this.options, block, contractId, request.id, request)
      if (snapshot === undefined) {
        errors.push({ block_height: height, error: `Nano contract does not exist at block ${block.hashHex}` })
        continue
      }
      snapshots.push({ block_height: height, block_hash: block.hashHex, timestamp: block.timestamp, ...snapshot })
    }

    return {
      success: true,
      snapshots,
      errors,
      total_requested: request.blockHeights.length,
      total_succeeded: snapshots.length,
      total_failed: errors.length,
    }
  }
}

function parseContractId(text: string, message: string): Uint8Array {
  const bytes = parsePythonHex(text)
  if (bytes === null) throw new QueryError('NC_INVALID_PARAMETER', 400, message, { id: text })
  return bytes
}
