// The store of docs/guides/writing-a-store.md, so that jest checks it against the test kit's laws
// (tests/stores.test.ts) even where the guide's code blocks are not run. tests/stores.test.ts also checks that
// the guide shows this same code: change both together.
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { CacheError } from '../../lib/index'
import type { Store } from '../../lib/index'

// guide:begin
interface Entry<A> {
  readonly value: A
  /** When the entry stops answering, on the cache's clock; `Infinity` for no ttl. */
  readonly expiresAt: number
}

/** A `Store` in a `Map`: per-entry ttl on the injected clock, values checked against the codec, a bound on size. */
export const mapStore = <A>(context: Store.StoreContext<A>): Store.Store<A> => {
  const { clock, codec, maxSize, onEvict } = context
  const entries = new Map<string, Entry<A>>()

  /** The entry for `key` if it has not expired; an expired one is removed on the way. */
  const live = (key: string): Entry<A> | undefined => {
    const entry = entries.get(key)
    if (entry === undefined || clock.now() < entry.expiresAt) return entry
    entries.delete(key)
    return undefined
  }

  /** Makes room for one more entry by evicting the oldest written one (a `Map` iterates in insertion order). */
  const makeRoom = (): void => {
    if (maxSize === 0 || entries.size < maxSize) return
    const oldest = entries.keys().next()
    if (oldest.done === true) return
    entries.delete(oldest.value)
    onEvict(oldest.value)
  }

  return {
    // every value `get` answers passed `codec.is` in `set`: the cache need not check hits again
    validatedBy: codec,
    get: (key) => async () => {
      const entry = live(key)
      return E.right(entry === undefined ? O.none : O.some(entry.value))
    },
    // the entry with the milliseconds it has left, for caches with freshness windows (contract C7)
    getEntry: (key) => async () => {
      const entry = live(key)
      if (entry === undefined) return E.right(O.none)
      const expiresIn = entry.expiresAt === Infinity ? undefined : entry.expiresAt - clock.now()
      return E.right(O.some({ value: entry.value, expiresIn }))
    },
    set: (key, value, ttl) => async () => {
      if (!codec.is(value)) return E.left(CacheError.invalidValue(key, [`not a valid ${codec.name}`]))
      entries.delete(key) // a rewritten key becomes the newest
      makeRoom()
      entries.set(key, { value, expiresAt: ttl === undefined ? Infinity : clock.now() + ttl })
      return E.right(undefined)
    },
    delete: (key) => async () => E.right(void entries.delete(key)),
    clear: async () => E.right(entries.clear()),
    size: async () => E.right(entries.size),
    purge: async () => {
      const now = clock.now()
      let removed = 0
      for (const [key, entry] of entries) {
        if (now >= entry.expiresAt) removed += Number(entries.delete(key))
      }
      return E.right(removed)
    }
  }
}
// guide:end
