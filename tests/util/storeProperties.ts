/**
 * The store contract's properties, checked with fast-check beside the test kit's own laws (`storeLaws` of
 * lib/testing.ts, which every store we ship runs in tests/stores.test.ts): the laws whose scenarios fast-check
 * draws and shrinks here (C2 ttl, C4 keys, and laws 1, 7 and 8 under an `fc.scheduler` that picks the order the
 * store completes in). The kit draws the same kinds of scenario from a seed of its own, without fast-check; these
 * keep fast-check's exploration and shrinking on the project's own stores.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import * as Cache from '../../lib/Cache'
import * as Clock from '../../lib/Clock'
import * as KC from '../../lib/KeyCodec'
import type { Store, StoreContext, StoreFactory } from '../../lib/Store'
import { withCache, withCacheAsync } from '../../lib/withCache'

export interface StoreUnderTest {
  readonly name: string
  /** A factory; `latency`, when given, is where the store's operations wait (an fc.scheduler's `schedule`). */
  readonly factory: (latency?: (label: string) => Promise<unknown>) => StoreFactory
  /** Whether the store can be given a latency (a remote-like store) */
  readonly latent: boolean
}

const context = <A>(codec: t.Type<A, unknown, unknown>, clock: Clock.Clock, maxSize = 0): StoreContext<A> => ({
  name: 'contract',
  codec,
  maxSize,
  clock,
  onEvict: () => undefined
})

const run = <B>(te: () => Promise<B>): Promise<B> => te()

export const describeStoreProperties = (store: StoreUnderTest): void => {
  describe(`store properties (fast-check): ${store.name}`, () => {
    const make = <A>(codec: t.Type<A, unknown, unknown>, clock: Clock.Clock = Clock.manual()): Store<A> =>
      store.factory()(context(codec, clock))

    it('C2. an entry set at t with ttl d is a hit before t + d and a miss from t + d; none never expires', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2000 }), async (ttl, step) => {
          const clock = Clock.manual(10)
          const s = make(t.number, clock)
          await run(s.set('k', 1, ttl))
          await run(s.set('forever', 2))
          clock.advance(step)()
          const expected = step < ttl ? O.some(1) : O.none
          expect(await run(s.get('k'))).toEqual(E.right(expected))
          clock.advance(ttl - step)() // exactly t + d (or later when step > ttl)
          expect(await run(s.get('k'))).toEqual(E.right(O.none))
          expect(await run(s.get('forever'))).toEqual(E.right(O.some(2)))
        })
      )
    })

    it('C4. keys are opaque: any string, separators and the empty one included, round-trips', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 8 }), async (keys) => {
          const s = make(t.number)
          for (const [i, k] of keys.entries()) await run(s.set(k, i))
          for (const [i, k] of keys.entries()) expect(await run(s.get(k))).toEqual(E.right(O.some(i)))
        })
      )
    })

    describeCacheProperties(store)
  })
}

/** The cache laws over this store; with a latent store, every store operation completes in the scheduler's order. */
const describeCacheProperties = (store: StoreUnderTest): void => {
  const cacheOver = (latency?: (label: string) => Promise<unknown>) =>
    Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, store: store.factory(latency), clock: Clock.manual() })

  it('law 1 and 8: concurrent callers of one key run the loader once; nothing is held afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 8 }), async (s, callers) => {
        const cache = cacheOver(store.latent ? (label) => s.schedule(Promise.resolve(), label) : undefined)
        let calls = 0
        const f = withCacheAsync(cache)((n: number) => {
          calls++
          return s.schedule(Promise.resolve(n * 10), 'load')
        })
        const results = Array.from({ length: callers }, () => f(3))
        expect(await s.waitFor(Promise.all(results))).toEqual(Array(callers).fill(30))
        expect(calls).toBe(1)
        expect(cache.inFlight()).toBe(0)
      })
    )
  })

  it('law 7: whatever order the store completes in, no read after an invalidate, set or clear returns an older value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('load', 'load', 'read', 'invalidate', 'set', 'clear'), { minLength: 1, maxLength: 16 }),
        async (s, ops) => {
          const cache = cacheOver(store.latent ? (label) => s.schedule(Promise.resolve(), label) : undefined)
          // the "database": every write bumps the version; a load answers the version it read
          let version = 0
          // the version of the newest write whose invalidation has completed: no later read may answer less
          let floor = 0
          const f = withCache(cache)((_k: number) => () => {
            const read = version
            return s.schedule(Promise.resolve(E.right(read)), `load read v${read}`)
          })
          const check = (r: E.Either<unknown, O.Option<number>>, least: number) => {
            if (E.isRight(r) && O.isSome(r.right)) expect(r.right.value).toBeGreaterThanOrEqual(least)
          }
          const done = ops.map((op, i) =>
            s.schedule(Promise.resolve(), `${op} ${i}`).then(async () => {
              if (op === 'load') return void (await f(0)())
              if (op === 'read') {
                const least = floor
                return check(await cache.get(0)(), least)
              }
              const written = ++version
              if (op === 'invalidate') await cache.invalidate(0)()
              else if (op === 'set') await cache.set(written, 0)()
              else await cache.clear()
              floor = Math.max(floor, written)
            })
          )
          await s.waitFor(Promise.all(done))
          check(await s.waitFor(cache.get(0)()), version)
          expect(cache.inFlight()).toBe(0)
        }
      ),
      { numRuns: 300 }
    )
  })
}
