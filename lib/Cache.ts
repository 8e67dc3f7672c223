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
 * 9. Validation: a stored entry that fails the entity codec is a miss; it is deleted and reported. A value that
 *    fails the codec is never stored.
 * 11. Disabled: with `disabled: true` every call runs the loader and nothing is stored.
 * 12. Invalid config is rejected by `make` with a message naming each bad field.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import type { Task } from 'fp-ts/Task'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/PathReporter'
import * as CE from './CacheError'
import type { CacheError, KeyEncodeFailure } from './CacheError'
import * as Clock from './Clock'
import * as KC from './KeyCodec'
import type { KeyCodec } from './KeyCodec'
import * as KeyedSemaphore from './KeyedSemaphore'
import * as MemoryStore from './MemoryStore'
import type { EntityCodec, Store, StoreFactory } from './Store'

// -------------------------------------------------------------------------------------
// config
// -------------------------------------------------------------------------------------

const NonNegativeFinite = /*#__PURE__*/ t.refinement(
  t.number,
  (n) => Number.isFinite(n) && n >= 0,
  'a finite number of milliseconds >= 0'
)
const NonNegativeInt = /*#__PURE__*/ t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'an integer >= 0')

/**
 * The io-ts codec of a cache's config: `ttl` (milliseconds, none = entries never expire), `maxSize` (entries,
 * `0` = unbounded) and `disabled`. All are optional.
 *
 * @category config
 * @since 0.1.0
 */
export const Config = /*#__PURE__*/ t.partial({ ttl: NonNegativeFinite, maxSize: NonNegativeInt, disabled: t.boolean }, 'Config')

/**
 * A cache config as written by its user.
 *
 * @category config
 * @since 0.1.0
 */
export type Config = t.TypeOf<typeof Config>

/**
 * A validated config with the defaults filled in.
 *
 * @category config
 * @since 0.1.0
 */
export interface ResolvedConfig {
  readonly ttl: number | undefined
  readonly maxSize: number
  readonly disabled: boolean
}

const configFields = /*#__PURE__*/ Object.keys(Config.props)

const describe = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u)
  if (typeof u === 'number' || typeof u === 'boolean' || u === null || u === undefined) return String(u)
  return typeof u
}

/**
 * Validates a config (unknown fields are errors too, so a misspelt `maxsize` is not silently ignored) and fills
 * in the defaults: no ttl, `maxSize` 0 (unbounded), not disabled.
 *
 * @example
 * import { Cache } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(
 *   Cache.resolveConfig('user', { ttl: 60_000 }),
 *   E.right({ ttl: 60_000, maxSize: 0, disabled: false })
 * )
 * assert.ok(E.isLeft(Cache.resolveConfig('user', { ttl: -1 })))
 *
 * @category config
 * @since 0.1.0
 */
export const resolveConfig = (name: string, input: unknown): Either<CacheError, ResolvedConfig> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(CE.invalidConfig(name, [{ field: 'config', message: `expected an object, got ${describe(input)}` }]))
  }
  const fields: Array<{ field: string; message: string }> = []
  for (const k of Object.keys(input)) {
    if (!configFields.includes(k)) {
      fields.push({ field: k, message: `unknown field (known fields: ${configFields.join(', ')})` })
    }
  }
  const decoded = Config.decode(input)
  if (E.isLeft(decoded)) {
    for (const error of decoded.left) {
      const field = error.context
        .slice(1)
        .map((c) => c.key)
        .join('.')
      const expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value'
      fields.push({ field, message: `expected ${expected}, got ${describe(error.value)}` })
    }
  }
  if (fields.length > 0 || E.isLeft(decoded)) return E.left(CE.invalidConfig(name, fields))
  const c = decoded.right
  return E.right({ ttl: c.ttl, maxSize: c.maxSize ?? 0, disabled: c.disabled ?? false })
}

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What happened in a cache, as data. Subscribe with `Cache.subscribe` or the `onEvent` option.
 *
 * - `Hit`, `Miss`: a lookup found a live entry, or did not.
 * - `Set`: a value was stored (after a load, or by `set`).
 * - `Evict`: the store evicted the least recently used entry to make room.
 * - `Invalidate`, `Clear`: entries were removed on request.
 * - `Fenced`: a load finished after its key was invalidated, set or cleared; its value was returned, not stored.
 * - `LoadFailure`: the loader failed; nothing was stored.
 * - `DecodeFailure`: a stored entry failed the entity codec (it was deleted and treated as a miss).
 * - `InvalidValue`: a value to be stored failed the entity codec; it was not stored.
 * - `StoreFailure`: the store failed; the cached function fell back to the loader's value.
 * - `RefreshFailure`: `refreshAfterBy` could not reload after the write.
 *
 * @category model
 * @since 0.1.0
 */
