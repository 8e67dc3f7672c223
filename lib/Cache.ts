/**
 * The entity cache: a name, an io-ts codec for the entity, a key codec for the arguments, a store, a validated
 * config, and the per-key locks that make loads single-flight. `withCache`, `invalidateAfter` and
 * `refreshAfterBy` are built on it; its own operations (`get`, `set`, `invalidate`, `clear`, ...) are
 * `TaskEither`s.
 *
 * Laws (each has a test):
 * 1. Single flight: concurrent loads of one missing key run the loader once; every caller gets its result.
 * 2. Independence: loads of different keys never wait on each other.
 * 3. Errors are not cached: a failed load stores nothing and the next call loads again.
 * 7. Fenced invalidation: `invalidate` (or `set`, or `clear`) during a load keeps that load's result out of the
 *    store; its callers still receive it.
 * 8. Lock hygiene: once every call has settled, no key holds a lock or an in-flight entry.
 * 9. Validation: a value reaches a caller only after it passed the entity codec in this process. A stored entry
 *    that fails it is a miss (deleted and reported); a loaded value that fails it is not stored and fails the call
 *    with an `InvalidValue`.
 * 11. Disabled: with `disabled: true` every call runs the loader and nothing is stored.
 * 12. Invalid config is rejected by `make` with a message naming each bad field.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import type { Option } from 'fp-ts/Option'
import type { Task } from 'fp-ts/Task'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as CE from './CacheError'
import type { KeyEncodeFailure } from './CacheError'
import type * as CacheEvents from './CacheEvent'
import * as Clock from './Clock'
import type * as Config from './Config'
import type { KeyCodec } from './KeyCodec'
import * as MemoryStore from './MemoryStore'
import type { EntityCodec, Store, StoreFactory } from './Store'
import * as Engine from './internal/engine'
import * as Events from './internal/events'
import { toKey } from './internal/keyEncoding'
import { check } from './internal/options'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A cache of entities `A`, looked up by the arguments `Args` of the functions it caches.
 *
 * @category model
 * @since 0.1.0
 */
export interface Cache<A, Args extends ReadonlyArray<unknown>> {
  readonly name: string
  readonly codec: EntityCodec<A>
  readonly config: Config.ResolvedConfig<A>
  /** The store, as the cache's store factory made it. */
  readonly store: Store<A>
  /** The key the arguments make. */
  readonly keyOf: (...args: Args) => Either<KeyEncodeFailure, string>
  /**
   * The entry for the arguments. A stored entry that fails the codec is deleted, reported and a miss. With freshness
   * windows, a stale entry is answered while it is servable (its stale-while-revalidate window), not after.
   */
  readonly get: (...args: Args) => TaskEither<CacheError, Option<A>>
  /** The entry for a key made by `keyOf`. */
  readonly getByKey: (key: string) => TaskEither<CacheError, Option<A>>
  /**
   * Stores `value` for the arguments (write-through); a load of that key in flight will not overwrite it. A value
   * that fails the codec is an `InvalidValue`, and nothing is stored.
   */
  readonly set: (value: A, ...args: Args) => TaskEither<CacheError, void>
  /** Stores `value` under a key made by `keyOf` (the value first, as in `set`). */
  readonly setByKey: (value: A, key: string) => TaskEither<CacheError, void>
  /** Removes the entry for the arguments, and fences a load of that key in flight. */
  readonly invalidate: (...args: Args) => TaskEither<CacheError, void>
  /** Removes the entry for a key made by `keyOf`, and fences a load of that key in flight. */
  readonly invalidateByKey: (key: string) => TaskEither<CacheError, void>
  /** Removes every entry, and fences every load in flight. */
  readonly clear: TaskEither<CacheError, void>
  /**
   * Makes every entry carrying one of `tags` (see the `tags` option) a miss, in every process sharing the store,
   * and keeps out the values of loads that began before it (law 13). O(tags): no entry is looked for.
   */
  readonly invalidateTags: (tags: ReadonlyArray<string>) => TaskEither<CacheError, void>
  /** Removes the expired entries a store keeps until they are reclaimed; answers how many. */
  readonly purge: TaskEither<CacheError, number>
  /** The counters, and the store's size where it can tell. */
  readonly stats: Task<CacheEvents.Stats>
  /**
   * Calls `listener` with every event until the returned `IO` is run. A listener that (un)subscribes during an
   * event changes who hears the next one, not this one.
   */
  readonly subscribe: (listener: (event: CacheEvents.CacheEvent) => void) => IO<void>
  /** How many loads are in flight now. */
  readonly inFlight: IO<number>
}

