import { decodeAttributeValue, findUnsupportedType, valueToJson } from '../encoding/index.js'
import type { BlueprintDescription, FieldDescription } from '../encoding/nc-type/descriptor.js'
import type { BlockInfo, BlueprintDescriber, CallResult, ChainReader, ContractStateReader, ViewCallRunner } from './chain.js'
import { isWellFormedFieldName } from './field-names.js'
import { bytesToHex } from '../encoding/hex.js'
import { parsePythonHex } from './hex.js'

/** The parts of a contract's state a request asks for, in the node's parameter forms. */
export interface StateParts {
  fields: string[]
  balances: string[]
  calls: string[]
}

export type FieldResult = { value: unknown } | { errmsg: string }
export type BalanceResult = { value: string; can_mint: boolean; can_melt: boolean } | { errmsg: string }

/** One contract's state at one block, shaped as the node's answer (snake_case keys). */
export interface Snapshot {
  nc_id: string
  blueprint_id: string
  blueprint_name: string
  fields: Record<string, FieldResult>
  balances: Record<string, BalanceResult>
  calls: Record<string, CallResult>
}

export interface SnapshotDependencies {
  chain: ChainReader
  blueprints: BlueprintDescriber
  viewCalls?: ViewCallRunner
}

export const VIEW_CALLS_UNAVAILABLE = 'view calls are not available: this server runs without the Python sandbox'

/**
 * Builds the snapshot of `contractIdText` at `block`, or returns undefined when the contract does
 * not exist at that block. `contractIdText` is echoed as given, as the node does.
 */
export async function buildSnapshot(
  deps: SnapshotDependencies,
  block: BlockInfo,
  contractId: Uint8Array,
  contractIdText: string,
  parts: StateParts,
): Promise<Snapshot | undefined> {
  if (block.rootId === null) return undefined
  const state = await deps.chain.contractState(block.rootId, contractId)
  if (state === undefined) return undefined

  const blueprintId = await state.blueprintId()
  const blueprint = await deps.blueprints.describe(blueprintId)

  const balances = await renderBalances(state, parts.balances)
  const fields = await renderFields(state, blueprint, parts.fields)
  const calls = await runCalls(deps, block.rootId, contractId, blueprintId, parts.calls)

  return {
    nc_id: contractIdText,
    blueprint_id: bytesToHex(blueprintId),
    blueprint_name: blueprint.name,
    fields,
    balances,
    calls,
  }
}

/** Balances in request order; `__all__` adds every stored balance and ends the list, as in the node. */
export async function renderBalances(state: ContractStateReader, tokens: string[]): Promise<Record<string, BalanceResult>> {
  const out: Record<string, BalanceResult> = Object.create(null)

  for (const token of tokens) {
    if (token === '__all__') {
      for (const [tokenHex, balance] of await state.allBalances()) {
        out[tokenHex] = { value: balance.value.toString(), can_mint: balance.canMint, can_melt: balance.canMelt }
      }
      break
    }

    const tokenUid = parsePythonHex(token)
    if (tokenUid === null) {
      out[token] = { errmsg: 'invalid token id' }
      continue
    }
    const balance = await state.balance(tokenUid)
    out[token] = { value: balance.value.toString(), can_mint: balance.canMint, can_melt: balance.canMelt }
  }

  return out
}

export async function renderFields(
  state: ContractStateReader,
  blueprint: BlueprintDescription,
  names: string[],
): Promise<Record<string, FieldResult>> {
  const out: Record<string, FieldResult> = Object.create(null)
  const byName = new Map<string, FieldDescription>(blueprint.fields.map((field) => [field.name, field]))

  for (const name of names) {
    out[name] = await renderField(state, byName, name)
  }

  return out
}

async function renderField(state: ContractStateReader, byName: Map<string, FieldDescription>, name: string): Promise<FieldResult> {
  if (!isWellFormedFieldName(name)) return { errmsg: 'invalid format' }

  const field = byName.get(name)
  if (field === undefined) return { errmsg: 'not a blueprint field' }

  // The node builds the field's NCType before it reads storage, so a type it cannot build,
  // at any depth, is reported even when the field was never written.
  if (findUnsupportedType(field.type) !== null) return { errmsg: 'field cannot be rendered' }

  const stored = await state.attribute(new TextEncoder().encode(name))
  if (stored === undefined) return { errmsg: 'field not found' }

  const decoded = decodeAttributeValue(field.type, stored)
  if (decoded.deleted) return { errmsg: 'field not found' }
  return { value: valueToJson(field.type, decoded.value) }
}

async function runCalls(
  deps: SnapshotDependencies,
  blockRootId: Uint8Array,
  contractId: Uint8Array,
  blueprintId: Uint8Array,
  calls: string[],
): Promise<Record<string, CallResult>> {
  const out: Record<string, CallResult> = Object.create(null)
  if (calls.length === 0) return out

  if (deps.viewCalls === undefined) {
    for (const call of calls) out[call] = { errmsg: VIEW_CALLS_UNAVAILABLE }
    return out
  }

  const results = await deps.viewCalls.call({ blockRootId, contractId, blueprintId, calls })
  for (const call of calls) {
    out[call] = results[call] ?? { errmsg: VIEW_CALLS_UNAVAILABLE }
  }
  return out
}
