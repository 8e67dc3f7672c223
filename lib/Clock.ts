/**
 * Time as a value. Every module above `LruTtl` reads time only through a `Clock`, so tests move a manual clock
 * instead of sleeping, and nothing in the library calls `Date.now()` or starts a timer.
 *
 * Laws:
 * 1. `now` is monotonic: a later read never returns a smaller number.
 * 2. The unit is the millisecond.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A source of monotonic time in milliseconds.
 *
 * @category model
 * @since 0.1.0
 */
export interface Clock {
  readonly now: IO<number>
}

/**
 * A `Clock` whose time moves only when told to. Use it in tests and examples.
 *
 * @category model
 * @since 0.1.0
 */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds (negative steps are ignored, time never goes back). */
  readonly advance: (ms: number) => IO<void>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The process clock: `performance.now()`, which is monotonic and unaffected by wall-clock changes.
 *
 * @example
 * import { Clock } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const a = Clock.system.now()
 * const b = Clock.system.now()
 * assert.ok(b >= a)
 *
 * @category constructors
 * @since 0.1.0
 */
export const system: Clock = { now: () => performance.now() }

/**
 * A clock that reads `performance.now()` at most once per `resolution` milliseconds and answers the same time in
 * between, as lru-cache does: reading the process clock on every cache hit costs more than the rest of the hit.
 * It may lag the process clock by `resolution`, and by longer while the event loop is blocked (the cached time is
 * dropped by a timer). The timer is `unref`'d: it never keeps the process alive. Monotonic, like `system`.
 *
 * @example
 * import { Clock } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const clock = Clock.coarse(1)
 * const a = clock.now()
 * assert.strictEqual(clock.now(), a) // the same time until the timer drops it
 *
 * @category constructors
 * @since 0.1.0
 */
export const coarse = (resolution = 1): Clock => {
  let cached: number | undefined
  const drop = (): void => {
    cached = undefined
  }
  return {
    now: () => {
      if (cached !== undefined) return cached
      const t = performance.now()
      cached = t
      const timer = setTimeout(drop, resolution)
      if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
      return t
    }
  }
}

/**
 * A clock for tests: starts at `start` and moves only with `advance`.
 *
 * @example
 * import { Clock } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const clock = Clock.manual(1000)
 * clock.advance(250)()
 * assert.strictEqual(clock.now(), 1250)
 *
 * @category constructors
 * @since 0.1.0
 */
export const manual = (start = 0): ManualClock => {
  let t = start
  return {
    now: () => t,
    advance: (ms) => () => {
      if (ms > 0) t += ms
    }
  }
}
