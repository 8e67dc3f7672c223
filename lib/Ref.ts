/**
 * A mutable cell with one primitive, `modify`: the only place where the current version of an immutable value
 * is replaced. Every other operation is derived from it, so a change is always one atomic step.
 *
 * Laws:
 * 1. `modify(f)` returns `f(a)[0]` and leaves the cell holding `f(a)[1]`, where `a` is what it held before.
 * 2. `get` after `set(a)` returns `a`.
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

/**
 * Replaces the value with `f` of it.
 *
 * @example
 * import { Ref } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const r = Ref.make(1)
 * Ref.update(r, (n) => n * 10)()
 * assert.strictEqual(r.get(), 10)
 *
 * @category combinators
 * @since 0.1.0
 */
export const update = <A>(ref: Ref<A>, f: (a: A) => A): IO<void> => ref.modify((a) => [undefined, f(a)])

/**
 * Replaces the value with `a`.
 *
 * @example
 * import { Ref } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const r = Ref.make('a')
 * Ref.set(r, 'b')()
 * assert.strictEqual(r.get(), 'b')
 *
 * @category combinators
 * @since 0.1.0
 */
export const set = <A>(ref: Ref<A>, a: A): IO<void> => ref.modify(() => [undefined, a])
