import { sha256 } from '@noble/hashes/sha2.js'
import { ByteReader } from './byte-reader.js'
import { DecodeError } from './errors.js'

/**
 * Vertex versions: the second byte of every serialized vertex (hathorlib's `TxVersion`).
 * Version 4, the deprecated nano-contract transaction, is no longer valid.
 */
export const TxVersion = {
  REGULAR_BLOCK: 0,
  REGULAR_TRANSACTION: 1,
  TOKEN_CREATION_TRANSACTION: 2,
  MERGE_MINED_BLOCK: 3,
  POA_BLOCK: 5,
  ON_CHAIN_BLUEPRINT: 6,
} as const

export type TxVersionNumber = (typeof TxVersion)[keyof typeof TxVersion]

const BLOCK_VERSIONS: ReadonlySet<number> = new Set([TxVersion.REGULAR_BLOCK, TxVersion.MERGE_MINED_BLOCK, TxVersion.POA_BLOCK])
const TRANSACTION_VERSIONS: ReadonlySet<number> = new Set([
  TxVersion.REGULAR_TRANSACTION, TxVersion.TOKEN_CREATION_TRANSACTION, TxVersion.ON_CHAIN_BLUEPRINT,
])

const HASH_LENGTH = 32
const BLOCK_NONCE_LENGTH = 16
const MAX_OUTPUT_VALUE_32 = 2n ** 31n - 1n

/** Reads the version byte of a serialized vertex (a `tx` column-family value). */
export function readVertexVersion(bytes: Uint8Array): number {
  const version = bytes[1]
  if (version === undefined) {
    throw new DecodeError(`vertex of ${bytes.length} bytes is too short to carry a version byte`)
  }
  return version
}

/** Classifies a vertex as a block or a transaction by its version byte, and throws for an unknown version. */
export function vertexKind(bytes: Uint8Array): 'block' | 'transaction' {
  const version = readVertexVersion(bytes)
  if (BLOCK_VERSIONS.has(version)) return 'block'
  if (TRANSACTION_VERSIONS.has(version)) return 'transaction'
  throw new DecodeError(`unknown vertex version ${version}`, { version })
}

export function isBlock(bytes: Uint8Array): boolean {
  return vertexKind(bytes) === 'block'
}

export interface TxOutput {
  value: bigint
  /** Token index in the vertex's token list (0 is HTR) and the authority flag (0x80). */
  tokenData: number
  script: Uint8Array
}

export interface TxInput {
  txId: Uint8Array
  index: number
  data: Uint8Array
}

/** Fields every vertex has in its graph part. */
export interface GraphFields {
  weight: number
  /** Seconds since the Unix epoch. */
  timestamp: number
  parents: Uint8Array[]
}

export interface ParsedBlock extends GraphFields {
  version: number
  signalBits: number
  outputs: TxOutput[]
  data: Uint8Array
  /** The 16-byte nonce of a regular block, or null for merge-mined and PoA blocks. */
  nonce: bigint | null
  /**
   * Bytes after the nonce (headers) for a regular block. For merge-mined and PoA blocks it is
   * everything after `data` (AuxPoW, or signer and signature), which this parser leaves opaque.
   */
  rest: Uint8Array
}

export interface OnChainBlueprintFields {
  /** Serialization version of the blueprint code (1 is the only one). */
  codeVersion: number
  /** Code kind byte (1 is zlib-compressed Python). */
  codeKind: number
  compressedCode: Uint8Array
  ncPubkey: Uint8Array
  ncSignature: Uint8Array
}

export interface ParsedTransaction extends GraphFields {
  version: number
  signalBits: number
  tokens: Uint8Array[]
  inputs: TxInput[]
  outputs: TxOutput[]
  /** Present for on-chain blueprint transactions (version 6). */
  blueprint: OnChainBlueprintFields | null
  nonce: number
  /** Raw headers (nano, fee, ...) after the nonce, left unparsed. */
  headers: Uint8Array
}

