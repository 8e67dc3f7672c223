/**
 * Batch loading (`withCacheBatch`, `withCacheBatchAsync`): one lookup for every key, one loader call for the misses,
 * and single flight shared with single-key calls and other batches. The laws run on the memory store and on the
 * JSON test store, in order and with a latency that the fast-check scheduler completes in any order.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import type { CacheEvent } from '../lib/CacheEvent'
import * as Clock from '../lib/Clock'
import * as KC from '../lib/KeyCodec'
import type { StoreFactory } from '../lib/Store'
import * as Tiered from '../lib/Tiered'
import { withCache, withCacheAsync, withCacheAsyncOutcome } from '../lib/withCache'
import { withCacheBatch, withCacheBatchAsync } from '../lib/withCacheBatch'
import { jsonStore } from './util/jsonStore'
import type { JsonStore } from './util/jsonStore'

type Scheduler = fc.Scheduler
type Subject = readonly [string, (s: Scheduler) => StoreFactory | undefined]

const subjects: ReadonlyArray<Subject> = [
  ['MemoryStore', () => undefined],
  ['JSON store, in order', () => jsonStore()],
  ['JSON store with latency and reordering', (s) => jsonStore({ latency: (label) => s.schedule(Promise.resolve(), label) })]
]

const numbers = (store?: StoreFactory, config: Cache.BaseOptions<number>['config'] = {}) =>
  Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, clock: Clock.manual(), config, ...(store === undefined ? {} : { store }) })

/** A gate: a promise and the function that opens it. */
const gate = <A>() => {
  let open: (a: A) => void = () => undefined
  const promise = new Promise<A>((resolve) => (open = resolve))
  return { promise, open }
}

