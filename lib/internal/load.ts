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
import { accept, argsOf, dropTicket, lead, sinceOf } from './accept'
import type { LoadContext } from './accept'
import { resultOf, valueOf } from './settled'
import { loading } from './keyState'
import type { KeyState } from './keyState'
import { MISS } from './miss'
import { runAsync, unwrapCacheError } from './run'

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

/** The `TaskEither` side of a load: `run` answers an `Either` and never rejects. */
const runForResult = <A, E, X>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  run: (x: X) => Promise<Either<E, A>>,
  x: X
): Promise<Either<E | CacheError, A>> => {
  const started = ctx.report.loaded()
  const since = sinceOf(ctx)
  // a tag clock on its way is read before the loader begins: a value loaded from before it was read is not newer
  return (since instanceof Promise ? since.then(() => run(x)) : run(x)).then((r): Either<E | CacheError, A> | Promise<Either<E | CacheError, A>> => {
    const { states } = ctx
    ctx.report.ended(key, started, E.isRight(r))
    if (E.isLeft(r)) {
      ctx.report.loadFailed(key, r.left)
      dropTicket(ctx, key, generation)
      states.settle(key, generation)
      return r
    }
    const accepted = accept(ctx, key, generation, r.right, argsOf(ctx, x, false), since)
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
  const started = ctx.report.loaded()
  const since = sinceOf(ctx)
  let p: Promise<A>
  if (since instanceof Promise) p = since.then(() => call(x))
  else {
    try {
      const a = call(x)
      p = a instanceof Promise ? a : Promise.resolve(a)
    } catch (e) {
      p = Promise.reject(e)
    }
  }
  const { states } = ctx
  return p.then(
    (value) => {
      ctx.report.ended(key, started, true)
      const accepted = accept(ctx, key, generation, value, argsOf(ctx, x, false), since)
      if (accepted instanceof Promise) return accepted.then(() => (states.settle(key, generation), value))
      states.settle(key, generation)
      if (accepted !== undefined) throw CE.toError(accepted)
      return value
    },
    (error: unknown) => {
      ctx.report.ended(key, started, false)
      ctx.report.loadFailed(key, error)
      dropTicket(ctx, key, generation)
      states.settle(key, generation)
      throw error
    }
  )
}

/**
 * For a store that cannot answer at once: one lookup for the burst of callers, then `miss()` on a miss. A store
 * that fails is passed over (fail-open), unless the cache fails closed: then every caller gets `fail` of its error.
 */
/** What a lookup (or a lead) goes on with: a hit's answer, the load to run, or a failure's answer. */
interface Next<A, R> {
  readonly hit: (value: A) => R
  readonly miss: () => R | Promise<R>
  readonly fail: (error: CacheError) => R | Promise<R>
}

const lookupFirst = <A, R>(ctx: LoadContext<A>, key: string, generation: number, next: Next<A, R>): Promise<R> =>
  ctx.access.lookup(key).then((r) => {
    const { hit, miss, fail } = next
    if (E.isLeft(r)) {
      ctx.report.storeFailed(r.left)
      if (ctx.failClosed) {
        ctx.states.settle(key, generation)
        return fail(r.left)
      }
    } else if (ctx.report.found(key, r.right) !== MISS) {
      ctx.states.settle(key, generation)
      return hit(r.right as A)
    }
    return ctx.tickets === undefined ? miss() : leadFirst(ctx, key, generation, next)
  })

/** For a store shared by processes, after a miss: the load is led across processes before it runs (`accept.lead`). */
const leadFirst = <A, R>(ctx: LoadContext<A>, key: string, generation: number, { hit, miss, fail }: Next<A, R>): Promise<R> =>
  lead(ctx, key, generation, false).then((r) => {
    if (E.isLeft(r) ? ctx.failClosed : r.right?._tag === 'Found') ctx.states.settle(key, generation)
    if (E.isLeft(r)) return ctx.failClosed ? fail(r.left) : miss() // fail-open: loaded, not stored
    if (r.right?._tag !== 'Found') return miss()
    ctx.events.counters.deduped++ // another process loaded it
    return hit(r.right.entry.value)
  })

const rejection = (error: CacheError): Promise<never> => Promise.reject(CE.toError(error))

const identity = <B>(b: B): B => b

/** A call of a disabled cache: the loader runs and nothing is stored; a value that fails the codec is an `InvalidValue`. */
const uncached = <A, E, X>(ctx: LoadContext<A>, key: string, run: (x: X) => Promise<Either<E, A>>, x: X): Promise<Either<E | CacheError, A>> => {
  const { report } = ctx
  const started = report.loaded()
  return run(x).then((r) => {
    report.ended(key, started, E.isRight(r))
    return E.isRight(r) && !ctx.codec.is(r.right) ? E.left(report.rejected(key, r.right)) : r
  })
}

const uncachedValue = <A, X>(ctx: LoadContext<A>, key: string, call: (x: X) => Promise<A> | A, x: X): Promise<A> =>
  uncached(ctx, key, (y: X) => runAsync(() => call(y)), x).then(unwrapCacheError)

// The miss paths below are functions of their own, called from the hit paths in `make`: V8 inlines a hit path into
// its caller only while the bytecode it inlines stays within a budget, and a miss path written inline spent so much
// of it that the store's read was no longer inlined whole.

/** A miss, for the `TaskEither` API: a load of the key begins. */
const missResult = <A, E, X>(ctx: LoadContext<A>, key: string, run: (x: X) => Promise<Either<E, A>>, x: X): Promise<Either<E | CacheError, A>> => {
  const { read } = ctx.access
  if (read !== undefined) ctx.report.found(key, MISS) // a miss, counted
  const state = ctx.states.begin(key, loading)
  const { generation } = state
  // the loader runs at once on an in-process store (just read), with no closure made; after one lookup on any other
  const result =
    read !== undefined
      ? runForResult(ctx, key, generation, run, x)
      : lookupFirst(ctx, key, generation, { hit: E.right, miss: () => runForResult(ctx, key, generation, run, x), fail: E.left })
  state.result = result
  return result
}

/** A miss, for the `Promise` API: a load of the key begins. */
const missValue = <A, X>(ctx: LoadContext<A>, key: string, call: (x: X) => Promise<A> | A, x: X): Promise<A> => {
  const { read } = ctx.access
  if (read !== undefined) ctx.report.found(key, MISS) // a miss, counted
  const state = ctx.states.begin(key, loading)
  const { generation } = state
  const value =
    read !== undefined
      ? runForValue(ctx, key, generation, call, x)
      : lookupFirst(ctx, key, generation, { hit: identity, miss: () => runForValue(ctx, key, generation, call, x), fail: rejection })
  state.value = value
  return value
}

/** A caller of a key that is loading, for the `TaskEither` API (a load of the other kind's answer is turned, once). */
export const joiner = (counters: { deduped: number }) => ({
  joinResult: (joined: KeyState): Promise<Either<unknown, unknown>> => {
    counters.deduped++
    if (joined._tag === 'Fetching') return resultOf(joined)
    joined.result ??= (joined.value as Promise<unknown>).then(E.right, E.left)
    return joined.result
  },
  joinValue: (joined: KeyState): Promise<unknown> => {
    counters.deduped++
    if (joined._tag === 'Fetching') return valueOf(joined)
    joined.value ??= (joined.result as Promise<Either<unknown, unknown>>).then(unwrapCacheError)
    return joined.value
  }
})

export const make = <A>(ctx: LoadContext<A>): Loads<A> => {
  const { disabled, states } = ctx
  // a hit is counted inline, not through `report.found` as a miss is: on the hit path that call measured ~8 ns
  const { counters, emit, listening } = ctx.events
  const read = ctx.access.peek
  const { joinResult, joinValue } = joiner(counters)
  const fetchResult = <X, E>(key: string, run: (x: X) => Promise<Either<E, A>>, x: X): Promise<Either<E | CacheError, A>> => {
    if (disabled) return uncached(ctx, key, run, x)
    const joined = states.size() === 0 ? undefined : states.get(key)
    if (joined !== undefined) return joinResult(joined) as Promise<Either<E | CacheError, A>>
    const hit = read === undefined ? MISS : read(key)
    if (hit !== MISS) {
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
      return Promise.resolve(E.right(hit))
    }
    return missResult(ctx, key, run, x)
  }
  const fetchValue = <X>(key: string, call: (x: X) => Promise<A> | A, x: X): Promise<A> => {
    if (disabled) return uncachedValue(ctx, key, call, x)
    const joined = states.size() === 0 ? undefined : states.get(key)
    if (joined !== undefined) return joinValue(joined) as Promise<A>
    const hit = read === undefined ? MISS : read(key)
    if (hit !== MISS) {
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
      return Promise.resolve(hit)
    }
    return missValue(ctx, key, call, x)
  }
  return { fetchResult, fetchValue }
}
