/**
 * R1-R6: the Redis store (`best-simple-cache/redis`) against a real `redis-server` (issue 9, scaleout.md §3 and §7).
 *
 * Each measure starts a server of its own (bench/redisServer.ts) and stops it when it closes. Every contender's
 * client is an ioredis client made with the same options (`enableOfflineQueue: false, maxRetriesPerRequest: 1,
 * commandTimeout: 250`, the options our store requires), ready before the first command; R6 adds
 * `enableAutoPipelining`. Every value is one 230-byte entity, decoded by an io-ts codec on every read of ours and of
 * the raw reference R.
 *
 * - R1: our store's hit (`store.get`) against R = a raw ioredis `GET` + `JSON.parse` + the codec's `decode`, each call
 *   awaited in turn (sequential), and 100 calls in flight at once (c100).
 * - R2: `withCacheAsync` hit on a cache whose store is the Redis store, against R.
 * - R3: a fenced miss (`flight.lead` + `flight.fill` of a fresh key) against a naive `GET` + `SET PX` of a fresh key.
 * - R4: `store.delete` (the fenced invalidate) of a present entry against one `SET PX`.
 * - R5: our store's hit against bentocache's `get` with only its Redis (L2) layer.
 * - R6: our c100 hit with `enableAutoPipelining` against the same with plain clients (throughput).
 *
 * A call takes 100-400 us here (a loopback round trip), so the contenders share small loop helpers: what V8 makes
 * of one call site is a few ns, three orders of magnitude below what is measured.
 */
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { Redis as IORedis } from 'ioredis'
import { Cache, Clock, KeyCodec, withCacheAsync } from '../../lib'
import { RedisPort, RedisStore } from '../../lib/redis'
import type { Store, StoreFactory } from '../../lib/Store'
import type { Case, Role } from '../harness'
import { blackhole, median } from '../harness'
import type { Config, GoalSpec, MeasureData, MeasureSpec, PassRow, Runner } from '../model'
import { HOUR } from '../model'
import type { Peers } from '../peers'
import { findRedisServer, startRedisServer } from '../redisServer'
import type { RedisServer } from '../redisServer'
import { makeKeys } from '../workloads'
import { sumRecords, timed } from './common'

// -------------------------------------------------------------------------------------
// the entity, keys and clients
// -------------------------------------------------------------------------------------

export const Entity = t.type({
  id: t.number,
  name: t.string,
  email: t.string,
  active: t.boolean,
  roles: t.array(t.string),
  address: t.type({ street: t.string, city: t.string, zip: t.string, country: t.string }),
  createdAt: t.string,
  score: t.number
})
export type Entity = t.TypeOf<typeof Entity>

export const entity = (id: number): Entity => ({
  id,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  roles: ['admin', 'editor'],
  address: { street: '12 St James Square', city: 'London', zip: 'SW1Y 4JH', country: 'GB' },
  createdAt: '2026-11-24T09:30:00.000Z',
  score: 98.5
})
export const ENTITY_BYTES = JSON.stringify(entity(1000)).length

/** Keys read by the hit rows, all present. */
export const HIT_KEYS = 1000
/** Calls in flight at once in the c100 rows. */
const WIDTH = 100

/** What a row may add to the common client options. */
type Extra = { readonly enableAutoPipelining?: true }

const clientOptions = (port: number) => ({
  port,
  host: '127.0.0.1',
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 250
})
export const OPTIONS_NOTE =
  'Every client: ioredis 6 with { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 }, each connected (ready) before the first command; our store gets a second client for pub/sub, as a user gives it.'

/** A server of the measure's own and the clients made on it; `close` ends them all. */
export interface Session {
  /** The server's port on the loopback. */
  readonly serverPort: number
  readonly client: (extra?: Extra) => Promise<IORedis>
  /** A port on two clients of its own (commands, pub/sub), as a user makes one. */
  readonly port: (extra?: Extra) => Promise<RedisPort.RedisPort>
  /** A Redis store factory on two clients of its own (commands, pub/sub), as a user makes one. */
  readonly factory: (extra?: Extra) => Promise<StoreFactory>
  readonly store: (name: string, extra?: Extra) => Promise<Store<Entity>>
  readonly close: () => Promise<void>
}

