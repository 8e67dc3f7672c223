import { fc, it as fcIt } from '@fast-check/jest'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import type { CacheEvent, Outcome } from '../lib/CacheEvent'
import * as Clock from '../lib/Clock'
import type * as Config from '../lib/Config'
import * as ErrorPolicy from '../lib/ErrorPolicy'
import * as Freshness from '../lib/Freshness'
import * as KC from '../lib/KeyCodec'
import * as MemoryStore from '../lib/MemoryStore'
import type { StoreFactory } from '../lib/Store'
import { withCache, withCacheAbortable, withCacheAsync, withCacheAsyncAbortable, withCacheAsyncOutcome, withCacheOutcome } from '../lib/withCache'
import { jsonStore } from './util/jsonStore'

const TTL = 1_000
const SWR = 500
const SIE = 2_000
const windowsConfig = { ttl: TTL, staleWhileRevalidate: SWR, staleIfError: SIE }

/** Lets every settled promise's reactions run (no timers involved). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

interface Deferred<A> {
  readonly promise: Promise<A>
  readonly resolve: (a: A) => void
  readonly reject: (e: unknown) => void
}
const deferred = <A>(): Deferred<A> => {
  let resolve!: (a: A) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<A>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

/** A loader whose every call waits for the test to settle it. */
const controlled = () => {
  const calls: Array<Deferred<string>> = []
  const load = (_id: number): Promise<string> => {
    const d = deferred<string>()
    calls.push(d)
    return d.promise
  }
  return { calls, load }
}

const stores: ReadonlyArray<[string, StoreFactory | undefined]> = [
  ['memory store', undefined],
  ['JSON store', jsonStore()]
]

const make = (config: Config.Config<string>, store?: StoreFactory, onEvent?: (e: CacheEvent) => void) => {
  const clock = Clock.manual()
  const events: Array<CacheEvent> = []
  const cache = Cache.unsafeMake({
    name: 'fresh',
    codec: t.string,
    key: KC.int,
    clock,
    config,
    ...(store === undefined ? {} : { store }),
    onEvent: (e) => {
      events.push(e)
      onEvent?.(e)
    }
  })
  return { cache, clock, events }
}

describe('Freshness', () => {
  const windows = fc.record({
    staleWhileRevalidate: fc.nat(1_000),
    staleIfError: fc.nat(1_000),
    refreshAhead: fc.nat(1_000)
  })
  const order: Record<Freshness.Phase, number> = { Fresh: 0, RefreshAhead: 1, Stale: 2, StaleIfError: 3 }

  fcIt.prop([windows, fc.nat(5_000), fc.nat(5_000)])('law 1: phases only move forward as the entry ages', (w, a, b) => {
    const [older, younger] = a < b ? [a + 1, b + 1] : [b + 1, a + 1]
    expect(order[Freshness.phase(w, older)]).toBeGreaterThanOrEqual(order[Freshness.phase(w, younger)])
  })

  fcIt.prop([windows, fc.integer({ min: 1, max: 5_000 }), fc.nat(20_000)])(
    'law 2: an entry stored with storedTtl is fresh for exactly ttl ms, then in each window for its length',
    (w, ttl, age) => {
      const stored = Freshness.storedTtl(w, ttl)
      fc.pre(age < stored)
      const p = Freshness.phase(w, stored - age)
      if (age < ttl) expect(['Fresh', 'RefreshAhead']).toContain(p)
      else if (age < ttl + w.staleWhileRevalidate) expect(p).toBe('Stale')
      else expect(p).toBe('StaleIfError')
      if (age < ttl) expect(p === 'RefreshAhead').toBe(ttl - age <= w.refreshAhead)
    }
  )

  fcIt.prop([fc.integer({ min: 1, max: 100_000 })])('law 3: with no window, an entry is fresh for as long as it is kept', (life) => {
    expect(Freshness.phase(Freshness.none, life)).toBe('Fresh')
    expect(Freshness.phase(Freshness.none, undefined)).toBe('Fresh')
  })
})

