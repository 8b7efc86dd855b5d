import { bytesToHex, decodeAttributeValue, findUnsupportedType, valueToJson } from '../encoding/index.js'
import type { FieldDescription } from '../encoding/nc-type/descriptor.js'
import { parseIntegerJson, stringifyJson } from '../json.js'
import type { Balance, BlockInfo, BlueprintDescriber, CallResult, ChainReader, ContractStateReader, ViewCallRunner, ViewCallRunnerRequest } from './chain.js'
import { isWellFormedFieldName } from './field-names.js'
import { parsePythonHex } from './hex.js'
import { joinObjectJson, type RenderCache, type Rendered } from './render-cache.js'

/** The parts of a contract's state a request reads, in the node's parameter forms. */
export interface StateParts {
  fields: string[]
  balances: string[]
  calls: string[]
}

export type FieldResult = { value: unknown } | { errmsg: string }
export type BalanceResult = { value: string; can_mint: boolean; can_melt: boolean } | { errmsg: string }

/** One contract's state at one block, shaped as the node's response (snake_case keys). */
export interface Snapshot {
  nc_id: string
  blueprint_id: string
  blueprint_name: string
  fields: Record<string, FieldResult>
  balances: Record<string, BalanceResult>
  calls: Record<string, CallResult>
}

/** A snapshot with its JSON text, so a batch assembles responses without serializing a part twice. */
export interface RenderedSnapshot {
  /** The snapshot as values. When the view calls came as JSON text only, it is parsed from `membersJson` when first read. */
  readonly snapshot: Snapshot
  /** The snapshot object's members as JSON text, without the surrounding braces. */
  membersJson: string
  /**
   * Equal ids mean equal snapshots for the same request parts: the contract root decides
   * fields and balances, and the block root decides view calls.
   */
  contentId: string
}

export interface SnapshotDependencies {
  chain: ChainReader
  blueprints: BlueprintDescriber
  viewCalls?: ViewCallRunner
  cache: RenderCache
}

export const VIEW_CALLS_UNAVAILABLE = 'view calls are not available: this server runs without the Python sandbox (--no-sandbox)'

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
): Promise<RenderedSnapshot | undefined> {
  if (block.rootId === null) return undefined
  const state = await deps.chain.contractState(block.rootId, contractId)
  if (state === undefined) return undefined

  // A whole snapshot is cached by what decides it, so a batch over unchanged blocks only
  // looks up its contract root.
  const contractRoot = bytesToHex(state.contractRootId)
  const contentId = parts.calls.length === 0 ? contractRoot : `${contractRoot}/${bytesToHex(block.rootId)}`
  const cacheKey = `snapshot/${contentId}/${partsSignature(contractIdText, parts)}`
  const blockRootId = block.rootId
  const rendered = await deps.cache.get('snapshot', cacheKey, async () => {
    const built = await renderSnapshot(deps, state, blockRootId, contractId, contractIdText, parts)
    return { value: built.snapshot, json: built.membersJson }
  })
  return renderedSnapshot(rendered.json, contentId, rendered.value as Snapshot | undefined)
}

function renderedSnapshot(membersJson: string, contentId: string, value: Snapshot | undefined): RenderedSnapshot {
  let snapshot = value
  return {
    membersJson,
    contentId,
    get snapshot() {
      return (snapshot ??= parseSnapshot(membersJson))
    },
  }
}

/** Parses the snapshot that `membersJson` renders, with records shaped as `renderSnapshot` builds them. */
function parseSnapshot(membersJson: string): Snapshot {
  const snapshot = parseIntegerJson(`{${membersJson}}`) as Snapshot
  for (const record of [snapshot.fields, snapshot.balances, snapshot.calls]) Object.setPrototypeOf(record, null)
  return snapshot
}

const signatures = new WeakMap<StateParts, string>()

/** Returns the key that distinguishes requests by contract id text and parts, computed once per request. */
function partsSignature(contractIdText: string, parts: StateParts): string {
  let signature = signatures.get(parts)
  if (signature === undefined) {
    signature = JSON.stringify([contractIdText, parts.fields, parts.balances, parts.calls])
    signatures.set(parts, signature)
  }
  return signature
}

/** Renders a snapshot. `snapshot` is undefined when the view calls came as JSON text only (see `ViewCallRunner.callJson`). */
async function renderSnapshot(
  deps: SnapshotDependencies,
  state: ContractStateReader,
  blockRootId: Uint8Array,
  contractId: Uint8Array,
  contractIdText: string,
  parts: StateParts,
): Promise<{ snapshot: Snapshot | undefined; membersJson: string }> {
  const blueprintId = await state.blueprintId()
  const blueprint = await deps.blueprints.describe(blueprintId)
  const contractRoot = bytesToHex(state.contractRootId)

  // The view calls go to the sandbox first, so its worker runs them while this thread renders the fields and balances.
  const pendingCalls = renderCalls(deps, blockRootId, contractId, state.contractRootId, blueprintId, parts.calls)
  pendingCalls.catch(() => {})
  const balances = await renderBalances(deps.cache, state, contractRoot, parts.balances)
  const fields = await renderFields(deps.cache, state, contractRoot, blueprint.fields, parts.fields)
  const calls = await pendingCalls

  const header = { nc_id: contractIdText, blueprint_id: bytesToHex(blueprintId), blueprint_name: blueprint.name }
  const headerJson = JSON.stringify(header)
  return {
    snapshot: calls.value === undefined ? undefined : { ...header, fields: fields.value, balances: balances.value, calls: calls.value },
    membersJson: `${headerJson.slice(1, -1)},"fields":${fields.json},"balances":${balances.json},"calls":${calls.json}`,
  }
}