const ready = (client: IORedis): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ioredis: not ready within 2 s')), 2_000)
    client.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })

const openSession = async (binary: string): Promise<Session> => {
  const server: RedisServer = await startRedisServer(binary)
  // a dev dependency of the repository, loaded only when an R row runs
  const { Redis } = await import('ioredis')
  const clients: Array<IORedis> = []
  const client = async (extra: Extra = {}): Promise<IORedis> => {
    const c = new Redis({ ...clientOptions(server.port), ...extra })
    c.on('error', () => undefined) // a refused connection is retried; the deadline of ready() reports it
    clients.push(c)
    await ready(c)
    return c
  }
  const port = async (extra: Extra = {}): Promise<RedisPort.RedisPort> => {
    // ioredis types its options as `boolean | undefined`, which RedisPort's optional fields refuse under
    // exactOptionalPropertyTypes; the adapter reads them the same either way
    const [c, sub] = [await client(extra), await client(extra)] as unknown as [RedisPort.IORedisClient, RedisPort.IORedisClient]
    return RedisPort.ioredis(c, sub)
  }
  const factory = async (extra: Extra = {}): Promise<StoreFactory> => {
    const made = RedisStore.make({ port: await port(extra) })
    if (E.isLeft(made)) throw new Error(`RedisStore.make: ${JSON.stringify(made.left)}`)
    return made.right
  }
  const store = async (name: string, extra: Extra = {}): Promise<Store<Entity>> =>
    (await factory(extra))({ name, codec: Entity, maxSize: 0, clock: Clock.system, onEvict: () => undefined })
  const close = async (): Promise<void> => {
    for (const c of clients) c.disconnect()
    await server.stop()
  }
  return { serverPort: server.port, client, port, factory, store, close }
}

/** Builds a measure's runner on a session of its own, closing the session if the build fails. */
export const onSession = async (binary: string, build: (s: Session) => Promise<Runner>): Promise<Runner> => {
  const session = await openSession(binary)
  try {
    const runner = await build(session)
    return {
      ...runner,
      close: async () => {
        await runner.close?.()
        await session.close()
      }
    }
  } catch (e) {
    await session.close()
    throw e
  }
}

// -------------------------------------------------------------------------------------
// contenders
// -------------------------------------------------------------------------------------

/** Counts, per contender, the reads that did not answer the entity (each should be 0). */
export type Misses = Record<string, number>

/** One read: resolves to whether it answered the entity. */
export type Read = (key: string) => Promise<boolean>

/** Each call awaited before the next, over `keys` in turn. */
export const sequential = (name: string, role: Role, keys: ReadonlyArray<string>, read: Read, misses: Misses): Case => {
  misses[name] = 0
  let j = 0
  return {
    name,
    role,
    run: async (n) => {
      let bad = 0
      for (let i = 0; i < n; i++) {
        if (!(await read(keys[j]!))) bad++
        j = j + 1 === keys.length ? 0 : j + 1
      }
      misses[name]! += bad
    }
  }
}

/** `WIDTH` calls in flight at once (a unit), over `keys` in turn. */
const concurrent = (name: string, role: Role, keys: ReadonlyArray<string>, read: Read, misses: Misses): Case => {
  misses[name] = 0
  let j = 0
  const calls = new Array<Promise<boolean>>(WIDTH)
  return {
    name,
    role,
    opsPerUnit: WIDTH,
    run: async (n) => {
      let bad = 0
      for (let i = 0; i < n; i++) {
        for (let w = 0; w < WIDTH; w++) {
          calls[w] = read(keys[j]!)
          j = j + 1 === keys.length ? 0 : j + 1
        }
        for (const ok of await Promise.all(calls)) if (!ok) bad++
      }
      misses[name]! += bad
    }
  }
}

/** Keeps a read's value observable; true. */
export const consume = (v: Entity): boolean => {
  blackhole.value += v.id
  return true
}