describe('ErrorPolicy', () => {
  const policies = fc.array(
    fc.oneof(fc.constant(ErrorPolicy.serveStale), fc.integer({ min: 1, max: 100 }).map((ms) => ErrorPolicy.cacheFor(ms))),
    { maxLength: 4 }
  ).map((ps) => ps.reduce(ErrorPolicy.concat, ErrorPolicy.propagate))

  fcIt.prop([policies, policies, policies])('is a monoid: propagate is the identity, concat associative', (a, b, c) => {
    const { concat, empty } = ErrorPolicy.Monoid
    expect(concat(a, empty)).toEqual(a)
    expect(concat(empty, a)).toEqual(a)
    expect(concat(concat(a, b), c)).toEqual(concat(a, concat(b, c)))
  })

  it('decides by the first rule that applies; a `when` that throws accepts nothing', () => {
    const only = (e: unknown) => e === 'timeout'
    const policy = ErrorPolicy.concat(ErrorPolicy.cacheFor(10, only), ErrorPolicy.serveStale)
    expect(ErrorPolicy.decide(policy, 'timeout', true)).toEqual({ _tag: 'Remember', ms: 10 })
    expect(ErrorPolicy.decide(policy, 'other', true)).toEqual({ _tag: 'ServeStale' })
    expect(ErrorPolicy.decide(policy, 'other', false)).toEqual({ _tag: 'Propagate' })
    const throwing = ErrorPolicy.cacheFor(10, () => {
      throw new Error('bug')
    })
    expect(ErrorPolicy.decide(throwing, 'x', false)).toEqual({ _tag: 'Propagate' })
  })
})

describe('config of the policies (law 12)', () => {
  const fieldsOf = (config: unknown, store?: StoreFactory) => {
    const r = Cache.make({ name: 'c', codec: t.string, key: KC.int, config: config as Config.Config, ...(store ? { store } : {}) })
    return E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields.map((f) => f.field) : []
  }
  it('names each bad field', () => {
    expect(fieldsOf({ staleWhileRevalidate: 100 })).toEqual(['staleWhileRevalidate'])
    expect(fieldsOf({ staleIfError: 100, refreshAhead: 10 })).toEqual(['staleIfError', 'refreshAhead'])
    expect(fieldsOf({ ttl: 100, refreshAhead: 100 })).toEqual(['refreshAhead'])
    expect(fieldsOf({ ttl: 100, staleWhileRevalidate: -1 })).toEqual(['staleWhileRevalidate'])
    expect(fieldsOf({ ttl: 100, errorPolicy: ErrorPolicy.cacheFor(0) })).toEqual(['errorPolicy'])
    expect(fieldsOf({ ttl: 100, errorPolicy: { rules: [{ _tag: 'Retry' }] } })).toEqual(['errorPolicy'])
    expect(fieldsOf({ ttl: 'soon' })).toEqual(['ttl'])
    expect(fieldsOf({ ttl: (s: string) => s.length, staleIfError: 10, errorPolicy: ErrorPolicy.serveStale })).toEqual([])
  })

  it('windows need a store that tells an entry’s remaining life', () => {
    const plainStore: StoreFactory = (ctx) => {
      const { getEntry: _g, getEntrySync: _s, ...rest } = jsonStore()(ctx)
      return rest
    }
    expect(fieldsOf({ ttl: 100, staleWhileRevalidate: 10 }, plainStore)).toEqual(['store'])
    expect(fieldsOf({ ttl: 100 }, plainStore)).toEqual([])
  })

  it('the default policy serves stale when staleIfError is set, and propagates otherwise', () => {
    expect(Cache.unsafeMake({ name: 'c', codec: t.string, key: KC.int, config: { ttl: 1, staleIfError: 5 } }).config.errorPolicy).toEqual(
      ErrorPolicy.serveStale
    )
    expect(Cache.unsafeMake({ name: 'c', codec: t.string, key: KC.int, config: { ttl: 1 } }).config.errorPolicy).toEqual(ErrorPolicy.propagate)
  })
})

