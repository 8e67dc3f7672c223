import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import * as _ from '../lib/Cache'
import * as CE from '../lib/CacheError'
import * as Clock from '../lib/Clock'
import type * as Config from '../lib/Config'
import * as ErrorPolicy from '../lib/ErrorPolicy'
import * as KC from '../lib/KeyCodec'
import type { StoreContext } from '../lib/Store'
import { withCacheAsync } from '../lib/withCache'
import { jsonStore } from './util/jsonStore'
import type { JsonStore } from './util/jsonStore'

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>
const UserKey = KC.struct({ userId: KC.int })

const fieldsOf = (r: E.Either<CE.CacheError, unknown>): ReadonlyArray<string> =>
  E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields.map((f) => f.field) : []

/** A cache over a JSON store, which decodes on read as a remote store does. */
const overJson = (config: Config.Config = {}) => {
  let store: JsonStore<User> | undefined
  const events: Array<_.CacheEvent> = []
  const cache = _.unsafeMake({
    name: 'user',
    codec: User,
    key: UserKey,
    config,
    clock: Clock.manual(),
    store: <A>(ctx: StoreContext<A>) => {
      const s = jsonStore()(ctx)
      store = s as unknown as JsonStore<User>
      return s
    },
    onEvent: (e) => events.push(e)
  })
  return { cache, store: store!, events }
}