/** R: a raw `GET` of the entity's JSON, parsed and decoded. */
const rawRead =
  (client: IORedis): Read =>
  (key) =>
    client.get(key).then((s) => s !== null && E.isRight(Entity.decode(JSON.parse(s))))

/** Our store's hit. */
export const storeRead =
  (store: Store<Entity>): Read =>
  (key) =>
    store
      .get(key)()
      .then((r) => E.isRight(r) && r.right._tag === 'Some' && consume(r.right.value))

/** `raw:<key>` holds the entity's JSON and our store holds the entity under `<key>`, for every key. */
const fillBoth = async (client: IORedis | undefined, store: Store<Entity> | undefined, keys: ReadonlyArray<string>) => {
  await Promise.all(
    keys.map(async (k, i) => {
      if (client !== undefined) await client.set(`raw:${k}`, JSON.stringify(Entity.encode(entity(i))), 'PX', HOUR)
      if (store !== undefined) {
        const r = await store.set(k, entity(i), HOUR)()
        if (E.isLeft(r)) throw new Error(`store.set: ${r.left._tag}`)
      }
    })
  )
}

const rawKeys = (keys: ReadonlyArray<string>) => keys.map((k) => `raw:${k}`)

/** The hit keys, present both raw (`raw:<key>`, for R) and in a store of ours named `name`, and a read of each. */
const hitSetup = async (s: Session, name: string) => {
  const keys = makeKeys('e', HIT_KEYS, '')
  const client = await s.client()
  const store = await s.store(name)
  await fillBoth(client, store, keys)
  return { keys, raw: rawKeys(keys), readRaw: rawRead(client), readStore: storeRead(store) }
}

// -------------------------------------------------------------------------------------
// goals and facts shared by the measures
// -------------------------------------------------------------------------------------

export const ratioGoal = (id: string, text: string, ours: string, versus: string, threshold: number): GoalSpec => ({
  id,
  text,
  ours,
  versus,
  kind: 'ratio',
  threshold,
  requires: (data) => {
    const bad = (sumRecords(data, 'misses')[ours] ?? 0) + (sumRecords(data, 'misses')[versus] ?? 0)
    return { ok: bad === 0, detail: `${bad} calls of the two rows that did not answer as expected` }
  }
})

export const missFacts = (data: ReadonlyArray<MeasureData>): ReadonlyArray<string> => {
  const bad = Object.entries(sumRecords(data, 'misses')).filter(([, m]) => m > 0)
  return bad.length === 0
    ? ['every call answered as expected (a hit the entity, a fill Written, a delete Right), for every contender']
    : bad.map(([k, m]) => `${k}: ${m} calls did not answer as expected (should be 0)`)
}

/** What a measure's cases count besides the misses: numbers by name, added up over its passes. */
export type Counts = Record<string, number>

/** Untimed work around a timed pass (a count of the server's commands, say); answers the pass's rows. */
export type Around = (pass: () => Promise<ReadonlyArray<PassRow>>) => Promise<ReadonlyArray<PassRow>>

export interface RedisMeasure {
  readonly id: string
  readonly title: string
  readonly reference: string
  readonly goals: ReadonlyArray<GoalSpec>
  readonly notes: ReadonlyArray<string>
  /** The contenders, on the measure's session; each counts its unexpected answers in `misses`, and may count more in `counts`. */
  readonly cases: (s: Session, misses: Misses, counts: Counts) => Promise<Array<Case>>
  /** What runs around every pass, made on the session after the cases. */
  readonly around?: (s: Session, counts: Counts) => Promise<Around>
  /** Facts of its own, from the data of every process: its `counts`, and `medians`, every pass's median per row. */
  readonly facts?: (data: ReadonlyArray<MeasureData>) => ReadonlyArray<string>
}