export type CacheEvent =
  | { readonly _tag: 'Hit'; readonly key: string }
  | { readonly _tag: 'Miss'; readonly key: string }
  | { readonly _tag: 'Set'; readonly key: string }
  | { readonly _tag: 'Evict'; readonly key: string }
  | { readonly _tag: 'Invalidate'; readonly key: string }
  | { readonly _tag: 'Clear' }
  | { readonly _tag: 'Fenced'; readonly key: string }
  | { readonly _tag: 'LoadFailure'; readonly key: string; readonly error: unknown }
  | { readonly _tag: 'DecodeFailure'; readonly key: string; readonly errors: ReadonlyArray<string> }
  | { readonly _tag: 'InvalidValue'; readonly key: string; readonly errors: ReadonlyArray<string> }
  | { readonly _tag: 'StoreFailure'; readonly error: CacheError }
  | { readonly _tag: 'RefreshFailure'; readonly key: string; readonly error: unknown }

/**
 * Counters since the cache was made. `size` is the store's entry count, where the store can tell.
 *
 * @category model
 * @since 0.1.0
 */
export interface Stats {
  readonly hits: number
  readonly misses: number
  readonly loads: number
  readonly loadFailures: number
  readonly sets: number
  readonly evictions: number
  readonly invalidations: number
  readonly decodeFailures: number
  readonly size?: number
}

/**
 * A cache of entities `A`, looked up by the arguments `Args` of the functions it caches.
 *
 * @category model
 * @since 0.1.0
 */
export interface Cache<A, Args extends ReadonlyArray<unknown>> {
  readonly name: string
  readonly codec: EntityCodec<A>
  readonly config: ResolvedConfig
  readonly store: Store<A>
  readonly semaphore: KeyedSemaphore.KeyedSemaphore
  /** The key the arguments make. */
  readonly keyOf: (...args: Args) => Either<KeyEncodeFailure, string>
  /** The entry for the arguments. A stored entry that fails the codec is deleted, reported and a miss. */
  readonly get: (...args: Args) => TaskEither<CacheError, Option<A>>
  /** The entry for a key made by `keyOf`. */
  readonly getByKey: (key: string) => TaskEither<CacheError, Option<A>>
  /** Stores `value` for the arguments (write-through). A load of that key in flight will not overwrite it. */
  readonly set: (value: A, ...args: Args) => TaskEither<CacheError, void>
  /** Stores `value` under a key made by `keyOf`. */
  readonly setByKey: (key: string, value: A) => TaskEither<CacheError, void>
  /** Removes the entry for the arguments, and fences a load of that key in flight. */
  readonly invalidate: (...args: Args) => TaskEither<CacheError, void>
  /** Removes the entry for a key made by `keyOf`, and fences a load of that key in flight. */
  readonly invalidateByKey: (key: string) => TaskEither<CacheError, void>
  /** Removes every entry, and fences every load in flight. */
  readonly clear: TaskEither<CacheError, void>
  /** The counters, and the store's size where it can tell. */
  readonly stats: Task<Stats>
  /** Calls `listener` with every event until the returned `IO` is run. */
  readonly subscribe: (listener: (event: CacheEvent) => void) => IO<void>
  /** How many loads are in flight now. */
  readonly inFlight: IO<number>
  /** @internal the key of an argument list (or why there is none), as the combinators call it */
  readonly keyOfArgs: (args: ReadonlyArray<unknown>) => string | KeyEncodeFailure
  /**
   * @internal called after `hitNow` answered `MISS`: on a miss, run `load` once for all concurrent callers and
   * store a `Right` (a store without `getSync` is looked up first). `load` must not reject.
   */
  readonly load: <E>(key: string, load: () => Promise<Either<E, A>>) => Promise<Either<E | CacheError, A>>
  /**
   * @internal the value for `key` if the store can tell at once that it is a hit, else `MISS`; a store with
   * `getSync` counts the hit or the miss here, any other is looked up (and counted) by `load`
   */
  readonly hitNow: (key: string) => A | typeof MISS
  /** @internal report an event */
  readonly emit: (event: CacheEvent) => void
}

