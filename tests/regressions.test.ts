/**
 * One test per defect of the Core 0.2 issue (section 1), named by its number there. Each of them failed against
 * the 0.1 engine (checked by running this file against it, with the 0.2 API names adjusted).
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as Clock from '../lib/Clock'
import * as KC from '../lib/KeyCodec'
import * as MemoryStore from '../lib/MemoryStore'
import type { Store, StoreFactory } from '../lib/Store'
import { invalidateAfterAsync } from '../lib/invalidateAfter'
import { withCache, withCacheAsync } from '../lib/withCache'
import { jsonStore } from './util/jsonStore'

/** A latency under the test's hand: each store operation waits until `release` lets the oldest waiting one go. */
const gate = () => {
  const waiting: Array<{ label: string; go: () => void }> = []
  return {
    waiting,
    latency: (label: string) => new Promise<void>((go) => waiting.push({ label, go })),
    release: (prefix: string) => {
      const i = waiting.findIndex((w) => w.label.startsWith(prefix))
      if (i < 0) throw new Error(`no store operation waiting for ${prefix}; waiting: ${waiting.map((w) => w.label).join(', ')}`)
      const [w] = waiting.splice(i, 1)
      w?.go()
    }
  }
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

const numbers = (store?: StoreFactory, config: Cache.KeyOptions<number, number>['config'] = {}) =>
  Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, clock: Clock.manual(), config, ...(store ? { store } : {}) })

