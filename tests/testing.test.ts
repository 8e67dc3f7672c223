/**
 * The test kit itself (lib/testing.ts): the loader counter, the faulty store, and the store laws, which must fail,
 * with a message that says why, on stores that break them (each broken store below breaks one rule of the contract
 * or of validation). That the laws hold for the stores we ship is tests/stores.test.ts.
 */
import { readFileSync } from 'fs'
import * as path from 'path'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as Clock from '../lib/Clock'
import * as KC from '../lib/KeyCodec'
import * as MemoryStore from '../lib/MemoryStore'
import type { Store, StoreContext, StoreFactory } from '../lib/Store'
import * as _ from '../lib/testing'
import { withCache, withCacheAsync } from '../lib/withCache'
import { turns } from '../lib/internal/testing/turns'
import { mapStore } from './util/mapStore'

const numbers = (store: StoreFactory) => Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, store, clock: Clock.manual() })

const ticks = async (n = 10) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

describe('manualClock', () => {
  it('is the root Clock.manual', () => {
    expect(_.manualClock).toBe(Clock.manual)
    const clock = _.manualClock(10)
    clock.advance(5)()
    expect(clock.now()).toBe(15)
  })
})

describe('countCalls', () => {
  it('counts the calls of a Promise function: in flight until settled, a rejection failed', async () => {
    const releases: Array<() => void> = []
    const f = _.countCalls(function fetchUser(id: number) {
      return new Promise<number>((resolve, reject) => releases.push(() => (id < 0 ? reject(new Error('no')) : resolve(id))))
    })
    expect(f.name).toBe('fetchUser')
    const a = f(1)
    const b = f(-1).catch((e: Error) => e.message)
    expect(f.count()).toEqual({ calls: 2, inFlight: 2, settled: 0, failed: 0 })
    releases.forEach((release) => release())
    expect(await a).toBe(1)
    expect(await b).toBe('no')
    await ticks()
    expect(f.count()).toEqual({ calls: 2, inFlight: 0, settled: 2, failed: 1 })
    expect(f.args()).toEqual([[1], [-1]])
  })

  it('settles a plain value at once, and counts a throw as a failure and throws it on', () => {
    const f = _.countCalls((n: number) => {
      if (n === 0) throw new Error('zero')
      return 10 / n
    })
    expect(f(2)).toBe(5)
    expect(() => f(0)).toThrow('zero')
    expect(f.count()).toEqual({ calls: 2, inFlight: 0, settled: 2, failed: 1 })
  })

  it('settles a TaskEither call when its task has run; a Left is a failure; a second run is not counted', async () => {
    const f = _.countCalls((n: number) => (n > 0 ? TE.right(n) : TE.left('not positive')))
    const ok = f(1)
    expect(f.count()).toEqual({ calls: 1, inFlight: 1, settled: 0, failed: 0 })
    expect(await ok()).toEqual(E.right(1))
    expect(await f(0)()).toEqual(E.left('not positive'))
    expect(await ok()).toEqual(E.right(1))
    await ticks()
    expect(f.count()).toEqual({ calls: 2, inFlight: 0, settled: 2, failed: 1 })
  })

  it('counts a task that throws when run as a failure', () => {
    const f = _.countCalls(() => () => {
      throw new Error('boom')
    })
    const task = f()
    expect(() => task()).toThrow('boom')
    expect(f.count()).toEqual({ calls: 1, inFlight: 0, settled: 1, failed: 1 })
  })

  it('sees single flight through a cache, with both APIs', async () => {
    const cache = numbers(MemoryStore.make)
    const load = _.countCalls(async (n: number) => n * 2)
    const f = withCacheAsync(cache)(load)
    expect(await Promise.all([f(1), f(1), f(1)])).toEqual([2, 2, 2])
    const loadTE = _.countCalls((n: number) => TE.right(n * 3))
    const g = withCache(cache)(loadTE)
    expect(await Promise.all([g(2)(), g(2)()])).toEqual([E.right(6), E.right(6)])
    await ticks()
    expect([load.count(), loadTE.count()]).toEqual([
      { calls: 1, inFlight: 0, settled: 1, failed: 0 },
      { calls: 1, inFlight: 0, settled: 1, failed: 0 }
    ])
  })
})

