/**
 * The storage interface behind a cache. Every operation is a `TaskEither<CacheError, _>`, so a store can live in
 * this process (`MemoryStore`, the default) or in another one (a Redis store implements the same interface).
 *
 * A cache does not build its store: it is given a `StoreFactory` and calls it once with a `StoreContext`, which
 * carries what a store may need: the cache's name (a key prefix for a shared remote store), the entity codec (a
 * remote store encodes values with it on `set` and decodes them on `get`, answering a `DecodeFailure` when a
 * stored entry does not pass it), the maximum size, the clock, and a callback for evictions.
 *
 * Contract, C1 to C6 (the contract suite, `storeLaws` of `best-simple-cache/testing`, checks these and the cache
 * laws 1, 3, 7, 8 and 9 over a store; every store we ship runs it, and so can yours):
 * C1. `get` after `set(key, a)` answers `some(a)` until the entry expires, is deleted, cleared or evicted.
 * C2. With `ttl = d`, an entry set at time `t` is a miss at `now >= t + d`; without `ttl` it never expires.
 * C3. `delete` and `clear` remove entries; deleting a missing key is not an error.
 * C4. Keys are opaque strings made by a `KeyCodec`; a store may prefix them but must not otherwise change them.
 * C5. An operation takes effect by the time its task completes. A cache never has two writes of one key in flight
 *     at once, so a store may complete operations of different keys in any order.
 * C6. A task never throws and never rejects: a failure is a `Left` (a cache turns a store that breaks this into a
 *     `StoreFailure`, and never lets it escape).
 * C7. Soft expiry (stores that have `getEntry`): `getEntry(key)` answers what `get` answers, with `expiresIn`, the
 *     milliseconds the store will keep the entry for, on the store's own clock (`undefined` for an entry without
 *     ttl); an entry set with ttl `d` at `t` answers `t + d - now`. A cache with freshness windows (see
 *     `Freshness`) reads the entry's phase from it, so it needs no timestamp in the value and compares no clocks
 *     of different processes.
 *
 * Validation: a value reaches a caller only after it passed the entity codec in this process. A store that decodes
 * what it reads with the cache's codec (as a remote store does), or that only accepts values that pass it, says so
 * with `validatedBy`; the cache checks every hit of any other store with `codec.is`.
 *
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import type * as t from 'io-ts'
import type { CacheError } from './CacheError'
import type { Clock } from './Clock'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An io-ts codec for the cached entity: `is` checks a value, `encode` turns it into what a remote store keeps,
 * `decode` validates what comes back.
 *
 * @category model
 * @since 0.1.0
 */
export type EntityCodec<A> = t.Type<A, unknown, unknown>

/**
 * An entry as `Store.getEntry` answers it: the value, and how many more milliseconds the store keeps it
 * (`undefined`: it does not expire).
 *
 * @category model
 * @since 0.2.0
 */
export interface Entry<A> {
  readonly value: A
  readonly expiresIn: number | undefined
}

/**
 * Storage for the entries of one cache.
 *
 * @category model
 * @since 0.1.0
 */
export interface Store<A> {
  /** The entry for `key`, or `none` on a miss (absent or expired). */
  readonly get: (key: string) => TaskEither<CacheError, Option<A>>
  /** Stores `value` under `key`; `ttl` in milliseconds, none meaning the entry does not expire. */
  readonly set: (key: string, value: A, ttl?: number) => TaskEither<CacheError, void>
  /** Removes the entry for `key`, if any. */
  readonly delete: (key: string) => TaskEither<CacheError, void>
  /** Removes every entry of this store. */
  readonly clear: TaskEither<CacheError, void>
  /** How many entries the store holds, where the store can tell cheaply. */
  readonly size?: TaskEither<CacheError, number>
  /**
   * `get`, answered at once, for stores in this process that cannot fail. A cache uses it to answer a hit without
   * a trip through the promise queue; it must agree with `get`.
   */
  readonly getSync?: (key: string) => Option<A>
  /** `set`, done at once, for stores in this process that cannot fail; it must agree with `set`. */
  readonly setSync?: (key: string, value: A, ttl?: number) => void
  /** `get` with the entry's remaining life (contract C7); needed by a cache with freshness windows. */
  readonly getEntry?: (key: string) => TaskEither<CacheError, Option<Entry<A>>>
  /** `getEntry`, answered at once, for stores in this process that cannot fail; it must agree with `getEntry`. */
  readonly getEntrySync?: (key: string) => Option<Entry<A>>
  /** Removes expired entries now and answers how many; for stores that keep them until they are reclaimed. */
  readonly purge?: TaskEither<CacheError, number>
  /**
   * The codec every value `get` answers has passed in this process (decoded with it, or checked by it on `set`).
   * A cache does not check the hits of a store whose `validatedBy` is its own codec.
   */
  readonly validatedBy?: EntityCodec<A>
}

/**
 * What a cache tells its store when it makes it.
 *
 * @category model
 * @since 0.1.0
 */
export interface StoreContext<A> {
  /** The cache's name: a remote store shared by several caches prefixes its keys with it. */
  readonly name: string
  /** The entity codec: a remote store encodes with it on `set` and decodes with it on `get`. */
  readonly codec: EntityCodec<A>
  /** The most entries the store may hold; `0` is unbounded. */
  readonly maxSize: number
  readonly clock: Clock
  /** To be called with the key of each entry the store evicts to make room. */
  readonly onEvict: (key: string) => void
}

/**
 * Makes the store of a cache.
 *
 * @category model
 * @since 0.1.0
 */
export type StoreFactory = <A>(context: StoreContext<A>) => Store<A>
