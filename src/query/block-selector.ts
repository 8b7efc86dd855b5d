import type { BlockInfo, ChainReader } from './chain.js'
import { QueryError } from './errors.js'
import { bytesToHex } from '../encoding/hex.js'
import { parsePythonHex } from './hex.js'

/** The node looks at no more than this many blocks at or before a timestamp for a non-voided one. */
export const MAX_TIMESTAMP_BLOCKS = 100

/** Block selector of a state request. At most one of the three may be set; none selects the best block. */
export interface BlockSelector {
  blockHash?: string
  blockHeight?: number
  timestamp?: number
}

/**
 * Resolves a selector to one non-voided block, with the node's rules and messages: a height
 * through the best-chain height index, a timestamp through the timestamp index (newest first,
 * voided blocks skipped), a hash as given.
 */
export async function selectBlock(chain: ChainReader, selector: BlockSelector): Promise<BlockInfo> {
  const { blockHash, blockHeight, timestamp } = selector
  const given = [blockHash, blockHeight, timestamp].filter((value) => value !== undefined).length
  if (given > 1) {
    throw new QueryError('NC_INVALID_PARAMETER', 400, 'only one of `block_hash`, `block_height`, or `timestamp` must be used')
  }

  let candidates: Uint8Array[] = []
  if (blockHash !== undefined) {
    const hash = parsePythonHex(blockHash)
    if (hash === null) {
      throw new QueryError('NC_INVALID_PARAMETER', 400, `Invalid block_hash parameter: ${blockHash}`, { blockHash })
    }
    // The node treats an empty block_hash as no selector and returns the best block's state.
    if (hash.length > 0) candidates = [hash]
  }

  if (blockHeight !== undefined) {
    const block = await chain.blockAtHeight(blockHeight)
    if (block === undefined) {
      throw new QueryError('NC_BLOCK_NOT_FOUND', 400, `No block hash was found with height ${blockHeight}.`, { blockHeight })
    }
    candidates = [block.hash]
  } else if (timestamp !== undefined) {
    candidates = await chain.blocksAtOrBefore(timestamp, MAX_TIMESTAMP_BLOCKS)
    if (candidates.length === 0) {
      throw new QueryError('NC_BLOCK_NOT_FOUND', 400, `No block hash was found before timestamp ${timestamp}.`, { timestamp })
    }
  }

  if (candidates.length === 0) return chain.bestBlock()

  for (const hash of candidates) {
    const kind = await chain.vertexKind(hash)
    if (kind === undefined) {
      throw new QueryError('NC_BLOCK_NOT_FOUND', 404, `Block ${bytesToHex(hash)} not found.`, { blockHash: bytesToHex(hash) })
    }
    if (kind !== 'block') {
      // The node prints the parameter as given, so the message contains "None" when no hash was passed.
      throw new QueryError('NC_NOT_A_BLOCK', 400, `Invalid block_hash ${blockHash ?? 'None'}.`, { vertex: bytesToHex(hash) })
    }
    const block = await chain.blockByHash(hash)
    if (!block.voided) return block
  }

  throw new QueryError('NC_VOIDED_BLOCK', 404, 'Couldn\'t find non-voided block', { candidates: candidates.map(bytesToHex) })
}
