/**
 * The answer of one load or lookup of the freshness path (`fresh`), made once and shared by its callers, and its
 * conversions for the callers of the plain path (`load`) that join such a load, and back.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { Outcome } from '../CacheEvent'
import type { Fetching } from './keyState'

/** `own`: the error is the cache's (an `InvalidValue`, say), not the loader's. */
export type Settled<A> =
  | { readonly ok: true; readonly value: A; readonly outcome: Outcome }
  | { readonly ok: false; readonly error: unknown; readonly own: boolean; readonly outcome: Outcome }

/** The answer of a `Fetching` load for a caller of the plain `TaskEither` path. */
export const resultOf = (state: Fetching): Promise<Either<unknown, unknown>> =>
  (state.answer as Promise<Settled<unknown>>).then((s) => (s.ok ? E.right(s.value) : E.left(s.error)))

/** The answer of a `Fetching` load for a caller of the plain `Promise` path. */
export const valueOf = (state: Fetching): Promise<unknown> =>
  (state.answer as Promise<Settled<unknown>>).then((s) =>
    s.ok ? s.value : Promise.reject(s.own ? CE.toError(s.error as CE.CacheError) : s.error)
  )

const isOwn = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  ((error as { _tag?: unknown })._tag === 'InvalidValue' || (error as { _tag?: unknown })._tag === 'InvalidConfig')

/** The answer of a plain `Loading` load, for a caller of the freshness path. */
export const settledOf = <A>(r: Either<unknown, A>): Settled<A> =>
  E.isRight(r) ? { ok: true, value: r.right, outcome: 'Miss' } : { ok: false, error: r.left, own: isOwn(r.left), outcome: 'Miss' }

/** What a caller whose signal aborted gets. */
export const aborted = <A>(key: string, signal: AbortSignal): Settled<A> => ({
  ok: false,
  error: CE.aborted(key, signal.reason),
  own: true,
  outcome: 'Miss'
})
