/**
 * A fully persistent (immutable from the outside) LRU map with per-entry time-to-live, from `string` keys to
 * values `V`. Time is always an argument (`now`, in milliseconds): nothing here reads a clock or starts a timer,
 * and expiry is lazy.
 *
 * Laws, numbered as everywhere in the library (each is a property test in `tests/LruTtl.test.ts`):
 * 4. **TTL**: an entry written at time `t` with ttl `d` is returned for reads at `now < t + d` and is a miss at
 *    `now >= t + d`. Without a ttl it never expires. A ttl `<= 0` (or `NaN`) stores nothing and removes the key.
 * 5. **LRU**: with `maxSize = n > 0` a version never holds more than `n` entries, and inserting a new key into a
 *    full one evicts the least recently used entry (unless the same `set` reclaimed an expired one: see Reclaim). `get`
 *    (a live hit) and `set` count as use; `peek` and `has` do not. `maxSize = 0` is unbounded. The order is exact
 *    (no sampling, no CLOCK approximation).
 * 6. **Immutability (full persistence)**: every operation returns its result with a version, and every version,
 *    old or new, keeps answering exactly as it did when it was made. Any version can be read *and* operated on,
 *    so histories may branch. An operation that changes nothing (a miss, or a hit on the entry that is already
 *    the most recently used) may return the version it was given. What an operation answers, and what every read
 *    of the version it makes answers, depend only on the version it is given and its arguments. (Which expired
 *    entries a `set` reclaims on its way may also depend on how far the family's shared arrays have grown on
 *    other branches; that shows only in `size` and `keys`, which count expired entries not yet reclaimed.)
 * - **Reclaim** (this module's own law): expired entries do not pile up, with no timer. A `set` that stores an entry first removes the
 *    expired entries among the next 16 slots of a sweep over the structure's slots (it skips the sweep while no
 *    entry can have expired). Along a line of versions, each made from the one before (as a ref cell keeps them),
 *    an entry that has expired is removed by one of the next `ceil(slots / 16)` sets, where `slots` is at most
 *    `max(16, 2 * peak)` (`peak`: the most entries held so far) and at most `maxSize` when bounded. So when at
 *    most one entry expires between two sets (one ttl for every write, writes spread evenly, as under a steady
 *    load), at every point `size <= live + ceil(peak / 8) + 3`, `live` counting the entries not expired: in a
 *    steady state about `1.13 * live`. Entries removed this way expired; they are not evictions, and `set` does
 *    not report them. `purge(now)` removes every expired entry at once.
 *
 * Invariants: `size(t) <= maxSize(t)` when bounded; `keys(t)` lists every entry physically held (expired ones
 * included until something removes them), most recently used first, without duplicates.
 *
 * Design: the versions of one family share one mutable state laid out as lru-cache lays out its own, and reach one
 * another through version diffs ("Baker's trick"); an operation on the newest version mutates the state in place
 * and records a small undo diff, so it costs what a mutable LRU costs plus a small allocation. The engine, with a
 * worked example, is `internal/versionDiffs`; the owning cell a store keeps its versions in (which records no diff
 * while no version it handed out can be reached) is `internal/ownedCell`.
 *
 * Costs: reaching a version `k` operations away from the newest one it was operated on takes `O(k)`; holding an old
 * version keeps every diff made since alive (about 8 bytes per read, 64 per write, plus the values the writes
 * replaced); the current chunk of diffs keeps its recent diffs (at most `max(32, 2 * maxSize)` and 256) and the
 * values they replaced. Reads re-root too, so they write to the family's shared state; no answer changes, and no
 * callback ever runs in the middle of an operation.
 *
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/Option'
import * as O from 'fp-ts/Option'
import * as miss from './internal/miss'
import type { State, Version } from './internal/versionDiffs'
import {
  chunkCapacityFor,
  keysOf,
  lastSavedValue,
  liveEntries,
  makeFamily,
  normalizeMaxSize,
  opGet,
  opPurge,
  opRemove,
  opSet,
  peekAt,
  rooted
} from './internal/versionDiffs'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A version of a persistent LRU + TTL map from `string` keys to values of type `V`. Opaque: use the functions
 * of this module. Every version stays valid and unchanged whatever is done to it or to the versions made from it.
 *
 * @category model
 * @since 0.1.0
 */