export const redisMeasure = (m: RedisMeasure, cfg: Config, binary: string): MeasureSpec => ({
  id: m.id,
  title: m.title,
  unit: 'ns/op',
  reference: m.reference,
  goals: m.goals,
  notes: [...m.notes, OPTIONS_NOTE],
  summarize: (data) => [...missFacts(data), ...(m.facts?.(data) ?? [])],
  build: () =>
    onSession(binary, async (s) => {
      const misses: Misses = {}
      const counts: Counts = {}
      const medians: Array<Record<string, number>> = []
      const once = timed(await m.cases(s, misses, counts), cfg)
      const around: Around = m.around === undefined ? (p) => p() : await m.around(s, counts)
      const pass = async (): Promise<ReadonlyArray<PassRow>> => {
        const rows = await around(once)
        medians.push(Object.fromEntries(rows.map((r) => [r.name, median(r.samples)])))
        return rows
      }
      return { pass, data: () => ({ misses: { ...misses }, counts: { ...counts }, medians: [...medians] }) }
    })
})

// -------------------------------------------------------------------------------------
// R1, R2, R5, R6: hits
// -------------------------------------------------------------------------------------

const N = {
  raw: 'R: ioredis GET + JSON.parse + io-ts decode',
  rawC100: 'R, 100 in flight',
  store: 'ours: RedisStore store.get',
  storeC100: 'ours: RedisStore store.get, 100 in flight',
  withCache: 'ours: withCacheAsync(cache)(f), Redis store',
  bento: 'bentocache get, L2 (Redis) only',
  storePiped: 'ours: store.get, 100 in flight, enableAutoPipelining',
  rawPiped: 'R, 100 in flight, enableAutoPipelining',
  naive: 'naive miss: GET + SET PX (encode + JSON.stringify)',
  fenced: 'ours: fenced miss, flight.lead + flight.fill',
  set: 'one SET PX of the entity',
  deletePresent: 'ours: store.delete of a present entry (fenced invalidate)',
  deleteAbsent: 'ours: store.delete of an absent key'
} as const

const HIT_NOTE = `${HIT_KEYS} keys, all present, read in turn; the value: a ${ENTITY_BYTES}-byte JSON entity (8 fields, a nested address), decoded by an io-ts t.type codec on every read.`

const r1: RedisMeasure = {
  id: 'R1',
  title: 'Redis store hit against a raw GET + JSON.parse + decode, sequential and 100 in flight',
  reference: N.raw,
  goals: [
    ratioGoal('R1', 'ours store.get <= 1.1x R, sequential', N.store, N.raw, 1.1),
    ratioGoal('R1c100', 'ours store.get <= 1.1x R, 100 in flight', N.storeC100, N.rawC100, 1.1)
  ],
  notes: [
    HIT_NOTE,
    'Our store reads the entry and the cache epoch in one MGET, then checks the envelope (generation, epoch, codec fingerprint) before JSON.parse and decode. R reads the bare JSON with one GET.',
    'c100: 100 calls started at once, then awaited together; ns/op is the batch time over every call.'
  ],
  cases: async (s, misses) => {
    const { keys, raw, readRaw, readStore } = await hitSetup(s, 'r1')
    return [
      sequential(N.raw, 'peer', raw, readRaw, misses),
      sequential(N.store, 'ours', keys, readStore, misses),
      concurrent(N.rawC100, 'peer', raw, readRaw, misses),
      concurrent(N.storeC100, 'ours', keys, readStore, misses)
    ]
  }
}

const r2: RedisMeasure = {
  id: 'R2',
  title: 'cached function hit on the Redis store against a raw GET + JSON.parse + decode',
  reference: N.raw,
  goals: [ratioGoal('R2', 'ours withCacheAsync hit <= 1.2x R', N.withCache, N.raw, 1.2)],
  notes: [
    HIT_NOTE,
    'Ours: Cache.unsafeMake({ name, codec, key: KeyCodec.string, store: RedisStore.make(...), config: { ttl: 1 h } }), every key loaded once before timing; the loader counts its calls during timing (any is a miss here).',
    'The store row of R1 is repeated for scale.'
  ],
  cases: async (s, misses) => {
    const { keys, raw, readRaw, readStore } = await hitSetup(s, 'r2-store')
    const cache = Cache.unsafeMake({ name: 'r2', codec: Entity, key: KeyCodec.string, store: await s.factory(), config: { ttl: HOUR } })
    let loads = 0
    const load = (k: string): Promise<Entity> => {
      loads++
      return Promise.resolve(entity(Number(k.slice(1))))
    }
    const fn = withCacheAsync(cache)(load)
    for (const k of keys) await fn(k)
    const cached: Read = (k) => {
      const before = loads
      return fn(k).then((v) => loads === before && consume(v))
    }
    return [
      sequential(N.raw, 'peer', raw, readRaw, misses),
      sequential(N.withCache, 'ours', keys, cached, misses),
      sequential(N.store, 'info', keys, readStore, misses)
    ]
  }
}

