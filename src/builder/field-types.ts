import type { TypeDescriptor } from '../encoding/nc-type/descriptor.js'

/** Type descriptors of the plain field types that the builder's blueprint models write. */
export const ADDRESS: TypeDescriptor = { kind: 'address' }
export const TOKEN_UID: TypeDescriptor = { kind: 'token_uid' }
export const INT: TypeDescriptor = { kind: 'int' }
export const AMOUNT: TypeDescriptor = { kind: 'amount' }
export const TIMESTAMP: TypeDescriptor = { kind: 'timestamp' }
export const BOOL: TypeDescriptor = { kind: 'bool' }
export const STR: TypeDescriptor = { kind: 'str' }
