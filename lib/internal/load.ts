/**
 * A load, from the first caller of a missing key to its stored value: the per-key state (`keyState`) is joined or
 * begun, a store that cannot answer at once is looked up once for the burst, the loader runs, its value is checked
 * against the codec and stored unless the load was fenced. Two sides share all of it: the `TaskEither` API
 * (`load`, an `Either` that never rejects) and the `Promise` API (`loadValue`, a value or a rejection, with no
 * `Either` on its path).
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import type { EntityCodec } from '../Store'
import type { Events } from './events'
import type { KeyStates } from './keyState'
import { MISS } from './miss'
import type { Report } from './report'
import { runAsync, unwrapCacheError } from './run'
import type { Answer, StoreAccess } from './storeAccess'

export interface LoadContext<A> {
  readonly codec: EntityCodec<A>
  readonly ttl: number | undefined
  readonly disabled: boolean
  readonly states: KeyStates
  readonly access: StoreAccess<A>
  readonly report: Report<A>
  readonly events: Events
}

/**
 * A cached call: a caller of a key that is loading joins that load; else a hit answers at once; else a load begins.
 * `x` is the call's argument (or argument list), handed to `run` or `call` only on a miss, so a hit allocates
 * nothing.
 */
export interface Loads<A> {
  /** For the `TaskEither` API: `run` answers an `Either` and never rejects; an invalid value is an `InvalidValue`. */
  readonly fetchResult: <X, E>(key: string, run: (x: X) => Promise<Either<E, A>>, x: X) => Promise<Either<E | CacheError, A>>
  /** For the `Promise` API: `call` answers a value or a promise of one, or throws; an invalid value rejects. */
  readonly fetchValue: <X>(key: string, call: (x: X) => Promise<A> | A, x: X) => Promise<A>
}

const settled = <B, C>(answer: Answer<B>, then: (r: Either<CacheError, B>) => C): C | Promise<C> =>
  answer instanceof Promise ? answer.then(then) : then(answer)

/** What a load's write answered, reported (a store failure does not fail the load). */
const stored = <A>(report: Report<A>, key: string, w: Either<CacheError, boolean>): undefined => {
  const reported = report.written(key, w)
  if (E.isLeft(reported)) report.storeFailed(reported.left)
  return undefined
}

/**
 * A loaded value: checked against the codec (the `InvalidValue` of one that fails it is answered), then stored
 * unless the load was fenced. Answers at once when the store does. A store that writes at once is written
 * straight after the generation check (nothing runs in between, so there is nothing to ask again): this runs once
 * per load, after the loader's wait, when little of the cache is in the CPU's caches, so it touches little.
 */
const accept = <A>(ctx: LoadContext<A>, key: string, generation: number, value: A): CacheError | undefined | Promise<undefined> => {
  const { states, report, access } = ctx
  if (!ctx.codec.is(value)) return report.rejected(key, value)
  if (!states.isCurrent(key, generation)) return report.fenced(key)
  if (ctx.ttl === 0) return undefined
  if (access.writeNow !== undefined) return stored(report, key, access.writeNow(key, value, ctx.ttl))
  return settled(access.write(key, value, ctx.ttl, () => states.isCurrent(key, generation)), (w) => stored(report, key, w))
}

/** The `TaskEither` side of a load: `run` answers an `Either` and never rejects. */
const runForResult = <A, E, X>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  run: (x: X) => Promise<Either<E, A>>,
  x: X
): Promise<Either<E | CacheError, A>> => {
  ctx.report.loaded()
  return run(x).then((r): Either<E | CacheError, A> | Promise<Either<E | CacheError, A>> => {
    const { states } = ctx
    if (E.isLeft(r)) {
      ctx.report.loadFailed(key, r.left)
      states.settle(key, generation)
      return r
    }
    const accepted = accept(ctx, key, generation, r.right)
    if (accepted instanceof Promise) return accepted.then(() => (states.settle(key, generation), r))
    states.settle(key, generation)
    return accepted === undefined ? r : E.left(accepted)
  })
}

