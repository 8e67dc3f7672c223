/**
 * The engine behind a `Cache`: the key codec, the per-key states of single flight (`keyState`), the guarded store
 * (`storeAccess`) and the events, wired into the cache's operations. `Cache.make` builds one per cache and keeps
 * it out of the public object; the combinators find it with `engineOf` when they wrap a function (not per call).
 *
 * Data flows one way: arguments --key codec--> key --key state (join or begin a load, `load`)--> store (guarded,
 * validated, writes ordered per key: `storeAccess`) --> value. What happens is told to `report`.
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
import type { Stats, WithOutcome } from '../CacheEvent'
import type { Clock } from '../Clock'
import type { ResolvedConfig } from '../Config'
import * as Freshness from '../Freshness'
import type { EntityCodec, Store } from '../Store'
import { tagsOfValue } from './accept'
import type { LoadContext } from './accept'
import type * as Events from './events'
import * as Fresh from './fresh'
import * as KeyState from './keyState'
import * as Load from './load'
import { MISS } from './miss'
import type { Miss } from './miss'
import * as Negatives from './negatives'
import * as Report from './report'
import { runAsync } from './run'
import * as StoreAccess from './storeAccess'
import { describe } from './validation'

export interface Engine<A> {
  readonly codec: EntityCodec<A>
  /** The key of an argument list, or why there is none. */
  readonly keyOfArgs: (args: ReadonlyArray<unknown>) => string | KeyEncodeFailure
  /** For caches made with `key`: the key of the one argument. */
  readonly keyOfArg: ((arg: unknown) => string | KeyEncodeFailure) | undefined
  /** A cached call, for each API (see `load` and `fresh`). */
  readonly fetchResult: Load.Loads<A>['fetchResult']
  readonly fetchValue: Load.Loads<A>['fetchValue']
  /** A cached call that also answers how it was answered. */
  readonly fetchResultOutcome: <X, E>(
    key: string,
    run: (x: X) => Promise<Either<E, A>>,
    x: X
  ) => Promise<Either<E | CacheError, WithOutcome<A>>>
  readonly fetchValueOutcome: <X>(key: string, call: (x: X) => Promise<A> | A, x: X) => Promise<WithOutcome<A>>
  /**
   * A cached call whose caller may leave with `signal`; `run`/`call` is handed the load's own signal, which aborts
   * when every caller waiting for the load has left.
   */
  readonly fetchResultAbortable: <X, E>(
    key: string,
    run: (x: X, signal: AbortSignal) => Promise<Either<E, A>>,
    x: X,
    signal: AbortSignal | undefined
  ) => Promise<Either<E | CacheError, A>>
  readonly fetchValueAbortable: <X>(
    key: string,
    call: (x: X, signal: AbortSignal) => Promise<A> | A,
    x: X,
    signal: AbortSignal | undefined
  ) => Promise<A>
  /**
   * What the loads share, for the batch calls (`batch`, built by `withCacheBatch` so that a program without batches
   * does not bundle them); `undefined` for a cache whose config needs the freshness path for more than a ttl of the
   * value (windows, an error policy, a timeout): batches do not serve those yet.
   */
  readonly batchContext: LoadContext<A> | undefined
  readonly getByKey: (key: string) => Promise<Either<CacheError, Option<A>>>
  readonly invalidateByKey: (key: string) => Promise<Either<CacheError, void>>
  readonly clear: () => Promise<Either<CacheError, void>>
  readonly invalidateTags: (tags: ReadonlyArray<string>) => Promise<Either<CacheError, void>>
  /** `args`: the call's argument list, for the cache's `tags` (a write by key hands none). */
  readonly setByKey: (value: A, key: string, args?: ReadonlyArray<unknown>) => Promise<Either<CacheError, void>>
  readonly purge: () => Promise<Either<CacheError, number>>
  readonly stats: () => Promise<Stats>
  readonly inFlight: () => number
  readonly events: Events.Events
  /** Reports a store failure that the caller does not answer (the combinators fail open). */
  readonly storeFailed: (error: CacheError) => void
}

