import { LRUCache } from 'lru-cache'

/** A rendered piece of a response: the value and its JSON text, serialized once. */
export interface Rendered<T = unknown> {
  value: T
  json: string
}

export interface CacheCounters {
  hits: number
  misses: number
}

export interface RenderCacheOptions {
  /** Upper bound of the cached JSON text, in UTF-16 code units (about bytes for ASCII). Default 8 Mi. */
  maxChars?: number
}

const DEFAULT_MAX_CHARS = 8 * 1024 * 1024

/**
 * Weight of an entry's JSON text against the bound. Each entry also keeps its decoded value, an
 * object tree several times the size of its text, so the text counts this many times (an estimate).
 */
const VALUE_WEIGHT = 4

/**
 * Rendered snapshots, fields, balances and view-call results, keyed by the content they
 * depend on. Fields and balances depend on the contract's trie root, and view calls on the
 * block's root id and contract id. Whole snapshots are keyed by both plus the request's parts. Trie roots name immutable content, so entries never go stale; the LRU bound
 * only limits memory. Concurrent requests for the same key share one computation.
 */
export class RenderCache {
  private readonly done: LRUCache<string, Rendered>
  private readonly pending = new Map<string, Promise<Rendered>>()
  readonly counters: Record<'snapshot' | 'field' | 'balance' | 'call', CacheCounters> = {
    snapshot: { hits: 0, misses: 0 },
    field: { hits: 0, misses: 0 },
    balance: { hits: 0, misses: 0 },
    call: { hits: 0, misses: 0 },
  }

  constructor(options: RenderCacheOptions = {}) {
    this.done = new LRUCache<string, Rendered>({
      maxSize: options.maxChars ?? DEFAULT_MAX_CHARS,
      sizeCalculation: (entry) => Math.max(1, (entry.json.length + 64) * VALUE_WEIGHT),
    })
  }

  /** Looks up the rendering of `key` and counts a hit or a miss for `kind`. */
  peek(kind: keyof RenderCache['counters'], key: string): Rendered | Promise<Rendered> | undefined {
    const found = this.done.get(key) ?? this.pending.get(key)
    if (found === undefined) {
      this.counters[kind].misses += 1
    } else {
      this.counters[kind].hits += 1
    }
    return found
  }

  /** Returns the rendering of `key`, computing it with `render` when it is not cached. */
  async get(kind: keyof RenderCache['counters'], key: string, render: () => Promise<Rendered>): Promise<Rendered> {
    const found = this.peek(kind, key)
    if (found !== undefined) return found

    const promise = render()
    this.pending.set(key, promise)
    try {
      const rendered = await promise
      this.done.set(key, rendered)
      return rendered
    } finally {
      this.pending.delete(key)
    }
  }

  /** Stores a rendering computed elsewhere (view calls are computed in groups). */
  set(key: string, rendered: Rendered): void {
    this.done.set(key, rendered)
  }

  /** Returns the share of lookups served from the cache, per kind, from 0 to 1. */
  hitRates(): Record<string, number> {
    const rates: Record<string, number> = {}
    for (const [kind, { hits, misses }] of Object.entries(this.counters)) {
      rates[kind] = hits + misses === 0 ? 0 : hits / (hits + misses)
    }
    return rates
  }
}

/** JSON text of an object from already rendered members, in the given order. */
export function joinObjectJson(members: Iterable<[string, string]>): string {
  const parts: string[] = []
  for (const [key, json] of members) parts.push(`${JSON.stringify(key)}:${json}`)
  return `{${parts.join(',')}}`
}
