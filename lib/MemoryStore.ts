/**
 * The default `Store`: an immutable `LruTtl` structure behind a `Ref`, with time from a `Clock`. Each operation
 * is one `Ref.modify` with a pure function of the current version, so a change is a single step and every
 * version taken with `snapshot` stays a valid, unchanging view.
 *
 * It keeps values as they are (they were validated by the cache before they were stored) and does not decode on a
 * hit. Expiry is lazy: no timers, nothing keeps the process alive.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import type { Clock } from './Clock'
import * as LruTtl from './LruTtl'
import * as Ref from './Ref'
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
  const ref = Ref.make(LruTtl.empty<A>(options.maxSize))
  const getSync = (key: string) => ref.modify(LruTtl.get(key, clock.now()))()
  return {
    getSync,
    get: (key) => () => Promise.resolve(E.right(getSync(key))),
    set: (key, value, ttl) => () => {
      const evicted = ref.modify(LruTtl.set(key, value, clock.now(), ttl))()
      if (O.isSome(evicted)) onEvict(evicted.value[0])
      return done
    },
    delete: (key) => () => {
      ref.modify(LruTtl.remove(key))()
      return done
    },
    clear: () => {
      Ref.update(ref, LruTtl.clear)()
      return done
    },
    size: () => Promise.resolve(E.right(LruTtl.size(ref.get()))),
    snapshot: ref.get
  }
}
