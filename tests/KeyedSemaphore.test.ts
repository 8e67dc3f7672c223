import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as _ from '../lib/KeyedSemaphore'

type Outcome = 'right' | 'left' | 'reject' | 'throw' | 'not a promise'

describe('KeyedSemaphore', () => {
  it('races: never more holders than permits per key, FIFO, released whatever the outcome, no idle keys kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), outcome: fc.constantFrom<Outcome>('right', 'left', 'reject', 'throw', 'not a promise') }), {
          minLength: 1,
          maxLength: 25
        }),
        async (s, permits, jobs) => {
          const sem = _.unsafeMake(permits)
          const holding = new Map<string, number>()
          const entered: Array<number> = []
          const requested: Array<number> = []
          const task = (i: number, key: string, outcome: Outcome): TaskEither<string, number> => () => {
            if (outcome === 'throw') {
              entered.push(i)
              throw new Error('thrown')
            }
            if (outcome === 'not a promise') {
              entered.push(i)
              // an Either where a TaskEither was meant: a bug of the caller, which must not lock the key
              return E.right(i) as unknown as Promise<E.Either<string, number>>
            }
            entered.push(i)
            const now = (holding.get(key) ?? 0) + 1
            holding.set(key, now)
            expect(now).toBeLessThanOrEqual(permits)
            return s.schedule(Promise.resolve(i), `${key}#${i}`).then((n) => {
              holding.set(key, (holding.get(key) ?? 1) - 1)
              if (outcome === 'reject') throw new Error('rejected')
              return outcome === 'left' ? E.left('left') : E.right(n)
            })
          }
          // arrivals are scheduled too, so jobs start in any order and in the middle of others
          const results = jobs.map(({ key, outcome }, i) =>
            s.schedule(Promise.resolve(), `arrive ${i}`).then(() => {
              requested.push(i)
              return sem.withPermit(key)(task(i, key, outcome))().then(
                (r) => (E.isRight(r) ? 'right' : 'left'),
                () => 'rejected'
              )
            })
          )
          const settled = await s.waitFor(Promise.all(results))
          settled.forEach((r, i) => {
            const o = jobs[i]!.outcome
            expect(r).toBe(o === 'right' ? 'right' : o === 'left' ? 'left' : 'rejected')
          })
          // FIFO per key: jobs of one key enter in the order they asked
          for (const key of ['a', 'b', 'c']) {
            const mine = (xs: ReadonlyArray<number>) => xs.filter((i) => jobs[i]!.key === key)
            expect(mine(entered)).toEqual(mine(requested))
          }
          expect(sem.size()).toBe(0)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('keys are independent: a key held forever does not delay another key', async () => {
    const sem = _.unsafeMake()
    const never = sem.withPermit('a')(() => new Promise<E.Either<never, never>>(() => undefined))
    void never()
    const other = await sem.withPermit('b')(() => Promise.resolve(E.right(1)))()
    expect(other).toEqual(E.right(1))
    expect(sem.available('a')()).toBe(0)
    expect(sem.available('b')()).toBe(1)
    expect(sem.size()).toBe(1)
  })

  it('releases on a synchronous throw and rejects with it', async () => {
    const sem = _.unsafeMake()
    await expect(
      sem.withPermit('k')(() => {
        throw new Error('boom')
      })()
    ).rejects.toThrow('boom')
    expect(sem.size()).toBe(0)
    expect(await sem.withPermit('k')(() => Promise.resolve(E.right('next')))()).toEqual(E.right('next'))
  })

  it('is lazy: nothing is acquired until the task runs', () => {
    const sem = _.unsafeMake()
    sem.withPermit('k')(() => Promise.resolve(E.right(1)))
    expect(sem.size()).toBe(0)
  })

  describe('a task that returns something other than a promise (Core 0.2, defect 3)', () => {
    it.each([
      ['an Either', E.right(1), /returned an object tagged Right, not a promise/],
      ['undefined', undefined, /returned undefined, not a promise/],
      ['a number', 7, /returned a number, not a promise/],
      ['null', null, /returned null, not a promise/]
    ])('%s: rejects with a TypeError and releases the permit', async (_name, returned, message) => {
      const sem = _.unsafeMake()
      const wrong = sem.withPermit('k')((() => returned) as unknown as TaskEither<never, number>)()
      await expect(wrong).rejects.toThrow(TypeError)
      await expect(wrong).rejects.toThrow(message)
      expect(sem.size()).toBe(0)
      expect(sem.available('k')()).toBe(1)
      expect(await sem.withPermit('k')(() => Promise.resolve(E.right('next')))()).toEqual(E.right('next'))
    })

    it('hands the permit to the next waiter', async () => {
      const sem = _.unsafeMake()
      let open: () => void = () => undefined
      const first = sem.withPermit('k')(() => new Promise<E.Either<never, number>>((resolve) => (open = () => resolve(E.right(1)))))()
      const wrong = sem.withPermit('k')((() => E.right(2)) as unknown as TaskEither<never, number>)()
      const third = sem.withPermit('k')(() => Promise.resolve(E.right(3)))()
      open()
      expect(await first).toEqual(E.right(1))
      await expect(wrong).rejects.toThrow(TypeError)
      expect(await third).toEqual(E.right(3))
      expect(sem.size()).toBe(0)
    })

    it('accepts a thenable that is not a native promise', async () => {
      const sem = _.unsafeMake()
      const thenable = { then: (ok: (e: E.Either<never, number>) => void) => ok(E.right(5)) }
      const r = await sem.withPermit('k')((() => thenable) as unknown as TaskEither<never, number>)()
      expect(r).toEqual(E.right(5))
      expect(sem.size()).toBe(0)
    })
  })

  describe('constructors', () => {
    it('make returns an InvalidConfig naming permits for a bad count', () => {
      for (const permits of [0, -1, 1.5, NaN, Infinity]) {
        expect(_.make(permits)).toEqual(
          E.left({
            _tag: 'InvalidConfig',
            cache: 'KeyedSemaphore',
            fields: [{ field: 'permits', message: `must be a positive integer, got ${permits}` }]
          })
        )
      }
      const sem = _.make(3)
      expect(E.isRight(sem) && sem.right.permits).toBe(3)
      expect(E.isRight(_.make()) && _.make()).toMatchObject({ right: { permits: 1 } })
    })

    it('unsafeMake throws a RangeError for a bad count', () => {
      expect(() => _.unsafeMake(0)).toThrow(RangeError)
      expect(() => _.unsafeMake(1.5)).toThrow(/permits must be a positive integer, got 1.5/)
    })
  })
})