describe('Cache', () => {
  describe('law 12: invalid config is rejected when the cache is made, naming the field', () => {
    const make = (config: unknown) =>
      _.make({ name: 'user', codec: User, key: UserKey, config: config as Config.Config })

    it.each([
      [{ ttl: -1 }, ['ttl']],
      [{ ttl: NaN }, ['ttl']],
      [{ ttl: Infinity }, ['ttl']],
      [{ ttl: '60' }, ['ttl']],
      [{ maxSize: -1 }, ['maxSize']],
      [{ maxSize: 1.5 }, ['maxSize']],
      [{ maxSize: Infinity }, ['maxSize']],
      [{ disabled: 'yes' }, ['disabled']],
      [{ ttl: -1, maxSize: 0.5, disabled: 1 }, ['ttl', 'maxSize', 'disabled']],
      [{ maxsize: 10 }, ['maxsize']],
      [null, ['config']],
      [[], ['config']]
    ])('%j is rejected naming %j', (config, fields) => {
      expect(fieldsOf(make(config))).toEqual(fields)
    })

    it('says what was expected and what was given', () => {
      const r = make({ ttl: -1 })
      expect(E.isLeft(r) && CE.message(r.left)).toBe(
        'invalid config for cache "user": ttl: expected a finite number of milliseconds >= 0 (or a function of the value), got -1'
      )
      const u = make({ maxsize: 10 })
      expect(E.isLeft(u) && CE.message(u.left)).toMatch(/maxsize: unknown field \(known fields: ttl, maxSize, disabled, staleWhileRevalidate, staleIfError, refreshAhead, errorPolicy, timeout, storeFailure\)/)
    })

    it('accepts the edge values and fills in defaults', () => {
      const r = make({ ttl: 0, maxSize: 0 })
      expect(E.isRight(r) && r.right.config).toEqual({ ttl: 0, maxSize: 0, disabled: false, staleWhileRevalidate: 0, staleIfError: 0, refreshAhead: 0, errorPolicy: ErrorPolicy.propagate, timeout: { soft: 0, hard: 0 }, storeFailure: 'open' })
      const d = make(undefined)
      expect(E.isRight(d) && d.right.config).toEqual({ ttl: undefined, maxSize: 0, disabled: false, staleWhileRevalidate: 0, staleIfError: 0, refreshAhead: 0, errorPolicy: ErrorPolicy.propagate, timeout: { soft: 0, hard: 0 }, storeFailure: 'open' })
    })

    it('unsafeMake throws a TypeError with the same message', () => {
      expect(() => _.unsafeMake({ name: 'user', codec: User, key: UserKey, config: { maxSize: -2 } })).toThrow(TypeError)
    })
  })

  describe('law 9: validation', () => {
    it('a stored entry that fails the codec is a miss: deleted, reported, and the function runs', async () => {
      const { cache, store, events } = overJson()
      let calls = 0
      const getUser = withCacheAsync(cache)(async ({ userId }: { userId: number }) => {
        calls++
        return { id: userId, name: 'fresh' }
      })
      await getUser({ userId: 1 })
      const key = '{userId:1}'
      store.raw.get(key)!.json = JSON.stringify({ id: 'one', name: 42 }) // corrupt it
      const user = await getUser({ userId: 1 })
      expect(user).toEqual({ id: 1, name: 'fresh' })
      expect(calls).toBe(2)
      const failure = events.find((e) => e._tag === 'DecodeFailure')
      expect(failure).toEqual({ _tag: 'DecodeFailure', key, errors: expect.arrayContaining([expect.stringContaining('"one"')]) })
      expect((await cache.stats()).decodeFailures).toBe(1)
      expect(JSON.parse(store.raw.get(key)!.json)).toEqual({ id: 1, name: 'fresh' }) // replaced by the fresh value
    })

    it('an entry that is not even JSON is a miss too', async () => {
      const { cache, store } = overJson()
      store.raw.set('{userId:2}', { json: '{not json', expiresAt: Infinity })
      expect(await cache.get({ userId: 2 })()).toEqual(E.right(O.none))
      expect(store.raw.has('{userId:2}')).toBe(false)
    })

    it('a loaded value that fails the codec fails the call (InvalidValue) and is never stored', async () => {
      const { cache, store, events } = overJson()
      const getUser = withCacheAsync(cache)(async ({ userId }: { userId: number }) => ({ id: userId }) as unknown as User)
      const rejection = await getUser({ userId: 3 }).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(rejection).toBeInstanceOf(Error)
      expect((rejection as Error).cause).toMatchObject({ _tag: 'InvalidValue', key: '{userId:3}' })
      expect(store.raw.size).toBe(0)
      expect(events.some((e) => e._tag === 'InvalidValue')).toBe(true)
      expect((await cache.stats()).invalidValues).toBe(1)
    })

    it('cache.set of a value that fails the codec answers InvalidValue, as its event says', async () => {
      const { cache, store, events } = overJson()
      const set = await cache.set({ id: 'x' } as unknown as User, { userId: 3 })()
      expect(E.isLeft(set) && set.left._tag).toBe('InvalidValue')
      expect(events.filter((e) => e._tag === 'InvalidValue')).toHaveLength(1)
      expect(store.raw.size).toBe(0)
    })
  })

  describe('store failures', () => {
    it('the cached function falls back to the loader and reports them; the operations return them', async () => {
      const { cache, store, events } = overJson()
      store.failing.value = true
      let calls = 0
      const getUser = withCacheAsync(cache)(async ({ userId }: { userId: number }) => ({ id: userId, name: `v${++calls}` }))
      expect(await getUser({ userId: 1 })).toEqual({ id: 1, name: 'v1' })
      expect(events.filter((e) => e._tag === 'StoreFailure').length).toBe(2) // the get and the set
      const got = await cache.get({ userId: 1 })()
      expect(E.isLeft(got) && got.left._tag).toBe('StoreFailure')
      expect(E.isLeft(await cache.invalidate({ userId: 1 })())).toBe(true)
      expect(cache.inFlight()).toBe(0)
    })
  })

  describe('a store that breaks its contract by rejecting', () => {
    it('turns every rejection into a StoreFailure; the cached function still answers', async () => {
      const boom = () => () => Promise.reject(new Error('socket closed'))
      const cache = _.unsafeMake({
        name: 'n',
        codec: t.number,
        key: KC.int,
        store: () => ({ get: boom, set: boom, delete: boom, clear: boom(), size: boom() })
      })
      const f = withCacheAsync(cache)(async (k: number) => k * 2)
      expect(await f(2)).toBe(4)
      for (const r of [await cache.get(1)(), await cache.invalidate(1)(), await cache.clear(), await cache.set(1, 1)()]) {
        expect(E.isLeft(r) && r.left._tag).toBe('StoreFailure')
      }
      expect((await cache.stats()).size).toBeUndefined()
      expect(cache.inFlight()).toBe(0)
    })
  })

  describe('operations', () => {
    it('get, set, invalidate, clear, by arguments and by key', async () => {
      const cache = _.unsafeMake({ name: 'user', codec: User, key: UserKey, clock: Clock.manual() })
      const ann: User = { id: 1, name: 'Ann' }
      expect(await cache.get({ userId: 1 })()).toEqual(E.right(O.none))
      expect(await cache.set(ann, { userId: 1 })()).toEqual(E.right(undefined))
      expect(await cache.get({ userId: 1 })()).toEqual(E.right(O.some(ann)))
      expect(cache.keyOf({ userId: 1 })).toEqual(E.right('{userId:1}'))
      expect(await cache.getByKey('{userId:1}')()).toEqual(E.right(O.some(ann)))
      await cache.invalidate({ userId: 1 })()
      expect(await cache.get({ userId: 1 })()).toEqual(E.right(O.none))
      await cache.setByKey({ id: 2, name: 'Bo' }, '{userId:2}')()
      await cache.invalidateByKey('{userId:2}')()
      expect(await cache.getByKey('{userId:2}')()).toEqual(E.right(O.none))
      await cache.set(ann, { userId: 1 })()
      await cache.clear()
      expect(await cache.get({ userId: 1 })()).toEqual(E.right(O.none))
      expect(E.isLeft(await cache.get({ userId: 0.5 })())).toBe(true)
    })

    it('law 5 through the cache: maxSize bounds the store and evicts the least recently used', async () => {
      const events: Array<_.CacheEvent> = []
      const cache = _.unsafeMake({ name: 'n', codec: t.number, key: KC.int, config: { maxSize: 2 }, onEvent: (e) => events.push(e) })
      await cache.set(1, 1)()
      await cache.set(2, 2)()
      await cache.get(1)() // 2 is now the least recently used
      await cache.set(3, 3)()
      expect(await cache.get(2)()).toEqual(E.right(O.none))
      expect(await cache.get(1)()).toEqual(E.right(O.some(1)))
      expect(events).toContainEqual({ _tag: 'Evict', key: '2' })
      const stats = await cache.stats()
      expect(stats).toMatchObject({ evictions: 1, size: 2, sets: 3 })
    })

    it('law 11: a disabled cache neither stores nor answers', async () => {
      const cache = _.unsafeMake({ name: 'n', codec: t.number, key: KC.int, config: { disabled: true } })
      await cache.set(1, 1)()
      expect(await cache.get(1)()).toEqual(E.right(O.none))
    })
  })

  describe('events and stats', () => {
    it('reports hits, misses, loads, failures and invalidations; subscribers can leave; a throwing listener changes nothing', async () => {
      const seen: Array<string> = []
      const cache = _.unsafeMake({ name: 'n', codec: t.number, key: KC.int, clock: Clock.manual() })
      const leave = cache.subscribe((e) => seen.push(e._tag))
      cache.subscribe(() => {
        throw new Error('bad listener')
      })
      const f = withCacheAsync(cache)(async (k: number) => {
        if (k < 0) throw new Error('negative')
        return k
      })
      await f(1)
      await f(1)
      await f(-1).catch(() => undefined)
      await cache.invalidate(1)()
      leave()
      await f(1)
      expect(seen).toEqual(['Miss', 'Load', 'Set', 'Hit', 'Miss', 'Load', 'LoadFailure', 'Invalidate'])
      expect(await cache.stats()).toEqual({
        hits: 1,
        misses: 3,
        loads: 3,
        loadFailures: 1,
        sets: 2,
        evictions: 0,
        invalidations: 1,
        decodeFailures: 0,
        invalidValues: 0,
        deduped: 0,
        fenced: 0,
        stale: 0,
        refreshes: 0,
        refreshFailures: 0,
        negativeHits: 0,
        timeouts: 0,
        aborted: 0,
        size: 1
      })
    })
  })
})
