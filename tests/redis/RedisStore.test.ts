/**
 * The Redis store against a real redis-server (the shared one the jest global setup starts): its options, the
 * store contract (the test kit's laws), each branch of its scripts, poisoned entries, soft expiry, and the cache
 * laws across two caches that stand for two processes (each with its own clients, as two processes have).
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import Redis from 'ioredis'
import * as Cache from '../../lib/Cache'
import type { CacheEvent } from '../../lib/CacheEvent'
import * as Clock from '../../lib/Clock'
import * as KeyCodec from '../../lib/KeyCodec'
import type { Store, StoreFactory } from '../../lib/Store'
import { describeLaws, storeLaws } from '../../lib/testing'
import { withCacheAsync } from '../../lib/withCache'
import { RedisPort, RedisStore } from '../../lib/redis'
import { createClient } from 'redis'
import { clients, freshPrefix, freshStores } from '../util/redisClients'
import type { Clients } from '../util/redisClients'
import { describeRedis, sharedRedis } from '../util/redisServer'

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>

const storeOf = <A>(factory: StoreFactory, codec: t.Type<A, unknown, unknown>, name = 'user'): Store<A> =>
  factory({ name, codec, maxSize: 0, clock: Clock.system, onEvict: () => undefined })


describe('RedisStore.make (no server needed)', () => {
  const offline = () => new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 })

  it('names every client option that would let a call hang, and every bad option of its own', () => {
    const made = RedisStore.make({ port: RedisPort.ioredis(new Redis({ lazyConnect: true })), deadline: -1, lease: Infinity, prefix: 3 as never })
    expect(E.isLeft(made) && made.left._tag === 'InvalidConfig' && made.left.fields.map((f) => f.field)).toEqual([
      'port.enableOfflineQueue',
      'port.maxRetriesPerRequest',
      'port.commandTimeout',
      'deadline',
      'lease',
      'prefix'
    ])
  })

  it('accepts a client made with the required options, and checks the subscriber too', () => {
    expect(E.isRight(RedisStore.make({ port: RedisPort.ioredis(offline(), offline()) }))).toBe(true)
    const made = RedisStore.make({ port: RedisPort.ioredis(offline(), new Redis({ lazyConnect: true })) })
    expect(E.isLeft(made) && made.left._tag === 'InvalidConfig' && made.left.fields[0]?.field).toBe('port.subscriber.enableOfflineQueue')
    expect(E.isLeft(RedisStore.make({ port: {} as never }))).toBe(true)
    const short = RedisStore.make({ port: RedisPort.ioredis(offline()), lease: 5000, maxLoad: 1000 })
    expect(E.isLeft(short) && short.left._tag === 'InvalidConfig' && short.left.fields[0]?.field).toBe('maxLoad')
  })

  it('checks a node-redis client the same way', () => {
    const problems = RedisPort.nodeRedis({ options: {} } as never).problems.map((p) => p.field)
    expect(problems).toEqual(['disableOfflineQueue', 'socket.reconnectStrategy'])
  })

  it('is refused by a cache with maxSize, which bounds the memory store only', () => {
    const store = RedisStore.make({ port: RedisPort.ioredis(offline()) })
    if (E.isLeft(store)) throw new Error('expected a store')
    const cache = Cache.make({ name: 'user', codec: User, key: KeyCodec.int, store: store.right, config: { maxSize: 10 } })
    expect(E.isLeft(cache) && cache.left._tag === 'InvalidConfig' && cache.left.fields[0]?.field).toBe('store')
  })
})

describeRedis('RedisStore', () => {
  let c: Clients
  let raw: Redis
  beforeAll(async () => {
    c = await clients(sharedRedis().port)
    raw = c.client
  })
  afterAll(() => c?.close())

  // The test kit's laws, each store with a prefix of its own. C2 and maxSize are left out, each for a reason:
  // C2 moves the test's manual clock, and Redis expires entries on its own clock (the ttl tests below check what
  // the store hands Redis, and one real expiry); maxSize is refused (see above).
  describeLaws(
    'store laws (test kit): RedisStore',
    storeLaws((context) => freshStores(c)(context)).filter((law) => law.id !== 'C2' && law.id !== 'maxSize'),
    { describe, it }
  )

  describe('ttl on the store\'s own clock (C2, C7)', () => {
    it('hands Redis the ttl (PX), none without one; answers the remaining life from PTTL', async () => {
      const factory = c.store()
      const store = storeOf(factory, User)
      await store.set('1', { id: 1, name: 'a' }, 60_000)()
      await store.set('2', { id: 2, name: 'b' })()
      const one = await store.getEntry!('1')()
      const left = E.isRight(one) && O.isSome(one.right) ? one.right.value.expiresIn : undefined
      expect(left).toBeGreaterThan(59_000)
      expect(left).toBeLessThanOrEqual(60_000)
      expect(await store.getEntry!('2')()).toEqual(E.right(O.some({ value: { id: 2, name: 'b' }, expiresIn: undefined })))
      await store.set('1', { id: 1, name: 'a' }, 0)()
      expect(await store.get('1')()).toEqual(E.right(O.none))
    })

    it('an entry with a short ttl is gone once Redis expires it', async () => {
      const store = storeOf(c.store(), t.number)
      await store.set('k', 1, 20)()
      let gone = false
      for (let i = 0; i < 200 && !gone; i++) {
        const r = await store.get('k')()
        gone = E.isRight(r) && O.isNone(r.right)
        if (!gone) await new Promise((resolve) => setTimeout(resolve, 5)) // Redis's clock, polled
      }
      expect(gone).toBe(true)
    })
  })

  describe('single flight and fencing, script by script (C8)', () => {
    const value = (id: number): User => ({ id, name: `u${id}` })
    let pairs = 0
    let lastPrefix = ''
    const pair = () => {
      lastPrefix = `pair${++pairs}.${process.pid}:`
      const factory = c.store({ prefix: lastPrefix })
      return [storeOf(factory, User), storeOf(factory, User)] as const // two processes' stores of one cache
    }
    const leader = async (store: Store<User>, key: string, refresh = false): Promise<unknown> => {
      const r = await store.flight!.lead(key, refresh)()
      if (E.isLeft(r) || r.right._tag !== 'Leader') throw new Error(`expected Leader, got ${JSON.stringify(r)}`)
      return r.right.ticket
    }

    it('one leads; another waits, woken by the fill (not by the lease), and gets the value', async () => {
      const [a, b] = pair()
      const ticket = await leader(a, 'k')
      const started = performance.now()
      const waiting = b.flight!.lead('k', false)()
      await new Promise((resolve) => setTimeout(resolve, 30)) // let b find the lease and wait
      expect(await a.flight!.fill('k', ticket, value(1), 60_000)()).toEqual(E.right('Written'))
      const r = await waiting
      expect(E.isRight(r) && r.right._tag === 'Found' && r.right.entry.value).toEqual(value(1))
      expect(performance.now() - started).toBeLessThan(1000) // the lease is 5000 ms
      expect(await b.get('k')()).toEqual(E.right(O.some(value(1))))
    })

    it('a fill after a delete is Fenced; after a set, AlreadyFilled; after a clear or a lost key, Fenced', async () => {
      const [a, b] = pair()
      const t1 = await leader(a, 'deleted')
      await b.delete('deleted')()
      expect(await a.flight!.fill('deleted', t1, value(1))()).toEqual(E.right('Fenced'))
      expect(await b.get('deleted')()).toEqual(E.right(O.none))

      const t2 = await leader(a, 'set')
      await b.set('set', value(2))()
      expect(await a.flight!.fill('set', t2, value(1))()).toEqual(E.right('AlreadyFilled'))
      expect(await b.get('set')()).toEqual(E.right(O.some(value(2))))

      const t3 = await leader(a, 'cleared')
      await b.clear()
      expect(await a.flight!.fill('cleared', t3, value(1))()).toEqual(E.right('Fenced'))

      const t4 = await leader(a, 'lost')
      await raw.del(`${lastPrefix}{user}:k:lost`) // as a restart or an eviction would
      expect(await a.flight!.fill('lost', t4, value(1))()).toEqual(E.right('Fenced'))
      expect(await a.get('lost')()).toEqual(E.right(O.none))
    })

    it('a release wakes the waiters at once, and the next of them leads', async () => {
      const [a, b] = pair()
      const ticket = await leader(a, 'k')
      const started = performance.now()
      const waiting = b.flight!.lead('k', false)()
      await new Promise((resolve) => setTimeout(resolve, 30))
      await a.flight!.release('k', ticket)()
      const r = await waiting
      expect(E.isRight(r) && r.right._tag).toBe('Leader')
      expect(performance.now() - started).toBeLessThan(1000)
    })

    it('a lease that is not renewed (its holder died) is taken over after it ends; a renewed one is not', async () => {
      const factory = c.store({ lease: 150 })
      const [a, b] = [storeOf(factory, User), storeOf(factory, User)]
      const ticket = (await leader(a, 'dead')) as { stop: () => void }
      ticket.stop() // as if its process were killed: no renewal
      const started = performance.now()
      const r = await b.flight!.lead('dead', false)()
      expect(E.isRight(r) && r.right._tag).toBe('Leader')
      expect(performance.now() - started).toBeGreaterThanOrEqual(100)

      const renewed = await leader(a, 'alive') // renewed every 50 ms
      const waiting = b.flight!.lead('alive', false)()
      await new Promise((resolve) => setTimeout(resolve, 400)) // more than twice the lease
      expect(await a.flight!.fill('alive', renewed, value(3))()).toEqual(E.right('Written'))
      const w = await waiting
      expect(E.isRight(w) && w.right._tag === 'Found' && w.right.entry.value).toEqual(value(3))
    })

    it('a refresh leads over the entry once (the others are Busy) and is fenced by a delete', async () => {
      const [a, b] = pair()
      await a.set('k', value(1), 60_000)()
      const ticket = await leader(a, 'k', true)
      expect(await b.flight!.lead('k', true)()).toEqual(E.right({ _tag: 'Busy' }))
      expect(await b.get('k')()).toEqual(E.right(O.some(value(1)))) // still served meanwhile
      expect(await a.flight!.fill('k', ticket, value(2), 60_000)()).toEqual(E.right('Written'))
      expect(await b.get('k')()).toEqual(E.right(O.some(value(2))))
      const again = await leader(b, 'k', true)
      await a.delete('k')()
      expect(await b.flight!.fill('k', again, value(3))()).toEqual(E.right('Fenced'))
      expect(await a.get('k')()).toEqual(E.right(O.none))
    })
  })

  describe('poisoned entries (law 9)', () => {
    const poisons: ReadonlyArray<[string, (entry: string) => string]> = [
      ['bad JSON', (entry) => entry.replace(/\{.*$/, '{"id":1,')],
      ['the wrong shape', (entry) => entry.replace(/\{.*$/, '{"id":"one"}')],
      ['another schema', (entry) => entry.replace(/^(E[^|]*\|[^|]*\|[^|]*\|)[^|]*/, '$1otherfp')],
      ['not an entry at all', () => 'garbage']
    ]
    let poisoned = 0
    it.each(poisons)('%s: a reported miss, loaded again and overwritten', async (_, poison) => {
      const events: Array<CacheEvent> = []
      const prefix = `poison${++poisoned}.${process.pid}:`
      const cache = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: c.store({ prefix }), config: { ttl: 60_000 }, onEvent: (e) => void events.push(e) })
      let loads = 0
      const get = withCacheAsync(cache)(async (id: number) => ({ id, name: `load ${++loads}` }))
      await get(1)
      const key = `${prefix}{user}:k:1`
      const stored = await raw.get(key)
      await raw.set(key, poison(stored!))
      expect(await get(1)).toEqual({ id: 1, name: 'load 2' })
      expect(events.filter((e) => e._tag === 'DecodeFailure')).toHaveLength(1)
      expect(await get(1)).toEqual({ id: 1, name: 'load 2' }) // the new entry was stored over the poisoned one
      expect(loads).toBe(2)
    })
  })

  describe('two caches on one Redis stand for two processes', () => {
    const twoCaches = async (config = { ttl: 60_000 }) => {
      const other = await clients(sharedRedis().port)
      const prefix = `two.${Math.random().toString(36).slice(2)}:`
      const make = (cs: Clients) => Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: cs.store({ prefix }), config })
      return { a: make(c), b: make(other), close: other.close }
    }

    it('law 1 across them: 2 x 20 concurrent callers of a missing key run the loader once', async () => {
      const { a, b, close } = await twoCaches()
      let loads = 0
      const loader = async (id: number) => {
        loads++
        await new Promise((resolve) => setTimeout(resolve, 100))
        return { id, name: 'x' }
      }
      const [ga, gb] = [withCacheAsync(a)(loader), withCacheAsync(b)(loader)]
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? ga : gb)(7)))
      close()
      expect(all.every((u) => u.id === 7)).toBe(true)
      expect(loads).toBe(1)
    })

    it('law 7 across them: an invalidation in one during the other\'s load fences it; the next read reloads', async () => {
      const { a, b, close } = await twoCaches()
      let version = 1
      let loads = 0
      const loader = async (id: number) => {
        loads++
        const seen = version
        await new Promise((resolve) => setTimeout(resolve, 100))
        return { id, name: `v${seen}` }
      }
      const [ga, gb] = [withCacheAsync(a)(loader), withCacheAsync(b)(loader)]
      const first = ga(1)
      await new Promise((resolve) => setTimeout(resolve, 50))
      version = 2
      expect(E.isRight(await b.invalidate(1)())).toBe(true)
      expect(await first).toEqual({ id: 1, name: 'v1' }) // its caller still gets it
      expect(await gb(1)).toEqual({ id: 1, name: 'v2' }) // not cached: loaded again
      expect(await ga(1)).toEqual({ id: 1, name: 'v2' })
      close()
      expect(loads).toBe(2)
    })
  })

  describe('freshness windows on Redis (soft expiry from PTTL)', () => {
    it('an entry in its stale window is answered at once and refreshed once in the background', async () => {
      const prefix = `swr.${process.pid}:`
      const cache = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: c.store({ prefix }), config: { ttl: 10_000, staleWhileRevalidate: 10_000 } })
      let loads = 0
      const get = withCacheAsync(cache)(async (id: number) => ({ id, name: `load ${++loads}` }))
      await get(1)
      await raw.pexpire(`${prefix}{user}:k:1`, 5_000) // 5 s left of 20: past the ttl, in the stale window
      const stale = await Promise.all([get(1), get(1), get(1)])
      expect(stale.map((u) => u.name)).toEqual(['load 1', 'load 1', 'load 1'])
      for (let i = 0; i < 100 && loads < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(loads).toBe(2)
      for (let i = 0; i < 100 && (await get(1)).name !== 'load 2'; i++) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await get(1)).toEqual({ id: 1, name: 'load 2' })
    })
  })
})