describe.each(stores)('stale-while-revalidate on the %s', (_, store) => {
  fcIt.prop([fc.integer({ min: 1, max: 8 }), fc.integer({ min: TTL, max: TTL + SWR - 1 }), fc.boolean()])(
    'in the stale window every reader gets the stale value at once and exactly one refresh runs; then a fresh hit',
    async (readers, age, taskEither) => {
      const { cache, clock, events } = make(windowsConfig, store)
      const loader = controlled()
      const getAsync = withCacheAsync(cache)(loader.load)
      const getTE = withCache(cache)((id: number) => () => loader.load(id).then(E.right))
      const get = (id: number): Promise<string> => (taskEither ? getTE(id)().then((r) => (E.isRight(r) ? r.right : Promise.reject(r.left))) : getAsync(id))

      const first = get(1)
      await flush()
      loader.calls[0]!.resolve('v1')
      expect(await first).toBe('v1')
      clock.advance(age)()

      const answers = await Promise.all(Array.from({ length: readers }, () => get(1)))
      expect(answers).toEqual(Array(readers).fill('v1')) // without the refresh having settled
      expect(loader.calls).toHaveLength(2)
      expect(cache.inFlight()).toBe(1)
      expect((await cache.stats()).stale).toBe(readers)
      expect(events.filter((e) => e._tag === 'RefreshStarted')).toHaveLength(1)

      loader.calls[1]!.resolve('v2')
      await flush()
      expect(cache.inFlight()).toBe(0) // law 8
      expect(await get(1)).toBe('v2')
      const stats = await cache.stats()
      expect(stats.refreshes).toBe(1)
      expect(stats.hits).toBe(1)
      expect(loader.calls).toHaveLength(2)
    }
  )

  it('a refresh failure keeps the stale value, reports it, and lets the next read try again (one refresh at a time)', async () => {
    const { cache, clock, events } = make(windowsConfig, store)
    const loader = controlled()
    const get = withCacheAsync(cache)(loader.load)
    const first = get(1)
    await flush()
    loader.calls[0]!.resolve('v1')
    await first
    clock.advance(TTL)()
    expect(await get(1)).toBe('v1')
    expect(await get(1)).toBe('v1') // the refresh is in flight: no second one
    expect(loader.calls).toHaveLength(2)
    loader.calls[1]!.reject(new Error('db down'))
    await flush()
    expect(events.filter((e) => e._tag === 'RefreshFailure')).toHaveLength(1)
    expect(cache.inFlight()).toBe(0)
    expect(await get(1)).toBe('v1') // still servable, and it starts the next try
    expect(loader.calls).toHaveLength(3)
    loader.calls[2]!.resolve('v2')
    await flush()
    expect(await get(1)).toBe('v2')
    expect((await cache.stats()).refreshFailures).toBe(1)
  })

  it('law 7: an invalidation during a background refresh keeps its result out', async () => {
    const { cache, clock } = make(windowsConfig, store)
    const loader = controlled()
    const get = withCacheAsync(cache)(loader.load)
    const first = get(1)
    await flush()
    loader.calls[0]!.resolve('old')
    await first
    clock.advance(TTL)()
    expect(await get(1)).toBe('old')
    await cache.invalidate(1)()
    loader.calls[1]!.resolve('refreshed before the invalidation')
    await flush()
    expect((await cache.stats()).fenced).toBe(1)
    const next = get(1)
    await flush()
    expect(loader.calls).toHaveLength(3) // a miss: the fenced value was not stored
    loader.calls[2]!.resolve('new')
    expect(await next).toBe('new')
  })
})

describe.each(stores)('stale-if-error on the %s', (_, store) => {
  it('past the stale window a read waits for the reload; when it fails, the stale value is the answer until the window ends', async () => {
    const { cache, clock } = make(windowsConfig, store)
    const loader = controlled()
    const get = withCacheAsyncOutcome(cache)(loader.load)
    const first = get(1)
    await flush()
    loader.calls[0]!.resolve('v1')
    expect(await first).toEqual({ value: 'v1', outcome: 'Miss' })

    clock.advance(TTL + SWR)()
    const [a, b] = [get(1), get(1)]
    await flush()
    expect(loader.calls).toHaveLength(2) // one reload for both
    loader.calls[1]!.reject(new Error('db down'))
    expect(await a).toEqual({ value: 'v1', outcome: 'Stale' })
    expect(await b).toEqual({ value: 'v1', outcome: 'Stale' })

    const c = get(1) // the next read tries again
    await flush()
    loader.calls[2]!.resolve('v2')
    expect(await c).toEqual({ value: 'v2', outcome: 'Refreshed' })

    clock.advance(TTL + SWR + SIE)() // v2's every window is over: gone
    const d = get(1)
    await flush()
    loader.calls[3]!.reject(new Error('db down'))
    await expect(d).rejects.toThrow('db down')
    expect(cache.inFlight()).toBe(0)
  })

  it('with ErrorPolicy.propagate the failure reaches the caller even with a stale value at hand', async () => {
    const { cache, clock } = make({ ...windowsConfig, errorPolicy: ErrorPolicy.propagate }, store)
    const loader = controlled()
    const get = withCache(cache)((id: number) => () => loader.load(id).then(E.right, E.left))
    const first = get(1)()
    await flush()
    loader.calls[0]!.resolve('v1')
    await first
    clock.advance(TTL + SWR)()
    const r = get(1)()
    await flush()
    loader.calls[1]!.reject('db down')
    expect(await r).toEqual(E.left('db down'))
  })
})

