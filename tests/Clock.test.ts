import * as Clock from '../lib/Clock'

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
})