const r5 = (peers: Peers): RedisMeasure => ({
  id: 'R5',
  title: 'Redis store hit against bentocache get (its Redis L2 layer only)',
  reference: N.bento,
  goals: [ratioGoal('R5', 'ours store.get <= 1.0x bentocache get (L2)', N.store, N.bento, 1.0)],
  notes: [
    HIT_NOTE,
    "bentocache 1.6.1: new BentoCache({ default: 'redis', stores: { redis: bentostore().useL2Layer(redisDriver({ connection })) } }) with no memory layer and no bus, the connection an ioredis client made with the same options as ours; values written with its set (ttl 1 h), read with get({ key }). It parses JSON and checks its own envelope; it does not validate the value.",
    'R is shown for scale.'
  ],
  cases: async (s, misses) => {
    const { keys, raw, readRaw, readStore } = await hitSetup(s, 'r5')
    const cases = [sequential(N.store, 'ours', keys, readStore, misses), sequential(N.raw, 'info', raw, readRaw, misses)]
    if (peers.bentocache !== undefined) {
      const { BentoCache, bentostore } = peers.bentocache.core
      const connection = await s.client()
      const bento = new BentoCache({
        default: 'redis',
        stores: { redis: bentostore().useL2Layer(peers.bentocache.redis.redisDriver({ connection })) }
      })
      await Promise.all(keys.map((key, i) => bento.set({ key, value: entity(i), ttl: '1h' })))
      const read: Read = (key) => bento.get<Entity>({ key }).then((v) => v !== undefined && v !== null && consume(v))
      cases.unshift(sequential(N.bento, 'peer', keys, read, misses))
    }
    return cases
  }
})

const r6: RedisMeasure = {
  id: 'R6',
  title: 'Redis store hit, 100 in flight, with enableAutoPipelining against without',
  reference: N.storeC100,
  goals: [
    {
      id: 'R6',
      text: 'autopipelined c100 hit >= 1.5x the plain throughput (ns/op <= 0.67x)',
      ours: N.storePiped,
      versus: N.storeC100,
      kind: 'ratio',
      threshold: 1 / 1.5
    }
  ],
  notes: [HIT_NOTE, 'The same store and R rows as R1 at c100, on clients made with enableAutoPipelining: true (all of a tick\'s commands in one write).'],
  cases: async (s, misses) => {
    const { keys, raw, readRaw, readStore } = await hitSetup(s, 'r6')
    const pipedClient = await s.client({ enableAutoPipelining: true })
    const piped = await s.store('r6', { enableAutoPipelining: true })
    return [
      concurrent(N.storeC100, 'ours', keys, readStore, misses),
      concurrent(N.storePiped, 'ours', keys, storeRead(piped), misses),
      concurrent(N.rawC100, 'info', raw, readRaw, misses),
      concurrent(N.rawPiped, 'info', raw, rawRead(pipedClient), misses)
    ]
  }
}

// -------------------------------------------------------------------------------------
// R3, R4: the miss and the invalidate
// -------------------------------------------------------------------------------------

/** A case whose every operation uses a key never used before (`<prefix><counter>`). */
const freshKeys = (name: string, role: Role, prefix: string, op: (key: string) => Promise<boolean>, misses: Misses): Case => {
  misses[name] = 0
  let next = 0
  return {
    name,
    role,
    run: async (n) => {
      let bad = 0
      for (let i = 0; i < n; i++) if (!(await op(`${prefix}${next++}`))) bad++
      misses[name]! += bad
    }
  }
}

