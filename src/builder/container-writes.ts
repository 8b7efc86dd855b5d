import type { TypeDescriptor } from '../encoding/nc-type/descriptor.js'
import { encodeValue } from '../encoding/nc-type/encode.js'
import type { NcValue } from '../encoding/nc-type/value.js'
import {
  containerInitKey, containerLengthKey, dequeItemKey, dequeMetadataKey, dictEntryKey, fieldKey,
} from '../nano/index.js'
import type { ContractChanges } from './contract-changes.js'
import { BuildError } from './errors.js'
import { BOOL } from './field-types.js'

/**
 * The writes hathorlib 0.15's container fields (`nanocontracts/fields/`) make, in their
 * order, for the operations blueprints use most. Each function adds to `changes` what the
 * node's field code would write for one Python statement.
 */

/** Dict and set lengths are `VarUint32NCType`: unsigned LEB128. */
const LENGTH: TypeDescriptor = { kind: 'amount' }
const DEQUE_METADATA: TypeDescriptor = {
  kind: 'dataclass',
  name: '_DequeMetadata',
  fields: [
    { name: 'first_index', type: { kind: 'int' } },
    { name: 'length', type: { kind: 'int' } },
    { name: 'reversed', type: { kind: 'bool' } },
  ],
}

/** Stored state of a list or deque field, which the caller keeps between calls. */
export interface DequeState {
  firstIndex: bigint
  length: bigint
  reversed: boolean
}

/** `self.field = {}`: length 0, then the init flag. */
export function initializeDict(changes: ContractChanges, field: string): void {
  const prefix = fieldKey(field)
  changes.put(containerLengthKey(prefix), LENGTH, 0n)
  changes.put(containerInitKey(prefix), BOOL, true)
}

/**
 * `self.field[key] = value`: a new key first raises the stored length to `newLength`, then
 * the entry is written under the key encoded with the dict's key type.
 */
export function setDictEntry(
  changes: ContractChanges,
  field: string,
  key: { descriptor: TypeDescriptor; value: NcValue },
  value: { descriptor: TypeDescriptor; value: NcValue },
  newLength?: bigint,
): void {
  const prefix = fieldKey(field)
  if (newLength !== undefined) changes.put(containerLengthKey(prefix), LENGTH, newLength)
  changes.put(dictEntryKey(prefix, encodeValue(key.descriptor, key.value)), value.descriptor, value.value)
}

/** `self.field = []`: empty metadata (written twice by the node, once in place), then the init flag. */
export function initializeDeque(changes: ContractChanges, field: string): DequeState {
  const prefix = fieldKey(field)
  const state: DequeState = { firstIndex: 0n, length: 0n, reversed: false }
  changes.put(dequeMetadataKey(prefix), DEQUE_METADATA, dequeMetadataValue(state))
  changes.put(containerInitKey(prefix), BOOL, true)
  return state
}

/** `self.field.append(item)` on a list that is not reversed: the item, then the new metadata. */
export function appendToDeque(changes: ContractChanges, field: string, state: DequeState, item: { descriptor: TypeDescriptor; value: NcValue }): DequeState {
  if (state.reversed) {
    throw new BuildError('NC_BUILD_INVALID_INPUT', `appending to the reversed list ${field} is not supported; the node writes it at the left end`)
  }
  const prefix = fieldKey(field)
  const next: DequeState = { ...state, length: state.length + 1n }
  changes.put(dequeItemKey(prefix, state.firstIndex + state.length), item.descriptor, item.value)
  changes.put(dequeMetadataKey(prefix), DEQUE_METADATA, dequeMetadataValue(next))
  return next
}

function dequeMetadataValue(state: DequeState): NcValue {
  return { first_index: state.firstIndex, length: state.length, reversed: state.reversed }
}