describe('faultyStore', () => {
  /** A fixed program: 12 concurrent operations over a faulty memory store; answers the log it leaves. */
  const program = async (options: _.FaultOptions) => {
    const faults = _.faultyStore(MemoryStore.make, options)
    const store = faults.factory({ name: 'p', codec: t.number, maxSize: 0, clock: Clock.manual(), onEvict: () => undefined })
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? store.set(`k${i}`, i) : i % 3 === 1 ? store.get(`k${i - 1}`) : store.delete(`k${i}`))())
    )
    return { results, log: faults.operations(), faults, store }
  }

  it('is deterministic: the same seed gives the same schedule; another seed another one', async () => {
    const a = await program({ seed: 42, maxDelay: 6, failureRate: 0.3 })
    const b = await program({ seed: 42, maxDelay: 6, failureRate: 0.3 })
    const c = await program({ seed: 43, maxDelay: 6, failureRate: 0.3 })
    expect(b.log).toEqual(a.log)
    expect(b.results).toEqual(a.results)
    expect(c.log).not.toEqual(a.log)
  })

  it('reorders: with a delay, operations complete in another order than they were run', async () => {
    const { log } = await program({ seed: 1, maxDelay: 6 })
    const order = log.map((o) => o.index)
    expect(order).toHaveLength(12)
    expect(order).not.toEqual([...order].sort((x, y) => x - y))
    expect(log.every((o) => o.outcome === 'ok')).toBe(true)
    const inOrder = await program({ seed: 1 })
    expect(inOrder.log.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('fails the operations failOn names, at failureRate, with a StoreFailure that did not reach the store', async () => {
    const { results, log, store } = await program({ seed: 5, failureRate: 1, failOn: ['set'] })
    expect(log.filter((o) => o.outcome === 'injected').map((o) => o.operation)).toEqual(['set', 'set', 'set', 'set'])
    expect(log.filter((o) => o.operation !== 'set').every((o) => o.outcome === 'ok')).toBe(true)
    const failure = results[0] ?? E.right(undefined)
    expect(E.isLeft(failure) && failure.left).toMatchObject({ _tag: 'StoreFailure', operation: 'set', key: 'k0' })
    expect(await store.size?.()).toEqual(E.right(0))
  })

  it('fails about failureRate of the operations, and the same ones for the same seed', async () => {
    const rate = async (seed: number) => {
      const faults = _.faultyStore(MemoryStore.make, { seed, failureRate: 0.25 })
      const store = faults.factory({ name: 'p', codec: t.number, maxSize: 0, clock: Clock.manual(), onEvict: () => undefined })
      for (let i = 0; i < 400; i++) await store.get(`k${i}`)()
      return faults.operations().filter((o) => o.outcome === 'injected').length / 400
    }
    const r = await rate(9)
    expect(r).toBeGreaterThan(0.18)
    expect(r).toBeLessThan(0.32)
    expect(await rate(9)).toBe(r)
  })

  it('fails every operation while down, and none once up again', async () => {
    const faults = _.faultyStore(MemoryStore.make, { seed: 1 })
    const cache = numbers(faults.factory)
    const f = withCacheAsync(cache)((n: number) => n + 1)
    expect(await f(1)).toBe(2)
    faults.setDown(true)()
    const down = await cache.get(1)()
    expect(E.isLeft(down) && down.left).toMatchObject({ _tag: 'StoreFailure', operation: 'get' })
    faults.setDown(false)()
    expect(await cache.get(1)()).toEqual(E.right(O.some(2)))
    expect(faults.operations().map((o) => `${o.operation} ${o.key ?? ''} ${o.outcome}`)).toEqual([
      'get 1 ok',
      'set 1 ok',
      'get 1 down',
      'get 1 ok'
    ])
  })

  it('keeps size, purge and validatedBy, and drops getSync, setSync and the in-process door', async () => {
    const faults = _.faultyStore(MemoryStore.make, { seed: 1 })
    const cache = numbers(faults.factory)
    const { store } = cache
    expect(store.getSync).toBeUndefined()
    expect(store.setSync).toBeUndefined()
    expect(Object.getOwnPropertySymbols(store)).toEqual([])
    expect(store.validatedBy).toBe(cache.codec)
    await cache.set(5, 1)()
    expect(await cache.get(1)()).toEqual(E.right(O.some(5))) // a hit goes through the faults too
    expect(await cache.stats()).toMatchObject({ size: 1 })
    expect(await cache.purge()).toEqual(E.right(0))
    expect(faults.operations().map((o) => o.operation)).toEqual(['set', 'get', 'size', 'purge'])
  })

  it('keeps getEntry (contract C7), so a cache with freshness windows runs over it, and drops getEntrySync', async () => {
    const faults = _.faultyStore(MemoryStore.make, { seed: 1, maxDelay: 2 })
    const clock = Clock.manual()
    const made = Cache.make({ name: 'n', codec: t.number, key: KC.int, store: faults.factory, clock, config: { ttl: 1000, staleWhileRevalidate: 500 } })
    if (E.isLeft(made)) throw new Error(`Cache.make: ${made.left._tag}`)
    const cache = made.right
    expect(cache.store.getEntrySync).toBeUndefined()
    const f = withCacheAsync(cache)((n: number) => n * 2)
    expect(await f(4)).toBe(8)
    expect(await f(4)).toBe(8)
    expect(faults.operations().filter((o) => o.operation === 'getEntry').length).toBeGreaterThan(0)
    const down = _.faultyStore(MemoryStore.make, { seed: 1, failureRate: 1, failOn: ['getEntry'] })
    const entryOf = down.factory({ name: 'p', codec: t.number, maxSize: 0, clock, onEvict: () => undefined }).getEntry
    const r = await entryOf?.('k')()
    expect(r !== undefined && E.isLeft(r) && r.left).toMatchObject({ _tag: 'StoreFailure', operation: 'get', key: 'k' })
  })

  it('passes on a rejection of the wrapped store as it is, and logs it', async () => {
    const rejecting: StoreFactory = <A>(context: StoreContext<A>): Store<A> => ({
      ...mapStore(context),
      get: () => () => Promise.reject(new Error('broken store'))
    })
    const faults = _.faultyStore(rejecting, { seed: 1, maxDelay: 2 })
    const store = faults.factory({ name: 'p', codec: t.number, maxSize: 0, clock: Clock.manual(), onEvict: () => undefined })
    await expect(store.get('k')()).rejects.toThrow('broken store')
    expect(faults.operations()).toEqual([{ index: 0, operation: 'get', key: 'k', outcome: 'rejected' }])
  })

  it('rejects options that are not a schedule, naming them', () => {
    expect(() => _.faultyStore(MemoryStore.make, { seed: 1.5 })).toThrow(new RangeError('faultyStore: seed must be an integer, got 1.5'))
    expect(() => _.faultyStore(MemoryStore.make, { seed: 1, maxDelay: -1 })).toThrow(/maxDelay must be an integer >= 0/)
    expect(() => _.faultyStore(MemoryStore.make, { seed: 1, failureRate: 2 })).toThrow(/failureRate must be in \[0, 1\]/)
    expect(() => _.faultyStore(MemoryStore.make, { seed: 1, failOn: ['fetch' as 'get'] })).toThrow(/failOn names operations/)
  })
})

describe('storeLaws', () => {
  /** The laws a store breaks, by id, with their messages (`runs` scenarios a drawn law). */
  const broken = async (factory: StoreFactory, runs = 10): Promise<Record<string, string>> => {
    const failed: Record<string, string> = {}
    for (const law of _.storeLaws(factory, { runs })) {
      await law.run().catch((e: Error) => {
        failed[law.id] = e.message
      })
    }
    return failed
  }

  /** The guide's store with some members replaced. */
  const tweaked =
    (change: <A>(store: Store<A>, context: StoreContext<A>) => Partial<Store<A>>): StoreFactory =>
    <A>(context: StoreContext<A>): Store<A> => {
      const store = mapStore(context)
      return { ...store, ...change(store, context) }
    }

  it('are the contract, then the cache laws, with stable ids', () => {
    expect(_.storeLaws(MemoryStore.make).map((law) => law.id)).toEqual([
      'C1',
      'C2',
      'C3',
      'C4',
      'C5',
      'C6',
      'lazy',
      'maxSize',
      'C9',
      'C10',
      'law 1',
      'law 3',
      'law 7',
      'law 9',
      'law 1, reordered',
      'law 7, reordered',
      'law 7, failing store'
    ])
  })

  it('all hold for a correct store', async () => {
    expect(await broken(mapStore)).toEqual({})
  })

  it('reject settings that are not a seed and a number of runs', () => {
    expect(() => _.storeLaws(MemoryStore.make, { seed: 0.5 })).toThrow(RangeError)
    expect(() => _.storeLaws(MemoryStore.make, { runs: 0 })).toThrow(/runs must be an integer >= 1/)
  })

  it('C1 fails a store whose delete does nothing, saying what it read', async () => {
    const failed = await broken(tweaked(() => ({ delete: () => TE.right(undefined) })))
    expect(failed['C1']).toBe('C1: get("k") after delete("k"): expected none, got some({ id: 2, name: "b" })')
  })

  it('C1 fails a store whose getSync does not agree with get', async () => {
    const failed = await broken(tweaked(() => ({ getSync: () => O.none })))
    expect(failed['C1']).toMatch(/^C1: getSync\("k"\) after set\("k", a\): expected some\(\{ id: 1, name: "a" \}\), got none$/)
  })

  it('C1 fails a store that keeps values as JSON without the codec (it cannot hold a bigint)', async () => {
    const json: StoreFactory = <A>(): Store<A> => {
      const strings = new Map<string, string>()
      return {
        set: (key, value) => async () => E.right(void strings.set(key, JSON.stringify(value))),
        get: (key) => async () => E.right(strings.has(key) ? O.some(JSON.parse(strings.get(key) ?? '') as A) : O.none),
        delete: (key) => async () => E.right(void strings.delete(key)),
        clear: async () => E.right(strings.clear())
      }
    }
    const failed = await broken(json)
    expect(failed['C1']).toMatch(/^C1: set\("n", 12345678901234567890n\) with a codec that encodes to a string threw or rejected \(C6: a failure is a Left\): TypeError: .*BigInt/)
  })

  it('C2 fails a store that ignores the ttl, at the boundary', async () => {
    const failed = await broken(tweaked((store) => ({ set: (key, value) => store.set(key, value) })))
    expect(failed['C2']).toMatch(/^C2 \(seed 1, scenario 1 of 10\): get\("zero"\) at once, set with ttl 0: expected none, got some\(1\)$/)
  })

  it('C2 fails a store whose entries expire one millisecond late; C7 sees it in getEntry', async () => {
    const late = tweaked((store) => ({ set: (key, value, ttl) => store.set(key, value, ttl === undefined ? undefined : ttl + 1) }))
    expect((await broken(late))['C2']).toMatch(/^C2 \(seed 1, scenario 1 of 10\): get\("zero"\) at once, set with ttl 0: expected none, got some\(1\)$/)
    const lateButNotForZero = (withEntry: boolean): StoreFactory => <A>(context: StoreContext<A>): Store<A> => {
      const { getEntry, ...store } = mapStore(context)
      const set: Store<A>['set'] = (key, value, ttl) => store.set(key, value, ttl === undefined || ttl === 0 ? ttl : ttl + 1)
      return withEntry && getEntry !== undefined ? { ...store, getEntry, set } : { ...store, set }
    }
    expect((await broken(lateButNotForZero(true)))['C2']).toMatch(
      /^C2 \(seed 1, scenario 1 of 10\): getEntry\("k"\) at t \+ (\d+) \(set at t = 1000 with ttl (\d+)\) \(C7\): expected some\(\{ value: 1, expiresIn: \d+ \}\), got some\(\{ value: 1, expiresIn: \d+ \}\)$/
    )
    expect((await broken(lateButNotForZero(false)))['C2']).toMatch(
      /^C2 \(seed 1, scenario \d+ of 10\): get\("k"\) at t \+ (\d+) \(set at t = 1000 with ttl \1\): expected none, got some\(1\)$/
    )
  })

  it('C4 fails a store that keeps entries in a plain object (__proto__), as the guide shows, or trims its keys', async () => {
    const plain: StoreFactory = <A>(): Store<A> => {
      let entries: Record<string, A> = {}
      return {
        get: (key) => async () => E.right(key in entries ? O.some(entries[key] as A) : O.none),
        set: (key, value) => async () => E.right(void (entries[key] = value)),
        delete: (key) => async () => E.right(void delete entries[key]),
        clear: async () => E.right(void (entries = {}))
      }
    }
    const message = (await broken(plain, 50))['C4']
    expect(message).toBe('C4 (seed 1, scenario 1 of 50): get("__proto__") after setting 46 distinct keys: expected some(17), got some({})')
    const guide = readFileSync(path.join(__dirname, '..', 'docs', 'guides', 'writing-a-store.md'), 'utf8')
    expect(guide).toContain(`\n${message ?? ''}\n`)
    const trimming = tweaked((store) => ({ get: (key) => store.get(key.trim()), set: (key, value, ttl) => store.set(key.trim(), value, ttl) }))
    expect((await broken(trimming))['C4']).toMatch(/^C4 \(seed 1, scenario 1 of 10\): get\(".*"\) after setting \d+ distinct keys: expected some\(\d+\), got some\(\d+\)$/)
  })

  it('C5 fails a store that loses one of two writes in flight at once', async () => {
    const lossy = tweaked(<A>(store: Store<A>) => {
      let inFlight = 0
      return {
        set: (key: string, value: A, ttl?: number) => async () => {
          inFlight++
          await Promise.resolve()
          const lost = inFlight > 1
          inFlight--
          return lost ? E.right(undefined) : store.set(key, value, ttl)()
        }
      }
    })
    expect((await broken(lossy))['C5']).toMatch(/^C5 \(seed 1, scenario 1 of 10\): gets after the concurrent sets: expected \[some\(0\), some\(1\)/)
  })

  it('C6 fails a store whose task rejects, naming the operation', async () => {
    const rejecting = tweaked((store) => ({ get: (key) => (key === '' ? () => Promise.reject(new Error('empty key')) : store.get(key)) }))
    expect((await broken(rejecting))['C6']).toBe('C6: get("") threw or rejected (C6: a failure is a Left): Error: empty key')
  })

  it('C10 fails a store whose getMany answers its keys in another order', async () => {
    const reversed = tweaked((store) => ({
      getMany: (keys) => () => Promise.all([...keys].reverse().map((k) => store.get(k)())).then((rs) => E.right(rs))
    }))
    expect((await broken(reversed))['C10']).toMatch(/^C10 \(seed 1, scenario \d+ of 10\): getMany\(.*\) against get of each: expected \[/)
  })

  it('lazy fails a store that writes when the task is made, not when it is run', async () => {
    const eager = tweaked((store) => ({
      set: (key, value, ttl) => {
        const done = store.set(key, value, ttl)()
        return () => done
      }
    }))
    expect((await broken(eager))['lazy']).toBe('lazy: get("k") after making set("k", 1) without running it: expected none, got some(1)')
  })

  it('maxSize fails a store that ignores it, or evicts without telling', async () => {
    const unbounded: StoreFactory = (context) => mapStore({ ...context, maxSize: 0 })
    expect((await broken(unbounded))['maxSize']).toMatch(/^maxSize \(seed 1, scenario 1 of 10\): after writing \d+ keys with maxSize \d+: expected at most \d+ entries, found \d+/)
    const silent: StoreFactory = (context) => mapStore({ ...context, onEvict: () => undefined })
    expect((await broken(silent))['maxSize']).toMatch(/^maxSize \(seed 1, scenario 1 of 10\): the keys passed to onEvict .*: expected \["key0"/)
  })

  it('law 9 fails a store that says it validates (validatedBy) but keeps anything', async () => {
    const lax: StoreFactory = <A>(context: StoreContext<A>): Store<A> => {
      const { get, set, delete: remove, clear } = MemoryStore.make<A>({ maxSize: 0, clock: context.clock })
      return { get, set, delete: remove, clear, validatedBy: context.codec }
    }
    expect((await broken(lax))['law 9']).toBe('law 9: a cached call over an entry that fails the codec: expected 101, got "not a number"')
  })

  it('law 7 fails, naming the scenario, a store whose delete lands after it answered', async () => {
    const lagging = tweaked((store) => ({
      delete: (key) => () => {
        void turns(5).then(store.delete(key)) // lands five turns after the delete answered
        return Promise.resolve(E.right(undefined))
      }
    }))
    const failed = await broken(lagging, 50) // the default number of scenarios
    expect(failed['law 7']).toMatch(
      /^law 7 \(seed 1, scenario \d+ of 50\): .*answered version \d+, older than version \d+, whose invalidation had completed.*\[operations@start turn: (\w+@\d+ ?)+\]$/
    )
  })

  it('name the seed and the scenario of a failure, and fail the same way for the same seed', async () => {
    const ignoresTtl = tweaked((store) => ({ set: (key, value) => store.set(key, value) }))
    const c2 = (seed: number) => _.storeLaws(ignoresTtl, { seed, runs: 5 }).find((law) => law.id === 'C2')?.run()
    const first = await c2(77)?.catch((e: Error) => e.message)
    expect(first).toMatch(/^C2 \(seed 77, scenario 1 of 5\): /)
    expect(await c2(77)?.catch((e: Error) => e.message)).toBe(first)
  })
})

describe('describeLaws', () => {
  it('registers one describe, with one it per law, in order', () => {
    const registered: Array<string> = []
    const laws = _.storeLaws(MemoryStore.make)
    _.describeLaws('MemoryStore', laws, {
      describe: (name, body) => {
        registered.push(`describe ${name}`)
        body()
      },
      it: (name, run) => {
        expect(run).toBe(laws.find((law) => law.name === name)?.run)
        registered.push(`it ${name}`)
      }
    })
    expect(registered).toEqual(['describe MemoryStore', ...laws.map((law) => `it ${law.name}`)])
  })
})
