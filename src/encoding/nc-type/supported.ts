import { UnsupportedTypeError } from '../errors.js'
import type { TypeDescriptor } from './descriptor.js'

/**
 * Finds the first `unsupported` descriptor anywhere inside `descriptor`, or returns null.
 * hathorlib fails to build an NCType when any nested annotation is unsupported, before it
 * reads storage, so callers check the whole tree up front.
 */
export function findUnsupportedType(descriptor: TypeDescriptor): { annotation: string; reason: string } | null {
  switch (descriptor.kind) {
    case 'unsupported':
      return { annotation: descriptor.annotation, reason: descriptor.reason }

    case 'signed_data':
    case 'optional':
      return findUnsupportedType(descriptor.inner)

    case 'tuple':
      return firstUnsupported(descriptor.items)

    case 'variadic_tuple':
    case 'frozenset':
    case 'list':
    case 'set':
    case 'deque':
      return findUnsupportedType(descriptor.item)

    case 'dict':
      return firstUnsupported([descriptor.key, descriptor.value])

    case 'namedtuple':
    case 'dataclass':
      return firstUnsupported(descriptor.fields.map((field) => field.type))

    default:
      return null
  }
}

/** Throws `UnsupportedTypeError` when `descriptor` contains an unsupported type at any depth. */
export function assertSupportedType(descriptor: TypeDescriptor): void {
  const unsupported = findUnsupportedType(descriptor)
  if (unsupported !== null) throw new UnsupportedTypeError(unsupported.annotation, unsupported.reason)
}

function firstUnsupported(descriptors: TypeDescriptor[]): { annotation: string; reason: string } | null {
  for (const descriptor of descriptors) {
    const unsupported = findUnsupportedType(descriptor)
    if (unsupported !== null) return unsupported
  }
  return null
}