export interface EngineOptions<A> {
  readonly name: string
  readonly codec: EntityCodec<A>
  readonly config: ResolvedConfig<A>
  readonly clock: Clock
  readonly keyOfArgs: Engine<A>['keyOfArgs']
  readonly keyOfArg: Engine<A>['keyOfArg']
  readonly events: Events.Events
  readonly store: Store<A>
  /** The cache's `tags` option, over a call's argument list. */
  readonly tagsOf: LoadContext<A>['tagsOf']
}

/** The cache's own operations (`getByKey`, `setByKey`, ...), over the same state and store as the loads. */
const operations = <A>(name: string, ctx: LoadContext<A>, events: Events.Events, negatives: Negatives.Negatives, windows: Freshness.Windows) => {
  const { codec, disabled, states, access, report } = ctx
  const { counters, emit } = events
  const read = access.read
  const found = (key: string, value: A | Miss): Option<A> => (report.found(key, value) === MISS ? O.none : O.some(value as A))
  /** With windows, an entry past its stale window is kept only for a failed reload: `get` does not answer it. */
  const servable = (entry: StoreAccess.Found<A> | Miss): A | Miss =>
    entry === MISS || Freshness.phase(windows, entry.expiresIn) === 'StaleIfError' ? MISS : entry.value
  const plain = Freshness.isPlain(windows)
  /**
   * An operation that fences once more when the store has done it: a lookup that began after the first fence, but
   * before the store's change landed, may have read the old entry, and the state it began must not hand that on.
   */
  const fencedAgain = <B>(done: StoreAccess.Answer<B>, fence: () => void): Promise<Either<CacheError, B>> => {
    if (!(done instanceof Promise)) return Promise.resolve(done)
    return done.then((r) => {
      fence()
      return r
    })
  }
  return {
    getByKey: (key: string): Promise<Either<CacheError, Option<A>>> => {
      if (disabled) return Promise.resolve(E.right(O.none))
      if (!plain) return access.lookupEntry(key).then((r) => (E.isLeft(r) ? r : E.right(found(key, servable(r.right)))))
      if (read !== undefined) return Promise.resolve(E.right(found(key, read(key))))
      return access.lookup(key).then((r) => (E.isLeft(r) ? r : E.right(found(key, r.right))))
    },
    setByKey: (value: A, key: string, args?: ReadonlyArray<unknown>): Promise<Either<CacheError, void>> => {
      if (disabled) return Promise.resolve(E.right(undefined))
      if (!codec.is(value)) return Promise.resolve(E.left(report.rejected(key, value)))
      const tags = tagsOfValue(ctx, key, value, args)
      if (E.isLeft(tags)) return Promise.resolve(tags)
      states.fence(key)
      negatives.forget(key)
      const ttl = ctx.ttlOf === undefined ? ctx.ttl : ctx.ttlOf(value)
      if (typeof ttl === 'object') return Promise.resolve(E.left(ttl))
      if (ttl === 0) return Promise.resolve(access.remove(key))
      // a write through is as new as itself: no tag clock is handed (see `Tagged.since`)
      const w = access.write(key, value, ttl, () => true, tags.right === undefined ? undefined : { tags: tags.right })
      return fencedAgain(w, () => states.fence(key)).then((r) => report.written(key, r))
    },
    invalidateByKey: (key: string): Promise<Either<CacheError, void>> => {
      states.fence(key)
      negatives.forget(key)
      counters.invalidations++
      emit({ _tag: 'Invalidate', key })
      return fencedAgain(access.remove(key), () => states.fence(key))
    },
    clear: (): Promise<Either<CacheError, void>> => {
      states.fenceAll()
      negatives.forgetAll()
      emit({ _tag: 'Clear' })
      return fencedAgain(access.clear(), states.fenceAll)
    },
    invalidateTags: (tags: ReadonlyArray<string>): Promise<Either<CacheError, void>> => {
      if (access.tags === undefined) {
        return Promise.resolve(E.left(CE.invalidConfig(name, [{ field: 'store', message: 'invalidateTags needs a store with tags (Store.tags)' }])))
      }
      counters.invalidations++
      return access.tags.invalidate(tags)
    },
    purge: access.purge,
    stats: (): Promise<Stats> =>
      access.size === undefined
        ? Promise.resolve({ ...counters })
        : access.size().then((s) => (E.isRight(s) ? { ...counters, size: s.right } : { ...counters }))
  }
}