/** The `Promise` side of a load: `call` answers a value, a promise of one, or throws. */
const runForValue = <A, X>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  call: (x: X) => Promise<A> | A,
  x: X
): Promise<A> => {
  ctx.report.loaded()
  let p: Promise<A>
  try {
    const a = call(x)
    p = a instanceof Promise ? a : Promise.resolve(a)
  } catch (e) {
    p = Promise.reject(e)
  }
  const { states } = ctx
  return p.then(
    (value) => {
      const accepted = accept(ctx, key, generation, value)
      if (accepted instanceof Promise) return accepted.then(() => (states.settle(key, generation), value))
      states.settle(key, generation)
      if (accepted !== undefined) throw CE.toError(accepted)
      return value
    },
    (error: unknown) => {
      ctx.report.loadFailed(key, error)
      states.settle(key, generation)
      throw error
    }
  )
}

/** For a store that cannot answer at once: one lookup for the burst of callers, then `miss()` on a miss. */
const lookupFirst = <A, R>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  hit: (value: A) => R,
  miss: () => R | Promise<R>
): Promise<R> =>
  ctx.access.lookup(key).then((r) => {
    if (E.isLeft(r)) ctx.report.storeFailed(r.left)
    else if (ctx.report.found(key, r.right) !== MISS) {
      ctx.states.settle(key, generation)
      return hit(r.right as A)
    }
    return miss()
  })

const identity = <B>(b: B): B => b

export const make = <A>(ctx: LoadContext<A>): Loads<A> => {
  const { codec, disabled, states, report } = ctx
  // a hit is counted inline, not through `report.found` as a miss is: on the hit path that call measured ~8 ns
  const { counters, emit, listening } = ctx.events
  const read = ctx.access.read
  const fetchResult = <X, E>(key: string, run: (x: X) => Promise<Either<E, A>>, x: X): Promise<Either<E | CacheError, A>> => {
    if (disabled) {
      report.loaded()
      return run(x).then((r) => (E.isRight(r) && !codec.is(r.right) ? E.left(report.rejected(key, r.right)) : r))
    }
    const joined = states.size() === 0 ? undefined : states.get(key)
    if (joined !== undefined) {
      joined.result ??= (joined.value as Promise<A>).then(E.right, E.left)
      return joined.result as Promise<Either<E | CacheError, A>>
    }
    const hit = read === undefined ? MISS : read(key)
    if (hit !== MISS) {
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
      return Promise.resolve(E.right(hit))
    }
    if (read !== undefined) report.found(key, MISS) // a miss, counted
    const state = states.begin(key)
    const { generation } = state
    // the loader runs at once on an in-process store (just read), with no closure made; after one lookup on any other
    const result =
      read !== undefined
        ? runForResult(ctx, key, generation, run, x)
        : lookupFirst(ctx, key, generation, E.right, () => runForResult(ctx, key, generation, run, x))
    state.result = result
    return result
  }
  const fetchValue = <X>(key: string, call: (x: X) => Promise<A> | A, x: X): Promise<A> => {
    if (disabled) return fetchResult(key, (y: X) => runAsync(() => call(y)), x).then(unwrapCacheError)
    const joined = states.size() === 0 ? undefined : states.get(key)
    if (joined !== undefined) {
      joined.value ??= (joined.result as Promise<Either<unknown, A>>).then(unwrapCacheError)
      return joined.value as Promise<A>
    }
    const hit = read === undefined ? MISS : read(key)
    if (hit !== MISS) {
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
      return Promise.resolve(hit)
    }
    if (read !== undefined) report.found(key, MISS) // a miss, counted
    const state = states.begin(key)
    const { generation } = state
    // the loader runs at once on an in-process store (just read), with no closure made; after one lookup on any other
    const value =
      read !== undefined
        ? runForValue(ctx, key, generation, call, x)
        : lookupFirst(ctx, key, generation, identity, () => runForValue(ctx, key, generation, call, x))
    state.value = value
    return value
  }
  return { fetchResult, fetchValue }
}