/** Byte ranges of a vertex's funds, graph, nonce and headers parts, used to compute its hash. */
interface VertexParts {
  fundsEnd: number
  graphEnd: number
  nonceEnd: number
}

/** Parses a serialized block of any block version. */
export function parseBlock(bytes: Uint8Array): ParsedBlock {
  return parseBlockWithParts(bytes).block
}

function parseBlockWithParts(bytes: Uint8Array): { block: ParsedBlock; parts: VertexParts } {
  const version = readVertexVersion(bytes)
  if (!BLOCK_VERSIONS.has(version)) {
    throw new DecodeError(`vertex version ${version} is not a block`, { version })
  }
  const reader = new ByteReader(bytes)

  const signalBits = reader.readUint8()
  reader.readUint8()
  const outputCount = reader.readUint8()
  const outputs = readOutputs(reader, outputCount)
  const fundsEnd = reader.position

  const graph = readGraphFields(reader)
  const data = reader.readBytes(reader.readUint8()).slice()
  const graphEnd = reader.position

  let nonce: bigint | null = null
  if (version === TxVersion.REGULAR_BLOCK) nonce = readNonce(reader, BLOCK_NONCE_LENGTH)
  const nonceEnd = reader.position

  const rest = reader.readRest().slice()
  return {
    block: { version, signalBits, outputs, ...graph, data, nonce, rest },
    parts: { fundsEnd, graphEnd, nonceEnd },
  }
}

/** Parses a regular (version 1) or on-chain blueprint (version 6) transaction. */
export function parseTransaction(bytes: Uint8Array): ParsedTransaction {
  return parseTransactionWithParts(bytes).transaction
}

function parseTransactionWithParts(bytes: Uint8Array): { transaction: ParsedTransaction; parts: VertexParts } {
  const version = readVertexVersion(bytes)
  if (version !== TxVersion.REGULAR_TRANSACTION && version !== TxVersion.ON_CHAIN_BLUEPRINT) {
    throw new DecodeError(`vertex version ${version} is not a regular or on-chain blueprint transaction`, { version })
  }
  const reader = new ByteReader(bytes)

  const signalBits = reader.readUint8()
  reader.readUint8()
  const tokenCount = reader.readUint8()
  const inputCount = reader.readUint8()
  const outputCount = reader.readUint8()
  const tokens: Uint8Array[] = []
  for (let i = 0; i < tokenCount; i++) tokens.push(reader.readBytes(HASH_LENGTH).slice())
  const inputs = readInputs(reader, inputCount)
  const outputs = readOutputs(reader, outputCount)
  const blueprint = version === TxVersion.ON_CHAIN_BLUEPRINT ? readOnChainBlueprintFields(reader) : null
  const fundsEnd = reader.position

  const graph = readGraphFields(reader)
  const graphEnd = reader.position

  const nonce = reader.readUint32BE()
  const nonceEnd = reader.position

  const headers = reader.readRest().slice()
  return {
    transaction: { version, signalBits, tokens, inputs, outputs, blueprint, ...graph, nonce, headers },
    parts: { fundsEnd, graphEnd, nonceEnd },
  }
}

/** Reads a vertex's timestamp, for any block or for a regular or blueprint transaction. */
export function readVertexTimestamp(bytes: Uint8Array): number {
  return vertexKind(bytes) === 'block' ? parseBlock(bytes).timestamp : parseTransaction(bytes).timestamp
}

/**
 * Computes a vertex's hash as the node does. It hashes the funds part, then the graph part
 * with the headers, then both digests with the nonce as 16 bytes, and hashes that digest once
 * more, byte-reversed (all SHA-256). Supports regular blocks and regular or blueprint transactions.
 */