/**
 * What every cache is made from.
 *
 * @category model
 * @since 0.1.0
 */
export interface BaseOptions<A> {
  /** Names the cache in errors and events, and prefixes its keys in a shared remote store. */
  readonly name: string
  /** Validates what is stored and what comes back from the store. */
  readonly codec: EntityCodec<A>
  /** `ttl`, `maxSize`, `disabled`, the freshness windows and the error policy; validated by `make`. */
  readonly config?: Config.Config<A>
  /** Makes the store; the default is `MemoryStore.make`. */
  readonly store?: StoreFactory
  /** The default is one `Clock.coarse()` shared by every cache: the process clock read about once a millisecond (its lag is bounded, see `Clock.coarse`). */
  readonly clock?: Clock.Clock
  /** Called with every event (see `subscribe`). */
  readonly onEvent?: (event: CacheEvents.CacheEvent) => void
}

/**
 * Options of a cache for functions of one argument: `key` encodes that argument.
 *
 * @category model
 * @since 0.1.0
 */
export interface KeyOptions<A, K> extends BaseOptions<A> {
  readonly key: KeyCodec<K>
  /**
   * The tags of a loaded value (and of a value `set`), from it and the call's argument; `invalidateTags` of any of
   * them makes the entry a miss. A prefix is a tag: tag every entry of a group with the group's name. The store
   * must have tags (`Store.tags`; the memory and Redis stores do).
   */
  readonly tags?: (value: A, arg: K) => ReadonlyArray<string>
}

/**
 * Options of a cache for functions of several positional arguments: `args` encodes the argument list.
 *
 * @category model
 * @since 0.1.0
 */