/** Keys in first-seen order with the last value, as a Python dict fills. */
type Members<T> = Map<string, Rendered<T>>

function assemble<T>(members: Members<T>): Rendered<Record<string, T>> {
  const value: Record<string, T> = Object.create(null)
  for (const [key, item] of members) value[key] = item.value
  return { value, json: joinObjectJson([...members].map(([key, item]) => [key, item.json])) }
}

function rendered<T>(value: T): Rendered<T> {
  return { value, json: stringifyJson(value) }
}

/** Balances in request order; `__all__` adds every stored balance and ends the list, as in the node. */
async function renderBalances(cache: RenderCache, state: ContractStateReader, contractRoot: string, tokens: string[]) {
  const members: Members<BalanceResult> = new Map()

  for (const token of tokens) {
    if (token === '__all__') {
      const all = await cache.get('balance', `all/${contractRoot}`, async () => {
        const entries = (await state.allBalances()).map(([tokenHex, balance]) => [tokenHex, renderedBalance(balance)] as const)
        return { value: entries, json: entries.map(([, item]) => item.json).join(',') }
      })
      for (const [tokenHex, item] of all.value as Array<[string, Rendered<BalanceResult>]>) members.set(tokenHex, item)
      break
    }

    const tokenUid = parsePythonHex(token)
    if (tokenUid === null) {
      members.set(token, rendered({ errmsg: 'invalid token id' }))
      continue
    }
    const balance = await cache.get('balance', `balance/${contractRoot}/${bytesToHex(tokenUid)}`,
      async () => rendered(balanceResult(await state.balance(tokenUid))))
    members.set(token, balance as Rendered<BalanceResult>)
  }

  return assemble(members)
}

/** Rendered balances by balance object: the chain reader returns the same object for a balance leaf that did not change. */
const renderedBalances = new WeakMap<Balance, Rendered<BalanceResult>>()

function renderedBalance(balance: Balance): Rendered<BalanceResult> {
  let result = renderedBalances.get(balance)
  if (result === undefined) {
    result = rendered(balanceResult(balance))
    renderedBalances.set(balance, result)
  }
  return result
}

function balanceResult(balance: Balance): BalanceResult {
  return { value: balance.value.toString(), can_mint: balance.canMint, can_melt: balance.canMelt }
}

async function renderFields(cache: RenderCache, state: ContractStateReader, contractRoot: string, declared: FieldDescription[], names: string[]) {
  const members: Members<FieldResult> = new Map()
  const byName = new Map<string, FieldDescription>(declared.map((field) => [field.name, field]))

  for (const name of names) {
    const field = await cache.get('field', `field/${contractRoot}/${name}`, async () => rendered(await renderField(state, byName, name)))
    members.set(name, field as Rendered<FieldResult>)
  }

  return assemble(members)
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

/**
 * Renders view calls, each cached by block root, contract and call string. The missing ones run
 * in one group. When the runner gives JSON text (`callJson`), the result has JSON text only.
 */
async function renderCalls(
  deps: SnapshotDependencies,
  blockRootId: Uint8Array,
  contractId: Uint8Array,
  contractRootId: Uint8Array,
  blueprintId: Uint8Array,
  calls: string[],
): Promise<{ value: Record<string, CallResult> | undefined; json: string }> {
  const members: Members<CallResult> = new Map()
  if (calls.length === 0) return assemble(members)

  const prefix = `call/${bytesToHex(blockRootId)}/${bytesToHex(contractId)}/`
  const found = new Map<string, Rendered | Promise<Rendered>>()
  const missing: string[] = []
  for (const call of new Set(calls)) {
    const cached = deps.cache.peek('call', prefix + call)
    if (cached === undefined) missing.push(call)
    else found.set(call, cached)
  }

  if (missing.length > 0) {
    const results = await runCalls(deps.viewCalls, { blockRootId, contractId, contractRootId, blueprintId, calls: missing })
    for (const call of missing) {
      const result = results[call] ?? rendered<CallResult>({ errmsg: VIEW_CALLS_UNAVAILABLE })
      // Without the sandbox nothing was computed, so there is nothing worth keeping.
      if (deps.viewCalls !== undefined) deps.cache.set(prefix + call, result)
      found.set(call, result)
    }
  }

  for (const call of calls) members.set(call, (await found.get(call)!) as Rendered<CallResult>)
  const assembled = assemble(members)
  return deps.viewCalls?.callJson === undefined ? assembled : { value: undefined, json: assembled.json }
}

/** Runs the calls and returns their results by call string, as JSON text, with values when the runner gives them. */
async function runCalls(runner: ViewCallRunner | undefined, request: ViewCallRunnerRequest): Promise<Record<string, Rendered>> {
  const results: Record<string, Rendered> = {}
  if (runner?.callJson !== undefined) {
    for (const [call, json] of Object.entries(await runner.callJson(request))) results[call] = { value: undefined, json }
  } else if (runner !== undefined) {
    for (const [call, result] of Object.entries(await runner.call(request))) results[call] = rendered(result)
  }
  return results
}
