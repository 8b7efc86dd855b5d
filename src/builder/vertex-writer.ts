import { deflateSync } from 'node:zlib'

import { ByteWriter } from '../encoding/byte-writer.js'
import { CODE_KIND_PYTHON_ZLIB, ON_CHAIN_BLUEPRINT_VERSION } from '../encoding/on-chain-blueprint.js'
import { computeVertexHash, TxVersion, type TxInput, type TxOutput } from '../encoding/vertex.js'
import { BuildError } from './errors.js'

const HASH_LENGTH = 32
const BLOCK_NONCE_LENGTH = 16
const MAX_OUTPUT_VALUE_32 = 2n ** 31n - 1n

/** A regular block (version 0) to serialize; the fields of `ParsedBlock` that it carries. */
export interface BlockDraft {
  signalBits?: number
  outputs: TxOutput[]
  weight: number
  /** Seconds since the Unix epoch. */
  timestamp: number
  /** The parent block first, then the transactions the block confirms. Empty for genesis. */
  parents: Uint8Array[]
  data?: Uint8Array
  /** Unsigned, at most 16 bytes. */
  nonce: bigint
}

/** An on-chain blueprint transaction (version 6) to serialize. */
export interface BlueprintTransactionDraft {
  signalBits?: number
  tokens?: Uint8Array[]
  inputs?: TxInput[]
  outputs?: TxOutput[]
  /**
   * The blueprint's Python source, which is stored zlib-compressed as the node does, or
   * already compressed code to store as is (to reproduce a stored transaction byte for byte).
   */
  code: { source: string } | { compressed: Uint8Array }
  ncPubkey: Uint8Array
  ncSignature: Uint8Array
  weight: number
  timestamp: number
  parents: Uint8Array[]
  /** Unsigned 32-bit. */
  nonce: number
}

/** A serialized vertex and its hash, the key of its rows. */
export interface SerializedVertex {
  hash: Uint8Array
  bytes: Uint8Array
}

/**
 * Serializes a regular block as the node stores it in `tx`: signal bits, version, outputs,
 * weight, timestamp, parents, data (one length byte) and the 16-byte nonce, with no headers.
 */
export function serializeBlock(block: BlockDraft): SerializedVertex {
  const writer = new ByteWriter()
  writer.writeUint8(block.signalBits ?? 0)
  writer.writeUint8(TxVersion.REGULAR_BLOCK)
  writeCount(writer, block.outputs.length, 'block outputs')
  for (const output of block.outputs) writeOutput(writer, output)

  writeGraphFields(writer, block)
  const data = block.data ?? new Uint8Array(0)
  writeCount(writer, data.length, 'bytes of block data')
  writer.writeBytes(data)

  writeNonce(writer, block.nonce)
  return sealed(writer.toBytes())
}

/**
 * Serializes an on-chain blueprint transaction as the node stores it in `tx`: the funds part
 * (tokens, inputs, outputs), the code (version byte, 4-byte length, kind byte and zlib data),
 * the nano public key and signature (one length byte each), the graph part and a 4-byte nonce.
 */
export function serializeBlueprintTransaction(tx: BlueprintTransactionDraft): SerializedVertex {
  const tokens = tx.tokens ?? []
  const inputs = tx.inputs ?? []
  const outputs = tx.outputs ?? []

  const writer = new ByteWriter()
  writer.writeUint8(tx.signalBits ?? 0)
  writer.writeUint8(TxVersion.ON_CHAIN_BLUEPRINT)
  writeCount(writer, tokens.length, 'tokens')
  writeCount(writer, inputs.length, 'inputs')
  writeCount(writer, outputs.length, 'outputs')
  for (const token of tokens) writeHash(writer, token, 'token uid')
  for (const input of inputs) writeInput(writer, input)
  for (const output of outputs) writeOutput(writer, output)

  const compressed = 'compressed' in tx.code ? tx.code.compressed : deflateSync(Buffer.from(tx.code.source, 'utf8'))
  writer.writeUint8(ON_CHAIN_BLUEPRINT_VERSION)
  writer.writeUint32BE(compressed.length + 1)
  writer.writeUint8(CODE_KIND_PYTHON_ZLIB)
  writer.writeBytes(compressed)
  writeShortBytes(writer, tx.ncPubkey, 'nano public key')
  writeShortBytes(writer, tx.ncSignature, 'nano signature')

  writeGraphFields(writer, tx)
  writer.writeUint32BE(tx.nonce)
  return sealed(writer.toBytes())
}

function sealed(bytes: Uint8Array): SerializedVertex {
  return { hash: computeVertexHash(bytes), bytes }
}

function writeGraphFields(writer: ByteWriter, vertex: { weight: number; timestamp: number; parents: Uint8Array[] }): void {
  writer.writeDoubleBE(vertex.weight)
  writer.writeUint32BE(vertex.timestamp)
  writeCount(writer, vertex.parents.length, 'parents')
  for (const parent of vertex.parents) writeHash(writer, parent, 'parent hash')
}

// Values that fit a positive int32 take 4 bytes; larger ones take 8 bytes holding the negated value.
function writeOutput(writer: ByteWriter, output: TxOutput): void {
  if (output.value <= 0n || output.value >= 2n ** 63n) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `output value ${output.value} is out of range; expected 1 to 2^63 - 1`)
  }
  if (output.value <= MAX_OUTPUT_VALUE_32) {
    writer.writeUint32BE(Number(output.value))
  } else {
    writer.writeUint64BE((1n << 64n) - output.value)
  }
  writer.writeUint8(output.tokenData)
  writer.writeUint16BE(output.script.length)
  writer.writeBytes(output.script)
}

function writeInput(writer: ByteWriter, input: TxInput): void {
  writeHash(writer, input.txId, 'input transaction id')
  writer.writeUint8(input.index)
  writer.writeUint16BE(input.data.length)
  writer.writeBytes(input.data)
}

function writeNonce(writer: ByteWriter, nonce: bigint): void {
  if (nonce < 0n || nonce >= 1n << BigInt(8 * BLOCK_NONCE_LENGTH)) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `block nonce ${nonce} does not fit in ${BLOCK_NONCE_LENGTH} unsigned bytes`)
  }
  const bytes = new Uint8Array(BLOCK_NONCE_LENGTH)
  let rest = nonce
  for (let i = BLOCK_NONCE_LENGTH - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  writer.writeBytes(bytes)
}

function writeHash(writer: ByteWriter, hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_LENGTH) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `${what} has ${hash.length} bytes, expected ${HASH_LENGTH}`)
  }
  writer.writeBytes(hash)
}

function writeShortBytes(writer: ByteWriter, bytes: Uint8Array, what: string): void {
  writeCount(writer, bytes.length, `bytes of the ${what}`)
  writer.writeBytes(bytes)
}

function writeCount(writer: ByteWriter, count: number, what: string): void {
  if (count > 0xff) throw new BuildError('NC_BUILD_INVALID_INPUT', `${count} ${what} do not fit the one-byte count; expected at most 255`)
  writer.writeUint8(count)
}
