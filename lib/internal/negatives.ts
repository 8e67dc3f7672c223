/**
 * Remembered failures (`ErrorPolicy.cacheFor`): at most one per key, each until a time on the cache's clock. They
 * live in this process only (an error need not be serialisable). The map is bounded: past `limit` keys the oldest
 * remembered failure is forgotten first, and expired ones are dropped when they are read or pass the front.
 *
 * @internal
 * @since 0.2.0
 */

export interface Remembered {
  readonly error: unknown
  readonly until: number
}

export interface Negatives {
  /** The failure remembered for `key` that is still in force at `now`. */
  readonly get: (key: string, now: number) => Remembered | undefined
  readonly remember: (key: string, error: unknown, until: number, now: number) => void
  readonly forget: (key: string) => void
  readonly forgetAll: () => void
}

export const make = (limit: number): Negatives => {
  const remembered = new Map<string, Remembered>()
  /** Drops expired failures from the front (the oldest), and the oldest beyond the limit. */
  const trim = (now: number): void => {
    for (const [key, r] of remembered) {
      if (r.until > now && remembered.size <= limit) return
      remembered.delete(key)
    }
  }
  return {
    get: (key, now) => {
      if (remembered.size === 0) return undefined
      const r = remembered.get(key)
      if (r === undefined || r.until > now) return r
      remembered.delete(key)
      return undefined
    },
    remember: (key, error, until, now) => {
      remembered.delete(key) // a new failure goes to the back
      remembered.set(key, { error, until })
      trim(now)
    },
    forget: (key) => void remembered.delete(key),
    forgetAll: () => remembered.clear()
  }
}
