/**
 * JavaScript model of the values hathorlib's NCTypes (de)serialize. The type descriptor that
 * goes with a value selects its shape:
 *
 * | descriptor kind | value |
 * | --- | --- |
 * | `bool` | `boolean` |
 * | `str` | `string` |
 * | `int`, `amount`, `timestamp` | `bigint` (every Python `int` is a bigint, so no digit is lost) |
 * | `bytes`, `tx_output_script` | `Uint8Array` |
 * | `bytes32` (ContractId, BlueprintId, VertexId) | `Uint8Array` of 32 bytes |
 * | `token_uid` | `Uint8Array`: the single byte 0x00 for HTR, else 32 bytes |
 * | `address` | `Uint8Array` of 25 bytes |
 * | `caller_id` | `CallerIdValue`, tagged `address` or `contract` |
 * | `signed_data` | `SignedDataValue` |
 * | `optional` | `null` or the inner value |
 * | `tuple`, `variadic_tuple`, `list`, `deque`, `namedtuple` | `NcValue[]` in stored order |
 * | `frozenset`, `set` | `NcValue[]` in stored order, without duplicates |
 * | `dict` | `Map<NcValue, NcValue>` in stored order (keys compare by identity in a JS Map) |
 * | `dataclass` | `NcRecord`, an object keyed by field name |
 * | `null` | `null` |
 */
export type NcValue =
  | null
  | boolean
  | bigint
  | string
  | Uint8Array
  | CallerIdValue
  | SignedDataValue
  | NcValue[]
  | Map<NcValue, NcValue>
  | NcRecord

/** Dataclass value: one entry per dataclass field. */
export interface NcRecord {
  [field: string]: NcValue
}

/** `CallerId`: a 25-byte address or a 32-byte contract id. */
export type CallerIdValue =
  | { type: 'address'; bytes: Uint8Array }
  | { type: 'contract'; bytes: Uint8Array }

/** `SignedData[T]`: the signed value and the script input (signature) bytes. */
export interface SignedDataValue {
  data: NcValue
  scriptInput: Uint8Array
}

/**
 * JSON as hathorlib's `value_to_json` builds it, with every integer a `bigint` so that the
 * HTTP layer can write it without losing digits (lossless-json).
 */
export type NcJson = null | boolean | bigint | string | NcJson[] | NcJsonObject

export interface NcJsonObject {
  [key: string]: NcJson
}

/** HTR's token uid, the single byte 0x00. */
export const HTR_TOKEN_UID: Uint8Array = Uint8Array.of(0)