export function computeVertexHash(bytes: Uint8Array): Uint8Array {
  const version = readVertexVersion(bytes)
  let parts: VertexParts
  let nonce: bigint
  if (version === TxVersion.REGULAR_BLOCK) {
    const parsed = parseBlockWithParts(bytes)
    parts = parsed.parts
    nonce = parsed.block.nonce!
  } else if (version === TxVersion.REGULAR_TRANSACTION || version === TxVersion.ON_CHAIN_BLUEPRINT) {
    const parsed = parseTransactionWithParts(bytes)
    parts = parsed.parts
    nonce = BigInt(parsed.transaction.nonce)
  } else {
    throw new DecodeError(`computing the hash of version ${version} vertices is not supported`, { version })
  }

  const fundsHash = sha256(bytes.subarray(0, parts.fundsEnd))
  const graphHash = sha256.create()
    .update(bytes.subarray(parts.fundsEnd, parts.graphEnd))
    .update(bytes.subarray(parts.nonceEnd))
    .digest()
  const nonceBytes = new Uint8Array(BLOCK_NONCE_LENGTH)
  new DataView(nonceBytes.buffer).setBigUint64(8, nonce & 0xffffffffffffffffn, false)
  new DataView(nonceBytes.buffer).setBigUint64(0, nonce >> 64n, false)

  const first = sha256.create().update(fundsHash).update(graphHash).update(nonceBytes).digest()
  return sha256(first).reverse()
}

function readGraphFields(reader: ByteReader): GraphFields {
  const weight = reader.readDoubleBE()
  const timestamp = reader.readUint32BE()
  const parentCount = reader.readUint8()
  const parents: Uint8Array[] = []
  for (let i = 0; i < parentCount; i++) parents.push(reader.readBytes(HASH_LENGTH).slice())
  return { weight, timestamp, parents }
}

function readInputs(reader: ByteReader, count: number): TxInput[] {
  const inputs: TxInput[] = []
  for (let i = 0; i < count; i++) {
    const txId = reader.readBytes(HASH_LENGTH).slice()
    const index = reader.readUint8()
    const data = reader.readBytes(reader.readUint16BE()).slice()
    inputs.push({ txId, index, data })
  }
  return inputs
}

function readOutputs(reader: ByteReader, count: number): TxOutput[] {
  const outputs: TxOutput[] = []
  for (let i = 0; i < count; i++) {
    const value = readOutputValue(reader)
    const tokenData = reader.readUint8()
    const script = reader.readBytes(reader.readUint16BE()).slice()
    outputs.push({ value, tokenData, script })
  }
  return outputs
}

// Output values use 4 bytes when they fit a positive int32, else 8 bytes holding the negated value.
function readOutputValue(reader: ByteReader): bigint {
  const offset = reader.position
  const highByte = reader.bytes[offset]
  if (highByte === undefined) throw new DecodeError(`missing output value at offset ${offset}`)

  if (highByte < 0x80) return BigInt(reader.readUint32BE())

  const raw = reader.readUint64BE()
  const value = (1n << 64n) - raw
  if (value <= MAX_OUTPUT_VALUE_32) {
    throw new DecodeError(`output value ${value} at offset ${offset} fits in 4 bytes but is written in 8`)
  }
  return value
}

function readNonce(reader: ByteReader, length: number): bigint {
  let nonce = 0n
  for (const byte of reader.readBytes(length)) nonce = (nonce << 8n) | BigInt(byte)
  return nonce
}

function readOnChainBlueprintFields(reader: ByteReader): OnChainBlueprintFields {
  const codeVersion = reader.readUint8()
  const codeLength = reader.readUint32BE()
  const code = reader.readBytes(codeLength)
  if (code.length === 0) throw new DecodeError('on-chain blueprint code is empty, expected a code kind byte')
  const codeKind = code[0]!
  const compressedCode = code.slice(1)
  const ncPubkey = reader.readBytes(reader.readUint8()).slice()
  const ncSignature = reader.readBytes(reader.readUint8()).slice()
  return { codeVersion, codeKind, compressedCode, ncPubkey, ncSignature }
}