/** Lets every promise callback that is ready run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('withCacheBatch', () => {
  describe('hits and misses', () => {
    it('loads only the misses, in one call, and answers every id in order (an id given twice counts once)', async () => {
      const cache = numbers()
      const asked: Array<ReadonlyArray<number>> = []
      const squares = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => (asked.push(ns), ns.map((n) => n * n)))
      expect(await squares([1, 2])).toEqual([1, 4])
      expect(await squares([3, 1, 3, 4, 2])).toEqual([9, 1, 9, 16, 4])
      expect(asked).toEqual([[1, 2], [3, 4]])
      expect(await cache.get(4)()).toEqual(E.right(O.some(16)))
      const stats = await cache.stats()
      expect([stats.hits, stats.misses, stats.loads]).toEqual([3, 4, 4])
    })

    it('a batch of hits (and the empty batch) does not call the loader', async () => {
      const cache = numbers()
      await cache.set(10, 1)()
      await cache.set(20, 2)()
      let calls = 0
      const f = withCacheBatch(cache)((ns: ReadonlyArray<number>) => (calls++, TE.right(ns)))
      expect(await f([2, 1, 2])()).toEqual(E.right([20, 10, 20]))
      expect(await f([])()).toEqual(E.right([]))
      expect(calls).toBe(0)
    })

    it('keeps the loader\'s name, and refuses a cache it cannot serve, and anything that is not a cache', () => {
      const fetchUsers = async (ids: ReadonlyArray<number>) => ids
      expect(withCacheBatchAsync(numbers())(fetchUsers).name).toBe('fetchUsers')
      expect(() => withCacheBatch(numbers(undefined, { staleWhileRevalidate: 10, ttl: 10 }))).toThrow(/withCacheBatch: cache "n" has freshness windows/)
      expect(() => withCacheBatchAsync({} as never)).toThrow(/withCacheBatchAsync: expected a cache made by Cache.make/)
      expect(() => withCacheBatch(numbers(undefined, { ttl: (n: number) => n }))).not.toThrow()
    })

    it('an id the key codec cannot encode fails the call, and the loader does not run', async () => {
      let calls = 0
      const f = withCacheBatch(numbers())((ns: ReadonlyArray<number>) => (calls++, TE.right(ns)))
      const r = await f([1, 1.5])()
      expect(E.isLeft(r) && (r.left as { _tag: string })._tag).toBe('KeyEncodeFailure')
      await expect(withCacheBatchAsync(numbers())(async (ns) => ns)([0.5])).rejects.toThrow(/cannot encode key: at \$ expected a safe integer, got 0.5/)
      expect(calls).toBe(0)
    })
  })

  describe('errors (law 3)', () => {
    it.each(['left', 'throw', 'reject'] as const)('a failed loadMany (%s) fails its keys and stores nothing; the next call loads again', async (how) => {
      const cache = numbers()
      let calls = 0
      const f = withCacheBatch(cache)((ns: ReadonlyArray<number>) => {
        calls++
        if (calls > 1) return TE.right(ns)
        if (how === 'throw') throw new Error('down')
        return how === 'left' ? TE.left('down') : () => Promise.reject(new Error('down'))
      })
      const r = await f([1, 2])()
      expect(E.isLeft(r)).toBe(true)
      expect(cache.inFlight()).toBe(0)
      expect(await cache.get(1)()).toEqual(E.right(O.none))
      expect(await f([1, 2])()).toEqual(E.right([1, 2]))
      expect(calls).toBe(2)
    })

    it('the Promise form rejects with the loader\'s own error', async () => {
      const boom = new Error('boom')
      const f = withCacheBatchAsync(numbers())(async () => Promise.reject(boom))
      await expect(f([1])).rejects.toBe(boom)
    })

    it('an answer of the wrong length is an UnexpectedError naming both lengths, and nothing is stored', async () => {
      const cache = numbers()
      const f = withCacheBatch(cache)((ns: ReadonlyArray<number>) => TE.right(ns.slice(1)))
      const r = await f([1, 2, 3])()
      const left = E.isLeft(r) ? (r.left as { _tag: string; cause: Error }) : undefined
      expect(left?._tag).toBe('UnexpectedError')
      expect(left?.cause.message).toBe('the batch loader answered 2 values for 3 ids (one value per id, in order)')
      expect(await cache.get(2)()).toEqual(E.right(O.none))
      const g = withCacheBatchAsync(cache)(async () => 'nope' as never)
      await expect(g([1])).rejects.toThrow(/the batch loader answered "nope", not an array of one value per id/)
      expect(cache.inFlight()).toBe(0)
    })

    it('a value that fails the codec is not stored and fails the call (InvalidValue); the valid ones are stored', async () => {
      const cache = numbers()
      const f = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => ns.map((n) => (n === 2 ? ('two' as never) : n)))
      await expect(f([1, 2])).rejects.toThrow(/InvalidValue|not a valid|invalid value/i)
      expect(await cache.get(1)()).toEqual(E.right(O.some(1)))
      expect(await cache.get(2)()).toEqual(E.right(O.none))
    })
  })

  describe('disabled (law 11)', () => {
    it('loads every id every time and stores nothing', async () => {
      const cache = numbers(undefined, { disabled: true })
      const asked: Array<ReadonlyArray<number>> = []
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => (asked.push(ns), ns))
      expect(await f([1, 2])).toEqual([1, 2])
      expect(await f([1, 2])).toEqual([1, 2])
      expect(asked).toEqual([[1, 2], [1, 2]])
      expect(await cache.get(1)()).toEqual(E.right(O.none))
    })
  })

  describe('single flight with single-key calls and other batches', () => {
    it('a single-key call of a key the batch loads joins it; a batch joins a single-key load', async () => {
      const cache = numbers()
      const many = gate<ReadonlyArray<number>>()
      const one = gate<number>()
      let batchCalls = 0
      let singleCalls = 0
      const getMany = withCacheBatchAsync(cache)(() => (batchCalls++, many.promise))
      const getOne = withCacheAsync(cache)(() => (singleCalls++, one.promise))
      const a = getOne(3) // loading 3
      const b = getMany([1, 2, 3]) // joins 3, loads [1, 2]
      const c = getOne(2) // joins the batch's load of 2
      const d = withCache(cache)(() => TE.right(-1))(1)() // the TaskEither API joins too
      const e = withCacheAsyncOutcome(cache)(() => -1)(2) // and so does the freshness path
      many.open([10, 20])
      one.open(30)
      expect(await b).toEqual([10, 20, 30])
      expect([await a, await c, await d, await e]).toEqual([30, 20, E.right(10), { value: 20, outcome: 'Deduped' }])
      expect([batchCalls, singleCalls]).toEqual([1, 1])
      expect((await cache.stats()).deduped).toBe(4)
    })

    it('two batches that lead overlapping keys do not wait on each other', async () => {
      const cache = numbers()
      const first = gate<ReadonlyArray<number>>()
      const asked: Array<ReadonlyArray<number>> = []
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => {
        asked.push(ns)
        return asked.length === 1 ? first.promise : ns.map((n) => n * 10)
      })
      const a = f([1, 2])
      const b = f([3, 2]) // leads 3, joins 2
      await flush()
      expect(asked).toEqual([[1, 2], [3]])
      expect(await cache.get(3)()).toEqual(E.right(O.some(30))) // b's own load is done while a's is not
      first.open([10, 20])
      expect(await Promise.all([a, b])).toEqual([[10, 20], [30, 20]])
    })

    for (const [name, storeOf] of subjects) {
      it(`${name}: N concurrent batch and single calls of overlapping keys load each missing key once, and each caller gets its values`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.scheduler(),
            fc.array(fc.oneof(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 6 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 12 }),
            fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }),
            async (s, calls, cached) => {
              const cache = numbers(storeOf(s))
              await s.waitFor(Promise.all(cached.map((k) => cache.set(k * 10, k)())))
              const loads = new Map<number, number>()
              const count = (k: number) => loads.set(k, (loads.get(k) ?? 0) + 1)
              const many = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => {
                ns.forEach(count)
                return s.schedule(Promise.resolve(ns.map((n) => n * 10)), `loadMany ${ns.join(',')}`)
              })
              const one = withCacheAsync(cache)((n: number) => (count(n), s.schedule(Promise.resolve(n * 10), `load ${n}`)))
              const answers = calls.map((c, i) =>
                s.schedule(Promise.resolve(), `call ${i}`).then(() => (typeof c === 'number' ? one(c).then((v) => [v]) : many(c)))
              )
              const got = await s.waitFor(Promise.all(answers))
              got.forEach((values, i) => {
                const c = calls[i] as number | ReadonlyArray<number>
                expect(values).toEqual((typeof c === 'number' ? [c] : c).map((n) => n * 10))
              })
              const asked = new Set(calls.flatMap((c) => (typeof c === 'number' ? [c] : c)))
              for (const k of asked) expect(loads.get(k) ?? 0).toBe(cached.includes(k) ? 0 : 1)
              expect(cache.inFlight()).toBe(0) // law 8
            }
          ),
          { numRuns: 150 }
        )
      })

      it(`${name}: with failures, no key state is left (law 8), and a caller gets its values or a loader's error`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.scheduler(),
            fc.array(fc.record({ ids: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }), fails: fc.boolean(), single: fc.boolean() }), {
              minLength: 1,
              maxLength: 10
            }),
            async (s, calls) => {
              const cache = numbers(storeOf(s))
              const answers = calls.map(({ ids, fails, single }, i) => {
                const load = (ns: ReadonlyArray<number>) =>
                  s.schedule(Promise.resolve(), `load ${i}`).then(() => (fails ? Promise.reject(new Error(`fail ${i}`)) : ns.map((n) => n * 10)))
                const call =
                  single && ids.length > 0
                    ? () => withCacheAsync(cache)((n: number) => load([n]).then((v) => v[0] as number))(ids[0] as number).then((v) => [v])
                    : () => withCacheBatchAsync(cache)(load)(ids)
                return s.schedule(Promise.resolve(), `call ${i}`).then(call).then(
                  (values) => ({ ok: true as const, values, ids: single && ids.length > 0 ? ids.slice(0, 1) : ids }),
                  (e: unknown) => ({ ok: false as const, error: e })
                )
              })
              for (const a of await s.waitFor(Promise.all(answers))) {
                if (a.ok) expect(a.values).toEqual(a.ids.map((n) => n * 10))
                else expect(String(a.error)).toMatch(/^Error: fail \d+$/)
              }
              expect(cache.inFlight()).toBe(0)
            }
          ),
          { numRuns: 150 }
        )
      })

      it(`${name}: an invalidate during a batch load fences that key's fill (law 7); the callers still get the value`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.scheduler(),
            fc.array(fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), fc.constant('invalidate' as const)), {
              minLength: 1,
              maxLength: 12
            }),
            fc.integer({ min: 0, max: 3 }),
            async (s, ops, victim) => {
              const cache = numbers(storeOf(s))
              // the "database": an invalidation follows a write, which bumps the version; a load reads the version
              let version = 0
              const many = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => {
                const read = version
                return s.schedule(Promise.resolve(ns.map((n) => n * 1000 + read)), `loadMany ${ns.join(',')} v${read}`)
              })
              const done = ops.map((op, i) =>
                s.schedule(Promise.resolve(), `${op === 'invalidate' ? 'invalidate' : 'batch'} ${i}`).then(async () => {
                  if (op !== 'invalidate') return void (await many(op))
                  version++
                  await cache.invalidate(victim)()
                })
              )
              await s.waitFor(Promise.all(done))
              const stored = await s.waitFor(cache.get(victim)())
              if (E.isRight(stored) && O.isSome(stored.right)) expect(stored.right.value).toBe(victim * 1000 + version)
              expect(cache.inFlight()).toBe(0)
            }
          ),
          { numRuns: 200 }
        )
      })
    }

    it('an invalidate during a batch load keeps that key out of the store, and only that key', async () => {
      const cache = numbers()
      const load = gate<ReadonlyArray<number>>()
      const f = withCacheBatchAsync(cache)(() => load.promise)
      const got = f([1, 2])
      await cache.invalidate(1)()
      load.open([10, 20])
      expect(await got).toEqual([10, 20])
      expect(await cache.get(1)()).toEqual(E.right(O.none))
      expect(await cache.get(2)()).toEqual(E.right(O.some(20)))
      expect((await cache.stats()).fenced).toBe(1)
    })
  })

  describe('tags (law 13)', () => {
    const Row = t.type({ id: t.number, group: t.string, v: t.number })
    type Row = t.TypeOf<typeof Row>
    for (const [name, storeOf] of subjects) {
      it(`${name}: after invalidateTags, no value a batch cached is older than the last write of its group`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.scheduler(),
            fc.array(fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 })), {
              minLength: 1,
              maxLength: 14
            }),
            async (s, jobs) => {
              const store = storeOf(s)
              const groupOf = (id: number) => (id % 2 === 0 ? 'even' : 'odd')
              const cache = Cache.unsafeMake({
                name: 'rows',
                codec: Row,
                key: KC.int,
                clock: Clock.manual(),
                ...(store === undefined ? {} : { store }),
                tags: (row: Row, id: number) => [`group:${row.group}`, `id:${id}`]
              })
              const db = new Map<number, Row>([0, 1, 2, 3].map((id) => [id, { id, group: groupOf(id), v: 0 }]))
              // the loader reads the rows when it begins, and answers later: a write meanwhile makes its values old
              const load = withCacheBatchAsync(cache)((ids: ReadonlyArray<number>) => {
                const read = ids.map((id) => db.get(id) as Row)
                return s.schedule(Promise.resolve(read), `load ${ids.join(',')}`)
              })
              const write = async (id: number): Promise<void> => {
                const row = db.get(id) as Row
                db.set(id, { ...row, v: row.v + 1 })
                expect(await cache.invalidateTags([`group:${row.group}`])()).toEqual(E.right(undefined))
              }
              const done = jobs.map((j, i) =>
                s.schedule(Promise.resolve(), `arrive ${i}`).then(async () => void (typeof j === 'number' ? await write(j) : await load(j)))
              )
              await s.waitFor(Promise.all(done))
              for (const id of [0, 1, 2, 3]) {
                const cached = await s.waitFor(cache.get(id)())
                if (E.isRight(cached) && O.isSome(cached.right)) expect(cached.right.value).toEqual(db.get(id))
              }
              expect(cache.inFlight()).toBe(0)
            }
          ),
          { numRuns: 150 }
        )
      })
    }

    it('the tags function is handed each value with its id; invalidating one id\'s tag drops that entry only', async () => {
      const cache = Cache.unsafeMake({ name: 'rows', codec: t.number, key: KC.int, tags: (_: number, id: number) => [`id:${id}`] })
      const f = withCacheBatchAsync(cache)(async (ids: ReadonlyArray<number>) => ids.map((id) => id * 2))
      expect(await f([1, 2])).toEqual([2, 4])
      await cache.invalidateTags(['id:2'])()
      expect(await cache.get(1)()).toEqual(E.right(O.some(2)))
      expect(await cache.get(2)()).toEqual(E.right(O.none))
    })
  })

  describe('the store\'s round trips', () => {
    const counted = (withGetMany: boolean) => {
      const gets: Array<string> = []
      const inner = jsonStore({ latency: (label) => (label.startsWith('get') && gets.push(label), Promise.resolve()) })
      let store: JsonStore<unknown> | undefined
      const factory: StoreFactory = (context) => {
        const made = inner(context)
        store = made as JsonStore<unknown>
        if (withGetMany) return made
        const { getMany: _, ...rest } = made
        return rest
      }
      return { gets, factory, store: () => store as JsonStore<unknown> }
    }

    it('a batch of 100 looks its keys up in one getMany, and a batch of hits asks the store nothing else', async () => {
      const { gets, factory } = counted(true)
      const cache = numbers(factory)
      const ids = Array.from({ length: 100 }, (_, i) => i)
      let calls = 0
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => (calls++, ns.map((n) => n + 1)))
      expect(await f(ids)).toEqual(ids.map((n) => n + 1))
      expect(gets).toHaveLength(1)
      expect(await f(ids)).toEqual(ids.map((n) => n + 1))
      expect([gets.length, calls]).toEqual([2, 1])
    })

    it('a store without getMany is asked get per key, all at once', async () => {
      const { gets, factory } = counted(false)
      const cache = numbers(factory)
      let inFlight = 0
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => ns)
      const got = f([1, 2, 3])
      inFlight = cache.inFlight()
      expect(await got).toEqual([1, 2, 3])
      expect(gets).toEqual(['get 1', 'get 2', 'get 3'])
      expect(inFlight).toBe(3)
    })

    it('on a tiered store, the copies here are hits at once; the rest go to the shared store', async () => {
      const { gets, factory } = counted(true)
      const tiered = Tiered.make({ l2: factory, l1MaxTtl: 60_000 })
      if (E.isLeft(tiered)) throw new Error('expected a tiered store')
      const cache = numbers(tiered.right)
      const asked: Array<ReadonlyArray<number>> = []
      const f = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => (asked.push(ns), ns.map((n) => n + 1)))
      expect(await f([1, 2])).toEqual([2, 3])
      const before = gets.length
      const again = f([2, 1])
      expect(cache.inFlight()).toBe(0) // both copies are here: answered without a lookup
      expect(await again).toEqual([3, 2])
      expect(gets.length).toBe(before)
      expect(await f([1, 3])).toEqual([2, 4])
      expect(asked).toEqual([[1, 2], [3]])
    })

    it('an entry that does not decode is a reported miss (deleted, loaded again)', async () => {
      const { factory, store } = counted(true)
      const events: Array<CacheEvent['_tag']> = []
      const cache = Cache.unsafeMake({ name: 'n', codec: t.number, key: KC.int, store: factory, onEvent: (e) => events.push(e._tag) })
      await cache.set(1, 1)()
      await cache.set(2, 2)()
      store().raw.set('2', { json: '"two"', expiresAt: Infinity })
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => ns.map((n) => n * 100))
      expect(await f([1, 2])).toEqual([1, 200])
      expect(events).toContain('DecodeFailure')
      expect(await cache.get(2)()).toEqual(E.right(O.some(200)))
    })

    it('a store that fails fails open: the batch loads and answers; with storeFailure closed it fails', async () => {
      const { factory, store } = counted(true)
      const cache = numbers(factory)
      await cache.set(1, 1)()
      store().failing.value = true
      const f = withCacheBatchAsync(cache)((ns: ReadonlyArray<number>) => ns.map((n) => n * 100))
      expect(await f([1, 2])).toEqual([100, 200])
      const closed = counted(true)
      const strict = numbers(closed.factory, { storeFailure: 'closed' })
      closed.store().failing.value = true
      await expect(withCacheBatchAsync(strict)(async (ns: ReadonlyArray<number>) => ns)([1])).rejects.toThrow(/store is down/)
      expect(strict.inFlight()).toBe(0)
    })
  })
})
