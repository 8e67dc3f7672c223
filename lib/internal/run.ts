/**
 * Helpers shared by the combinators: turning each kind of function result into a `Promise<Either>` that never
 * rejects, and back.
 *
 * @internal
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'

/**
 * Runs a `TaskEither` made by `make`; a throw or a rejection becomes a `Left` of `UnexpectedError`.
 *
 * @internal
 */
export const runTaskEither = <E, A>(make: () => TaskEither<E, A>): Promise<Either<E | CacheError, A>> => {
  try {
    return make()().then(undefined, (e: unknown) => E.left(CE.unexpectedError(e)))
  } catch (e) {
    return Promise.resolve(E.left(CE.unexpectedError(e)))
  }
}

/**
 * Runs a function returning a `Promise` or a plain value; a throw or a rejection becomes a `Left` of the original
 * error.
 *
 * @internal
 */
export const runAsync = <A>(make: () => Promise<A> | A): Promise<Either<unknown, A>> => {
  let a: Promise<A> | A
  try {
    a = make()
  } catch (e) {
    return Promise.resolve(E.left(e))
  }
  return a instanceof Promise
    ? a.then(E.right, E.left)
    : isThenable(a)
      ? Promise.resolve(a).then(E.right, E.left)
      : Promise.resolve(E.right(a))
}

const isThenable = (u: unknown): u is PromiseLike<never> =>
  (typeof u === 'object' || typeof u === 'function') && u !== null && typeof (u as PromiseLike<unknown>).then === 'function'

/**
 * The value of a `Right`, or a rejection with the error of a `Left`.
 *
 * @internal
 */
export const unwrap = <A>(r: Either<unknown, A>): A | Promise<never> => (E.isRight(r) ? r.right : Promise.reject(r.left))

/**
 * A rejected promise for a cache's own error.
 *
 * @internal
 */
export const reject = (e: CacheError): Promise<never> => Promise.reject(CE.toError(e))

/**
 * `wrapped`, carrying the name of the function it wraps (a cached `getUser` still shows as `getUser` in stack
 * traces and logs).
 *
 * @internal
 */
export const named = <F extends (...args: never) => unknown>(original: { readonly name: string }, wrapped: F): F => {
  if (original.name !== '') Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true })
  return wrapped
}

/**
 * `unwrap` for the `Promise` API of a cache: a cache's own error (a `_tag` it knows) rejects as an `Error` whose
 * `cause` is the `CacheError`; a function's own error rejects as it is.
 *
 * @internal
 */
export const unwrapCacheError = <A>(r: Either<unknown, A>): A | Promise<never> =>
  E.isRight(r) ? r.right : Promise.reject(isInvalidValue(r.left) ? CE.toError(r.left) : r.left)

const isInvalidValue = (u: unknown): u is CacheError =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'InvalidValue'
