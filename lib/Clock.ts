/**
 * Time as a value. Every module above `LruTtl` reads time only through a `Clock`, so tests move a manual clock
 * instead of sleeping, and nothing outside this module calls `Date.now()`, `performance.now()` or starts a timer.
 *
 * Laws (this module's own):
 * - Monotonic: a later read of `now` never returns a smaller number.
 * - The unit is the millisecond.
 * - Bounded lag: `coarse` lags the process clock by a bounded amount, stated on `coarse`, even when no timer can run.
 *
 * The constructors take constants of the program (a resolution, a start time), so a bad one is a bug, not an
 * input: they throw a `RangeError` naming the parameter, as `Cache.unsafeMake` throws on a bad config.
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
  /**
   * Calls `f` once, `ms` milliseconds from now on this clock, unless the answered function cancels it first. A
   * timer never keeps the process alive. Needed only by a cache with loader timeouts.
   */
  readonly timer?: (ms: number, f: () => void) => () => void
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
  readonly timer: (ms: number, f: () => void) => () => void
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
export const system: Clock = { now: () => performance.now(), timer: (ms, f) => processTimer(ms, f) }

/** A `setTimeout` that does not keep the process alive (`unref`, where the runtime has it). */
const processTimer = (ms: number, f: () => void): (() => void) => {
  const timer = setTimeout(f, ms)
  if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
  return () => clearTimeout(timer)
}

/** Every 32nd read of a `coarse` clock that answers from its cache checks the process clock instead. */
const CHECK_EVERY = 32

/**
 * A clock that reads `performance.now()` about once per `resolution` milliseconds and answers the same time in
 * between, as lru-cache does: reading the process clock on every cache hit costs more than the rest of the hit.
 * Monotonic, like `system`.
 *
 * How far behind it may be: a read answers a time less than `resolution` ms behind `performance.now()` plus the
 * time since the 31st read before it, because every 32nd read that would answer from the cache checks the process
 * clock instead and catches up if it has moved by `resolution` or more. So a loop that only awaits cache hits
 * (microtasks, never a timer phase) still sees time move, within `resolution` ms plus the time of 31 hits (a few
 * microseconds). When the event loop does turn, a timer also drops the cached time `resolution` ms after it was
 * read; the timer is `unref`'d, so it never keeps the process alive. A check costs one `performance.now()` (about
 * 40 ns), once in 32 reads: about 1-2 ns a read.
 *
 * A timer costs more than a read of the process clock (several microseconds when the CPU is cold, as it is when a
 * slow load has just finished), so the clock starts one only when reads come often: a read that finds nothing
 * cached answers `performance.now()`; only a read less than `resolution` ms after that one caches it (and answers
 * it) and starts the timer. Reads far apart (a load's first read and its write 10 ms later) never start a timer.
 *
 * `resolution` is a constant of the program: a value that is not a finite number > 0 throws a `RangeError`.
 *
 * @example
 * import { Clock } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const clock = Clock.coarse(1)
 * const a = clock.now()
 * assert.ok(clock.now() >= a) // the same time, or a later one once the process clock moved 1 ms
 * assert.throws(() => Clock.coarse(0), RangeError)
 *
 * @category constructors
 * @since 0.1.0
 */
export const coarse = (resolution = 1): Clock => {
  if (!(typeof resolution === 'number' && Number.isFinite(resolution) && resolution > 0)) {
    throw new RangeError(`Clock.coarse: resolution must be a finite number of milliseconds > 0, got ${String(resolution)}`)
  }
  // `cached` is set exactly while a timer that drops it is pending
  let cached: number | undefined
  let reads = 0
  // the last time answered while nothing was cached
  let lone = -Infinity
  const drop = (): void => {
    cached = undefined
  }
  return {
    timer: processTimer,
    now: () => {
      if (cached !== undefined) {
        if (++reads < CHECK_EVERY) return cached
        reads = 0
        const t = performance.now()
        if (t - cached >= resolution) cached = t
        return cached
      }
      const t = performance.now()
      if (t - lone >= resolution) {
        lone = t
        return t
      }
      // a second read within `resolution` of a lone one: reads come often, `lone` is cached for the rest of its time
      cached = lone
      reads = 0
      const timer = setTimeout(drop, resolution - (t - lone))
      if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
      return lone
    }
  }
}

/**
 * A clock for tests: starts at `start` and moves only with `advance`, which also runs the timers that fall due on
 * the way, in the order they fall due, each at its own time. A `start` that is not a finite number throws a
 * `RangeError`.
 *
 * @example
 * import { Clock } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const clock = Clock.manual(1000)
 * const fired: Array<number> = []
 * clock.timer(100, () => fired.push(clock.now()))
 * clock.advance(250)()
 * assert.strictEqual(clock.now(), 1250)
 * assert.deepStrictEqual(fired, [1100])
 *
 * @category constructors
 * @since 0.1.0
 */
export const manual = (start = 0): ManualClock => {
  if (!(typeof start === 'number' && Number.isFinite(start))) {
    throw new RangeError(`Clock.manual: start must be a finite number, got ${String(start)}`)
  }
  let t = start
  // pending timers, by due time (then by when they were set)
  let timers: Array<{ readonly due: number; readonly f: () => void }> = []
  return {
    now: () => t,
    advance: (ms) => () => {
      if (!(ms > 0)) return
      const end = t + ms
      for (let next = timers[0]; next !== undefined && next.due <= end; next = timers[0]) {
        timers = timers.slice(1)
        t = next.due
        next.f()
      }
      t = end
    },
    timer: (ms, f) => {
      const timer = { due: t + Math.max(0, ms), f }
      const at = timers.findIndex((other) => other.due > timer.due)
      timers = at < 0 ? [...timers, timer] : [...timers.slice(0, at), timer, ...timers.slice(at)]
      return () => {
        timers = timers.filter((other) => other !== timer)
      }
    }
  }
}
