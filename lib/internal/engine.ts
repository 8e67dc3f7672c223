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
import type { CacheError, KeyEncodeFailure } from '../CacheError'
import type { Stats } from '../CacheEvent'
import type { ResolvedConfig } from '../Config'
import type { EntityCodec, Store } from '../Store'
import type * as Events from './events'
import * as KeyState from './keyState'
import * as Load from './load'
import type { LoadContext } from './load'
import { MISS } from './miss'
import type { Miss } from './miss'
import * as Report from './report'
import * as StoreAccess from './storeAccess'

export interface Engine<A> {
  readonly codec: EntityCodec<A>
  /** The key of an argument list, or why there is none. */
  readonly keyOfArgs: (args: ReadonlyArray<unknown>) => string | KeyEncodeFailure
  /** For caches made with `key`: the key of the one argument. */
  readonly keyOfArg: ((arg: unknown) => string | KeyEncodeFailure) | undefined
  /** A cached call, for each API (see `load`). */
  readonly fetchResult: Load.Loads<A>['fetchResult']
  readonly fetchValue: Load.Loads<A>['fetchValue']
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

/** The cache's own operations (`getByKey`, `setByKey`, ...), over the same state and store as the loads. */
const operations = <A>(ctx: LoadContext<A>, events: Events.Events) => {
  const { codec, ttl, disabled, states, access, report } = ctx
  const { counters, emit } = events
  const read = access.read
  const found = (key: string, value: A | Miss): Option<A> => (report.found(key, value) === MISS ? O.none : O.some(value as A))
  return {
    getByKey: (key: string): Promise<Either<CacheError, Option<A>>> => {
      if (disabled) return Promise.resolve(E.right(O.none))
      if (read !== undefined) return Promise.resolve(E.right(found(key, read(key))))
      return access.lookup(key).then((r) => (E.isLeft(r) ? r : E.right(found(key, r.right))))
    },
    setByKey: (value: A, key: string): Promise<Either<CacheError, void>> => {
      if (disabled) return Promise.resolve(E.right(undefined))
      if (!codec.is(value)) return Promise.resolve(E.left(report.rejected(key, value)))
      states.fence(key)
      if (ttl === 0) return Promise.resolve(access.remove(key))
      const w = access.write(key, value, ttl, () => true)
      return w instanceof Promise ? w.then((r) => report.written(key, r)) : Promise.resolve(report.written(key, w))
    },
    invalidateByKey: (key: string): Promise<Either<CacheError, void>> => {
      states.fence(key)
      counters.invalidations++
      emit({ _tag: 'Invalidate', key })
      return Promise.resolve(access.remove(key))
    },
    clear: (): Promise<Either<CacheError, void>> => {
      states.fenceAll()
      emit({ _tag: 'Clear' })
      return access.clear()
    },
    purge: access.purge,
    stats: (): Promise<Stats> =>
      access.size === undefined
        ? Promise.resolve({ ...counters })
        : access.size().then((s) => (E.isRight(s) ? { ...counters, size: s.right } : { ...counters }))
  }
}

export const make = <A>(options: EngineOptions<A>): Engine<A> => {
  const { codec, events, store } = options
  const report = Report.make(events, codec)
  const states = KeyState.make()
  const access = StoreAccess.make(store, codec, (key, errors) => {
    events.counters.decodeFailures++
    events.emit({ _tag: 'DecodeFailure', key, errors })
  })
  const ctx: LoadContext<A> = {
    codec,
    ttl: options.config.ttl,
    disabled: options.config.disabled,
    states,
    access,
    report,
    events
  }
  return {
    codec,
    keyOfArgs: options.keyOfArgs,
    keyOfArg: options.keyOfArg,
    ...Load.make(ctx),
    ...operations(ctx, events),
    inFlight: states.size,
    events,
    storeFailed: report.storeFailed
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
