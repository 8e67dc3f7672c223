/**
 * `best-simple-cache/testing`: a test kit for code that uses a cache, and for stores. It holds
 *
 * - `manualClock`: time that moves only when a test says so (the clock to give a cache in tests);
 * - `countCalls`: wraps a loader and counts its calls, those in flight and those settled;
 * - `faultyStore`: wraps a store so that its operations complete late, out of order, or fail, on a schedule drawn
 *   from a seed;
 * - `storeLaws`: the store contract (C1 to C6 of `Store`) and the cache laws that must hold over any store
 *   (single flight, errors not cached, fenced invalidation, lock hygiene, validation), as a list of laws to run
 *   against your own store, with `describeLaws` to register them with jest, vitest or `node:test`.
 *
 * Nothing in the kit reads the wall clock or starts a timer, and it has no dependency beyond the core's peers
 * (fp-ts, io-ts). Everything it draws at random comes from a small seeded generator: the same seed gives the same
 * delays, failures and scenarios on every run, and a failing law names the seed and the scenario.
 *
 * Latency, in `faultyStore` and in the laws, is counted in microtask turns, not milliseconds: an operation delayed
 * by `n` turns completes after `n` more hops through the promise queue. That reorders operations exactly as real
 * latency would (the one issued first may complete last), deterministically and at once, so a test neither
 * sleeps nor needs fake timers; the injected clock is left for what it is for, expiry.
 *
 * @since 0.2.0
 */
import type { IO } from 'fp-ts/IO'
import * as Clock from './Clock'
import type * as Store from './Store'
import * as Hub from './internal/testing/busHub'
import * as CacheLaws from './internal/testing/cacheLaws'
import * as Calls from './internal/testing/countCalls'
import * as Faults from './internal/testing/faultyStore'
import * as Laws from './internal/testing/law'
import * as Contract from './internal/testing/storeContract'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A `Clock` whose time moves only with `advance` (and whose timers fire as it does): the package root's
 * `Clock.ManualClock`, named by this entry too.
 *
 * @category model
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a name of this entry's own, not a re-export, so a consumer's declarations can name it (a re-export, docs-ts shows as a constant)
export interface ManualClock extends Clock.ManualClock {}

/**
 * What makes the store of a cache: the package root's `Store.StoreFactory`, named by this entry too (what the laws
 * and `faultyStore` take, and what `FaultyStore.factory` is).
 *
 * @category model
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a name of this entry's own, not a re-export, so a consumer's declarations can name it (a re-export, docs-ts shows as a constant)
export interface StoreFactory extends Store.StoreFactory {}

/**
 * What a counted function has done so far.
 *
 * @category model
 * @since 0.2.0
 */
export interface CallCount {
  /** How many times the function was called. */
  readonly calls: number
  /** Calls whose result has not settled yet. */
  readonly inFlight: number
  /** Calls whose result has settled: a value, a `Right` or a `Left`, a rejection, or a throw. */
  readonly settled: number
  /** Of the settled calls, those that failed: a throw, a rejection, or a task that answered a `Left`. */
  readonly failed: number
}

/**
 * A function counted by `countCalls`: the same function, plus what it has done.
 *
 * @category model
 * @since 0.2.0
 */
export type Counted<Args extends ReadonlyArray<unknown>, R> = ((...args: Args) => R) & {
  /** The counts now (a new object each time, so it can be compared whole). */
  readonly count: IO<CallCount>
  /** The arguments of every call so far, in the order of the calls. */
  readonly args: IO<ReadonlyArray<Args>>
}

/**
 * How a `faultyStore` misbehaves. Every choice is drawn from `seed`: three draws per operation, in the order the
 * operations run, so the same program with the same seed gets the same schedule.
 *
 * @category model
 * @since 0.2.0
 */
export interface FaultOptions {
  /** The seed of the schedule, an integer. */
  readonly seed: number
  /**
   * An operation waits `0` to `maxDelay` microtask turns (drawn) before it reaches the wrapped store, and as many
   * again (drawn) before it completes, so operations in flight at once complete out of order. Default `0`.
   */
  readonly maxDelay?: number
  /** The chance, from `0` to `1`, that an operation fails with a `StoreFailure` without reaching the wrapped store. Default `0`. */
  readonly failureRate?: number
  /** The operations that may fail; by default all of them. */
  readonly failOn?: ReadonlyArray<StoreOperation['operation']>
}