const r3: RedisMeasure = {
  id: 'R3',
  title: 'fenced miss (lead + fill) against a naive GET + SET PX',
  reference: N.naive,
  goals: [ratioGoal('R3', 'ours lead + fill <= 1.3x naive GET + SET', N.fenced, N.naive, 1.3)],
  notes: [
    `Every operation on a key never used before (the Redis part of a miss; no loader). Naive: GET (null), then SET PX 1 h of the entity's JSON (codec encode + JSON.stringify). Ours: flight.lead (one script: the epoch, the server's TIME, a tombstone with a lease) answers Leader, then flight.fill with its ticket (one script: the fence checked, the entry written) answers Written; ${ENTITY_BYTES}-byte entity.`
  ],
  cases: async (s, misses) => {
    const client = await s.client()
    const store = await s.store('r3')
    const flight = store.flight!
    const value = entity(7)
    const naive = async (key: string): Promise<boolean> => {
      if ((await client.get(key)) !== null) return false
      return (await client.set(key, JSON.stringify(Entity.encode(value)), 'PX', HOUR)) === 'OK'
    }
    const fenced = async (key: string): Promise<boolean> => {
      const lead = await flight.lead(key, false)()
      if (E.isLeft(lead) || lead.right._tag !== 'Leader') return false
      const fill = await flight.fill(key, lead.right.ticket, value, HOUR)()
      return E.isRight(fill) && fill.right === 'Written'
    }
    return [freshKeys(N.naive, 'peer', 'naive:m', naive, misses), freshKeys(N.fenced, 'ours', 'm', fenced, misses)]
  }
}

const r4: RedisMeasure = {
  id: 'R4',
  title: 'fenced invalidate (store.delete) against one SET',
  reference: N.set,
  goals: [ratioGoal('R4', 'ours store.delete <= 1.3x one SET', N.deletePresent, N.set, 1.3)],
  notes: [
    `SET: SET PX 1 h of the ${ENTITY_BYTES}-byte entity's JSON over ${HIT_KEYS} keys in turn. Ours: store.delete (one script: an entry unlinked, a tombstone given a new generation) of an entry present, written by store.set before each batch (untimed).`,
    'store.delete of a key that holds nothing is shown for scale.'
  ],
  cases: async (s, misses) => {
    const client = await s.client()
    const store = await s.store('r4')
    const body = JSON.stringify(Entity.encode(entity(3)))
    const setKeys = makeKeys('s', HIT_KEYS, '')
    const set: Read = (key) => client.set(key, body, 'PX', HOUR).then((r) => r === 'OK')
    const remove: Read = (key) => store.delete(key)().then(E.isRight)
    let batch = 0
    let present: Array<string> = []
    misses[N.deletePresent] = 0
    const deletePresent: Case = {
      name: N.deletePresent,
      role: 'ours',
      maxBatch: 5_000,
      setup: async (n) => {
        present = makeKeys(`d${batch++}-`, n, '')
        await fillBoth(undefined, store, present)
      },
      run: async (n) => {
        let bad = 0
        for (let i = 0; i < n; i++) if (!(await remove(present[i]!))) bad++
        misses[N.deletePresent]! += bad
      }
    }
    return [
      sequential(N.set, 'peer', setKeys, set, misses),
      deletePresent,
      freshKeys(N.deleteAbsent, 'info', 'absent', remove, misses)
    ]
  }
}

// -------------------------------------------------------------------------------------
// the measures
// -------------------------------------------------------------------------------------

/**
 * R1-R6, each with its server; or, when there is no redis-server binary, the reason they are skipped (the same
 * for every R row).
 */
export const redisMeasures = (cfg: Config, peers: Peers): ReadonlyArray<[string, MeasureSpec | string]> => {
  const ids = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6']
  const found = findRedisServer()
  if (!('binary' in found)) return ids.map((id) => [id, found.reason])
  return [r1, r2, r3, r4, r5(peers), r6].map((m) => [m.id, redisMeasure(m, cfg, found.binary)])
}
