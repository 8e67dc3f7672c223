/**
 * The store contract suite: the contract every `Store` keeps (lib/Store.ts, C1-C6) and the cache laws that
 * must hold whatever store is behind a cache (1 single flight, 3 errors not cached, 7 fencing, 8 hygiene,
 * 9 validation). Every store we ship runs it, and so does the JSON test store, with and without latency and
 * reordering. A law that holds only for the memory store is not a law.
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

const Item = t.type({ id: t.number, name: t.string })
type Item = t.TypeOf<typeof Item>

const context = <A>(codec: t.Type<A, unknown, unknown>, clock: Clock.Clock, maxSize = 0): StoreContext<A> => ({
  name: 'contract',
  codec,
  maxSize,
  clock,
  onEvict: () => undefined
})

const run = <B>(te: () => Promise<B>): Promise<B> => te()

export const describeStoreContract = (store: StoreUnderTest): void => {
  describe(`store contract: ${store.name}`, () => {
    const make = <A>(codec: t.Type<A, unknown, unknown>, clock: Clock.Clock = Clock.manual()): Store<A> =>
      store.factory()(context(codec, clock))

    it('C1. get after set answers the value, until delete or clear', async () => {
      const s = make(Item)
      const a: Item = { id: 1, name: 'a' }
      expect(await run(s.get('k'))).toEqual(E.right(O.none))
      expect(await run(s.set('k', a))).toEqual(E.right(undefined))
      expect(await run(s.get('k'))).toEqual(E.right(O.some(a)))
      await run(s.delete('k'))
      expect(await run(s.get('k'))).toEqual(E.right(O.none))
      await run(s.set('k', a))
      await run(s.set('j', { id: 2, name: 'b' }))
      await run(s.clear)
      expect(await run(s.get('k'))).toEqual(E.right(O.none))
      expect(await run(s.get('j'))).toEqual(E.right(O.none))
    })

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

    it('C3. deleting a missing key is not an error; clear of an empty store neither', async () => {
      const s = make(t.number)
      expect(await run(s.delete('nothing'))).toEqual(E.right(undefined))
      expect(await run(s.clear)).toEqual(E.right(undefined))
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

    it('C6. no task throws or rejects, whatever it is asked', async () => {
      const s = make(t.number)
      const tasks: Array<() => Promise<E.Either<unknown, unknown>>> = [
        s.get(''),
        s.set('', 1),
        s.set('k', 2, 0),
        s.delete(''),
        s.delete('never'),
        s.clear
      ]
      for (const task of tasks) expect(E.isRight(await task())).toBe(true)
    })

    it('validation: a store that validates says so with validatedBy, or the cache checks every hit', () => {
      const s = make(Item)
      expect(s.validatedBy === undefined || s.validatedBy === Item).toBe(true)
    })

    describeCacheLaws(store)
  })
}

/** The cache laws over this store; with a latent store, every store operation completes in the scheduler's order. */
const describeCacheLaws = (store: StoreUnderTest): void => {
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

  it('law 3: a failure stores nothing and the next call loads again', async () => {
    const cache = cacheOver()
    let calls = 0
    const f = withCache(cache)((n: number) => () => Promise.resolve(++calls === 1 ? E.left('down') : E.right(n)))
    expect(await f(1)()).toEqual(E.left('down'))
    expect(await f(1)()).toEqual(E.right(1))
    expect(calls).toBe(2)
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

  it('law 9: a hit that fails the codec never reaches a caller', async () => {
    const cache = cacheOver()
    const written = await cache.store.set('1', 'not a number' as unknown as number)()
    // a store keeps it out (InvalidValue), or keeps it and the cache finds it corrupt on the read
    const f = withCacheAsync(cache)((n: number) => n + 100)
    expect(await f(1)).toBe(101)
    if (E.isLeft(written)) expect(written.left._tag).toBe('InvalidValue')
    expect(await cache.get(1)()).toEqual(E.right(O.some(101)))
  })
}