describeRedis('RedisStore over node-redis (RedisPort.nodeRedis)', () => {
  const options = () => ({
    url: sharedRedis().url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(10 * retries, 100) }
  })
  const client = createClient(options())
  const subscriber = createClient(options())
  beforeAll(async () => {
    await Promise.all([client.connect(), subscriber.connect()])
  })
  afterAll(async () => {
    client.destroy()
    subscriber.destroy()
  })
  const factory: StoreFactory = (context) => {
    const made = RedisStore.make({ port: RedisPort.nodeRedis(client as never, subscriber as never), prefix: freshPrefix() })
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left))
    return made.right(context)
  }
  describeLaws(
    'store laws (test kit): RedisStore over node-redis',
    storeLaws(factory).filter((law) => law.id !== 'C2' && law.id !== 'maxSize'),
    { describe, it }
  )

  it('wakes a waiter through its subscriber, and fences a fill after a delete', async () => {
    const prefix = freshPrefix()
    const make = RedisStore.make({ port: RedisPort.nodeRedis(client as never, subscriber as never), prefix })
    if (E.isLeft(make)) throw new Error('make')
    const [a, b] = [storeOf(make.right, User), storeOf(make.right, User)]
    const led = await a.flight!.lead('k', false)()
    if (E.isLeft(led) || led.right._tag !== 'Leader') throw new Error('expected Leader')
    const started = performance.now()
    const waiting = b.flight!.lead('k', false)()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await a.flight!.fill('k', led.right.ticket, { id: 1, name: 'a' })()).toEqual(E.right('Written'))
    const w = await waiting
    expect(E.isRight(w) && w.right._tag === 'Found' && w.right.entry.value).toEqual({ id: 1, name: 'a' })
    expect(performance.now() - started).toBeLessThan(1000)
    const again = await a.flight!.lead('j', false)()
    if (E.isLeft(again) || again.right._tag !== 'Leader') throw new Error('expected Leader')
    await b.delete('j')()
    expect(await a.flight!.fill('j', again.right.ticket, { id: 2, name: 'b' })()).toEqual(E.right('Fenced'))
  })
})
