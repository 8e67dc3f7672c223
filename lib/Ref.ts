/**
 * A mutable cell with one primitive, `modify`: the only place where the current version of an immutable value
 * is replaced. Every other operation is derived from it, so a change is always one atomic step.
 *
 * Laws (this module's own):
 * - `modify(f)` returns `f(a)[0]` and leaves the cell holding `f(a)[1]`, where `a` is what it held before.
 * - `get` after `set(a)` returns `a`.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A mutable reference to a value of type `A`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Ref<A> {
  /** Reads the current value. */
  readonly get: IO<A>
  /** Applies `f` to the current value, stores the second component and returns the first. */
  readonly modify: <B>(f: (a: A) => readonly [B, A]) => IO<B>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a new cell holding `initial`.
 *
 * @example
 * import { Ref } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const counter = Ref.make(0)
 * const previous = counter.modify((n) => [n, n + 1])()
 * assert.strictEqual(previous, 0)
 * assert.strictEqual(counter.get(), 1)
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <A>(initial: A): Ref<A> => {
  let current = initial
  return {
    get: () => current,
    modify: (f) => () => {
      const [b, a] = f(current)
      current = a
      return b
    }
  }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

// Data-first when called with two arguments, data-last with one: by count, not by looking at the first argument,
// since a `Ref` may hold a `Ref` and `set(ref, undefined)` must stay data-first.
const updateImpl = <A>(ref: Ref<A>, f: (a: A) => A): IO<void> => ref.modify((a) => [undefined, f(a)])
const setImpl = <A>(ref: Ref<A>, a: A): IO<void> => ref.modify(() => [undefined, a])

/**
 * Replaces the value with `f` of it. Data-first `update(ref, f)` or data-last `update(f)(ref)`, for `pipe`.
 *
 * @example
 * import { Ref } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as assert from 'assert'
 *
 * const r = Ref.make(1)
 * Ref.update(r, (n) => n * 10)()
 * assert.strictEqual(r.get(), 10)
 * pipe(r, Ref.update((n: number) => n + 1))()
 * assert.strictEqual(r.get(), 11)
 *
 * @category combinators
 * @since 0.1.0
 */
export const update: {
  <A>(f: (a: A) => A): (self: Ref<A>) => IO<void>
  <A>(self: Ref<A>, f: (a: A) => A): IO<void>
} = function (selfOrF: unknown, f?: unknown): unknown {
  if (arguments.length >= 2) return updateImpl(selfOrF as Ref<unknown>, f as (a: unknown) => unknown)
  return (self: Ref<unknown>) => updateImpl(self, selfOrF as (a: unknown) => unknown)
} as typeof update

/**
 * Replaces the value with `a`. Data-first `set(ref, a)` or data-last `set(a)(ref)`, for `pipe`.
 *
 * @example
 * import { Ref } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as assert from 'assert'
 *
 * const r = Ref.make('a')
 * Ref.set(r, 'b')()
 * assert.strictEqual(r.get(), 'b')
 * pipe(r, Ref.set('c'))()
 * assert.strictEqual(r.get(), 'c')
 *
 * @category combinators
 * @since 0.1.0
 */
export const set: {
  <A>(a: A): (self: Ref<A>) => IO<void>
  <A>(self: Ref<A>, a: A): IO<void>
} = function (selfOrA: unknown, a?: unknown): unknown {
  if (arguments.length >= 2) return setImpl(selfOrA as Ref<unknown>, a)
  return (self: Ref<unknown>) => setImpl(self, selfOrA)
} as typeof set
