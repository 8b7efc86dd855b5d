import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { DecodeError } from '../errors.js'
import { bytesToHex, hexToBytes } from '../encoding/hex.js'
import { extractBlueprintSource } from '../encoding/on-chain-blueprint.js'
import {
  BLUEPRINT_ID_METADATA_KEY,
  BlockState,
  ContractState,
  encodeTrieKey,
  metadataTrieKey,
  runWalkSync,
  trieGetSync,
  type TrieNodeSource,
} from '../nano/index.js'
import type { NodeStorage } from '../storage/node-storage.js'
import { diffTries, TrieKeySet } from './trie-diff.js'
import { ControlSlot, sharedClockNow, STARTED_AT_OFFSET, type WorkerSettings } from './worker-protocol.js'

/**
 * Nodes a diff of two contract roots may read before the worker reads the new root's keys one by
 * one instead. A diff reads about two nodes per level for each changed key, so this allows
 * hundreds of changed keys. A root that differs more is rarely worth starting from.
 */
const MAX_DIFF_NODES = 2048

/** Trie keys of contract attributes start with this tag (hex), and balances with the next, see `src/nano/trie-keys.ts`. */
const ATTRIBUTE_TAG_HEX = '00'
const BALANCE_TAG_HEX = '01'
const BLUEPRINT_ID_TRIE_KEY = encodeTrieKey(metadataTrieKey(BLUEPRINT_ID_METADATA_KEY))

/**
 * Keys of one contract whose reads are tracked to narrow diffs. Past this many, diffs of the
 * contract compare every key, so the tracking costs no more memory.
 */
const MAX_TRACKED_KEYS = 50_000

export type WorkerHost = ReturnType<typeof createWorkerHost>

/**
 * Functions Python calls while a view runs (see `ncsandbox/storage.py`); ids and keys travel as
 * hex strings. `call_started` and `interrupted` share the time budget state with the executor
 * through `settings.controlBuffer`.
 */
export function createWorkerHost(storage: NodeStorage, nodes: TrieNodeSource, settings: Pick<WorkerSettings, 'controlBuffer' | 'builtinBlueprintsDir'>) {
  const control = new Int32Array(settings.controlBuffer, 0, 4)
  const startedAt = new Float64Array(settings.controlBuffer, STARTED_AT_OFFSET, 1)
  let sequence = 0

  // Every contract-trie key Python read through this host, by contract (null once past MAX_TRACKED_KEYS).
  // Python caches only values it read here or got from `changes`, so a diff may skip the other keys.
  const readKeys = new Map<string, TrieKeySet | null>()
  const noteRead = (contractIdHex: string, trieKeyHex: string): void => {
    let keys = readKeys.get(contractIdHex)
    if (keys === null) return
    if (keys === undefined) {
      keys = new TrieKeySet()
      readKeys.set(contractIdHex, keys)
    }
    keys.add(trieKeyHex)
    if (keys.size > MAX_TRACKED_KEYS) readKeys.set(contractIdHex, null)
  }

  return {
    contract_root(blockRootHex: string, contractIdHex: string): string | undefined {
      const root = new BlockState(nodes, hexToBytes(blockRootHex)).getContractRootIdSync(hexToBytes(contractIdHex))
      return root === undefined ? undefined : bytesToHex(root)
    },
    attribute(contractIdHex: string, rootHex: string, trieKeyHex: string): string | undefined {
      noteRead(contractIdHex, trieKeyHex)
      const content = trieGetSync(nodes, hexToBytes(rootHex), hexToBytes(trieKeyHex))
      if (content === undefined) return undefined
      const value = presentValue(content, contractIdHex, trieKeyHex)
      return value === undefined ? undefined : bytesToHex(value)
    },
    balance(contractIdHex: string, rootHex: string, tokenHex: string): string {
      noteRead(contractIdHex, BALANCE_TAG_HEX + tokenHex)
      const balance = new ContractState(nodes, hexToBytes(contractIdHex), hexToBytes(rootHex)).getBalanceSync(hexToBytes(tokenHex))
      return `${balance.value},${balance.canMint ? 1 : 0},${balance.canMelt ? 1 : 0}`
    },
    blueprint_id(contractIdHex: string, rootHex: string): string {
      noteRead(contractIdHex, BLUEPRINT_ID_TRIE_KEY)
      return bytesToHex(new ContractState(nodes, hexToBytes(contractIdHex), hexToBytes(rootHex)).getBlueprintIdSync())
    },
    blueprint_source(blueprintIdHex: string): string | undefined {
      return readBlueprintSource(storage, settings.builtinBlueprintsDir, blueprintIdHex)
    },
    changes(contractIdHex: string, fromRootHex: string, toRootHex: string): string | undefined {
      const keys = readKeys.get(contractIdHex) ?? undefined
      const changes = runWalkSync(nodes, diffTries(hexToBytes(fromRootHex), hexToBytes(toRootHex), MAX_DIFF_NODES, keys))
      if (changes === undefined) return undefined

      return changes.map(({ key, content }) => {
        if (!key.startsWith(ATTRIBUTE_TAG_HEX) || content === null) return `${key}-`
        const value = presentValue(content, contractIdHex, key)
        return value === undefined ? `${key}-` : `${key}=${bytesToHex(value)}`
      }).join(',')
    },
    call_started(callIndex: number): void {
      sequence = sequence >= 0x7fffffff ? 1 : sequence + 1
      startedAt[0] = sharedClockNow()
      Atomics.store(control, ControlSlot.callIndex, callIndex)
      Atomics.store(control, ControlSlot.running, sequence)
    },
    interrupted(): boolean {
      return Atomics.load(control, ControlSlot.target) === Atomics.load(control, ControlSlot.running)
    },
  }
}

/** Returns an attribute's value after its presence byte, or undefined when the node stored it as deleted. */
function presentValue(content: Uint8Array, contractIdHex: string, trieKeyHex: string): Uint8Array | undefined {
  const presence = content[0]
  if (presence === 1) return content.subarray(1)
  if (presence === 0) return undefined
  throw new DecodeError(`attribute with trie key ${trieKeyHex} of contract ${contractIdHex} cannot be decoded: presence byte is ${presence ?? 'missing'}, expected 0 or 1`)
}

/** Source of a built-in blueprint (`<dir>/<id>.py`), else of the on-chain blueprint transaction `id`. */
function readBlueprintSource(storage: NodeStorage, builtinBlueprintsDir: string | undefined, blueprintIdHex: string): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(blueprintIdHex)) return undefined
  if (builtinBlueprintsDir !== undefined) {
    const file = path.join(builtinBlueprintsDir, `${blueprintIdHex}.py`)
    if (existsSync(file)) return readFileSync(file, 'utf8')
  }
  const bytes = storage.source.getSync?.('tx', hexToBytes(blueprintIdHex))
  return bytes === undefined ? undefined : extractBlueprintSource(bytes)
}

