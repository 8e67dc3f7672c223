/**
 * Two app instances sharing one Redis: run it against a local redis-server.
 *
 *   redis-server --port 6379 --save '' &        # or any Redis you may write to
 *   REDIS_URL=redis://127.0.0.1:6379 npx ts-node examples/redis.ts
 *
 * Each instance has its own clients and its own cache, as two processes would. It shows single flight across
 * them (20 concurrent calls, 1 load), a hit in the other instance, an invalidation in one fencing the other's
 * load in flight, and what a call does with Redis out of reach (its loader's result, within the deadline).
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import Redis from 'ioredis'
import { Cache, KeyCodec, withCacheAsync } from '../lib'
import { RedisPort, RedisStore } from '../lib/redis'

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>

const url = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379')
// The options the Redis store requires: no offline queue, at most one retry, a command timeout.
const options = { host: url.hostname, port: Number(url.port || 6379), enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 }

// A pretend database: 200 ms a read, and a counter of reads over both instances.
let version = 1
let reads = 0
const readUser = async (id: number): Promise<User> => {
  reads++
  const seen = version
  await new Promise((resolve) => setTimeout(resolve, 200))
  return { id, name: `user ${id}, version ${seen}` }
}

const ready = (client: Redis): Promise<void> => new Promise((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())))

/** One app instance: its clients, its cache on the shared Redis, and its cached `getUser`. */
const instance = async (prefix: string) => {
  const client = new Redis(options)
  const subscriber = new Redis(options) // wakes this instance when another fills a key it waits for
  await Promise.all([ready(client), ready(subscriber)])
  const store = RedisStore.make({ port: RedisPort.ioredis(client, subscriber), prefix })
  if (E.isLeft(store)) throw new Error(`RedisStore.make: ${JSON.stringify(store.left)}`)
  const users = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: store.right, config: { ttl: 60_000 } })
  return { users, getUser: withCacheAsync(users)(readUser), close: () => (client.disconnect(), subscriber.disconnect()) }
}

const line = (what: string, started: number, result: string): void =>
  console.log(`${what.padEnd(52)} ${(performance.now() - started).toFixed(0).padStart(4)} ms  ${reads} reads  ${result}`)

async function main(): Promise<void> {
  const prefix = `example:${process.pid}:` // this run's keys only
  const a = await instance(prefix)
  const b = await instance(prefix)

  let started = performance.now()
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).getUser(42)))
  line('20 concurrent getUser(42), half in each instance', started, `${all.length} x ${JSON.stringify(all[0])}`)

  started = performance.now()
  line('getUser(42) in B: a hit', started, JSON.stringify(await b.getUser(42)))

  await a.users.invalidate(42)()
  started = performance.now()
  const inFlight = a.getUser(42) // a load in A ...
  await new Promise((resolve) => setTimeout(resolve, 100))
  version = 2 // ... the row changes, and B invalidates it while A's load runs
  await b.users.invalidate(42)()
  line('A loads 42; B invalidates it meanwhile', started, `A's caller gets ${JSON.stringify(await inFlight)}`)
  started = performance.now()
  line('getUser(42) in B: A\'s old value was not stored', started, JSON.stringify(await b.getUser(42)))

  // Redis out of reach: a client for a port where nothing listens. The call answers its loader's result.
  const nowhere = new Redis({ ...options, port: 1, retryStrategy: () => null })
  nowhere.on('error', () => undefined)
  const offline = RedisStore.make({ port: RedisPort.ioredis(nowhere), prefix })
  if (E.isLeft(offline)) throw new Error('RedisStore.make')
  const lonely = withCacheAsync(Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store: offline.right, config: { ttl: 60_000 } }))(readUser)
  started = performance.now()
  line('getUser(7) with Redis out of reach: fails open', started, JSON.stringify(await lonely(7)))

  nowhere.disconnect()
  a.close()
  b.close()
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