/**
 * One operation a `faultyStore` completed.
 *
 * @category model
 * @since 0.2.0
 */
export interface StoreOperation {
  /** The operation's place in the order the operations were run (from `0`). */
  readonly index: number
  readonly operation: 'get' | 'getEntry' | 'set' | 'delete' | 'clear' | 'size' | 'purge'
  /** The key, for `get`, `getEntry`, `set` and `delete`. */
  readonly key: string | undefined
  /**
   * `ok` or `error`: it reached the wrapped store, which answered a `Right` or a `Left`; `rejected`: the wrapped
   * store broke its contract and threw or rejected (passed on as it is); `injected`: it failed by the schedule;
   * `down`: it failed because the store was down.
   */
  readonly outcome: 'ok' | 'error' | 'rejected' | 'injected' | 'down'
}

/**
 * A store wrapper made by `faultyStore`.
 *
 * @category model
 * @since 0.2.0
 */
export interface FaultyStore {
  /** The wrapped factory, to give a cache as its `store`. */
  readonly factory: StoreFactory
  /** Every operation completed so far, in the order they completed. */
  readonly operations: IO<ReadonlyArray<StoreOperation>>
  /** While down, every operation fails with a `StoreFailure` without reaching the wrapped store. */
  readonly setDown: (down: boolean) => IO<void>
}

/**
 * A law: a name and an async check that throws an `Error` saying what was expected and what came.
 *
 * @category model
 * @since 0.2.0
 */
export interface Law {
  /** A short, stable id (`C1`, `law 7, reordered`, ...), to pick laws out with a filter. */
  readonly id: string
  /** The id and what the law says, for a test's name. */
  readonly name: string
  readonly run: () => Promise<void>
}

/**
 * The settings of `storeLaws`.
 *
 * @category model
 * @since 0.2.0
 */
export interface LawsOptions {
  /** The seed every drawn scenario comes from, an integer; default `1`. */
  readonly seed?: number
  /** How many scenarios each drawn law runs; default `50`. */
  readonly runs?: number
}

/**
 * The two functions of a test framework that `describeLaws` needs. jest, vitest and `node:test` all have them
 * (pass `{ describe, it: test }` where `test` is the name you use).
 *
 * @category model
 * @since 0.2.0
 */
export interface TestFramework {
  readonly describe: (name: string, body: () => void) => unknown
  readonly it: (name: string, body: () => Promise<void>) => unknown
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A clock for tests, starting at `start` (ms) and moving only with `advance`: `Clock.manual`, here so that a test
 * file needs one import. Give it to a cache (`clock` of `Cache.make`) and expiry happens when the test says so.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'
 * import { manualClock } from 'best-simple-cache/testing'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const clock = manualClock()
 *   const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int, clock, config: { ttl: 1000 } })
 *   let calls = 0
 *   const square = withCacheAsync(squares)((n: number) => (calls++, n * n))
 *   await square(3)
 *   clock.advance(999)()
 *   await square(3) // still fresh
 *   clock.advance(1)()
 *   await square(3) // expired at 1000 ms: loads again
 *   assert.strictEqual(calls, 2)
 * }
 * main()
 *
 * @category constructors
 * @since 0.2.0
 */
export const manualClock: (start?: number) => ManualClock = Clock.manual