/**
 * What `hitNow` answers when it has no hit to give.
 *
 * @internal
 */
export const MISS: unique symbol = Symbol('best-simple-cache/MISS')

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
  /** `ttl`, `maxSize`, `disabled`; validated by `make`. */
  readonly config?: Config
  /** Makes the store; the default is `MemoryStore.make`. */
  readonly store?: StoreFactory
  /** The default is one `Clock.coarse()` shared by every cache: the process clock read at most once a millisecond. */
  readonly clock?: Clock.Clock
  /** Called with every event (see `subscribe`). */
  readonly onEvent?: (event: CacheEvent) => void
}

/**
 * Options of a cache for functions of one argument: `key` encodes that argument.
 *
 * @category model
 * @since 0.1.0
 */
export interface KeyOptions<A, K> extends BaseOptions<A> {
  readonly key: KeyCodec<K>
}

/**
 * Options of a cache for functions of several positional arguments: `args` encodes the argument list.
 *
 * @category model
 * @since 0.1.0
 */
export interface ArgsOptions<A, Args extends ReadonlyArray<unknown>> extends BaseOptions<A> {
  readonly args: KeyCodec<Args>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const defaultClock = /*#__PURE__*/ Clock.coarse()

interface Flight {
  /** set when the key was invalidated, set or cleared during the load: its result must not be stored */
  fenced: boolean
  promise: Promise<Either<unknown, unknown>>
}

const errorsOf = <A>(codec: EntityCodec<A>, value: unknown): ReadonlyArray<string> => {
  const errors = PathReporter.report(codec.decode(value))
  return errors.length === 0 || errors[0] === 'No errors!' ? [`not a valid ${codec.name}`] : errors
}

/**
 * Makes a cache, validating its config. Give `key` for functions of one argument (an object of named parameters,
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
  const resolved = resolveConfig(options.name, options.config === undefined ? {} : options.config)
  if (E.isLeft(resolved)) return resolved
  return E.right(build(options, resolved.right))
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
 *   /invalid config for cache "user": ttl: expected a finite number of milliseconds >= 0, got Infinity/
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

const build = <A>(
  options: KeyOptions<A, unknown> | ArgsOptions<A, ReadonlyArray<unknown>>,
  config: ResolvedConfig
): Cache<A, ReadonlyArray<unknown>> => {
  const { name, codec } = options
  const clock = options.clock ?? defaultClock
  const listeners: Array<(event: CacheEvent) => void> = options.onEvent === undefined ? [] : [options.onEvent]
  const counters = {
    hits: 0,
    misses: 0,
    loads: 0,
    loadFailures: 0,
    sets: 0,
    evictions: 0,
    invalidations: 0,
    decodeFailures: 0
  }
  const emit = (event: CacheEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch {
        // a listener's failure must not change what the cache does
      }
    }
  }
  const store = (options.store ?? MemoryStore.make)<A>({
    name,
    codec,
    maxSize: config.maxSize,
    clock,
    onEvict: (key) => {
      counters.evictions++
      if (listeners.length > 0) emit({ _tag: 'Evict', key })
    }
  })
  const semaphore = KeyedSemaphore.unsafeMake()
  const flights = new Map<string, Flight>()
  const { ttl, disabled } = config

  const keyOfArgs: Cache<A, ReadonlyArray<unknown>>['keyOfArgs'] =
    'key' in options
      ? ((toKey) => (args: ReadonlyArray<unknown>) => toKey(args[0]))(KC.toKey(options.key))
      : KC.toKey(options.args)

  const fence = (key: string): void => {
    const flight = flights.get(key)
    if (flight !== undefined) {
      flight.fenced = true
      flights.delete(key)
    }
  }

  const storeFailed = (error: CacheError): void => emit({ _tag: 'StoreFailure', error })

  /** Runs a store operation; a rejection (a store breaking its `TaskEither` contract) becomes a `StoreFailure`. */
  const guard = <B>(
    operation: 'delete' | 'clear' | 'size',
    te: TaskEither<CacheError, B>,
    key?: string
  ): Promise<Either<CacheError, B>> => {
    try {
      return te().then(undefined, (e: unknown) => E.left(CE.storeFailure(operation, e, key)))
    } catch (e) {
      return Promise.resolve(E.left(CE.storeFailure(operation, e, key)))
    }
  }