describe.each(stores)('refresh-ahead on the %s', (_, store) => {
  it('a read in the last refreshAhead ms of a fresh entry is a hit and starts one background refresh', async () => {
    const { cache, clock } = make({ ttl: TTL, refreshAhead: 200 }, store)
    const loader = controlled()
    const get = withCacheAsyncOutcome(cache)(loader.load)
    const first = get(1)
    await flush()
    loader.calls[0]!.resolve('v1')
    await first
    clock.advance(TTL - 199)()
    expect(await Promise.all([get(1), get(1), get(1)])).toEqual(Array(3).fill({ value: 'v1', outcome: 'Hit' }))
    expect(loader.calls).toHaveLength(2)
    loader.calls[1]!.resolve('v2')
    await flush()
    clock.advance(199)() // the old entry would have expired now; the refreshed one is fresh
    expect(await get(1)).toEqual({ value: 'v2', outcome: 'Hit' })
  })
})

describe.each(stores)('negative caching on the %s', (_, store) => {
  it('a remembered failure is answered without running the loader until its time ends; invalidate forgets it', async () => {
    const notFound = (e: unknown) => e instanceof Error && e.message === 'not found'
    const { cache, clock } = make({ ttl: TTL, errorPolicy: ErrorPolicy.cacheFor(300, notFound) }, store)
    let calls = 0
    let fail: Error | undefined = new Error('not found')
    const get = withCacheAsyncOutcome(cache)(async (id: number) => {
      calls++
      if (fail !== undefined) throw fail
      return `user ${id}`
    })
    await expect(get(1)).rejects.toThrow('not found')
    await expect(get(1)).rejects.toThrow('not found')
    expect(calls).toBe(1)
    expect((await cache.stats()).negativeHits).toBe(1)
    clock.advance(300)()
    await expect(get(1)).rejects.toThrow('not found')
    expect(calls).toBe(2)
    await cache.invalidate(1)()
    fail = new Error('timeout') // not remembered: `when` refuses it
    await expect(get(1)).rejects.toThrow('timeout')
    await expect(get(1)).rejects.toThrow('timeout')
    expect(calls).toBe(4)
    fail = undefined
    expect(await get(1)).toEqual({ value: 'user 1', outcome: 'Miss' })
  })

  it('through withCache: the remembered Left, outcome NegativeHit on the event', async () => {
    const seen: Array<string> = []
    const { cache } = make({ ttl: TTL, errorPolicy: ErrorPolicy.cacheFor(300) }, store, (e) => seen.push(e._tag))
    let calls = 0
    const get = withCache(cache)((_id: number) => {
      calls++
      return TE.left('gone')
    })
    expect(await get(1)()).toEqual(E.left('gone'))
    expect(await get(1)()).toEqual(E.left('gone'))
    expect(calls).toBe(1)
    expect(seen).toContain('NegativeHit')
  })
})

describe('ttl from the value', () => {
  it('each entry lives the ttl its value gives', async () => {
    const { cache, clock } = make({ ttl: (s: string) => (s.startsWith('vip') ? 5_000 : 100) })
    const get = withCacheAsyncOutcome(cache)(async (id: number) => (id === 1 ? 'vip 1' : `user ${id}`))
    await get(1)
    await get(2)
    clock.advance(100)()
    expect((await get(1)).outcome).toBe('Hit')
    expect((await get(2)).outcome).toBe('Miss')
  })

  it('a ttl function that throws or answers a bad number fails the call with an InvalidConfig naming ttl', async () => {
    const { cache } = make({ ttl: (s: string) => (s === 'bad' ? -1 : Number.NaN) })
    const get = withCache(cache)((id: number) => TE.right(id === 1 ? 'bad' : 'worse'))
    const r = await get(1)()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidConfig', fields: [{ field: 'ttl' }] })
    const set = await cache.set('bad', 3)()
    expect(E.isLeft(set) && set.left).toMatchObject({ _tag: 'InvalidConfig' })
  })
})