/**
 * Wraps `f` so that its calls are counted: `count()` answers how many calls there were, how many are in flight
 * and how many have settled (and failed); `args()` the arguments of each. The wrapped function answers what `f`
 * answers, and keeps its name.
 *
 * What settles a call depends on what `f` returns, looked at when it returns:
 * - a promise (any thenable): when it settles; a rejection is a failure;
 * - a function, that is a `Task` or `TaskEither` (what a `withCache` loader returns): when the task it returned is
 *   run and its promise settles; a `Left` is a failure. Running that task again is not counted again;
 * - anything else: at once. A throw settles the call at once, as a failure, and is thrown on.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'
 * import { countCalls } from 'best-simple-cache/testing'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const users = Cache.unsafeMake({ name: 'user', codec: t.string, key: KeyCodec.int })
 *   const fetchUser = countCalls(async (id: number) => `user ${id}`)
 *   const getUser = withCacheAsync(users)(fetchUser)
 *
 *   const pending = Promise.all([getUser(1), getUser(1), getUser(1)])
 *   assert.deepStrictEqual(fetchUser.count(), { calls: 1, inFlight: 1, settled: 0, failed: 0 })
 *   await pending
 *   await getUser(1) // a hit
 *   assert.deepStrictEqual(fetchUser.count(), { calls: 1, inFlight: 0, settled: 1, failed: 0 })
 *   assert.deepStrictEqual(fetchUser.args(), [[1]])
 * }
 * main()
 *
 * @category constructors
 * @since 0.2.0
 */
export const countCalls: <Args extends ReadonlyArray<unknown>, R>(f: (...args: Args) => R) => Counted<Args, R> =
  Calls.countCalls

/**
 * Wraps a store factory so that the stores it makes misbehave as a remote store does, on a schedule drawn from
 * `options.seed`: each operation is delayed (so operations in flight at once complete out of order), may fail
 * with a `StoreFailure` (`failureRate`, `failOn`), and fails while the store is `setDown`. The delays are
 * microtask turns (see the module's overview), never time. `operations()` lists what completed, and how.
 *
 * The wrapped store keeps `getEntry`, `size`, `purge` and `validatedBy`, and drops `getSync`, `setSync` and
 * `getEntrySync` (which would let a cache answer without a trip through the faults). A bad option (a constant of the test program) throws a
 * `RangeError` naming it.
 *
 * @example
 * import { Cache, KeyCodec, MemoryStore, withCache } from 'best-simple-cache'
 * import { faultyStore } from 'best-simple-cache/testing'
 * import * as E from 'fp-ts/Either'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const store = faultyStore(MemoryStore.make, { seed: 7, maxDelay: 3 })
 *   const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int, store: store.factory })
 *   const square = withCache(squares)((n: number) => TE.right(n * n))
 *
 *   assert.deepStrictEqual(await square(4)(), E.right(16))
 *   store.setDown(true)()
 *   const r = await squares.get(4)()
 *   assert.ok(E.isLeft(r) && r.left._tag === 'StoreFailure')
 *   assert.deepStrictEqual(
 *     store.operations().map((o) => `${o.operation} ${o.outcome}`),
 *     ['get ok', 'set ok', 'get down']
 *   )
 * }
 * main()
 *
 * @category constructors
 * @since 0.2.0
 */
export const faultyStore: (inner: StoreFactory, options: FaultOptions) => FaultyStore = Faults.faultyStore