  /** Counts and reports what a lookup found. */
  const found = (key: string, o: Option<A>): Option<A> => {
    if (O.isSome(o)) {
      counters.hits++
      if (listeners.length > 0) emit({ _tag: 'Hit', key })
    } else {
      counters.misses++
      if (listeners.length > 0) emit({ _tag: 'Miss', key })
    }
    return o
  }

  /** A lookup as the cache sees it: a decode failure is deleted, reported and a miss; a rejection a failure. */
  const lookup = (key: string): Promise<Either<CacheError, Option<A>>> =>
    store
      .get(key)()
      .then(
        (r) => {
          if (E.isRight(r)) {
            found(key, r.right)
            return r
          }
          if (r.left._tag !== 'DecodeFailure') return r
          counters.decodeFailures++
          counters.misses++
          emit({ _tag: 'DecodeFailure', key, errors: r.left.errors })
          emit({ _tag: 'Miss', key })
          return guard('delete', store.delete(key), key).then((d) => {
            if (E.isLeft(d)) storeFailed(d.left)
            return E.right(O.none)
          })
        },
        (e: unknown) => E.left(CE.storeFailure('get', e, key))
      )

  const getSync = store.getSync
  const setSync = store.setSync

  const stored = (key: string): void => {
    counters.sets++
    if (listeners.length > 0) emit({ _tag: 'Set', key })
  }

  /** Validates and stores a value; answers at once when the store can. */
  const put = (key: string, value: A): Either<CacheError, void> | Promise<Either<CacheError, void>> => {
    if (!codec.is(value)) {
      const errors = errorsOf(codec, value)
      emit({ _tag: 'InvalidValue', key, errors })
      return E.left(CE.decodeFailure(key, errors))
    }
    if (setSync !== undefined) {
      try {
        setSync(key, value, ttl)
      } catch (e) {
        return E.left(CE.storeFailure('set', e, key))
      }
      stored(key)
      return E.right(undefined)
    }
    return store
      .set(key, value, ttl)()
      .then(
        (r) => {
          if (E.isRight(r)) stored(key)
          return r
        },
        (e: unknown) => E.left(CE.storeFailure('set', e, key))
      )
  }

  /** What the store holds for `key` now, without counting: for a flight that waited for the key's lock. */
  const recheck = (key: string): Option<A> | Promise<Option<A>> =>
    getSync !== undefined ? getSync(key) : lookup(key).then((r) => (E.isRight(r) ? r.right : O.none))

  /**
   * The leader of a flight, holding the key's permit: runs the loader, stores a success unless the flight was
   * fenced, and leaves the flight table as it found it. Never rejects.
   */
  const lead = <E>(
    key: string,
    load: () => Promise<Either<E, A>>,
    flight: Flight,
    waited: boolean
  ): Promise<Either<E | CacheError, A>> => {
    const done = <R>(r: R): R => {
      if (flights.get(key) === flight) flights.delete(key)
      return r
    }
    const settle = (r: Either<E | CacheError, A>): Either<E | CacheError, A> | Promise<Either<E | CacheError, A>> => {
      if (E.isLeft(r)) {
        counters.loadFailures++
        emit({ _tag: 'LoadFailure', key, error: r.left })
        return done(r)
      }
      if (flight.fenced) {
        emit({ _tag: 'Fenced', key })
        return done(r)
      }
      const s = put(key, r.right)
      if (!(s instanceof Promise)) return done(r)
      return s.then((w) => {
        if (E.isLeft(w) && w.left._tag === 'StoreFailure') storeFailed(w.left)
        return done(r)
      })
    }
    const start = (): Promise<Either<E | CacheError, A>> => {
      counters.loads++
      let p: Promise<Either<E, A>>
      try {
        p = load()
      } catch (e) {
        p = Promise.resolve(E.left(CE.unexpectedError(e)) as Either<E, A>)
      }
      return p.then(settle, (e: unknown) => settle(E.left(CE.unexpectedError(e))))
    }
    if (!waited) return start()
    // a flight that waited for the key's lock may find the entry that a `set` stored meanwhile
    const o = recheck(key)
    const decide = (h: Option<A>) => (O.isSome(h) ? Promise.resolve(done(E.right(h.value))) : start())
    return o instanceof Promise ? o.then(decide) : decide(o)
  }