describe('outcomes', () => {
  it('tags every way a read is answered, with the same counters in stats()', async () => {
    const { cache, clock } = make(windowsConfig)
    const loader = controlled()
    const get = withCacheOutcome(cache)((id: number) => () => loader.load(id).then(E.right))
    const a = get(1)()
    const b = get(1)()
    await flush()
    loader.calls[0]!.resolve('v1')
    const outcomes: Array<Outcome> = []
    for (const r of [await a, await b, await get(1)()]) if (E.isRight(r)) outcomes.push(r.right.outcome)
    clock.advance(TTL)()
    const stale = await get(1)()
    if (E.isRight(stale)) outcomes.push(stale.right.outcome)
    expect(outcomes).toEqual(['Miss', 'Deduped', 'Hit', 'Stale'])
    loader.calls[1]!.resolve('v2')
    await flush()
    const stats = await cache.stats()
    expect(stats).toMatchObject({ misses: 1, deduped: 1, hits: 1, stale: 1, refreshes: 1, loads: 2 })
  })

  it('a plain cache answers outcomes too, and shares its loads with the plain combinators', async () => {
    const cache = Cache.unsafeMake({ name: 'plain', codec: t.string, key: KC.int, clock: Clock.manual() })
    const loader = controlled()
    const plain = withCacheAsync(cache)(loader.load)
    const tagged = withCacheAsyncOutcome(cache)(loader.load)
    const p = plain(1)
    const q = tagged(1)
    await flush()
    expect(loader.calls).toHaveLength(1)
    loader.calls[0]!.resolve('v')
    expect(await p).toBe('v')
    expect(await q).toEqual({ value: 'v', outcome: 'Deduped' })
    const r = tagged(2)
    const s = plain(2)
    await flush()
    expect(loader.calls).toHaveLength(2)
    loader.calls[1]!.resolve('w')
    expect(await r).toEqual({ value: 'w', outcome: 'Miss' })
    expect(await s).toBe('w')
    expect(cache.inFlight()).toBe(0)
  })
})

describe.each([
  ['memory store', false],
  ['JSON store', false],
  ['JSON store completing in any order', true]
] as const)('law 7 with the windows, on the %s', (name, latent) => {
  it('no read that begins after an invalidation (or set) returned answers an older value, stale or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.oneof(fc.constantFrom('read', 'read', 'read', 'invalidate', 'set'), fc.integer({ min: 1, max: 1_500 })), {
          minLength: 1,
          maxLength: 14
        }),
        async (s, ops) => {
          const store = name === 'memory store' ? undefined : jsonStore(latent ? { latency: (label) => s.schedule(Promise.resolve(), label) } : {})
          const { cache, clock } = make({ ...windowsConfig, refreshAhead: 100 }, store)
          let version = 0 // the "database"
          let floor = 0 // the newest version whose invalidation (or set) has returned
          const get = withCacheAsync(cache)((_id: number) => {
            const read = version
            return s.schedule(Promise.resolve(`v${read}`), `load read v${read}`)
          })
          const versionOf = (value: string) => Number(value.slice(1))
          const done = ops.map((op, i) =>
            s.schedule(Promise.resolve(), `${op} ${i}`).then(async () => {
              if (typeof op === 'number') return clock.advance(op)()
              if (op === 'read') {
                const least = floor
                return expect(versionOf(await get(1))).toBeGreaterThanOrEqual(least)
              }
              const written = ++version
              if (op === 'invalidate') await cache.invalidate(1)()
              else await cache.set(`v${written}`, 1)()
              floor = Math.max(floor, written)
            })
          )
          await s.waitFor(Promise.all(done))
          const last = get(1)
          expect(versionOf(await s.waitFor(last))).toBeGreaterThanOrEqual(floor)
          // background refreshes settle too, and leave nothing behind (law 8)
          for (let i = 0; i < 100 && cache.inFlight() > 0; i++) await (s.count() > 0 ? s.waitOne() : flush())
          expect(cache.inFlight()).toBe(0)
        }
      ),
      { numRuns: 200, ...(process.env.SEED ? { seed: Number(process.env.SEED), path: process.env.FCPATH ?? "", endOnFailure: true } : {}) }
    )
  })
})

describe.each(stores)('contract C7 (getEntry) of the %s', (_, store) => {
  it('answers the entry with the milliseconds the store keeps it for', async () => {
    const clock = Clock.manual()
    const factory: StoreFactory = store ?? MemoryStore.make
    const s = factory({ name: 'c7', codec: t.string, maxSize: 0, clock, onEvict: () => undefined })
    await s.set('a', 'A', 1_000)()
    await s.set('b', 'B')()
    clock.advance(400)()
    expect(await s.getEntry!('a')()).toEqual(E.right({ _tag: 'Some', value: { value: 'A', expiresIn: 600 } }))
    expect(await s.getEntry!('b')()).toEqual(E.right({ _tag: 'Some', value: { value: 'B', expiresIn: undefined } }))
    clock.advance(600)()
    expect(await s.getEntry!('a')()).toEqual(E.right({ _tag: 'None' }))
  })
})