export interface LruTtl<V> {
  /** Phantom field for the value type: it does not exist at run time. */
  readonly _V: (_: never) => V
}

const toPublic = <V>(version: Version<V>): LruTtl<V> => version as unknown as LruTtl<V>
const toVersion = <V>(t: LruTtl<V>): Version<V> => t as unknown as Version<V>

/** After an operation that recorded its diffs on the root `self`: `self` if nothing changed, else the new root. */
const result = <V>(state: State<V>, self: LruTtl<V>): LruTtl<V> => {
  const v = toVersion(self)
  return state.rootPosition === v.position && state.rootChunk === v.chunk
    ? self
    : toPublic<V>({ chunk: state.rootChunk, position: state.rootPosition })
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An empty structure that holds at most `maxSize` entries; `0` means unbounded. `maxSize` should be an integer
 * `>= 0` (a cache's config codec checks it); a fractional value is rounded down, and a negative, `NaN` or
 * infinite value means unbounded. Slots are allocated as they are needed (doubling), not up front.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const t = LruTtl.empty<number>(100)
 * assert.deepStrictEqual(LruTtl.size(t), 0)
 * assert.deepStrictEqual(LruTtl.maxSize(t), 100)
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty = <V = never>(maxSize: number): LruTtl<V> => {
  const n = normalizeMaxSize(maxSize)
  return toPublic(makeFamily<V>(n, chunkCapacityFor(n)))
}

// -------------------------------------------------------------------------------------
// data-first implementations and the dual dispatch
// -------------------------------------------------------------------------------------

const getFirst = <V>(self: LruTtl<V>, key: string, now: number): readonly [Option<V>, LruTtl<V>] => {
  const state = rooted(toVersion(self))
  const r = opGet(state, key, now, true)
  return [r === miss.MISS ? O.none : O.some(r), result(state, self)]
}

const setFirst = <V>(
  self: LruTtl<V>,
  key: string,
  value: V,
  now: number,
  ttl?: number
): readonly [Option<readonly [string, V]>, LruTtl<V>] => {
  const state = rooted(toVersion(self))
  const evicted = opSet(state, key, value, now, ttl, true)
  const t = result(state, self)
  // the eviction's undo diff, the last one recorded, holds the evicted value
  return evicted === undefined ? [O.none, t] : [O.some([evicted, lastSavedValue(state)]), t]
}

const removeFirst = <V>(self: LruTtl<V>, key: string): readonly [boolean, LruTtl<V>] => {
  const state = rooted(toVersion(self))
  const removed = opRemove(state, key, true)
  return [removed, result(state, self)]
}

const purgeFirst = <V>(self: LruTtl<V>, now: number): readonly [number, LruTtl<V>] => {
  const state = rooted(toVersion(self))
  const removed = opPurge(state, now, true)
  return [removed, result(state, self)]
}

const peekFirst = <V>(self: LruTtl<V>, key: string, now: number): Option<V> => {
  const r = peekAt(rooted(toVersion(self)), key, now)
  return r === miss.MISS ? O.none : O.some(r)
}

const hasFirst = <V>(self: LruTtl<V>, key: string, now: number): boolean =>
  peekAt(rooted(toVersion(self)), key, now) !== miss.MISS

const entriesFirst = <V>(self: LruTtl<V>, now: number): ReadonlyArray<readonly [string, V]> =>
  liveEntries(rooted(toVersion(self)), now)

// Data-first when the first argument is a version (an object): keys are strings and times are numbers. fp-ts
// 2.16's `dual` is internal to it (absent from its typings) and copies `arguments` on every call, so each
// operation dispatches by hand with fixed parameters.
const isVersion = (u: unknown): boolean => typeof u === 'object' && u !== null

/** Data-first `impl(self, a)` and data-last `impl(a)(self)` in one function (no `arguments`, unlike fp-ts's). */
const dual1 =
  (impl: (self: never, a: never) => unknown) =>
  (a: unknown, b?: unknown): unknown => {
    const f = impl as (self: unknown, a: unknown) => unknown
    return isVersion(a) ? f(a, b) : (self: unknown) => f(self, a)
  }

/** Data-first `impl(self, a, b)` and data-last `impl(a, b)(self)` in one function. */
const dual2 =
  (impl: (self: never, a: never, b: never) => unknown) =>
  (a: unknown, b: unknown, c?: unknown): unknown => {
    const f = impl as (self: unknown, a: unknown, b: unknown) => unknown
    return isVersion(a) ? f(a, b, c) : (self: unknown) => f(self, a, b)
  }

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Looks `key` up at time `now`. A live hit returns its value and a version in which the entry is the most
 * recently used. An expired entry (`now >= expiresAt`) is a miss and is removed from the returned version. A miss
 * or a hit on the most recently used entry returns the same version. Data-first or data-last; the result plugs
 * into a ref cell: `ref.modify(LruTtl.get(key, now))`.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(10), 'a', 1, 0, 1000)
 * const [hit] = pipe(t1, LruTtl.get('a', 999))
 * assert.deepStrictEqual(hit, O.some(1))
 * const [miss, t2] = LruTtl.get(t1, 'a', 1000)
 * assert.deepStrictEqual(miss, O.none)
 * assert.deepStrictEqual(LruTtl.size(t2), 0)
 * assert.deepStrictEqual(LruTtl.size(t1), 1)
 *
 * @category combinators
 * @since 0.1.0
 */
export const get: {
  (key: string, now: number): <V>(self: LruTtl<V>) => readonly [Option<V>, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string, now: number): readonly [Option<V>, LruTtl<V>]
} = /*#__PURE__*/ dual2(getFirst) as typeof get

/**
 * Inserts or overwrites `key` at time `now`; the entry becomes the most recently used and its expiry is reset to
 * `now + ttl` (no `ttl`: it never expires). It first reclaims some expired entries (see Reclaim in the header); these are not
 * returned. When inserting a new key then pushes the size over `maxSize`, the least recently used entry is evicted
 * and returned (whether or not it had expired). A `ttl <= 0` (or `NaN`) stores nothing (and reclaims nothing) and
 * removes the key's old entry, if any.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t1] = pipe(LruTtl.empty<number>(2), LruTtl.set('a', 1, 0))
 * const [, t2] = pipe(t1, LruTtl.set('b', 2, 0))
 * const [evicted, t3] = pipe(t2, LruTtl.set('c', 3, 0))
 * assert.deepStrictEqual(evicted, O.some(['a', 1]))
 * assert.deepStrictEqual(LruTtl.keys(t3), ['c', 'b'])
 * assert.deepStrictEqual(LruTtl.keys(t2), ['b', 'a'])
 *
 * @category combinators
 * @since 0.1.0
 */
export const set: {
  <V>(key: string, value: V, now: number, ttl?: number): (
    self: LruTtl<V>
  ) => readonly [Option<readonly [string, V]>, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string, value: V, now: number, ttl?: number): readonly [
    Option<readonly [string, V]>,
    LruTtl<V>
  ]
} = function (a: unknown, b: unknown, c: unknown, d?: unknown, e?: unknown): unknown {
  return isVersion(a)
    ? setFirst(a as LruTtl<unknown>, b as string, c, d as number, e as number | undefined)
    : (self: LruTtl<unknown>) => setFirst(self, a as string, b, c as number, d as number | undefined)
} as typeof set

/**
 * Removes `key`. The boolean is `true` iff an entry (live or expired) was removed; otherwise the same version is
 * returned.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<string>(0), 'a', 'x', 0)
 * const [removed, t2] = LruTtl.remove(t1, 'a')
 * assert.deepStrictEqual(removed, true)
 * assert.deepStrictEqual(LruTtl.keys(t2), [])
 * assert.deepStrictEqual(LruTtl.remove(t2, 'a')[0], false)
 *
 * @category combinators
 * @since 0.1.0
 */
export const remove: {
  (key: string): <V>(self: LruTtl<V>) => readonly [boolean, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string): readonly [boolean, LruTtl<V>]
} = /*#__PURE__*/ dual1(removeFirst) as typeof remove

/**
 * Removes every entry that has expired at `now` and returns how many it removed (`0`: the same version).
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 10)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * const [removed, t3] = LruTtl.purge(t2, 10)
 * assert.deepStrictEqual(removed, 1)
 * assert.deepStrictEqual(LruTtl.keys(t3), ['b'])
 *
 * @category combinators
 * @since 0.1.0
 */
export const purge: {
  (now: number): <V>(self: LruTtl<V>) => readonly [number, LruTtl<V>]
  <V>(self: LruTtl<V>, now: number): readonly [number, LruTtl<V>]
} = /*#__PURE__*/ dual1(purgeFirst) as typeof purge

/**
 * An empty version with the same `maxSize`. The version it is given is unchanged.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(3), 'a', 1, 0)
 * const t2 = LruTtl.clear(t1)
 * assert.deepStrictEqual([LruTtl.size(t2), LruTtl.maxSize(t2)], [0, 3])
 * assert.deepStrictEqual(LruTtl.size(t1), 1)
 *
 * @category combinators
 * @since 0.1.0
 */
export const clear = <V>(self: LruTtl<V>): LruTtl<V> => {
  const state = toVersion(self).chunk.state
  return toPublic(makeFamily<V>(state.maxSize, state.chunkCapacity))
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The most entries a version may hold; `0` means unbounded.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(LruTtl.maxSize(LruTtl.empty(5)), 5)
 *
 * @category utils
 * @since 0.1.0
 */
export const maxSize = <V>(self: LruTtl<V>): number => toVersion(self).chunk.state.maxSize

/**
 * The number of entries physically held, including expired ones that nothing has removed yet.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(LruTtl.size(t), 1)
 *
 * @category utils
 * @since 0.1.0
 */
export const size = <V>(self: LruTtl<V>): number => rooted(toVersion(self)).size

/**
 * Reads `key` at time `now` without touching recency and without making a version.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(pipe(t, LruTtl.peek('a', 4)), O.some(1))
 * assert.deepStrictEqual(LruTtl.peek(t, 'a', 5), O.none)
 *
 * @category utils
 * @since 0.1.0
 */
export const peek: {
  (key: string, now: number): <V>(self: LruTtl<V>) => Option<V>
  <V>(self: LruTtl<V>, key: string, now: number): Option<V>
} = /*#__PURE__*/ dual2(peekFirst) as typeof peek

/**
 * Whether `key` has a live entry at time `now`; does not touch recency.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(LruTtl.has(t, 'a', 4), true)
 * assert.deepStrictEqual(LruTtl.has('a', 5)(t), false)
 *
 * @category utils
 * @since 0.1.0
 */
export const has: {
  (key: string, now: number): <V>(self: LruTtl<V>) => boolean
  <V>(self: LruTtl<V>, key: string, now: number): boolean
} = /*#__PURE__*/ dual2(hasFirst) as typeof has

/**
 * The keys of every entry physically held (expired ones included), most recently used first.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * const [, t3] = LruTtl.get(t2, 'a', 0)
 * assert.deepStrictEqual(LruTtl.keys(t3), ['a', 'b'])
 * assert.deepStrictEqual(LruTtl.keys(t2), ['b', 'a'])
 *
 * @category utils
 * @since 0.1.0
 */
export const keys = <V>(self: LruTtl<V>): ReadonlyArray<string> => keysOf(rooted(toVersion(self)))

/**
 * The live entries at time `now` as `[key, value]` pairs, most recently used first.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * assert.deepStrictEqual(pipe(t2, LruTtl.entries(0)), [['b', 2], ['a', 1]])
 * assert.deepStrictEqual(LruTtl.entries(t2, 5), [['b', 2]])
 *
 * @category utils
 * @since 0.1.0
 */
export const entries: {
  (now: number): <V>(self: LruTtl<V>) => ReadonlyArray<readonly [string, V]>
  <V>(self: LruTtl<V>, now: number): ReadonlyArray<readonly [string, V]>
} = /*#__PURE__*/ dual1(entriesFirst) as typeof entries

// -------------------------------------------------------------------------------------
// TEMPORARY: the owning cell, re-exported for MemoryStore and the bench
// -------------------------------------------------------------------------------------