/**
 * The store contract suite, to run against your own store: the laws every `Store` keeps (C1 to C6 of `Store`,
 * `lazy`, which follows from a task being a `TaskEither`, and `maxSize`, from `StoreContext`) and the cache laws that must hold over any store, those drawn
 * at random checked over `runs` scenarios from `seed`:
 *
 * | id | checks |
 * |---|---|
 * | `C1` | get after set answers the value until delete or clear; a codec whose stored form differs round-trips |
 * | `C2` | ttl: a hit before `t + d`, a miss from `t + d` (the boundaries are drawn); no ttl, no expiry; C7's `expiresIn` |
 * | `C3` | delete and clear remove entries; deleting a missing key is not an error |
 * | `C4` | keys are opaque: separators, `__proto__`, unicode forms, the empty key, long keys |
 * | `C5` | operations of different keys in flight at once each take effect |
 * | `C6` | no task throws or rejects |
 * | `lazy` | a task does nothing until run, and again each time it runs |
| `maxSize` | given `maxSize` n, at most n entries, the newest kept, each eviction reported to `onEvict` |
 * | `C10` | where the store has `getMany`: it answers, key by key, what `get` answers (missing and repeated keys too) |
 * | `law 1` | single flight: concurrent callers run the loader once (`law 8`: nothing held after) |
 * | `law 3` | a failed load stores nothing |
 * | `law 7` | fenced invalidation: no read or load after an invalidate, set or clear answers an older value |
 * | `law 9` | a stored value that fails the codec never reaches a caller |
 * | `law 1, reordered`, `law 7, reordered` | the same, through a `faultyStore` that reorders |
 * | `law 7, failing store` | the same, through a `faultyStore` that also fails a fifth of the operations |
 *
 * Where the store has `getSync`, `setSync`, `size` or `purge`, they are checked to agree with the rest, and where it
 * has `getEntry` or `getEntrySync`, contract C7 is checked with `C1` and `C2`: the entry `get` answers, with the
 * milliseconds it has left (`undefined` without a ttl). Each law
 * makes its own stores, with a `StoreContext` whose clock is a manual one (a store must read time from it) and
 * whose `maxSize` is `0` (but for `maxSize`). A store that cannot keep a law (one whose server keeps the time, for
 * `C2`, or bounds its own memory, for `maxSize`) can leave it out with a filter on `id`.
 *
 * @example
 * import { MemoryStore } from 'best-simple-cache'
 * import { storeLaws } from 'best-simple-cache/testing'
 *
 * async function main() {
 *   for (const law of storeLaws(MemoryStore.make, { runs: 10 })) await law.run() // throws on the first broken law
 * }
 * main()
 *
 * @category constructors
 * @since 0.2.0
 */
export const storeLaws = (factory: StoreFactory, options?: LawsOptions): ReadonlyArray<Law> => {
  const settings = Laws.settingsOf(options)
  return [...Contract.contractLaws(factory, settings), ...CacheLaws.cacheLaws(factory, settings)]
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Registers `laws` as one `describe` block of tests, one `it` per law, with the test framework you pass:
 * `describeLaws('my store', storeLaws(myStore), { describe, it })` in a jest, vitest or `node:test` test file.
 *
 * @example
 * import { MemoryStore } from 'best-simple-cache'
 * import { describeLaws, storeLaws } from 'best-simple-cache/testing'
 * import * as assert from 'assert'
 *
 * // a stand-in for a test framework, recording what is registered
 * const names: Array<string> = []
 * describeLaws('MemoryStore', storeLaws(MemoryStore.make), {
 *   describe: (name, body) => {
 *     names.push(name)
 *     body()
 *   },
 *   it: (name) => names.push(`- ${name}`)
 * })
 * assert.strictEqual(names[0], 'MemoryStore')
 * assert.ok(names.includes('- C1: get after set answers the value, until the entry is deleted or cleared'))
 *
 * @category utils
 * @since 0.2.0
 */
export const describeLaws: (title: string, laws: ReadonlyArray<Law>, framework: TestFramework) => void = Laws.describeLaws

/**
 * A bus hub in this process, for tests of tiered stores: each `bus()` of it hears the others' messages at once.
 * `cut(bus)` takes a bus off (its listeners hear `reset(false)`, and no message reaches it until `heal(bus)`, which
 * they hear as `reset(true)`); `drop(n)` loses the next n messages with no reset, as a lost message would be.
 *
 * @example
 * import { Bus } from 'best-simple-cache'
 * import { busHub } from 'best-simple-cache/testing'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const hub = busHub()
 *   const a = hub.bus()
 *   const b = hub.bus()
 *   const heard: Array<Bus.Message> = []
 *   b.subscribe({ message: (m) => void heard.push(m), reset: () => undefined })
 *   await a.publish({ _tag: 'Cleared', cache: 'users' })()
 *   assert.deepStrictEqual(heard, [{ _tag: 'Cleared', cache: 'users' }])
 * }
 * main()
 *
 * @category buses
 * @since 0.4.0
 */
export const busHub: () => BusHub = Hub.busHub

/**
 * A hub of buses in this process (see `busHub`).
 *
 * @category buses
 * @since 0.4.0
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a name of this entry's own, as ManualClock above
export interface BusHub extends Hub.BusHub {}