describe.each(stores)('timeouts on the %s', (_, store) => {
  it('timeout.hard: a waiting caller gets a LoadTimeout at the deadline; the load goes on and is stored', async () => {
    const { cache, clock, events } = make({ ttl: TTL, timeout: { hard: 250 } }, store)
    const loader = controlled()
    const get = withCache(cache)((id: number) => () => loader.load(id).then(E.right))
    const first = get(1)()
    let answered = false
    void first.then(() => (answered = true))
    await flush()
    clock.advance(249)()
    await flush()
    expect(answered).toBe(false)
    clock.advance(1)()
    expect(await first).toEqual(E.left({ _tag: 'LoadTimeout', key: '1', ms: 250 }))
    expect(events.filter((e) => e._tag === 'Timeout')).toEqual([{ _tag: 'Timeout', key: '1', kind: 'hard' }])
    loader.calls[0]!.resolve('late')
    await flush()
    expect(cache.inFlight()).toBe(0)
    expect(await get(1)()).toEqual(E.right('late')) // stored after all
    expect(loader.calls).toHaveLength(1)
    expect((await cache.stats()).timeouts).toBe(1)
  })

  it('timeout.hard through the Promise API rejects with an Error whose cause is the LoadTimeout', async () => {
    const { cache, clock } = make({ ttl: TTL, timeout: { hard: 100 } }, store)
    const loader = controlled()
    const get = withCacheAsync(cache)(loader.load)
    const first = get(1)
    await flush()
    clock.advance(100)()
    await expect(first).rejects.toMatchObject({ cause: { _tag: 'LoadTimeout' } })
    loader.calls[0]!.resolve('late')
    await flush()
  })

  it('timeout.soft: a caller with a stale value at hand gets it; the reload goes on and lands', async () => {
    const { cache, clock } = make({ ...windowsConfig, timeout: { soft: 50, hard: 1_000 } }, store)
    const loader = controlled()
    const get = withCacheAsyncOutcome(cache)(loader.load)
    const first = get(1)
    await flush()
    clock.advance(60)() // no stale value yet: the soft timeout lets it wait
    await flush()
    loader.calls[0]!.resolve('v1')
    expect(await first).toEqual({ value: 'v1', outcome: 'Miss' })
    clock.advance(TTL + SWR)() // past the stale window: a read waits for the reload
    const slow = get(1)
    await flush()
    clock.advance(50)()
    expect(await slow).toEqual({ value: 'v1', outcome: 'Stale' })
    loader.calls[1]!.resolve('v2')
    await flush()
    expect(await get(1)).toEqual({ value: 'v2', outcome: 'Hit' })
  })

  it('no timer outlives its wait (a quick load leaves none pending)', async () => {
    const { cache, clock } = make({ ttl: TTL, timeout: { soft: 10, hard: 100 } }, store)
    let pending = 0
    const timer = clock.timer
    ;(clock as { timer: typeof timer }).timer = (ms, f) => {
      pending++
      const cancel = timer(ms, f)
      return () => {
        pending--
        cancel()
      }
    }
    const get = withCacheAsync(cache)(async (id: number) => `v${id}`)
    expect(await Promise.all([get(1), get(1), get(2)])).toEqual(['v1', 'v1', 'v2'])
    expect(pending).toBe(0)
  })

  it('a timeout needs a clock with timers, and soft below hard (law 12)', () => {
    const r = Cache.make({ name: 'c', codec: t.string, key: KC.int, clock: { now: () => 0 }, config: { ttl: 1, timeout: { soft: 5, hard: 5 } } })
    expect(E.isLeft(r) && r.left._tag === 'InvalidConfig' && r.left.fields.map((f) => f.field)).toEqual(['timeout.soft'])
    const noTimer = Cache.make({ name: 'c', codec: t.string, key: KC.int, clock: { now: () => 0 }, config: { ttl: 1, timeout: { hard: 5 } } })
    expect(E.isLeft(noTimer) && noTimer.left._tag === 'InvalidConfig' && noTimer.left.fields.map((f) => f.field)).toEqual(['clock'])
  })
})

