/**
 * A cache's listeners and counters. The listener list is copied on write, so a listener that subscribes or
 * unsubscribes (itself or another) during an event changes who hears the next event, never who hears this one.
 * A listener that throws changes nothing.
 *
 * @internal
 * @since 0.2.0
 */
import type { CacheEvent, Stats } from '../CacheEvent'

export type Counters = { -readonly [K in Exclude<keyof Stats, 'size'>]: number }

export interface Events {
  readonly counters: Counters
  readonly emit: (event: CacheEvent) => void
  /** Whether anybody listens: the hot paths build an event only then. */
  readonly listening: () => boolean
  readonly subscribe: (listener: (event: CacheEvent) => void) => () => void
}

export const make = (onEvent: ((event: CacheEvent) => void) | undefined): Events => {
  let listeners: ReadonlyArray<(event: CacheEvent) => void> = onEvent === undefined ? [] : [onEvent]
  const counters: Counters = {
    hits: 0,
    misses: 0,
    loads: 0,
    loadFailures: 0,
    sets: 0,
    evictions: 0,
    invalidations: 0,
    decodeFailures: 0,
    invalidValues: 0,
    deduped: 0,
    fenced: 0,
    stale: 0,
    refreshes: 0,
    refreshFailures: 0,
    negativeHits: 0,
    timeouts: 0
  }
  return {
    counters,
    emit: (event) => {
      const current = listeners
      for (let i = 0; i < current.length; i++) {
        try {
          ;(current[i] as (event: CacheEvent) => void)(event)
        } catch {
          // a listener's failure must not change what the cache does
        }
      }
    },
    listening: () => listeners.length > 0,
    subscribe: (listener) => {
      listeners = [...listeners, listener]
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        const i = listeners.indexOf(listener)
        if (i >= 0) listeners = [...listeners.slice(0, i), ...listeners.slice(i + 1)]
      }
    }
  }
}
