import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { LRUCache } from 'lru-cache'

import { DecodeError, NcStateError } from '../errors.js'
import { bytesToHex } from '../encoding/hex.js'
import { extractBlueprintSource } from '../encoding/on-chain-blueprint.js'
import { readVertexVersion, TxVersion } from '../encoding/vertex.js'
import type { Logger } from '../logging.js'
import type { NodeStorage } from '../storage/node-storage.js'

export type BlueprintErrorCode =
  /** No built-in file and no vertex has this id (the node's `BlueprintDoesNotExist`). */
  | 'NC_BLUEPRINT_NOT_FOUND'
  /** A vertex has this id but it is not an on-chain blueprint (`OCBInvalidBlueprintVertexType`). */
  | 'NC_BLUEPRINT_NOT_A_BLUEPRINT'
  /** The on-chain blueprint is voided or in no block yet (`OCBBlueprintNotConfirmed`). */
  | 'NC_BLUEPRINT_NOT_CONFIRMED'

/** A blueprint id whose source cannot be served. `details.blueprintId` is the id in hex. */
export class BlueprintError extends NcStateError {
  constructor(code: BlueprintErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, details, options)
  }
}

/** A blueprint's Python source and where it came from. */
export interface BlueprintSource {
  blueprintId: Uint8Array
  source: string
  /** `builtin`: a file of the configured folder. `on-chain`: the blueprint transaction in `tx`. */
  origin: 'builtin' | 'on-chain'
}

export interface BlueprintCatalogOptions {
  /**
   * Folder of `<blueprint id hex>.py` files (lowercase hex) for the node's built-in
   * blueprints, which are not on chain. Without it, only on-chain blueprints are found.
   */
  builtinDir?: string
  /** Upper bound of the source cache, in UTF-16 code units of source text. Default: 16 Mi. */
  cacheMaxChars?: number
  logger?: Logger
}

const DEFAULT_CACHE_MAX_CHARS = 16 * 1024 * 1024

/**
 * Python source of blueprints by blueprint id. As the node's blueprint service does, it looks
 * for a built-in blueprint first and then for an on-chain blueprint transaction, which must
 * not be voided and must be confirmed by a block. A blueprint id names immutable code, so
 * sources are cached without invalidation.
 */
export class BlueprintCatalog {
  private readonly cache: LRUCache<string, BlueprintSource>

  constructor(
    private readonly storage: NodeStorage,
    private readonly options: BlueprintCatalogOptions = {},
  ) {
    const maxSize = options.cacheMaxChars ?? DEFAULT_CACHE_MAX_CHARS
    if (!Number.isSafeInteger(maxSize) || maxSize <= 0) {
      throw new RangeError(`cacheMaxChars must be a positive integer, got ${maxSize}`)
    }
    this.cache = new LRUCache<string, BlueprintSource>({ maxSize, sizeCalculation: (entry) => Math.max(1, entry.source.length) })
  }

  /** Returns the blueprint's Python source. Throws `BlueprintError` or, for unreadable code, `DecodeError`. */
  async getSource(blueprintId: Uint8Array): Promise<string> {
    return (await this.getBlueprint(blueprintId)).source
  }

  /** Returns the blueprint's source with its origin. */
  async getBlueprint(blueprintId: Uint8Array): Promise<BlueprintSource> {
    const idHex = bytesToHex(blueprintId)
    const cached = this.cache.get(idHex)
    if (cached !== undefined) return cached

    const blueprint = (await this.readBuiltin(blueprintId, idHex)) ?? (await this.readOnChain(blueprintId, idHex))
    this.cache.set(idHex, blueprint)
    this.options.logger?.debug('blueprint source loaded', { blueprintId: idHex, origin: blueprint.origin, chars: blueprint.source.length })
    return blueprint
  }

  private async readBuiltin(blueprintId: Uint8Array, idHex: string): Promise<BlueprintSource | undefined> {
    if (this.options.builtinDir === undefined) return undefined

    const path = join(this.options.builtinDir, `${idHex}.py`)
    let source: string
    try {
      source = await readFile(path, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new BlueprintError('NC_BLUEPRINT_NOT_FOUND', `cannot read built-in blueprint ${idHex} from ${path}: ${(cause as Error).message}`,
        { blueprintId: idHex, path }, { cause })
    }
    return { blueprintId, source, origin: 'builtin' }
  }

  private async readOnChain(blueprintId: Uint8Array, idHex: string): Promise<BlueprintSource> {
    const bytes = await this.storage.getVertexBytes(blueprintId)
    if (bytes === undefined) {
      const where = this.options.builtinDir === undefined ? 'no built-in blueprint folder is configured' : `and no file ${idHex}.py in ${this.options.builtinDir}`
      throw new BlueprintError('NC_BLUEPRINT_NOT_FOUND', `blueprint ${idHex} not found: no vertex has this id, ${where}`, { blueprintId: idHex })
    }

    const version = readVertexVersion(bytes)
    if (version !== TxVersion.ON_CHAIN_BLUEPRINT) {
      throw new BlueprintError('NC_BLUEPRINT_NOT_A_BLUEPRINT',
        `vertex ${idHex} is not an on-chain blueprint (version ${version}, expected ${TxVersion.ON_CHAIN_BLUEPRINT})`,
        { blueprintId: idHex, version })
    }

    const metadata = await this.storage.requireMetadata(blueprintId)
    if (metadata.voided_by.length > 0 || metadata.first_block === null) {
      const reason = metadata.voided_by.length > 0 ? 'is voided' : 'is not confirmed by any block'
      throw new BlueprintError('NC_BLUEPRINT_NOT_CONFIRMED', `on-chain blueprint ${idHex} ${reason}`, { blueprintId: idHex })
    }

    try {
      return { blueprintId, source: extractBlueprintSource(bytes), origin: 'on-chain' }
    } catch (cause) {
      if (!(cause instanceof DecodeError)) throw cause
      throw new DecodeError(`code of on-chain blueprint ${idHex} cannot be read: ${cause.message}`, { blueprintId: idHex }, { cause })
    }
  }
}
