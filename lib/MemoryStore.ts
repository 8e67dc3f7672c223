/**
 * The default `Store`: an immutable `LruTtl` structure behind a ref cell, with time from a `Clock`. The cell is
 * an owning one (`LruTtl.OwnRef`): each operation is one step on it, the same as its `modify` with the pure
 * `LruTtl` operation, and every version taken with `snapshot` stays a valid, unchanging view. While no snapshot can
 * still be reached, the cell changes the structure in place (nobody can tell); after one is taken it keeps versions
 * as the pure operations do, until the collector has taken every snapshot.
 *
 * It keeps values as they are (they were validated by the cache before they were stored) and does not decode on a
 * hit. Expiry is lazy: no timers, nothing keeps the process alive.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import type { Option } from 'fp-ts/Option'
import * as O from 'fp-ts/Option'
import type { Clock } from './Clock'
import * as LruTtl from './LruTtl'
import type { Store } from './Store'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A `Store` in this process's memory that can also hand out its current version.
 *
 * @category model
 * @since 0.1.0
 */
export interface MemoryStore<A> extends Store<A> {
  /** The current version of the structure: an immutable snapshot that later operations do not change. */
  readonly snapshot: IO<LruTtl.LruTtl<A>>
}

/**
 * What a memory store needs. A `StoreContext` has all of it, so `MemoryStore.make` is a `StoreFactory`.
 *
 * @category model
 * @since 0.1.0
 */
export interface MemoryStoreOptions {
  /** The most entries it may hold; `0` is unbounded. */
  readonly maxSize: number
  readonly clock: Clock
  readonly onEvict?: (key: string) => void
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const done = /*#__PURE__*/ Promise.resolve(E.right(undefined))
const noEvict = (): void => undefined

/**
 * Makes an empty memory store.
 *
 * @example
 * import { Clock, MemoryStore } from 'best-simple-cache'
 * import * as O from 'fp-ts/Option'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const clock = Clock.manual()
 *   const store = MemoryStore.make<string>({ maxSize: 100, clock })
 *   await store.set('k', 'v', 1000)()
 *   assert.deepStrictEqual(await store.get('k')(), E.right(O.some('v')))
 *   clock.advance(1000)()
 *   assert.deepStrictEqual(await store.get('k')(), E.right(O.none))
 * }
 * main()
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <A>(options: MemoryStoreOptions): MemoryStore<A> => {
  const { clock } = options
  const onEvict = options.onEvict ?? noEvict
  const cell = LruTtl.ownRef<A>(options.maxSize)
  const getSync = (key: string): Option<A> => {
    const r = LruTtl.ownGet(cell, key, clock.now())
    return r === LruTtl.MISS ? O.none : O.some(r)
  }
  const setSync = (key: string, value: A, ttl?: number): void => {
    const evicted = LruTtl.ownSet(cell, key, value, clock.now(), ttl)
    if (evicted !== undefined) onEvict(evicted)
  }
  return {
    getSync,
    setSync,
    get: (key) => () => Promise.resolve(E.right(getSync(key))),
    set: (key, value, ttl) => () => {
      setSync(key, value, ttl)
      return done
    },
    delete: (key) => () => {
      LruTtl.ownRemove(cell, key)
      return done
    },
    clear: () => {
      LruTtl.ownClear(cell)
      return done
    },
    size: () => Promise.resolve(E.right(LruTtl.ownSize(cell))),
    snapshot: cell.get
  }
}
