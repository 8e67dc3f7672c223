/**
 * The engine behind a `Cache`: the key codec, the per-key states of single flight (`keyState`), the guarded store
 * (`storeAccess`) and the events, wired into the cache's operations. `Cache.make` builds one per cache and keeps
 * it out of the public object; the combinators find it with `engineOf` when they wrap a function (not per call).
 *
 * Data flows one way: arguments --key codec--> key --key state (join or start a load)--> store --> value.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import * as CE from '../CacheError'
import type { CacheError, KeyEncodeFailure } from '../CacheError'
import type { Stats } from '../CacheEvent'
import type { ResolvedConfig } from '../Config'
import type { EntityCodec, Store } from '../Store'
import type * as Events from './events'
import * as KeyState from './keyState'
import { runAsync, unwrapCacheError } from './run'
import { MISS } from './miss'
import type { Miss } from './miss'
import * as StoreAccess from './storeAccess'
import { errorsOf } from './validation'
import type { Answer } from './storeAccess'

export interface Engine<A> {
  readonly codec: EntityCodec<A>
  /** The key of an argument list, or why there is none. */
  readonly keyOfArgs: (args: ReadonlyArray<unknown>) => string | KeyEncodeFailure
  /** For caches made with `key`: the key of the one argument. */
  readonly keyOfArg: ((arg: unknown) => string | KeyEncodeFailure) | undefined
  /** The value for `key` if the store can tell at once that it has one (counted as a hit or a miss), else `MISS`. */
  readonly hitNow: (key: string) => A | Miss
  /**
   * After `hitNow` answered `MISS`: joins the key's load, or starts one (a store that cannot answer at once is
   * looked up first, once for all the callers). `run` must not reject; a value that fails the codec is a `Left` of
   * `InvalidValue`.
   */
  readonly load: <E>(key: string, run: () => Promise<Either<E, A>>) => Promise<Either<E | CacheError, A>>
  /** `load` for the `Promise` API: `call` answers a value or a promise of one, or throws; an invalid value rejects. */
  readonly loadValue: (key: string, call: () => Promise<A> | A) => Promise<A>
  readonly getByKey: (key: string) => Promise<Either<CacheError, Option<A>>>
  readonly setByKey: (value: A, key: string) => Promise<Either<CacheError, void>>
  readonly invalidateByKey: (key: string) => Promise<Either<CacheError, void>>
  readonly clear: () => Promise<Either<CacheError, void>>
  readonly purge: () => Promise<Either<CacheError, number>>
  readonly stats: () => Promise<Stats>
  readonly inFlight: () => number
  readonly events: Events.Events
  /** Reports a store failure that the caller does not answer (the combinators fail open). */
  readonly storeFailed: (error: CacheError) => void
}

export interface EngineOptions<A> {
  readonly codec: EntityCodec<A>
  readonly config: ResolvedConfig
  readonly keyOfArgs: Engine<A>['keyOfArgs']
  readonly keyOfArg: Engine<A>['keyOfArg']
  readonly events: Events.Events
  readonly store: Store<A>
}

const settled = <B, C>(answer: Answer<B>, then: (r: Either<CacheError, B>) => C): C | Promise<C> =>
  answer instanceof Promise ? answer.then(then) : then(answer)

