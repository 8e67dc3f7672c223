/**
 * The writes of a cache in flight, as the write-side combinators see them, so that a write-through can tell when
 * another write of its key overlapped it. Two writes of one row whose flights overlap may answer in another order
 * than the database applied them, so the one that answers last does not necessarily hold the newest row; the
 * write-through then invalidates instead of storing.
 *
 * A write is in flight from its start to its answer. Its key is known at its start when it comes from the
 * arguments (`keyed`), or only at its answer when it comes from the result (`unkeyed`). Two writes of key `k`
 * overlapped when one answered (with `k`) while the other was in flight:
 * - a keyed write sees every write of its key that started or answered during its flight;
 * - an unkeyed write sees the keyed writes of its key in flight when it answers, and every write that answered
 *   with its key during its flight.
 * Of two writes that overlapped, the one that answers last always sees it (the other was in flight when the first
 * answered, or started during its flight), so what the first may have stored is invalidated by the last. The first
 * sees it too unless the last is unkeyed and had not answered yet.
 *
 * Hygiene: a key with no write in flight holds no memory; once every write has answered, `size` is 0.
 *
 * @internal
 * @since 0.2.0
 */

interface Keyed {
  count: number
  overlapped: boolean
}

interface Unkeyed {
  /** The keys of the writes that answered during this one's flight. */
  readonly seen: Set<string>
}

export interface WritesInFlight {
  /** A keyed write starts; the answer is to be called when it answers, and tells whether another overlapped it. */
  readonly keyed: (key: string) => () => boolean
  /**
   * An unkeyed write starts; the answer is to be called when it answers, with its key (or `undefined` when there is
   * none: the write failed, the key could not be made), and tells whether another write of that key overlapped it.
   */
  readonly unkeyed: () => (key: string | undefined) => boolean
  /** How many keys and unkeyed writes are in flight. */
  readonly size: () => number
}

export const make = (): WritesInFlight => {
  const keyed = new Map<string, Keyed>()
  const unkeyed = new Set<Unkeyed>()
  const answered = (key: string): void => {
    for (const w of unkeyed) w.seen.add(key)
  }
  return {
    keyed: (key) => {
      const w = keyed.get(key)
      const state: Keyed = w ?? { count: 0, overlapped: false }
      if (w === undefined) keyed.set(key, state)
      else state.overlapped = true
      state.count++
      return () => {
        if (--state.count === 0) keyed.delete(key)
        answered(key)
        return state.overlapped
      }
    },
    unkeyed: () => {
      const self: Unkeyed = { seen: new Set() }
      unkeyed.add(self)
      return (key) => {
        unkeyed.delete(self)
        if (key === undefined) return false
        const inFlight = keyed.get(key)
        if (inFlight !== undefined) inFlight.overlapped = true
        answered(key)
        return inFlight !== undefined || self.seen.has(key)
      }
    },
    size: () => keyed.size + unkeyed.size
  }
}
