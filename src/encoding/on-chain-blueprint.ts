import { constants, inflateSync } from 'node:zlib'
import { DecodeError } from './errors.js'
import { parseTransaction, readVertexVersion, TxVersion } from './vertex.js'

/** The only on-chain blueprint serialization version hathorlib defines. */
export const ON_CHAIN_BLUEPRINT_VERSION = 1

/** Code kind of zlib-compressed Python source. */
export const CODE_KIND_PYTHON_ZLIB = 1

/** Node defaults (hathorlib settings) for the compressed and uncompressed code sizes, in bytes. */
export const CODE_MAX_SIZE_COMPRESSED = 24_000
export const CODE_MAX_SIZE_UNCOMPRESSED = 240_000

export interface BlueprintSourceOptions {
  maxCompressedSize?: number
  maxUncompressedSize?: number
}

/**
 * Extracts the Python source of an on-chain blueprint transaction (a version 6 `tx` value):
 * checks the code version, kind and sizes as the node does, inflates it and decodes UTF-8.
 */
export function extractBlueprintSource(bytes: Uint8Array, options: BlueprintSourceOptions = {}): string {
  const version = readVertexVersion(bytes)
  if (version !== TxVersion.ON_CHAIN_BLUEPRINT) {
    throw new DecodeError(`vertex version ${version} is not an on-chain blueprint (version 6)`, { version })
  }
  const blueprint = parseTransaction(bytes).blueprint!
  const maxCompressed = options.maxCompressedSize ?? CODE_MAX_SIZE_COMPRESSED
  const maxUncompressed = options.maxUncompressedSize ?? CODE_MAX_SIZE_UNCOMPRESSED

  if (blueprint.codeVersion !== ON_CHAIN_BLUEPRINT_VERSION) {
    throw new DecodeError(`unknown on-chain blueprint version ${blueprint.codeVersion}, expected ${ON_CHAIN_BLUEPRINT_VERSION}`)
  }
  // The node's limit applies to the kind byte and the compressed data together.
  const serializedLength = blueprint.compressedCode.length + 1
  if (serializedLength > maxCompressed) {
    throw new DecodeError(`compressed blueprint code of ${serializedLength} bytes exceeds the maximum ${maxCompressed}`)
  }
  if (blueprint.codeKind !== CODE_KIND_PYTHON_ZLIB) {
    throw new DecodeError(`unsupported blueprint code kind ${blueprint.codeKind}, expected ${CODE_KIND_PYTHON_ZLIB} (zlib Python)`)
  }

  return inflateSource(blueprint.compressedCode, maxUncompressed)
}

/**
 * Inflates zlib-compressed source and decodes it as UTF-8. Like Python's `decompressobj`, a
 * stream cut short yields what it holds, and output past `maxLength` is an error.
 */
export function inflateSource(compressed: Uint8Array, maxLength: number = CODE_MAX_SIZE_UNCOMPRESSED): string {
  let source: Buffer
  try {
    source = inflateSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: maxLength })
  } catch (cause) {
    throw new DecodeError(`blueprint code does not inflate within ${maxLength} bytes: ${(cause as Error).message}`, {}, { cause })
  }

  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(source)
  } catch (cause) {
    throw new DecodeError('blueprint code is not valid UTF-8', {}, { cause })
  }
}