  /** Joins the flight for `key`, or starts one. */
  const join = <E>(key: string, load: () => Promise<Either<E, A>>): Promise<Either<E | CacheError, A>> => {
    const existing = flights.get(key)
    if (existing !== undefined) return existing.promise as Promise<Either<E | CacheError, A>>
    const flight: Flight = { fenced: false, promise: undefined as unknown as Flight['promise'] }
    flights.set(key, flight)
    const waited = semaphore.available(key)() === 0
    const promise = semaphore.withPermit(key)(() => lead(key, load, flight, waited))()
    flight.promise = promise
    return promise
  }

  const load = <E>(key: string, run: () => Promise<Either<E, A>>): Promise<Either<E | CacheError, A>> => {
    if (disabled) {
      counters.loads++
      return run()
    }
    if (getSync !== undefined) return join(key, run) // hitNow saw the miss
    return lookup(key).then((r) => {
      if (E.isRight(r)) {
        if (O.isSome(r.right)) return E.right(r.right.value)
      } else {
        storeFailed(r.left)
      }
      return join(key, run)
    })
  }

  const hitNow = (key: string): A | typeof MISS => {
    if (disabled || getSync === undefined) return MISS
    const o = found(key, getSync(key))
    return O.isSome(o) ? o.value : MISS
  }

  const getByKey = (key: string): TaskEither<CacheError, Option<A>> =>
    disabled ? () => Promise.resolve(E.right(O.none)) : () => lookup(key)

  const setByKey =
    (key: string, value: A): TaskEither<CacheError, void> =>
    () => {
      if (disabled) return Promise.resolve(E.right(undefined))
      fence(key)
      return Promise.resolve(put(key, value))
    }

  const invalidateByKey =
    (key: string): TaskEither<CacheError, void> =>
    () => {
      fence(key)
      counters.invalidations++
      emit({ _tag: 'Invalidate', key })
      return guard('delete', store.delete(key), key)
    }

  const withKey =
    <B>(args: ReadonlyArray<unknown>, f: (key: string) => TaskEither<CacheError, B>): TaskEither<CacheError, B> =>
    () => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? f(key)() : Promise.resolve(E.left(key))
    }

  return {
    name,
    codec,
    config,
    store,
    semaphore,
    keyOf: (...args) => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? E.right(key) : E.left(key)
    },
    keyOfArgs,
    get: (...args) => withKey(args, getByKey),
    getByKey,
    set: (value, ...args) => withKey(args, (key) => setByKey(key, value)),
    setByKey,
    invalidate: (...args) => withKey(args, invalidateByKey),
    invalidateByKey,
    clear: () => {
      for (const flight of flights.values()) flight.fenced = true
      flights.clear()
      emit({ _tag: 'Clear' })
      return guard('clear', store.clear)
    },
    stats: () =>
      store.size === undefined
        ? Promise.resolve({ ...counters })
        : guard('size', store.size).then((s) => (E.isRight(s) ? { ...counters, size: s.right } : { ...counters })),
    subscribe: (listener) => {
      listeners.push(listener)
      return () => {
        const i = listeners.indexOf(listener)
        if (i >= 0) listeners.splice(i, 1)
      }
    },
    inFlight: () => flights.size,
    load,
    hitNow,
    emit
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

export type {
  /**
   * The error type of cache operations, re-exported for convenience.
   *
   * @category utils
   * @since 0.1.0
   */
  CacheError
}
