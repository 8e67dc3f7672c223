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
import type { KeyStates } from './keyState'
import { MISS } from './miss'
import type { Miss } from './miss'
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
}

export interface Loads<A> {
  readonly hitNow: (key: string) => A | Miss
  readonly load: <E>(key: string, run: () => Promise<Either<E, A>>) => Promise<Either<E | CacheError, A>>
  readonly loadValue: (key: string, call: () => Promise<A> | A) => Promise<A>
}

const settled = <B, C>(answer: Answer<B>, then: (r: Either<CacheError, B>) => C): C | Promise<C> =>
  answer instanceof Promise ? answer.then(then) : then(answer)

/**
 * A loaded value: checked against the codec (the `InvalidValue` of one that fails it is answered), then stored
 * unless the load was fenced. Answers at once when the store does.
 */
const accept = <A>(ctx: LoadContext<A>, key: string, generation: number, value: A): CacheError | undefined | Promise<undefined> => {
  const { states, report } = ctx
  if (!ctx.codec.is(value)) return report.rejected(key, value)
  if (!states.isCurrent(key, generation)) return report.fenced(key)
  if (ctx.ttl === 0) return undefined
  return settled(ctx.access.write(key, value, ctx.ttl, () => states.isCurrent(key, generation)), (w) => {
    const reported = report.written(key, w)
    if (E.isLeft(reported)) report.storeFailed(reported.left)
    return undefined
  })
}

/** The `TaskEither` side of a load: `run` answers an `Either` and never rejects. */
const runForResult = <A, E>(ctx: LoadContext<A>, key: string, generation: number, run: () => Promise<Either<E, A>>) => {
  ctx.report.loaded()
  return run().then((r): Either<E | CacheError, A> | Promise<Either<E | CacheError, A>> => {
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
const runForValue = <A>(ctx: LoadContext<A>, key: string, generation: number, call: () => Promise<A> | A): Promise<A> => {
  ctx.report.loaded()
  let p: Promise<A>
  try {
    const a = call()
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
  const read = ctx.access.read
  /** Runs the loader at once on an in-process store, after one lookup on any other. */
  const start = <R>(key: string, generation: number, hit: (value: A) => R, run: () => Promise<R>): Promise<R> =>
    read !== undefined ? run() : lookupFirst(ctx, key, generation, hit, run)
  const load = <E>(key: string, run: () => Promise<Either<E, A>>): Promise<Either<E | CacheError, A>> => {
    if (disabled) {
      report.loaded()
      return run().then((r) => (E.isRight(r) && !codec.is(r.right) ? E.left(report.rejected(key, r.right)) : r))
    }
    const joined = states.get(key)
    if (joined !== undefined) {
      joined.result ??= (joined.value as Promise<A>).then(E.right, E.left)
      return joined.result as Promise<Either<E | CacheError, A>>
    }
    const state = states.begin(key)
    const { generation } = state
    const result = start(key, generation, E.right, () => runForResult(ctx, key, generation, run))
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
    const value = start(key, generation, identity, () => runForValue(ctx, key, generation, call))
    state.value = value
    return value
  }
  return {
    // a caller that will join a load in flight does not look up: the store has nothing for it yet
    hitNow: (key) => (disabled || read === undefined || states.isLoading(key) ? MISS : report.found(key, read(key))),
    load,
    loadValue
  }
}