const isMilliseconds = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0

/**
 * How long the store keeps an entry: its ttl plus the windows after it. A constant (`ttl`), or a function of the
 * value (`ttlOf`) when the config's ttl is one; a ttl function that throws or answers anything but a number of
 * milliseconds fails the call with an `InvalidConfig` naming `ttl`.
 */
const storedTtl = <A>(name: string, config: ResolvedConfig<A>): Pick<LoadContext<A>, 'ttl' | 'ttlOf'> => {
  const { ttl } = config
  if (typeof ttl !== 'function') return { ttl: ttl === undefined || ttl === 0 ? ttl : Freshness.storedTtl(config, ttl), ttlOf: undefined }
  const invalid = (message: string): CacheError => CE.invalidConfig(name, [{ field: 'ttl', message }])
  const ttlOf = (value: A): number | CacheError => {
    let d: unknown
    try {
      d = ttl(value)
    } catch (e) {
      return invalid(`the ttl function threw: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (!isMilliseconds(d)) return invalid(`the ttl function answered ${describe(d)}: expected a finite number of milliseconds >= 0`)
    return d === 0 ? 0 : Freshness.storedTtl(config, d)
  }
  return { ttl: undefined, ttlOf }
}

const runResult = (run: (x: unknown, signal?: AbortSignal) => Promise<Either<unknown, unknown>>, x: unknown, signal?: AbortSignal) =>
  run(x, signal)
const runValue = (call: (x: unknown, signal?: AbortSignal) => unknown, x: unknown, signal?: AbortSignal) =>
  runAsync(() => call(x, signal))
const asLeft = (error: unknown) => E.left(error)
const asRejection = (error: unknown, own: boolean) => Promise.reject(own ? CE.toError(error as CacheError) : error)

/** The shapes of a cached call's answer: an `Either` or a value, with its outcome or not, abortable or not. */
const shapes = {
  result: { run: runResult, ok: (_: unknown, value: unknown) => E.right(value), fail: asLeft, abortable: false, listed: false },
  value: { run: runValue, ok: (_: unknown, value: unknown) => value, fail: asRejection, abortable: false, listed: false },
  resultOutcome: { run: runResult, ok: (outcome: unknown, value: unknown) => E.right({ value, outcome }), fail: asLeft, abortable: false, listed: true },
  valueOutcome: { run: runValue, ok: (outcome: unknown, value: unknown) => ({ value, outcome }), fail: asRejection, abortable: false, listed: true },
  resultAbortable: { run: runResult, ok: (_: unknown, value: unknown) => E.right(value), fail: asLeft, abortable: true, listed: true },
  valueAbortable: { run: runValue, ok: (_: unknown, value: unknown) => value, fail: asRejection, abortable: true, listed: true }
} as unknown as Record<
  'result' | 'value' | 'resultOutcome' | 'valueOutcome' | 'resultAbortable' | 'valueAbortable',
  Fresh.Shape<never, never>
>

/** Whether a cache needs the freshness path: a window, a ttl computed from the value, an error policy, a timeout. */
const needsFreshPath = <A>(config: ResolvedConfig<A>): boolean =>
  !config.disabled &&
  (!Freshness.isPlain(config) ||
    typeof config.ttl === 'function' ||
    config.errorPolicy.rules.length > 0 ||
    config.timeout.soft > 0 ||
    config.timeout.hard > 0)

/**
 * The engine of a cache; a `Left` (an `InvalidConfig` naming `store`) when the config needs what the store cannot
 * do: freshness windows need a store that tells an entry's remaining life (`Store.getEntry`).
 */
export const make = <A>(options: EngineOptions<A>): Either<CacheError, Engine<A>> => {
  const { name, codec, config, events, store } = options
  const report = Report.make(events, codec, options.clock)
  const states = KeyState.make<KeyState.KeyState>()
  const access = StoreAccess.make(store, codec, (key, errors) => {
    events.counters.decodeFailures++
    events.emit({ _tag: 'DecodeFailure', key, errors })
  })
  if (!Freshness.isPlain(config) && !access.softExpiry) {
    const message = 'staleWhileRevalidate, staleIfError and refreshAhead need a store that tells an entry\'s remaining life (Store.getEntry)'
    return E.left(CE.invalidConfig(name, [{ field: 'store', message }]))
  }
  const { soft, hard } = config.timeout
  if ((soft > 0 || hard > 0) && typeof options.clock.timer !== 'function') {
    return E.left(CE.invalidConfig(name, [{ field: 'clock', message: 'timeout needs a clock with timers (Clock.timer)' }]))
  }
  // The context of the plain path is written out field by field: the loads read it on every miss, and made with a
  // spread in the middle (`{ codec, ...storedTtl(name, config), disabled, ... }`) it measured 5-12% slower misses, and
  // 45% slower for a cached function called from a second place, as its property reads did not stay monomorphic.
  const { ttl, ttlOf } = storedTtl(name, config)
  const tickets = access.flight === undefined ? undefined : new Map<number, unknown>()
  const failClosed = config.storeFailure === 'closed'
  if (options.tagsOf !== undefined && access.tags === undefined) {
    return E.left(CE.invalidConfig(name, [{ field: 'tags', message: 'needs a store with tags (Store.tags)' }]))
  }
  const { tagsOf } = options
  const single = options.keyOfArg !== undefined
  const ctx: LoadContext<A> = { codec, ttl, ttlOf, disabled: config.disabled, states, access, report, events, tickets, failClosed, tagsOf, single }
  const negatives = Negatives.make(config.maxSize > 0 ? config.maxSize : 10_000)
  const fresh = Fresh.make({ ...ctx, windows: config, policy: config.errorPolicy, clock: options.clock, negatives, timeout: config.timeout })
  const plain = Load.make(ctx)
  const via = (shape: Fresh.Shape<never, never>) => fresh.fetchFor(shape as unknown as Fresh.Shape<A, unknown>)
  const freshPath = needsFreshPath(config)
  return E.right({
    codec,
    keyOfArgs: options.keyOfArgs,
    keyOfArg: options.keyOfArg,
    fetchResult: freshPath ? (via(shapes.result) as Engine<A>['fetchResult']) : plain.fetchResult,
    fetchValue: freshPath ? (via(shapes.value) as Engine<A>['fetchValue']) : plain.fetchValue,
    fetchResultOutcome: via(shapes.resultOutcome) as Engine<A>['fetchResultOutcome'],
    fetchValueOutcome: via(shapes.valueOutcome) as Engine<A>['fetchValueOutcome'],
    fetchResultAbortable: via(shapes.resultAbortable) as Engine<A>['fetchResultAbortable'],
    fetchValueAbortable: via(shapes.valueAbortable) as Engine<A>['fetchValueAbortable'],
    batchContext: needsFreshPath({ ...config, ttl: undefined }) ? undefined : ctx,
    ...operations(name, ctx, events, negatives, config),
    inFlight: states.size,
    events,
    storeFailed: report.storeFailed
  })
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
