/**
 * Batch loading on the Redis store, against the shared redis-server: a batch looks its keys up in one `MGET` (the
 * commands are counted with `MONITOR`), and two caches that stand for two processes, each with its own clients,
 * load overlapping batches without waiting on each other and without loading a key twice.
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import type Redis from 'ioredis'
import * as Cache from '../../lib/Cache'
import * as KeyCodec from '../../lib/KeyCodec'
import { withCacheAsync } from '../../lib/withCache'
import { withCacheBatchAsync } from '../../lib/withCacheBatch'
import { clients } from '../util/redisClients'
import type { Clients } from '../util/redisClients'
import { describeRedis, sharedRedis } from '../util/redisServer'

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>
const user = (id: number): User => ({ id, name: `u${id}` })

/** Waits (a bounded number of event-loop turns) until `done()`: for replies of a real server. */
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1))
  if (!done()) throw new Error('gave up waiting')
}

const gate = <A>() => {
  let open: (a: A) => void = () => undefined
  const promise = new Promise<A>((resolve) => (open = resolve))
  return { promise, open }
}

describeRedis('withCacheBatch on the Redis store', () => {
  let a: Clients
  let b: Clients
  beforeAll(async () => {
    a = await clients(sharedRedis().port)
    b = await clients(sharedRedis().port)
  })
  afterAll(() => {
    a?.close()
    b?.close()
  })
  const cacheOn = (cs: Clients, prefix: string) =>
    Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: cs.store({ prefix }), config: { ttl: 60_000 } })
  const freshPrefix = () => `batch.${process.pid}.${Math.random().toString(36).slice(2)}:`

  /** The commands the server receives that name a key with `prefix`, while `during` runs. */
  const commandsDuring = async (prefix: string, during: () => Promise<unknown>): Promise<Array<ReadonlyArray<string>>> => {
    const monitor: Redis = await a.client.monitor()
    const seen: Array<ReadonlyArray<string>> = []
    monitor.on('monitor', (_time: string, args: ReadonlyArray<string>) => {
      if (args.some((arg) => arg.startsWith(prefix))) seen.push(args)
    })
    const marker = `${prefix}marker`
    try {
      await during()
      await a.client.exists(marker) // sent after every command of `during`, so the monitor shows it after them
      await until(() => seen.some((args) => args[1] === marker))
    } finally {
      monitor.disconnect()
    }
    return seen.filter((args) => args[1] !== marker)
  }

  it('a batch of 100 hits is one MGET of the 100 keys and the epoch; 100 single hits are 100', async () => {
    const prefix = freshPrefix()
    const cache = cacheOn(a, prefix)
    const ids = Array.from({ length: 100 }, (_, i) => i)
    await Promise.all(ids.map((id) => cache.set(user(id), id)()))
    let loads = 0
    const getUsers = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => (loads++, ns.map(user)))
    const getUser = withCacheAsync(cache)(async (id: number) => (loads++, user(id)))
    let batched: ReadonlyArray<User> = []
    const batch = await commandsDuring(prefix, async () => (batched = await getUsers(ids)))
    expect(batched).toEqual(ids.map(user))
    expect(batch.map((args) => [args[0]?.toLowerCase(), args.length - 1])).toEqual([['mget', 101]])
    const singles = await commandsDuring(prefix, () => Promise.all(ids.map(getUser)))
    expect(singles).toHaveLength(100)
    expect(loads).toBe(0)
  })

  it('a batch of 100 misses: one MGET, then a lead and a fill per key, and one loader call', async () => {
    const prefix = freshPrefix()
    const cache = cacheOn(a, prefix)
    const ids = Array.from({ length: 100 }, (_, i) => i)
    const asked: Array<ReadonlyArray<number>> = []
    const getUsers = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => (asked.push(ns), ns.map(user)))
    const seen = await commandsDuring(prefix, () => getUsers(ids))
    const names = seen.map((args) => args[0]?.toLowerCase())
    expect(names.filter((n) => n === 'mget')).toHaveLength(1)
    expect(names[0]).toBe('mget')
    expect(names.filter((n) => n === 'evalsha' || n === 'eval')).toHaveLength(200) // lead, fill
    expect(asked).toEqual([ids])
    expect(await cache.get(99)()).toEqual(E.right(O.some(user(99))))
  })

  it('tagged entries: one MGET of the entries, one of their tags; an invalidated tag\'s entries are misses, loaded again', async () => {
    const prefix = freshPrefix()
    const cache = Cache.unsafeMake({
      name: 'user',
      codec: User,
      key: KeyCodec.int,
      store: a.store({ prefix }),
      config: { ttl: 60_000 },
      tags: (u: User) => [`parity:${u.id % 2}`]
    })
    const ids = Array.from({ length: 10 }, (_, i) => i)
    const asked: Array<ReadonlyArray<number>> = []
    const getUsers = withCacheBatchAsync(cache)(async (ns: ReadonlyArray<number>) => (asked.push(ns), ns.map(user)))
    await getUsers(ids)
    const seen = await commandsDuring(prefix, () => getUsers(ids))
    expect(seen.map((args) => [args[0]?.toLowerCase(), args.length - 1])).toEqual([['mget', 11], ['mget', 2]])
    expect(E.isRight(await cache.invalidateTags(['parity:1'])())).toBe(true)
    expect(await getUsers(ids)).toEqual(ids.map(user))
    expect(asked).toEqual([ids, [1, 3, 5, 7, 9]])
  })

  it('two processes\' overlapping batches: neither waits for the other before loading, and each key loads once', async () => {
    const prefix = freshPrefix()
    const [inA, inB] = [cacheOn(a, prefix), cacheOn(b, prefix)]
    const calls: Array<string> = []
    const gates = { a: gate<void>(), b: gate<void>(), single: gate<void>() }
    const loader = (who: 'a' | 'b') => async (ns: ReadonlyArray<number>) => {
      calls.push(`${who} [${ns.join(',')}]`)
      await gates[who].promise
      return ns.map(user)
    }
    const batchA = withCacheBatchAsync(inA)(loader('a'))
    const batchB = withCacheBatchAsync(inB)(loader('b'))
    const singleB = withCacheAsync(inB)(async (id: number) => (calls.push(`b ${id}`), await gates.single.promise, user(id)))

    const two = singleB(2) // B leads 2 across processes
    await until(() => calls.length === 1)
    const fromA = batchA([1, 2]) // A leads 1; 2 is B's: A loads [1] without waiting for it
    await until(() => calls.length === 2)
    const fromB = batchB([1, 3]) // B leads 3; 1 is A's: B loads [3] while A still holds 1
    await until(() => calls.length === 3)
    expect(calls).toEqual(['b 2', 'a [1]', 'b [3]'])
    gates.a.open() // A fills 1: B's wait for it ends
    gates.b.open()
    gates.single.open() // B fills 2: A's wait for it ends
    expect(await fromA).toEqual([user(1), user(2)])
    expect(await fromB).toEqual([user(1), user(3)])
    expect(await two).toEqual(user(2))
    expect(calls).toHaveLength(3) // nothing loaded twice
    expect([inA.inFlight(), inB.inFlight()]).toEqual([0, 0])
    expect((await inA.stats()).deduped + (await inB.stats()).deduped).toBe(2)
  })
})
