/**
 * Two tiers across two processes: each process keeps copies in memory in front of one Redis, and a Redis bus tells
 * the other when its copies went stale. Run it against a local redis-server:
 *
 *   redis-server --port 6379 --save '' &        # or any Redis you may write to
 *   REDIS_URL=redis://127.0.0.1:6379 npx ts-node examples/tiered.ts
 *
 * This process is instance A; it forks instance B (this same file, with ROLE=b), which answers A's questions over
 * IPC. It shows an L2 hit and then an L1 hit in B, a write in A that B sees at once, a tag invalidation, and B's
 * copies dropped when its bus subscription is killed (CLIENT KILL TYPE pubsub), with nothing stale served.
 */
import * as assert from 'node:assert'
import { fork } from 'node:child_process'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { Redis } from 'ioredis'
import { Cache, KeyCodec, Tiered, withCacheAsync } from '../lib'
import { RedisBus, RedisPort, RedisStore } from '../lib/redis'

const User = t.type({ id: t.number, name: t.string, team: t.string })
type User = t.TypeOf<typeof User>

const url = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379')
const options = { host: url.hostname, port: Number(url.port || 6379), enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 }
const prefix = process.env['PREFIX'] ?? `example:${process.pid}:` // this run's keys only (B is told A's)

const ready = (client: Redis): Promise<void> => new Promise((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())))
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

/** One instance: its clients, its bus, and a cache of users over memory in front of Redis. */
const instance = async () => {
  const client = new Redis(options)
  const subscriber = new Redis(options) // the bus's subscriber (and the store's wake-ups)
  client.on('error', () => undefined)
  subscriber.on('error', () => undefined) // a killed subscriber reconnects by itself
  await Promise.all([ready(client), ready(subscriber)])
  const port = RedisPort.ioredis(client, subscriber)
  const bus = right(RedisBus.make({ port, channel: `${prefix}bus` }))
  const store = right(Tiered.make({ l2: right(RedisStore.make({ port, prefix })), bus, l1MaxTtl: 10_000 }))
  const users = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, store, config: { ttl: 60_000 }, tags: (u: User) => [`team:${u.team}`] })
  const loads = { count: 0 }
  const getUser = withCacheAsync(users)(async (id: number): Promise<User> => {
    loads.count++
    await new Promise((resolve) => setTimeout(resolve, 50)) // a pretend database read
    return { id, name: `user ${id}`, team: 'core' }
  })
  await users.get(0)() // the first use subscribes the bus
  while (!bus.subscribed()) await new Promise((resolve) => setTimeout(resolve, 5))
  return { users, getUser, loads, bus, close: () => (client.disconnect(), subscriber.disconnect()) }
}

type Ask = { readonly id: number; readonly ask: 'get' } | { readonly ask: 'close' }
interface Answer {
  readonly value: User
  readonly ms: number
  readonly loads: number
}

/** Instance B: answers A's questions with the value, the time it took, and how many loads B ran. */
const b = async (): Promise<void> => {
  const me = await instance()
  process.on('message', (m: Ask) => {
    if (m.ask === 'close') {
      me.close()
      process.disconnect()
      return
    }
    const started = performance.now()
    void me.getUser(m.id).then((value) => process.send?.({ value, ms: performance.now() - started, loads: me.loads.count } satisfies Answer))
  })
  process.send?.('ready')
}

const a = async (): Promise<void> => {
  const me = await instance()
  const child = fork(__filename, [], { env: { ...process.env, ROLE: 'b', PREFIX: prefix }, execArgv: process.execArgv })
  await new Promise<void>((resolve) => child.once('message', () => resolve()))
  const askB = (id: number): Promise<Answer> =>
    new Promise((resolve) => {
      child.once('message', (answer: Answer) => resolve(answer))
      child.send({ ask: 'get', id } satisfies Ask)
    })
  /** Prints B's answer, and checks it is the name and load count the step expects (CI runs this example). */
  const show = (what: string, r: Answer, name: string, loads: number): void => {
    console.log(`${what.padEnd(58)} ${r.ms.toFixed(2).padStart(7)} ms  B's loads ${r.loads}  ${JSON.stringify(r.value)}`)
    assert.deepStrictEqual([r.value.name, r.loads], [name, loads], what)
  }

  const started = performance.now()
  const first = await me.getUser(42)
  console.log(`${'A: getUser(42), a miss: A loads it'.padEnd(58)} ${(performance.now() - started).toFixed(2).padStart(7)} ms  A's loads ${me.loads.count}  ${JSON.stringify(first)}`)
  show('B: getUser(42), read from Redis (L2), a copy kept', await askB(42), 'user 42', 0)
  show('B: getUser(42) again, answered from B\'s memory (L1)', await askB(42), 'user 42', 0)

  // the bus delivers in well under a millisecond here (p99 a few ms on a busy machine): B is asked 20 ms later
  const busLatency = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20))
  await me.users.set({ id: 42, name: 'Ada', team: 'core' }, 42)() // A writes through; B's copy is dropped
  await busLatency()
  show('A renames 42 to Ada; B: getUser(42) reads the new value', await askB(42), 'Ada', 0)

  await me.users.invalidateTags(['team:core'])() // every entry of the team, in every process
  await busLatency()
  show('A invalidates the tag team:core; B: getUser(42) loads', await askB(42), 'user 42', 1)

  // B's bus subscription killed: B drops every copy and keeps none until it is subscribed again
  const admin = new Redis(options)
  await ready(admin)
  await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
  await me.users.set({ id: 42, name: 'Ada Lovelace', team: 'core' }, 42)() // B may not hear this one
  show('bus subscriptions killed; A writes; B: getUser(42)', await askB(42), 'Ada Lovelace', 1)
  await new Promise((resolve) => setTimeout(resolve, 200)) // both buses subscribe again by themselves
  show('B: getUser(42) once its bus is back', await askB(42), 'Ada Lovelace', 1)

  child.send({ ask: 'close' } satisfies Ask)
  admin.disconnect()
  me.close()
}

;(process.env['ROLE'] === 'b' ? b() : a()).catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