export const make = <A>(options: EngineOptions<A>): Engine<A> => {
  const { codec, events, store } = options
  const { ttl, disabled } = options.config
  const { counters, emit, listening } = events
  const states = KeyState.make()
  const access = StoreAccess.make(store, codec, (key, errors) => {
    counters.decodeFailures++
    emit({ _tag: 'DecodeFailure', key, errors })
  })
  const read = access.read
  const storeFailed = (error: CacheError): void => emit({ _tag: 'StoreFailure', error })

  const found = (key: string, value: A | Miss): A | Miss => {
    if (value === MISS) {
      counters.misses++
      if (listening()) emit({ _tag: 'Miss', key })
    } else {
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
    }
    return value
  }

  /** A value that fails the codec: reported, and an `InvalidValue`. */
  const rejected = (key: string, value: unknown): CacheError => {
    const errors = errorsOf(codec, value)
    counters.invalidValues++
    emit({ _tag: 'InvalidValue', key, errors })
    return CE.invalidValue(key, errors)
  }

  /** What a write answered, reported; a `StoreFailure` is passed on. */
  const written = (key: string, w: Either<CacheError, boolean>): Either<CacheError, void> => {
    if (E.isLeft(w)) return w
    if (w.right) {
      counters.sets++
      if (listening()) emit({ _tag: 'Set', key })
    } else {
      emit({ _tag: 'Fenced', key })
    }
    return E.right(undefined)
  }

  /**
   * A loaded value: checked against the codec (the `InvalidValue` of one that fails it is answered), then stored
   * unless the load was fenced. Answers at once when the store does.
   */
  const accept = (key: string, generation: number, value: A): CacheError | undefined | Promise<undefined> => {
    if (!codec.is(value)) return rejected(key, value)
    if (!states.isCurrent(key, generation)) {
      emit({ _tag: 'Fenced', key })
      return undefined
    }
    if (ttl === 0) return undefined
    return settled(access.write(key, value, ttl, () => states.isCurrent(key, generation)), (w) => {
      const reported = written(key, w)
      if (E.isLeft(reported)) storeFailed(reported.left)
      return undefined
    })
  }

  const loadFailed = (key: string, generation: number, error: unknown): void => {
    counters.loadFailures++
    emit({ _tag: 'LoadFailure', key, error })
    states.settle(key, generation)
  }

  /** The `TaskEither` side of a load: `run` answers an `Either` and never rejects. */
  const runForResult = <E>(key: string, generation: number, run: () => Promise<Either<E, A>>) => {
    counters.loads++
    return run().then((r): Either<E | CacheError, A> | Promise<Either<E | CacheError, A>> => {
      if (E.isLeft(r)) {
        loadFailed(key, generation, r.left)
        return r
      }
      const accepted = accept(key, generation, r.right)
      if (accepted instanceof Promise) return accepted.then(() => (states.settle(key, generation), r))
      states.settle(key, generation)
      return accepted === undefined ? r : E.left(accepted)
    })
  }

  /** The `Promise` side of a load: `call` answers a value, a promise of one, or throws. */
  const runForValue = (key: string, generation: number, call: () => Promise<A> | A): Promise<A> => {
    counters.loads++
    let p: Promise<A>
    try {
      const a = call()
      p = a instanceof Promise ? a : Promise.resolve(a)
    } catch (e) {
      p = Promise.reject(e)
    }
    return p.then(
      (value) => {
        const accepted = accept(key, generation, value)
        if (accepted instanceof Promise) return accepted.then(() => (states.settle(key, generation), value))
        states.settle(key, generation)
        if (accepted !== undefined) throw CE.toError(accepted)
        return value
      },
      (error: unknown) => {
        loadFailed(key, generation, error)
        throw error
      }
    )
  }

  /** For a store that cannot answer at once: one lookup for the burst of callers, then `then` on a miss. */
  const lookupFirst = <R>(key: string, generation: number, hit: (value: A) => R, then: () => R | Promise<R>): Promise<R> =>
    access.lookup(key).then((r) => {
      if (E.isLeft(r)) storeFailed(r.left)
      else if (found(key, r.right) !== MISS) {
        states.settle(key, generation)
        return hit(r.right as A)
      }
      return then()
    })

  const load = <E>(key: string, run: () => Promise<Either<E, A>>): Promise<Either<E | CacheError, A>> => {
    if (disabled) {
      counters.loads++
      return run().then((r) => (E.isRight(r) && !codec.is(r.right) ? E.left(rejected(key, r.right)) : r))
    }
    const joined = states.get(key)
    if (joined !== undefined) {
      joined.result ??= (joined.value as Promise<A>).then(E.right, E.left)
      return joined.result as Promise<Either<E | CacheError, A>>
    }
    const state = states.begin(key)
    const { generation } = state
    const result =
      read !== undefined
        ? runForResult(key, generation, run)
        : lookupFirst(key, generation, E.right, () => runForResult(key, generation, run))
    state.result = result
    return result
  }

  const loadValue = (key: string, call: () => Promise<A> | A): Promise<A> => {
    if (disabled) return load(key, () => runAsync(call)).then(unwrapCacheError)
    const joined = states.get(key)
    if (joined !== undefined) {
      joined.value ??= (joined.result as Promise<Either<unknown, A>>).then(unwrapCacheError)
      return joined.value as Promise<A>
    }
    const state = states.begin(key)
    const { generation } = state
    const value =
      read !== undefined
        ? runForValue(key, generation, call)
        : lookupFirst(key, generation, (a: A) => a, () => runForValue(key, generation, call))
    state.value = value
    return value
  }

  const hitNow = (key: string): A | Miss => (disabled || read === undefined ? MISS : found(key, read(key)))

  const getByKey = (key: string): Promise<Either<CacheError, Option<A>>> => {
    if (disabled) return Promise.resolve(E.right(O.none))
    if (read !== undefined) {
      const value = found(key, read(key))
      return Promise.resolve(E.right(value === MISS ? O.none : O.some(value)))
    }
    return access.lookup(key).then((r) => (E.isLeft(r) ? r : E.right(found(key, r.right) === MISS ? O.none : O.some(r.right as A))))
  }

  const setByKey = (value: A, key: string): Promise<Either<CacheError, void>> => {
    if (disabled) return Promise.resolve(E.right(undefined))
    if (!codec.is(value)) return Promise.resolve(E.left(rejected(key, value)))
    states.fence(key)
    if (ttl === 0) return Promise.resolve(access.remove(key))
    return Promise.resolve(settled(access.write(key, value, ttl, () => true), (w) => written(key, w)))
  }

  const invalidateByKey = (key: string): Promise<Either<CacheError, void>> => {
    states.fence(key)
    counters.invalidations++
    emit({ _tag: 'Invalidate', key })
    return Promise.resolve(access.remove(key))
  }

  const clear = (): Promise<Either<CacheError, void>> => {
    states.fenceAll()
    emit({ _tag: 'Clear' })
    return access.clear()
  }

  const stats = (): Promise<Stats> =>
    access.size === undefined
      ? Promise.resolve({ ...counters })
      : access.size().then((s) => (E.isRight(s) ? { ...counters, size: s.right } : { ...counters }))

  return {
    codec,
    keyOfArgs: options.keyOfArgs,
    keyOfArg: options.keyOfArg,
    hitNow,
    load,
    loadValue,
    getByKey,
    setByKey,
    invalidateByKey,
    clear,
    purge: access.purge,
    stats,
    inFlight: states.size,
    events,
    storeFailed
  }
}

// -------------------------------------------------------------------------------------
// the handle from a cache to its engine
// -------------------------------------------------------------------------------------

const engines = new WeakMap<object, Engine<unknown>>()

export const register = <C extends object, A>(cache: C, engine: Engine<A>): C => {
  engines.set(cache, engine as Engine<unknown>)
  return cache
}

/** The engine of a cache made by `Cache.make`; anything else is a `TypeError` naming the combinator. */
export const engineOf = <A>(cache: unknown, combinator: string): Engine<A> => {
  const engine = typeof cache === 'object' && cache !== null ? engines.get(cache) : undefined
  if (engine === undefined) {
    throw new TypeError(`${combinator}: expected a cache made by Cache.make or Cache.unsafeMake, got ${cache === null ? 'null' : typeof cache === 'object' ? 'another object' : typeof cache}`)
  }
  return engine as Engine<A>
}