describe('Core 0.2 defects', () => {
  it('1. an invalidate that completes while a load is writing to a slow store is not undone by that write', async () => {
    const g = gate()
    const cache = numbers(jsonStore({ latency: g.latency }))
    let version = 1
    const f = withCacheAsync(cache)(() => version)
    const read = f(7)
    await ticks()
    g.release('get') // the lookup misses; the load runs and its write reaches the store
    await ticks()
    expect(g.waiting.map((w) => w.label)).toEqual(['set 7'])
    version = 2
    const invalidated = cache.invalidate(7)()
    await ticks()
    // the store completes the invalidation's delete before the slow write whenever it is given both at once
    const deleteFirst = () => g.waiting.some((w) => w.label.startsWith('delete')) && (g.release('delete'), true)
    deleteFirst()
    g.release('set')
    await ticks()
    deleteFirst()
    expect(await invalidated).toEqual(E.right(undefined))
    expect(await read).toBe(1)
    const after = cache.get(7)()
    await ticks()
    g.release('get')
    expect(await after).toEqual(E.right(O.none))
  })

  it('2a. a loader value that fails the codec fails the call with InvalidValue (TaskEither and Promise APIs)', async () => {
    const cache = numbers()
    const te = withCache(cache)((n: number) => TE.right(`${n}` as unknown as number))
    const r = await te(1)()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidValue', key: '1' })
    const p = withCacheAsync(cache)((n: number) => `${n}` as unknown as number)
    await expect(p(2)).rejects.toMatchObject({ cause: { _tag: 'InvalidValue', key: '2' } })
    expect(await cache.get(1)()).toEqual(E.right(O.none))
  })

  it('2b. a store that answers values it did not decode has its hits checked', async () => {
    const raw = new Map<string, unknown>()
    const lax: StoreFactory = <A>() =>
      ({
        get: (k: string) => TE.right(raw.has(k) ? O.some(raw.get(k) as A) : O.none),
        set: (k: string, v: A) => TE.fromIO(() => void raw.set(k, v)),
        delete: (k: string) => TE.fromIO(() => void raw.delete(k)),
        clear: TE.fromIO(() => raw.clear())
      }) as Store<A>
    const events: Array<string> = []
    const cache = Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, store: lax, onEvent: (e) => events.push(e._tag) })
    raw.set('5', 'five')
    const f = withCacheAsync(cache)((n: number) => n)
    expect(await f(5)).toBe(5)
    expect(events).toContain('DecodeFailure')
    expect(raw.get('5')).toBe(5)
  })

  it('2b. cache.store.set with a wrong value cannot put it in front of a caller of the default store', async () => {
    const cache = numbers()
    const r = await cache.store.set('5', 'wrong' as unknown as number)()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidValue')
    expect(() => (cache.store.setSync as NonNullable<Store<number>['setSync']>)('5', 'wrong' as unknown as number)).toThrow(
      TypeError
    )
    expect(await cache.get(5)()).toEqual(E.right(O.none))
  })

  it('4. a listener that unsubscribes itself does not make the next listener miss the event', async () => {
    const cache = numbers()
    const heard: Array<string> = []
    const leave = cache.subscribe(() => {
      heard.push('first')
      leave()
    })
    cache.subscribe(() => heard.push('second'))
    await cache.invalidate(1)()
    await cache.invalidate(2)()
    expect(heard).toEqual(['first', 'second', 'second'])
  })

  describe('5. make names what is wrong instead of crashing later', () => {
    const fields = (options: unknown) => {
      const r = Cache.make(options as Cache.KeyOptions<number, number>)
      return E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields.map((f) => f.field) : []
    }
    it.each([
      ['without key or args', { name: 'n', codec: t.number }, ['key']],
      ['with both key and args', { name: 'n', codec: t.number, key: KC.int, args: KC.tuple(KC.int) }, ['key']],
      ['without a name', { codec: t.number, key: KC.int }, ['name']],
      ['without a codec', { name: 'n', key: KC.int }, ['codec']],
      ['with a key that is not a codec', { name: 'n', codec: t.number, key: 3 }, ['key']],
      ['with a clock that is not one', { name: 'n', codec: t.number, key: KC.int, clock: {} }, ['clock']],
      ['with a bad config field too', { codec: t.number, key: KC.int, config: { ttl: -1 } }, ['name', 'ttl']]
    ])('%s', (_, options, expected) => expect(fields(options)).toEqual(expected))

    it('a store whose task throws makes the cached function reject, not throw', async () => {
      const throwing: StoreFactory = <A>() =>
        ({
          get: () => () => {
            throw new Error('boom')
          },
          set: () => () => {
            throw new Error('boom')
          },
          delete: () => () => {
            throw new Error('boom')
          },
          clear: () => {
            throw new Error('boom')
          }
        }) as unknown as Store<A>
      const cache = numbers(throwing)
      const f = withCacheAsync(cache)((n: number) => n * 2)
      let result: Promise<number> | undefined
      expect(() => (result = f(2))).not.toThrow()
      expect(await result).toBe(4) // store failures fail open
      expect(E.isLeft(await cache.invalidate(2)())).toBe(true)
      expect(E.isLeft(await cache.clear())).toBe(true)
    })
  })

  it('6. an unbounded cache with a ttl frees expired entries as it goes, and purge frees the rest', async () => {
    const clock = Clock.manual()
    const cache = Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, clock, config: { ttl: 1000 } })
    const f = withCacheAsync(cache)((n: number) => n)
    // 200k distinct keys over 20 simulated seconds: 10k live at any time
    let peak = 0
    for (let i = 0; i < 200_000; i++) {
      await f(i)
      if (i % 10 === 9) clock.advance(1)()
      if (i % 1000 === 0) peak = Math.max(peak, (await cache.stats()).size ?? Infinity)
    }
    expect(peak).toBeLessThanOrEqual(10_000 * 1.2 + 16)
    clock.advance(1000)()
    const before = (await cache.stats()).size
    expect(before).toBeGreaterThan(0)
    expect(await cache.purge()).toEqual(E.right(before))
    expect((await cache.stats()).size).toBe(0)
  })

  describe('7. small ones', () => {
    it('ttl 0 stores nothing, counts no set and emits no Set', async () => {
      const events: Array<string> = []
      const cache = Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, config: { ttl: 0 }, onEvent: (e) => events.push(e._tag) })
      const f = withCacheAsync(cache)((n: number) => n)
      await f(1)
      await cache.set(3, 3)()
      expect(events).not.toContain('Set')
      expect((await cache.stats()).sets).toBe(0)
      expect((await cache.stats()).size).toBe(0)
    })

    it('cached functions keep their name', () => {
      const cache = numbers()
      const getUser = (n: number) => n
      expect(withCacheAsync(cache)(getUser).name).toBe('getUser')
      expect(invalidateAfterAsync(cache)(function saveUser(n: number) { return n }).name).toBe('saveUser')
    })
  })

  describe('8. single flight covers the lookup, and nobody queues behind a fenced load', () => {
    it('a burst of misses on an async store asks the store once', async () => {
      const g = gate()
      const cache = numbers(jsonStore({ latency: g.latency }))
      const f = withCacheAsync(cache)((n: number) => n)
      const all = Promise.all([f(1), f(1), f(1), f(1)])
      await ticks()
      expect(g.waiting.map((w) => w.label)).toEqual(['get 1'])
      g.release('get')
      await ticks()
      g.release('set')
      expect(await all).toEqual([1, 1, 1, 1])
    })

    it('a caller after an invalidation starts its own load at once', async () => {
      const cache = numbers()
      const releases: Array<(n: number) => void> = []
      const f = withCacheAsync(cache)(() => new Promise<number>((resolve) => releases.push(resolve)))
      const fenced = f(1)
      await ticks()
      await cache.invalidate(1)()
      const fresh = f(1)
      await ticks()
      expect(releases).toHaveLength(2) // the second load did not wait for the first
      releases[1]?.(2)
      expect(await fresh).toBe(2)
      releases[0]?.(1)
      expect(await fenced).toBe(1)
      expect(await cache.get(1)()).toEqual(E.right(O.some(2))) // the fenced load finishing later stored nothing
    })
  })

  it('the combinators reject a hand-built object that only looks like a cache', () => {
    const real = numbers()
    const fake = { ...real } as Cache.Cache<number, readonly [number]>
    expect(() => withCacheAsync(fake)).toThrow(/withCacheAsync: expected a cache made by Cache.make/)
  })

  it('the memory store made by MemoryStore.make alone (no codec) keeps any value, and a cache over it checks hits', async () => {
    const shared = MemoryStore.make<number>({ maxSize: 0, clock: Clock.manual() })
    const cache = numbers(() => shared as never)
    shared.setSync('1', 'one' as unknown as number)
    expect(await withCacheAsync(cache)((n: number) => n)(1)).toBe(1)
  })
})