describe.each([
  ['memory store', false],
  ['JSON store', false],
  ['JSON store completing in any order', true]
] as const)('cancellation on the %s', (name, latent) => {
  fcIt.prop([fc.scheduler(), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 })])(
    'a caller that aborts gets Aborted at once; the shared load stops only when every caller has left',
    async (s, leaves) => {
      const store = name === 'memory store' ? undefined : jsonStore(latent ? { latency: (label) => s.schedule(Promise.resolve(), label) } : {})
      const { cache } = make({ ttl: TTL }, store)
      const loadSignals: Array<AbortSignal> = []
      const get = withCacheAsyncAbortable(cache)((signal) => (id: number) => {
        loadSignals.push(signal)
        return s.schedule(Promise.resolve(`v${id}`), 'load')
      })
      const controllers = leaves.map(() => new AbortController())
      const calls = controllers.map((c) =>
        get(c.signal)(1).then(
          (value) => ({ value }),
          (e: Error) => ({ error: (e.cause as { _tag: string })._tag })
        )
      )
      const aborts = leaves.map((leave, i) =>
        leave ? s.schedule(Promise.resolve(), `abort ${i}`).then(() => controllers[i]!.abort('gone')) : Promise.resolve()
      )
      const answers = await s.waitFor(Promise.all(calls))
      await s.waitFor(Promise.all(aborts))
      for (let i = 0; i < leaves.length; i++) {
        const answer = answers[i]!
        if ('error' in answer) expect([leaves[i], answer.error]).toEqual([true, 'Aborted'])
        else expect(answer.value).toBe('v1')
      }
      // one load at most; none when everyone left before it began; its signal aborted exactly when everyone left
      const everyoneLeft = answers.every((a) => 'error' in a)
      expect(loadSignals.length).toBeLessThanOrEqual(1)
      if (loadSignals.length === 0) expect(everyoneLeft).toBe(true)
      else expect(loadSignals[0]!.aborted).toBe(everyoneLeft)
      for (let i = 0; i < 100 && cache.inFlight() > 0; i++) await (s.count() > 0 ? s.waitOne() : flush())
      expect(cache.inFlight()).toBe(0) // law 8
      expect((await s.waitFor(cache.stats())).aborted).toBe(answers.filter((a) => 'error' in a).length)
    }
  )

  it('an aborted load is not cached; a signal aborted before the call answers Aborted without a load', async () => {
    const { cache } = make({ ttl: TTL }, name === 'memory store' ? undefined : jsonStore())
    let calls = 0
    const get = withCacheAbortable(cache)((signal) => (_id: number) => () => {
      calls++
      return new Promise<E.Either<unknown, string>>((resolve) => signal.addEventListener('abort', () => resolve(E.left(signal.reason))))
    })
    const before = new AbortController()
    before.abort('early')
    expect(await get(before.signal)(1)()).toMatchObject(E.left({ _tag: 'Aborted', reason: 'early' }))
    expect(calls).toBe(0)
    const c = new AbortController()
    const p = get(c.signal)(1)()
    await flush()
    c.abort('late')
    expect(await p).toMatchObject(E.left({ _tag: 'Aborted', reason: 'late' }))
    await flush()
    expect(cache.inFlight()).toBe(0)
    expect(await cache.get(1)()).toEqual(E.right({ _tag: 'None' }))
  })
})

describe.each(stores)("the cache's own operations with windows, on the %s", (_, store) => {
  it('get answers a fresh or stale-servable entry, and none past the stale window (that one serves a failed reload)', async () => {
    const { cache, clock } = make(windowsConfig, store)
    await cache.set('v1', 1)()
    expect(await cache.get(1)()).toEqual(E.right({ _tag: 'Some', value: 'v1' }))
    clock.advance(TTL + SWR - 1)()
    expect(await cache.get(1)()).toEqual(E.right({ _tag: 'Some', value: 'v1' })) // stale, servable
    clock.advance(1)()
    expect(await cache.get(1)()).toEqual(E.right({ _tag: 'None' })) // kept only for a failed reload
    const loader = controlled()
    const get = withCacheAsyncOutcome(cache)(loader.load)
    const p = get(1)
    await flush()
    loader.calls[0]!.reject(new Error('down'))
    expect(await p).toEqual({ value: 'v1', outcome: 'Stale' }) // ...which is what it is kept for
  })
})

