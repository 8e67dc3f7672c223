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
 * C8. Single flight across processes (stores that have `flight`, see `Flight`): `lead` answers `Leader` to one
 *     caller of a missing key at a time across every process sharing the store, while its lease lasts; the others
 *     wait inside `lead` and answer the entry it fills. A `fill` whose ticket was taken before a `delete`, a `set`
 *     or a `clear` of its key (in any process, or before the store lost its data) answers `Fenced` and writes
 *     nothing. Correctness rests on that fence, never on the lease.
 * C9. Tags (stores that have `tags`, see `Tags`): after `tags.invalidate(ts)`, no entry written with one of `ts`
 *     and a `since` read before it is answered, and no such write stores anything; an entry written after, with a
 *     `since` read after, is answered. (A store may also keep out a write with an older `since` whose tags were not
 *     invalidated, when it cannot tell: a tag it has no version of, and its clock moved on.)
 * C10. Many keys at once (stores that have `getMany`): `getMany(keys)` answers, for each key in order, what `get`
 *     of that key answers at that moment.
 *
 * Validation: a value reaches a caller only after it passed the entity codec in this process. A store that decodes
 * what it reads with the cache's codec (as a remote store does), or that only accepts values that pass it, says so
 * with `validatedBy`; the cache checks every hit of any other store with `codec.is`.
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/Either'
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
 * What `Flight.lead` answers: the entry, filled by another process while this one waited (`Found`); a ticket to
 * load the key and `fill` it (`Leader`); or, for a refresh (or a lead that does not wait), that another process is
 * loading it (`Busy`).
 *
 * @category model
 * @since 0.3.0
 */
export type Lead<A> =
  | { readonly _tag: 'Found'; readonly entry: Entry<A> }
  | { readonly _tag: 'Leader'; readonly ticket: unknown }
  | { readonly _tag: 'Busy' }

/**
 * What `Flight.fill` did: `Written`; `Fenced` (a `delete`, `set` or `clear` came after the ticket was taken, or the
 * store lost its data, so the value is not stored); `AlreadyFilled` (a newer value is there).
 *
 * @category model
 * @since 0.3.0
 */
export type Fill = 'Written' | 'Fenced' | 'AlreadyFilled'

/**
 * Single flight across processes, for a store several processes share (contract C8). A cache whose store has it
 * asks `lead` after a miss, before its loader runs, and stores the loaded value with `fill`, never with `set`.
 *
 * - `lead(key, refresh)`: for a missing key, `Leader` to one caller at a time (a lease, renewed by the store while
 *   the load runs), and to the others, once they have waited for it, `Found`. With `refresh`, the key holds a value
 *   being refreshed in the background: `Leader` unless another process refreshes it (`Busy`).
 * - `fill(key, ticket, value, ttl)`: stores the loaded value, unless fenced.
 * - `lead(key, false, false)`, for a batch of keys that must not wait while it holds tickets of its own: `Busy`
 *   instead of waiting when another caller leads the key now.
 * - `release(key, ticket)`: the load ended without a fill (it failed, or was fenced in this process); the waiters
 *   in other processes are woken, and the next of them leads.
 *
 * @category model
 * @since 0.3.0
 */
export interface Flight<A> {
  /** `wait: false` answers `Busy` where `lead` would wait for another caller's load (the default is to wait). */
  readonly lead: (key: string, refresh: boolean, wait?: boolean) => TaskEither<CacheError, Lead<A>>
  /** `tags`: the value's tags; they are checked against the tag clock the ticket was taken at (see `Tags`). */
  readonly fill: (key: string, ticket: unknown, value: A, ttl?: number, tags?: ReadonlyArray<string>) => TaskEither<CacheError, Fill>
  readonly release: (key: string, ticket: unknown) => TaskEither<CacheError, void>
}

/**
 * The tags of an entry, as a cache hands them to `set`: the tags, and the tag clock (`Tags.clock`) read when the
 * load of the value began; without `since`, the value is as new as the write (a write-through `set`).
 *
 * @category model
 * @since 0.4.0
 */
export interface Tagged {
  readonly tags: ReadonlyArray<string>
  readonly since?: unknown
}

/**
 * Tags, for stores that have them (contract C9). Each tag has a version on a clock of the store's own (a counter,
 * never a time). `invalidate(tags)` moves the clock on and gives each tag the new version, in O(tags): no entry is
 * touched, and none is looked for. An entry written with a tag whose version is newer than the entry's `since` is
 * never answered again; a fill or `set` whose `since` is older than an invalidation of one of its tags stores
 * nothing. So a load that began before `invalidate` returned cannot store what it loaded (law 13).
 *
 * A prefix is a tag: give every key of a group the group's prefix as a tag, and invalidate the group by it.
 *
 * @category model
 * @since 0.4.0
 */
export interface Tags {
  /** The tag clock now: a cache reads it when a load begins, and hands it to `set` as the entry's `since`. */
  readonly clock: TaskEither<CacheError, unknown>
  /** `clock`, answered at once, for stores in this process that cannot fail. */
  readonly clockSync?: () => unknown
  /** Makes every entry carrying one of `tags` a miss, and fences the writes of loads begun before. */
  readonly invalidate: (tags: ReadonlyArray<string>) => TaskEither<CacheError, void>
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
  /**
   * Stores `value` under `key`; `ttl` in milliseconds, none meaning the entry does not expire. `tagged`, on a store
   * with `tags`: the entry's tags (see `Tags`).
   */
  readonly set: (key: string, value: A, ttl?: number, tagged?: Tagged) => TaskEither<CacheError, void>
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
  readonly setSync?: (key: string, value: A, ttl?: number, tagged?: Tagged) => void
  /**
   * `get` for many keys in one round trip (contract C10): one answer per key, in order; each is what `get` of that
   * key would answer (a `DecodeFailure` for an entry that does not decode). The outer `Left`: the round trip failed.
   * A batch (`withCacheBatch`) looks its keys up with it; without it, with `get` per key, at once.
   */
  readonly getMany?: (keys: ReadonlyArray<string>) => TaskEither<CacheError, ReadonlyArray<Either<CacheError, Option<A>>>>
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
  /** Single flight across processes and fenced fills, for a store several processes share (contract C8). */
  readonly flight?: Flight<A>
  /** Tags and their invalidation (contract C9). */
  readonly tags?: Tags
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
