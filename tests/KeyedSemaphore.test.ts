import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as _ from '../lib/KeyedSemaphore'

type Outcome = 'right' | 'left' | 'reject' | 'throw'

describe('KeyedSemaphore', () => {
  it('races: never more holders than permits per key, FIFO, released whatever the outcome, no idle keys kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), outcome: fc.constantFrom<Outcome>('right', 'left', 'reject', 'throw') }), {
          minLength: 1,
          maxLength: 25
        }),
        async (s, permits, jobs) => {
          const sem = _.make(permits)
          const holding = new Map<string, number>()
          const entered: Array<number> = []
          const requested: Array<number> = []
          const task = (i: number, key: string, outcome: Outcome): TaskEither<string, number> => () => {
            if (outcome === 'throw') {
              entered.push(i)
              throw new Error('thrown')
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
    const sem = _.make()
    const never = sem.withPermit('a')(() => new Promise<E.Either<never, never>>(() => undefined))
    void never()
    const other = await sem.withPermit('b')(() => Promise.resolve(E.right(1)))()
    expect(other).toEqual(E.right(1))
    expect(sem.available('a')()).toBe(0)
    expect(sem.available('b')()).toBe(1)
    expect(sem.size()).toBe(1)
  })

  it('releases on a synchronous throw and rejects with it', async () => {
    const sem = _.make()
    await expect(
      sem.withPermit('k')(() => {
        throw new Error('boom')
      })()
    ).rejects.toThrow('boom')
    expect(sem.size()).toBe(0)
    expect(await sem.withPermit('k')(() => Promise.resolve(E.right('next')))()).toEqual(E.right('next'))
  })

  it('is lazy: nothing is acquired until the task runs', () => {
    const sem = _.make()
    sem.withPermit('k')(() => Promise.resolve(E.right(1)))
    expect(sem.size()).toBe(0)
  })

  it('rejects a bad permit count when made', () => {
    expect(() => _.make(0)).toThrow(RangeError)
    expect(() => _.make(1.5)).toThrow(/permits must be a positive integer, got 1.5/)
  })
})
