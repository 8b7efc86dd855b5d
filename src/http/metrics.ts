import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'

import type { StateQuery } from '../query/state-query.js'

/**
 * Prometheus metrics of the server: process figures, and the render cache's hits and misses
 * per kind (field, balance, call), read when scraped.
 */
export function createMetrics(): { registry: Registry; attach(query: StateQuery): void } {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'nc_state_' })

  let query: StateQuery | undefined
  new Gauge({
    name: 'nc_state_render_cache_lookups',
    help: 'Lookups in the render cache since start, by kind and result',
    labelNames: ['kind', 'result'],
    registers: [registry],
    collect() {
      if (query === undefined) return
      for (const [kind, counters] of Object.entries(query.cache.counters)) {
        this.set({ kind, result: 'hit' }, counters.hits)
        this.set({ kind, result: 'miss' }, counters.misses)
      }
    },
  })

  return {
    registry,
    attach(target: StateQuery) {
      query = target
    },
  }
}