describe.each(stores)('stale-if-error as a model-based property, on the %s', (_, store) => {
  type Op = { readonly advance: number } | 'read' | 'burst' | 'down' | 'up'
  // clock steps that land on and around the windows' edges, so that every phase is reached
  const step = fc.constantFrom(1, 100, SWR - 1, SWR, TTL - 1, TTL, TTL + SWR, SIE - 1, SIE).map((advance) => ({ advance }))
  const ops = fc.array(
    fc.oneof(
      { arbitrary: step, weight: 4 },
      { arbitrary: fc.constantFrom<Op>('read', 'burst'), weight: 2 },
      { arbitrary: fc.constantFrom<Op>('down', 'up'), weight: 2 }
    ),
    { minLength: 1, maxLength: 40 }
  )
  fcIt.prop([ops], { numRuns: 300 })(
    'a failed reload serves the stale value until staleIfError ends and the next read tries again; one load of the key at a time',
    async (script) => {
      const { cache, clock } = make(windowsConfig, store)
      let down = false
      let calls = 0
      let running = 0
      let mostRunning = 0
      const get = withCacheAsync(cache)(async (_id: number) => {
        const n = ++calls
        running++
        mostRunning = Math.max(mostRunning, running)
        await Promise.resolve()
        running--
        if (down) throw new Error('down')
        return `v${n}`
      })
      // the model: the stored entry and when it was written
      let entry: { value: string; at: number } | undefined
      let modelCalls = 0
      const expected = (): string | 'error' => {
        const now = clock.now()
        const age = entry === undefined ? Infinity : now - entry.at
        if (entry !== undefined && age < TTL) return entry.value
        if (entry !== undefined && age < TTL + SWR) {
          modelCalls++ // a background refresh
          const old = entry.value
          if (!down) entry = { value: `v${modelCalls}`, at: now }
          return old
        }
        modelCalls++ // a load the caller waits for
        if (!down) return (entry = { value: `v${modelCalls}`, at: now }).value
        return entry !== undefined && age < TTL + SWR + SIE ? entry.value : 'error'
      }
      const answer = (p: Promise<string>) => p.then((v) => v, () => 'error' as const)
      for (const op of script) {
        if (typeof op === 'object') clock.advance(op.advance)()
        else if (op === 'down' || op === 'up') down = op === 'down'
        else {
          const want = expected()
          const got = await Promise.all((op === 'burst' ? [1, 2, 3] : [1]).map(() => answer(get(1))))
          expect(got).toEqual(got.map(() => want))
        }
        await flush() // background refreshes land
        expect(calls).toBe(modelCalls)
      }
      expect(mostRunning).toBeLessThanOrEqual(1) // no refresh storm
      expect(cache.inFlight()).toBe(0)
    }
  )
})

describe('timeouts and negative caching as properties', () => {
  fcIt.prop([fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 1_000 }), fc.boolean()])(
    'a hard timeout answers at its deadline on the manual clock; the late value lands unless the key was invalidated',
    async (hard, duration, invalidate) => {
      fc.pre(hard !== duration)
      const { cache, clock } = make({ ttl: 60_000, timeout: { hard } })
      const get = withCache(cache)(
        (_id: number) => () => new Promise<E.Either<never, string>>((resolve) => clock.timer(duration, () => resolve(E.right('late'))))
      )
      let answeredAt: number | undefined
      const first = get(1)().then((r) => ((answeredAt = clock.now()), r))
      await flush()
      if (invalidate) await cache.invalidate(1)()
      for (let t = 0; t < Math.max(hard, duration) + 1; t += 1) {
        clock.advance(1)()
        await flush()
      }
      const r = await first
      if (duration < hard) expect([r, answeredAt]).toEqual([E.right('late'), duration])
      else expect([E.isLeft(r) && r.left._tag, answeredAt]).toEqual(['LoadTimeout', hard])
      expect(await cache.get(1)()).toEqual(E.right(invalidate ? { _tag: 'None' } : { _tag: 'Some', value: 'late' }))
      expect(cache.inFlight()).toBe(0)
    }
  )

  type Step = { readonly advance: number } | 'call' | 'invalidate'
  fcIt.prop([
    fc.integer({ min: 1, max: 1_000 }),
    fc.array(fc.oneof(fc.record({ advance: fc.integer({ min: 1, max: 600 }) }), fc.constantFrom<Step>('call', 'call', 'invalidate')), {
      maxLength: 25
    })
  ])('a remembered failure is answered without running the loader until its time ends', async (ms, steps) => {
    const { cache, clock } = make({ ttl: 60_000, errorPolicy: ErrorPolicy.cacheFor(ms) })
    let calls = 0
    const get = withCacheAsync(cache)(async (_id: number): Promise<string> => {
      calls++
      throw new Error('down')
    })
    let rememberedUntil = -Infinity
    let modelCalls = 0
    for (const step of steps) {
      if (typeof step === 'object') clock.advance(step.advance)()
      else if (step === 'invalidate') {
        await cache.invalidate(1)()
        rememberedUntil = -Infinity
      } else {
        if (clock.now() >= rememberedUntil) {
          modelCalls++
          rememberedUntil = clock.now() + ms
        }
        await expect(get(1)).rejects.toThrow('down')
        expect(calls).toBe(modelCalls)
      }
    }
  })
})