export interface ArgsOptions<A, Args extends ReadonlyArray<unknown>> extends BaseOptions<A> {
  readonly args: KeyCodec<Args>
  /** The tags of a loaded value, from it and the call's arguments (see `KeyOptions.tags`). */
  readonly tags?: (value: A, ...args: Args) => ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const defaultClock = /*#__PURE__*/ Clock.coarse()

/**
 * Makes a cache, validating its options and config: a missing or wrongly typed field (`name`, `codec`, `key` or
 * `args`, `store`, `clock`, `onEvent`, or one of the config's) is a `Left` of `InvalidConfig` naming it. Give `key` for functions of one argument (an object of named parameters,
 * as the Python package's keyword arguments) or `args` for functions of positional arguments.
 *
 * @example
 * import { Cache, KeyCodec } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const User = t.type({ id: t.number, name: t.string })
 * const users = Cache.make({ name: 'user', codec: User, key: KeyCodec.struct({ userId: KeyCodec.int }), config: { ttl: 60_000 } })
 * assert.ok(E.isRight(users))
 *
 * const bad = Cache.make({ name: 'user', codec: User, key: KeyCodec.int, config: { ttl: -5, maxSize: 1.5 } })
 * assert.deepStrictEqual(
 *   E.mapLeft((e: Cache.CacheError) => (e._tag === 'InvalidConfig' ? e.fields.map((f) => f.field) : []))(bad),
 *   E.left(['ttl', 'maxSize'])
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export function make<A, K>(options: KeyOptions<A, K>): Either<CacheError, Cache<A, readonly [K]>>
export function make<A, Args extends ReadonlyArray<unknown>>(
  options: ArgsOptions<A, Args>
): Either<CacheError, Cache<A, Args>>
export function make<A>(
  options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>
): Either<CacheError, Cache<A, ReadonlyArray<unknown>>> {
  const config = check(options)
  if (E.isLeft(config)) return config
  try {
    return build(options, config.right as Config.ResolvedConfig<A>)
  } catch (e) {
    const message = `the store factory threw: ${e instanceof Error ? e.message : String(e)}`
    return E.left(CE.invalidConfig(options.name, [{ field: 'store', message }]))
  }
}

/**
 * `make`, for a config known to be valid (a constant in the program): it throws a `TypeError` naming the bad
 * fields instead of returning a `Left`.
 *
 * @example
 * import { Cache, KeyCodec } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * assert.throws(
 *   () => Cache.unsafeMake({ name: 'user', codec: t.string, key: KeyCodec.int, config: { ttl: Infinity } }),
 *   /invalid config for cache "user": ttl: expected a finite number of milliseconds >= 0 \(or a function of the value\), got Infinity/
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export function unsafeMake<A, K>(options: KeyOptions<A, K>): Cache<A, readonly [K]>
export function unsafeMake<A, Args extends ReadonlyArray<unknown>>(options: ArgsOptions<A, Args>): Cache<A, Args>
export function unsafeMake<A>(
  options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>
): Cache<A, ReadonlyArray<unknown>> {
  const c = make(options as ArgsOptions<A, ReadonlyArray<unknown>>)
  if (E.isLeft(c)) throw new TypeError(CE.message(c.left), { cause: c.left })
  return c.right
}


const keyFunctions = <A>(
  options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>
): Pick<Engine.EngineOptions<A>, 'keyOfArgs' | 'keyOfArg'> => {
  if ('key' in options && options.key !== undefined) {
    const keyOfArg = toKey(options.key)
    return { keyOfArg, keyOfArgs: (args) => keyOfArg(args[0]) }
  }
  return { keyOfArg: undefined, keyOfArgs: toKey((options as ArgsOptions<A, ReadonlyArray<unknown>>).args) }
}

/** The `tags` option over a call's argument list. */
const tagsOf = <A>(options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>): Engine.EngineOptions<A>['tagsOf'] => {
  const { tags } = options
  if (tags === undefined) return undefined
  if ('key' in options && options.key !== undefined) return (value, args) => (tags as KeyOptions<A, unknown>['tags'] & {})(value, args[0])
  return (value, args) => (tags as (value: A, ...args: ReadonlyArray<unknown>) => ReadonlyArray<string>)(value, ...args)
}

const build = <A>(
  options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>,
  config: Config.ResolvedConfig<A>
): Either<CacheError, Cache<A, ReadonlyArray<unknown>>> => {
  const { name, codec } = options
  const events = Events.make(options.onEvent)
  const clock = options.clock ?? defaultClock
  const store = (options.store ?? MemoryStore.make)<A>({
    name,
    codec,
    maxSize: config.maxSize,
    clock,
    onEvict: (key) => {
      events.counters.evictions++
      if (events.listening()) events.emit({ _tag: 'Evict', key })
    }
  })
  const made = Engine.make({ name, codec, config, clock, events, store, ...keyFunctions(options), tagsOf: tagsOf(options) })
  if (E.isLeft(made)) return made
  const engine = made.right
  const { keyOfArgs } = engine
  const withKey =
    <B>(args: ReadonlyArray<unknown>, f: (key: string) => Promise<Either<CacheError, B>>): TaskEither<CacheError, B> =>
    () => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? f(key) : Promise.resolve(E.left(key))
    }
  const cache: Cache<A, ReadonlyArray<unknown>> = {
    name,
    codec,
    config,
    store,
    keyOf: (...args) => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? E.right(key) : E.left(key)
    },
    get: (...args) => withKey(args, engine.getByKey),
    getByKey: (key) => () => engine.getByKey(key),
    set: (value, ...args) => withKey(args, (key) => engine.setByKey(value, key, args)),
    setByKey: (value, key) => () => engine.setByKey(value, key),
    invalidate: (...args) => withKey(args, engine.invalidateByKey),
    invalidateByKey: (key) => () => engine.invalidateByKey(key),
    clear: engine.clear,
    invalidateTags: (tags) => () => engine.invalidateTags(tags),
    purge: engine.purge,
    stats: engine.stats,
    subscribe: events.subscribe,
    inFlight: engine.inFlight
  }
  return E.right(Engine.register(cache, engine))
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The events of a cache (see the `CacheEvent` module).
 *
 * @category model
 * @since 0.1.0
 */
export type CacheEvent = CacheEvents.CacheEvent

/**
 * The counters of a cache (see the `CacheEvent` module).
 *
 * @category model
 * @since 0.1.0
 */
export type Stats = CacheEvents.Stats

/**
 * The error type of cache operations (the union of the `CacheError` module), re-exported for convenience.
 *
 * @category model
 * @since 0.1.0
 */
export type CacheError = CE.CacheError
