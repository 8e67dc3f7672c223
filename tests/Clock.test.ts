import * as fc from 'fast-check'
import * as Clock from '../lib/Clock'

/**
 * Runs `body` with the process clock stubbed to `time.t` and timers faked: no timer fires unless the test moves
 * them, which is what a loop that only awaits microtasks sees.
 */
const withStubbedTime = async (body: (time: { t: number }) => void | Promise<void>): Promise<void> => {
  jest.useFakeTimers({ doNotFake: ['performance'] })
  const time = { t: 1000 }
  const spy = jest.spyOn(performance, 'now').mockImplementation(() => time.t)
  try {
    await body(time)
  } finally {
    spy.mockRestore()
    jest.useRealTimers()
  }
}

describe('Clock', () => {
  it('the manual clock moves only forward, and only when told', () => {
    const clock = Clock.manual(5)
    expect(clock.now()).toBe(5)
    clock.advance(-3)()
    expect(clock.now()).toBe(5)
    clock.advance(3)()
    expect(clock.now()).toBe(8)
  })

  it('the coarse clock answers one time per resolution, then reads the process clock again', () => {
    jest.useFakeTimers({ now: 1000 })
    try {
      const clock = Clock.coarse(5)
      const first = clock.now()
      jest.advanceTimersByTime(4)
      expect(clock.now()).toBe(first)
      jest.advanceTimersByTime(1)
      const later = clock.now()
      expect(later).toBeGreaterThanOrEqual(first + 5)
      expect(clock.now()).toBe(later)
    } finally {
      jest.useRealTimers()
    }
  })

  it('the system clock is monotonic', () => {
    let last = Clock.system.now()
    for (let i = 0; i < 1000; i++) {
      const now = Clock.system.now()
      expect(now).toBeGreaterThanOrEqual(last)
      last = now
    }
  })

  describe('the coarse clock does not freeze when no timer runs (Core 0.2, defect 9)', () => {
    it('catches up within 32 reads in a loop that only awaits microtasks', async () => {
      await withStubbedTime(async (time) => {
        const clock = Clock.coarse(10)
        expect(clock.now()).toBe(1000)
        time.t = 1100 // 100 ms pass; the timer that would drop the cached time never gets to run
        const seen: Array<number> = []
        for (let i = 0; i < 32; i++) {
          await Promise.resolve()
          seen.push(clock.now())
        }
        expect(seen[seen.length - 1]).toBe(1100)
      })
    })

    it('is behind the process clock by less than resolution plus the time of the last 31 reads', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(1, 5, 10),
          // each step: the process clock moves, the event loop may turn, then a burst of reads (hits) follows
          fc.array(
            fc.record({
              step: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true }), fc.constant(25)),
              fire: fc.boolean(),
              burst: fc.integer({ min: 1, max: 40 })
            }),
            { maxLength: 60 }
          ),
          async (resolution, steps) => {
            await withStubbedTime((time) => {
              const clock = Clock.coarse(resolution)
              const at: Array<number> = []
              let last = -Infinity
              let unseen = 0 // how far the process clock is ahead of the fake timers
              for (const { step, fire, burst } of steps) {
                time.t += step
                unseen += step
                // sometimes the event loop turns and due timers run, sometimes it never does
                if (fire) {
                  jest.advanceTimersByTime(unseen)
                  unseen = 0
                }
                for (let i = 0; i < burst; i++) {
                  const now = clock.now()
                  at.push(time.t)
                  expect(now).toBeGreaterThanOrEqual(last) // monotonic
                  expect(now).toBeLessThanOrEqual(time.t)
                  const since = time.t - (at[at.length - 32] ?? (at[0] as number))
                  expect(time.t - now).toBeLessThan(resolution + since + 1e-9)
                  last = now
                }
              }
            })
          }
        ),
        { numRuns: 200 }
      )
    })
  })

  describe('constructors reject bad constants with a RangeError naming the parameter', () => {
    it.each([0, -1, NaN, Infinity, -Infinity])('coarse(%p)', (resolution) => {
      expect(() => Clock.coarse(resolution)).toThrow(RangeError)
      expect(() => Clock.coarse(resolution)).toThrow(`Clock.coarse: resolution must be a finite number of milliseconds > 0, got ${resolution}`)
    })

    it.each([NaN, Infinity, -Infinity])('manual(%p)', (start) => {
      expect(() => Clock.manual(start)).toThrow(RangeError)
      expect(() => Clock.manual(start)).toThrow(`Clock.manual: start must be a finite number, got ${start}`)
    })

    it('accepts the defaults and ordinary values', () => {
      expect(() => Clock.coarse()).not.toThrow()
      expect(() => Clock.coarse(0.5)).not.toThrow()
      expect(Clock.manual(-5).now()).toBe(-5)
      expect(Clock.manual().now()).toBe(0)
    })
  })
})
