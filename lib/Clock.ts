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
