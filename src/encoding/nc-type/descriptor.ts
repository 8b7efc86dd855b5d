/**
 * JSON description of a field, argument or return type, as hathorlib's NCType would build it
 * from a Python annotation. The sandbox derives these from each blueprint's class annotations
 * and the TypeScript decoders consume them, so this file is the contract between the two.
 *
 * Names follow hathorlib's NCType classes (`VarInt32NCType` is `int`, `VarUint32NCType` is
 * `amount`, `Uint32NCType` is `timestamp`, `Bytes32NCType` is `bytes32`, and so on).
 */
export type TypeDescriptor =
  | { kind: 'bool' }
  | { kind: 'str' }
  | { kind: 'bytes' }
  /** Signed LEB128 of at most 32 bytes (`int`). */
  | { kind: 'int' }
  /** Unsigned LEB128 of at most 32 bytes (`Amount`). */
  | { kind: 'amount' }
  /** 4-byte big-endian unsigned (`Timestamp`). */
  | { kind: 'timestamp' }
  /** 32 raw bytes: `ContractId`, `BlueprintId` or `VertexId`. */
  | { kind: 'bytes32'; name: 'ContractId' | 'BlueprintId' | 'VertexId' }
  /** HTR's one byte 0x00, or a 32-byte token uid. */
  | { kind: 'token_uid' }
  | { kind: 'address' }
  | { kind: 'tx_output_script' }
  /** An `Address` or a `ContractId`, tagged. */
  | { kind: 'caller_id' }
  | { kind: 'signed_data'; inner: TypeDescriptor }
  /** `Optional[X]` and `X | None`. */
  | { kind: 'optional'; inner: TypeDescriptor }
  /** `tuple[A, B, C]` with a fixed number of items. */
  | { kind: 'tuple'; items: TypeDescriptor[] }
  /** `tuple[X, ...]`, and `list[X]` where the field map aliases list to tuple. */
  | { kind: 'variadic_tuple'; item: TypeDescriptor }
  | { kind: 'frozenset'; item: TypeDescriptor }
  | { kind: 'list'; item: TypeDescriptor }
  | { kind: 'set'; item: TypeDescriptor }
  | { kind: 'deque'; item: TypeDescriptor }
  | { kind: 'dict'; key: TypeDescriptor; value: TypeDescriptor }
  | { kind: 'namedtuple'; name: string; fields: NamedType[] }
  | { kind: 'dataclass'; name: string; fields: NamedType[] }
  /** `None` as a return type. */
  | { kind: 'null' }
  /** hathorlib raises `TypeError` when it builds an NCType for this annotation. */
  | { kind: 'unsupported'; annotation: string; reason: string }

export interface NamedType {
  name: string
  type: TypeDescriptor
}

/**
 * How a blueprint field is stored. `value` fields sit under one key; dict, set and list
 * (deque) fields spread over several keys and the state endpoint never renders them whole.
 */
export interface FieldDescription {
  name: string
  /** NCType the node builds for the annotation with its field type map (list is tuple, set is frozenset). */
  type: TypeDescriptor
  /** Container layout of the field in storage. */
  container: 'value' | 'dict' | 'set' | 'list'
  /** Python text of the annotation, for messages. */
  annotation: string
}

export interface MethodDescription {
  name: string
  kind: 'view' | 'public' | 'fallback' | 'internal'
  args: NamedType[]
  returns: TypeDescriptor
}

/** What the sandbox derives from a blueprint's Python class, cached per blueprint id. */
export interface BlueprintDescription {
  blueprintId: string
  /** The class `__name__`, as the endpoint's `blueprint_name`. */
  name: string
  /** Class annotations in definition order. */
  fields: FieldDescription[]
  methods: MethodDescription[]
}
