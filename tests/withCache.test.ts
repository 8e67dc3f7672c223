import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { flow, pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import type { CacheError } from '../lib/CacheError'
import * as Clock from '../lib/Clock'
import type * as Config from '../lib/Config'
import * as KC from '../lib/KeyCodec'
import { withCache, withCacheAsync } from '../lib/withCache'

/** Keyed by `k` only: `outcome` rides along to tell the function how to end. */
const byK = () => Cache.unsafeMake({ name: 'k', codec: t.number, key: KC.struct({ k: KC.int }) })
interface Job {
  readonly k: number
  readonly outcome: Outcome
}

const numbers = (config: Config.Config = {}, clock: Clock.Clock = Clock.manual()) =>
  Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, config, clock })

type Outcome = 'right' | 'left' | 'throw' | 'reject'

describe('withCache', () => {
  describe('law 1: single flight', () => {
    it('concurrent callers of a missing key run f once and share its result (TaskEither, scheduled arrivals)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 30 }),
          async (s, keys) => {
            const cache = numbers()
            const calls = new Map<number, number>()
            const f = withCache(cache)((k: number) => () => {
              calls.set(k, (calls.get(k) ?? 0) + 1)
              return s.schedule(Promise.resolve(E.right(k * 10)), `f(${k})`)
            })
            const results = keys.map((k, i) => s.schedule(Promise.resolve(), `arrive ${i}`).then(() => f(k)()))
            const settled = await s.waitFor(Promise.all(results))
            settled.forEach((r, i) => expect(r).toEqual(E.right(keys[i]! * 10)))
            for (const k of new Set(keys)) expect(calls.get(k)).toBe(1)
            expect(cache.inFlight()).toBe(0)
            expect(cache.inFlight()).toBe(0)
          }
        ),
        { numRuns: 300 }
      )
    })

    it('with failures: at most one f in flight per key, and every caller gets the result of a run it waited for', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), outcome: fc.constantFrom<Outcome>('right', 'left', 'throw', 'reject') }), {
            minLength: 1,
            maxLength: 25
          }),
          async (s, jobs) => {
            const cache = byK()
            const running = new Map<number, number>()
            let runs = 0
            // the outcome of a run is chosen by the job whose call started it
            const f = withCache(cache)(({ k, outcome }: Job) => () => {
              const id = ++runs
              running.set(k, (running.get(k) ?? 0) + 1)
              expect(running.get(k)).toBe(1)
              if (outcome === 'throw') {
                running.set(k, 0)
                throw new Error(`throw ${id}`)
              }
              return s.schedule(Promise.resolve(id), `run ${id}`).then((n) => {
                running.set(k, 0)
                if (outcome === 'reject') throw new Error(`reject ${id}`)
                return outcome === 'left' ? E.left(`left ${n}`) : E.right(n)
              })
            })
            const results = jobs.map((j, i) =>
              s.schedule(Promise.resolve(), `arrive ${i}`).then(() => f({ k: j.key, outcome: j.outcome })())
            )
            const settled = await s.waitFor(Promise.all(results))
            for (const r of settled) {
              if (E.isLeft(r)) {
                const e = r.left
                if (typeof e === 'string') expect(e).toMatch(/^left \d+$/)
                else expect((e as CacheError)._tag).toBe('UnexpectedError')
              }
            }
            expect(cache.inFlight()).toBe(0)
            expect(cache.inFlight()).toBe(0)
          }
        ),
        { numRuns: 300 }
      )
    })

    it('all N concurrent callers receive the same error, and f ran once', async () => {
      const cache = numbers()
      let calls = 0
      const f = withCacheAsync(cache)(async (_k: number): Promise<number> => {
        calls++
        await Promise.resolve()
        throw new Error('down')
      })
      const errors = await Promise.all(Array.from({ length: 50 }, () => f(1).catch((e: unknown) => e)))
      expect(calls).toBe(1)
      expect(new Set(errors).size).toBe(1)
      expect((errors[0] as Error).message).toBe('down')
    })

    it('1000 concurrent callers of one missing key: one call', async () => {
      const cache = numbers()
      let calls = 0
      let release: (n: number) => void = () => undefined
      const gate = new Promise<number>((resolve) => (release = resolve))
      const f = withCacheAsync(cache)((_k: number) => {
        calls++
        return gate
      })
      const all = Promise.all(Array.from({ length: 1000 }, () => f(7)))
      release(42)
      expect(new Set(await all)).toEqual(new Set([42]))
      expect(calls).toBe(1)
    })
  })

  describe('law 2: independence', () => {
    it('a key whose load never finishes does not delay other keys', async () => {
      const cache = numbers()
      const f = withCacheAsync(cache)((k: number) => (k === 1 ? new Promise<number>(() => undefined) : k))
      void f(1)
      await expect(f(2)).resolves.toBe(2)
      await expect(f(3)).resolves.toBe(3)
    })
  })

  describe('law 3: errors are not cached', () => {
    it.each<Outcome>(['left', 'throw', 'reject'])('%s: stores nothing, releases the lock, the next call runs f again', async (outcome) => {
      const cache = numbers()
      let calls = 0
      const f = withCache(cache)((k: number): TaskEither<string, number> => {
        calls++
        if (outcome === 'throw') throw new Error('thrown')
        if (outcome === 'reject') return () => Promise.reject(new Error('rejected'))
        return TE.left(`no ${k}`)
      })
      const first = await f(1)()
      expect(E.isLeft(first)).toBe(true)
      if (outcome === 'left') expect(first).toEqual(E.left('no 1'))
      else expect(first).toEqual(E.left({ _tag: 'UnexpectedError', cause: expect.any(Error) }))
      expect(cache.inFlight()).toBe(0)
      expect(await cache.store.size?.()).toEqual(E.right(0))
      await f(1)()
      expect(calls).toBe(2)
    })

    it('the Promise form rejects with the original error, for a rejection and for a synchronous throw', async () => {
      const cache = numbers()
      const original = new Error('original')
      await expect(withCacheAsync(cache)(async (_k: number) => Promise.reject(original))(1)).rejects.toBe(original)
      await expect(
        withCacheAsync(cache)((_k: number): number => {
          throw original
        })(2)
      ).rejects.toBe(original)
    })
  })

  describe('law 4: ttl through the cache', () => {
    it('a hit before now = t + ttl, a miss (and a new call) at it', async () => {
      const clock = Clock.manual(1000)
      const cache = numbers({ ttl: 100 }, clock)
      let calls = 0
      const f = withCacheAsync(cache)((k: number) => ++calls * 0 + k)
      await f(1)
      clock.advance(99)()
      await f(1)
      expect(calls).toBe(1)
      clock.advance(1)()
      await f(1)
      expect(calls).toBe(2)
    })
  })

  describe('law 7: fenced invalidation', () => {
    it('an invalidate, set or clear during a load keeps its result out of the store; callers still get it', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.constantFrom<'load' | 'invalidate' | 'set' | 'clear'>('load', 'load', 'invalidate', 'set', 'clear'), {
            minLength: 1,
            maxLength: 20
          }),
          async (s, ops) => {
            const cache = numbers()
            // the "database": every write bumps the version; a load returns the version it read
            let version = 0
            const f = withCache(cache)((_k: number) => () => {
              const read = version
              return s.schedule(Promise.resolve(E.right(read)), `load read v${read}`)
            })
            const done = ops.map((op, i) =>
              s.schedule(Promise.resolve(), `${op} ${i}`).then(async () => {
                if (op === 'load') {
                  const r = await f(0)()
                  expect(E.isRight(r)).toBe(true)
                  return
                }
                version++
                if (op === 'invalidate') await cache.invalidate(0)()
                else if (op === 'set') await cache.set(version, 0)()
                else await cache.clear()
              })
            )
            await s.waitFor(Promise.all(done))
            // whatever is stored now was read after the last write: no stale value was written back
            const stored = await cache.get(0)()
            if (E.isRight(stored) && stored.right._tag === 'Some') expect(stored.right.value).toBe(version)
            expect(cache.inFlight()).toBe(0)
            expect(cache.inFlight()).toBe(0)
          }
        ),
        { numRuns: 400 }
      )
    })

    it('a later load stores normally', async () => {
      const cache = numbers()
      let release: (n: number) => void = () => undefined
      let calls = 0
      const f = withCacheAsync(cache)((_k: number) => {
        calls++
        return calls === 1 ? new Promise<number>((resolve) => (release = resolve)) : 2
      })
      const first = f(1)
      while (calls === 0) await Promise.resolve() // until the first load has started
      await cache.invalidate(1)()
      const second = f(1) // starts a new flight; it waits for the fenced one to finish
      release(1)
      expect(await first).toBe(1)
      expect(await second).toBe(2)
      expect(await cache.get(1)()).toEqual(E.right({ _tag: 'Some', value: 2 }))
    })
  })

  describe('law 8: lock hygiene', () => {
    it('after every call settles the semaphore and the flight table are empty', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ key: fc.integer({ min: 0, max: 4 }), outcome: fc.constantFrom<Outcome>('right', 'left', 'throw', 'reject') }), {
            maxLength: 40
          }),
          async (jobs) => {
            const cache = byK()
            const f = withCache(cache)(({ k, outcome }: Job): TaskEither<string, number> => {
              if (outcome === 'throw') throw new Error('x')
              if (outcome === 'reject') return () => Promise.reject(new Error('x'))
              return outcome === 'left' ? TE.left('x') : TE.right(k)
            })
            await Promise.all(jobs.map((j) => f({ k: j.key, outcome: j.outcome })()))
            expect(cache.inFlight()).toBe(0)
            expect(cache.inFlight()).toBe(0)
          }
        )
      )
    })
  })

  describe('law 11: disabled', () => {
    it('calls f every time and stores nothing', async () => {
      const cache = numbers({ disabled: true })
      let calls = 0
      const f = withCacheAsync(cache)((k: number) => {
        calls++
        return k
      })
      await Promise.all([f(1), f(1), f(1)])
      await f(1)
      expect(calls).toBe(4)
      expect(await cache.store.size?.()).toEqual(E.right(0))
      expect(await cache.get(1)()).toEqual(E.right({ _tag: 'None' }))
    })
  })

  describe('keys', () => {
    it('an argument the key codec cannot encode is a Left (TaskEither) or a rejection (Promise); f does not run', async () => {
      const cache = numbers()
      let calls = 0
      const te = withCache(cache)((k: number) => TE.fromIO(() => ++calls + k))
      const r = await te(1.5)()
      expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'KeyEncodeFailure', path: '$', actual: 1.5 })))
      const p = withCacheAsync(cache)((k: number) => ++calls + k)
      await expect(p(1.5)).rejects.toThrow('cannot encode key: at $ expected a safe integer, got 1.5')
      expect(calls).toBe(0)
    })

    it('positional arguments all make the key', async () => {
      const cache = Cache.unsafeMake({ name: 'sum', codec: t.number, args: KC.tuple(KC.int, KC.int) })
      let calls = 0
      const add = withCacheAsync(cache)((a: number, b: number) => {
        calls++
        return a + b
      })
      expect(await add(1, 2)).toBe(3)
      expect(await add(2, 1)).toBe(3)
      expect(await add(1, 2)).toBe(3)
      expect(calls).toBe(2)
    })

    it('one-object arguments: property order does not matter', async () => {
      const cache = Cache.unsafeMake({ name: 'u', codec: t.string, key: KC.struct({ id: KC.int, region: KC.string }) })
      let calls = 0
      const f = withCacheAsync(cache)(({ id, region }: { id: number; region: string }) => `${++calls}:${id}@${region}`)
      const a = await f({ id: 1, region: 'eu' })
      const b = await f({ region: 'eu', id: 1 })
      expect(a).toBe(b)
      expect(calls).toBe(1)
    })

    it('plain (synchronous) functions are cached and become async', async () => {
      const cache = numbers()
      let calls = 0
      const f = withCacheAsync(cache)((k: number) => {
        calls++
        return k * 2
      })
      expect(await f(2)).toBe(4)
      expect(await f(2)).toBe(4)
      expect(calls).toBe(1)
    })
  })

  describe('composition', () => {
    it('pipes and flows like any fp-ts function', async () => {
      const cache = numbers()
      const load = (k: number): TaskEither<string, number> => TE.right(k + 1)
      const cached = pipe(load, withCache(cache))
      const doubled = flow(cached, TE.map((n) => n * 2))
      expect(await doubled(1)()).toEqual(E.right(4))
    })
  })
})
