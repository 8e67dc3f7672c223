/**
 * T1-T4: two tiers (`Tiered` over the Redis store, with the Redis bus) and batches, against a real `redis-server`
 * (issue 10, scaleout.md §3 and §7). Each measure starts a server of its own, with the clients, entity and options
 * of the R rows (redis.ts).
 *
 * - T1: a tiered hit answered by L1 against a memory-store hit, both `withCacheAsync` (ns per call, no network).
 * - T2: a tiered read that L1 cannot answer (its L1 is bounded to one entry, the keys read in turn), so L2 answers,
 *   against the Redis store alone; both `withCacheAsync`.
 * - T3: the bus between two processes: a forked child answers each message with one of its own; round trips timed
 *   on the parent's clock (a figure, no goal).
 * - T4: a batch of 100 keys (`withCacheBatchAsync`) against 100 single `withCacheAsync` calls at once, on the Redis
 *   store: all hits, and all misses (no goal in the issue: the ratios are printed).
 *
 * T1 and T2 check what they claim with the server's own count of commands (`INFO stats`): T1 must send none while
 * it is timed, and a call of T2's tiered row must send as many as a call on the Redis store alone.
 */
import { fork } from 'child_process'
import type { ChildProcess } from 'child_process'
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Redis as IORedis } from 'ioredis'
import * as path from 'path'
import { Cache, KeyCodec, Tiered, withCacheAsync, withCacheBatchAsync } from '../../lib'
import type { Bus, Message } from '../../lib/Bus'
import type { CacheError } from '../../lib/CacheError'
import { RedisBus, RedisStore } from '../../lib/redis'
import type { Store, StoreFactory } from '../../lib/Store'
import type { Case } from '../harness'
import { blackhole, median, quantile } from '../harness'
import type { Config, GoalSpec, MeasureData, MeasureSpec, PassRow } from '../model'
import { HOUR } from '../model'
import { findRedisServer } from '../redisServer'
import type { Counts, Misses, Read, RedisMeasure, Session } from './redis'
import { ENTITY_BYTES, Entity, HIT_KEYS, OPTIONS_NOTE, consume, entity, onSession, ratioGoal, redisMeasure, sequential, storeRead } from './redis'

// -------------------------------------------------------------------------------------
// stores, caches and the server's count of commands
// -------------------------------------------------------------------------------------

const rightOf = <A>(what: string, e: Either<CacheError, A>): A => {
  if (E.isLeft(e)) throw new Error(`${what}: ${JSON.stringify(e.left)}`)
  return e.right
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits (at most 2 s) until the bus is subscribed: before that, a tiered store keeps no copy. */
const subscribed = async (bus: Bus): Promise<void> => {
  for (let i = 0; i < 200 && !bus.subscribed(); i++) await sleep(10)
  if (!bus.subscribed()) throw new Error('the Redis bus did not subscribe within 2 s')
}

/** A tiered store as a user makes one: one port for the Redis store and the process's bus, and its bus. */
const tieredOn = async (s: Session): Promise<{ readonly store: StoreFactory; readonly bus: Bus }> => {
  const port = await s.port()
  const bus = rightOf('RedisBus.make', RedisBus.make({ port }))
  const l2 = rightOf('RedisStore.make', RedisStore.make({ port }))
  return { store: rightOf('Tiered.make', Tiered.make({ l2, bus, l1MaxTtl: HOUR })), bus }
}

const cacheOn = (name: string, store: StoreFactory | undefined, maxSize = 0) =>
  Cache.unsafeMake({ name, codec: Entity, key: KeyCodec.int, ...(store === undefined ? {} : { store }), config: { ttl: HOUR, maxSize } })

/** The loader of every cache here: the entity of an id, counted. */
const loader = () => {
  const counts = { loads: 0 }
  const load = (id: number): Promise<Entity> => {
    counts.loads++
    return Promise.resolve(entity(id))
  }
  return { counts, load }
}

const range = (from: number, n: number): Array<number> => Array.from({ length: n }, (_, i) => from + i)

/** Commands the server has processed (`INFO stats`). */
const processed = async (client: IORedis): Promise<number> => {
  const m = /total_commands_processed:(\d+)/.exec(await client.info('stats'))
  if (m === null) throw new Error('INFO stats: no total_commands_processed')
  return Number(m[1])
}

/** The commands the server processed while `run` ran, the `INFO` that ends the count not included. */
const commandsDuring = async (client: IORedis, run: () => Promise<unknown>): Promise<number> => {
  const before = await processed(client)
  await run()
  return (await processed(client)) - before - 1
}

// -------------------------------------------------------------------------------------
// a measure on a server of its own
// -------------------------------------------------------------------------------------

const countsOf = (data: ReadonlyArray<MeasureData>): Counts => {
  const out: Counts = {}
  for (const d of data) for (const [k, v] of Object.entries((d['counts'] ?? {}) as Counts)) out[k] = (out[k] ?? 0) + v
  return out
}

/** Every pass's median per row, by name (redisMeasure's `medians`). */
type PassMedians = ReadonlyArray<Record<string, number>>

/** `ours / versus` in every pass of every process, and their median. */
const pairRatio = (data: ReadonlyArray<MeasureData>, ours: string, versus: string): { value: number; passes: Array<number> } => {
  const passes = data.flatMap((d) => ((d['medians'] ?? []) as PassMedians).map((p) => p[ours]! / p[versus]!)).filter(Number.isFinite)
  return { value: median(passes), passes }
}

const pairFact = (data: ReadonlyArray<MeasureData>, label: string, ours: string, versus: string): string => {
  const r = pairRatio(data, ours, versus)
  return `${label}: ${r.value.toFixed(2)}x (passes: ${r.passes.map((v) => v.toFixed(2)).join(' ')})`
}

/** A goal of redis.ts's kind (no unexpected answer) that also needs `more`. */
const alsoRequires = (goal: GoalSpec, more: (counts: Counts, processes: number) => { ok: boolean; detail: string }): GoalSpec => ({
  ...goal,
  requires: (data) => {
    const a = goal.requires!(data)
    const b = more(countsOf(data), data.length)
    return { ok: a.ok && b.ok, detail: `${a.detail}; ${b.detail}` }
  }
})

// -------------------------------------------------------------------------------------
// T1: L1 hit
// -------------------------------------------------------------------------------------

const N = {
  memory: 'ours: withCacheAsync, memory store (default)',
  l1: 'ours: withCacheAsync, Tiered, L1 hit',
  redisAlone: 'ours: withCacheAsync, RedisStore alone',
  l2: 'ours: withCacheAsync, Tiered, L2 hit (L1 of 1 entry)',
  storeGet: 'RedisStore store.get (one MGET)',
  storeGetEntry: 'RedisStore store.getEntry (one script: GET, GET, PTTL)',
  singles: 'ours: 100 withCacheAsync hits at once (Promise.all)',
  batch: 'ours: withCacheBatchAsync, a batch of 100 hits',
  singlesMiss: 'ours: 100 withCacheAsync misses at once (Promise.all)',
  batchMiss: 'ours: withCacheBatchAsync, a batch of 100 misses'
} as const

/** T1's keys, as G4's: few enough that each is warm in the CPU caches of both contenders. */
const L1_KEYS = 100

const t1: RedisMeasure = {
  id: 'T1',
  title: 'tiered hit answered by L1 against a memory-store hit (withCacheAsync, sequential)',
  reference: N.memory,
  goals: [
    alsoRequires(ratioGoal('T1', 'ours Tiered L1 hit <= 1.1x a memory-store hit', N.l1, N.memory, 1.1), (c) => ({
      ok: c['commands'] === 0,
      detail: `${c['commands'] ?? 'no'} Redis commands while timed (should be 0)`
    }))
  ],
  notes: [
    `${L1_KEYS} int keys (KeyCodec.int), every one loaded once before timing, then read in turn, each call awaited before the next; ns per call, as G4. Memory: Cache.unsafeMake({ name, codec, key: KeyCodec.int, config: { ttl: 1 h } }) on the default memory store. Tiered: the same cache on Tiered.make({ l2: RedisStore.make({ port }), bus: RedisBus.make({ port }), l1MaxTtl: 1 h }), the bus subscribed before the first load, so every key's copy is in L1.`,
    'The server counts its commands (INFO stats) around each pass: none may come from the timed loops.'
  ],
  cases: async (s, misses) => {
    const ids = range(0, L1_KEYS)
    const { store, bus } = await tieredOn(s)
    const memory = loader()
    const tiered = loader()
    const fromMemory = withCacheAsync(cacheOn('t1-memory', undefined))(memory.load)
    const tieredCache = cacheOn('t1-tiered', store)
    await subscribed(bus)
    const fromTiers = withCacheAsync(tieredCache)(tiered.load)
    for (const id of ids) await Promise.all([fromMemory(id), fromTiers(id)])
    misses[N.memory] = 0
    misses[N.l1] = 0
    const cases: Array<Case> = [
      {
        name: N.memory,
        role: 'peer',
        run: async (n) => {
          const before = memory.counts.loads
          let s = 0
          let j = 0
          for (let i = 0; i < n; i++) {
            s += (await fromMemory(ids[j]!)).id
            j = j + 1 === L1_KEYS ? 0 : j + 1
          }
          blackhole.value += s
          misses[N.memory]! += memory.counts.loads - before
        }
      },
      {
        name: N.l1,
        role: 'ours',
        run: async (n) => {
          const before = tiered.counts.loads
          let s = 0
          let j = 0
          for (let i = 0; i < n; i++) {
            s += (await fromTiers(ids[j]!)).id
            j = j + 1 === L1_KEYS ? 0 : j + 1
          }
          blackhole.value += s
          misses[N.l1]! += tiered.counts.loads - before
        }
      }
    ]
    return cases
  },
  around: async (s, counts) => {
    const client = await s.client()
    return async (pass) => {
      let rows: ReadonlyArray<PassRow> = []
      const commands = await commandsDuring(client, async () => (rows = await pass()))
      counts['commands'] = (counts['commands'] ?? 0) + commands
      return rows
    }
  }
}

// -------------------------------------------------------------------------------------
// T2: L2 hit through the tiers
// -------------------------------------------------------------------------------------

/** Calls of each T2 row whose commands are counted before timing. */
const PROBE = 200

/** A read through a cached function of ids (the key is the id's KeyCodec.int key): the entity, and no load. */
const cachedRead =
  (fn: (id: number) => Promise<Entity>, l: ReturnType<typeof loader>): Read =>
  (key) => {
    const before = l.counts.loads
    return fn(Number(key)).then((v) => l.counts.loads === before && consume(v))
  }

/** The Redis store's `getEntry`, as a read of the entity. */
const entryRead =
  (store: Store<Entity>): Read =>
  (key) =>
    store.getEntry!(key)().then((r) => E.isRight(r) && O.isSome(r.right) && consume(r.right.value.value))

const t2: RedisMeasure = {
  id: 'T2',
  title: 'tiered read answered by L2 (L1 cannot keep it) against the Redis store alone (withCacheAsync, sequential)',
  reference: N.redisAlone,
  goals: [
    alsoRequires(ratioGoal('T2', 'ours Tiered L2 hit <= 1.05x the Redis store alone', N.l2, N.redisAlone, 1.05), (c, processes) => ({
      ok: (c['tieredCommands'] ?? 0) >= PROBE * processes,
      detail: `server commands of ${PROBE} tiered calls before timing, in each of ${processes} processes: ${c['tieredCommands'] ?? '?'} in all (at least one a call: L1 answered none)`
    }))
  ],
  notes: [
    `${HIT_KEYS} int keys, all in Redis, read in turn, each call awaited before the next; the ${ENTITY_BYTES}-byte entity decoded on every read. Redis alone: Cache.unsafeMake({ ..., store: RedisStore.make({ port }), config: { ttl: 1 h } }). Tiered: the same over Tiered.make({ l2, bus, l1MaxTtl: 1 h }) with the cache's maxSize 1, which bounds L1 to one copy: the copy of each key read is dropped when the next key is read, so every call misses L1, reads L2 and keeps a copy (the whole cost of an L1 miss).`,
    `Before timing, the server counts the commands of ${PROBE} calls of each goal row (INFO stats, which counts a script's own commands too): the goal needs at least one a tiered call, so that L1 answered none.`,
    "A tiered read of L2 is the Redis store's getEntry (the entry's remaining life bounds its copy): one EVALSHA of a script that runs GET, GET and PTTL, where the store's get is one MGET. The store's two reads are shown for scale (info rows).",
  ],
  cases: async (s, misses, counts) => {
    const ids = range(0, HIT_KEYS)
    const client = await s.client()
    const alone = loader()
    const tiered = loader()
    const fromRedis = withCacheAsync(cacheOn('t2', await s.factory()))(alone.load)
    const { store, bus } = await tieredOn(s)
    const tieredCache = cacheOn('t2', store, 1) // the same entries in Redis: the tiered cache reads what fromRedis filled
    await subscribed(bus)
    const fromTiers = withCacheAsync(tieredCache)(tiered.load)
    for (const id of ids) await fromRedis(id)
    const probe = (fn: (id: number) => Promise<Entity>) => () => ids.slice(0, PROBE).reduce((p, id) => p.then(() => fn(id).then(consume)), Promise.resolve(true))
    counts['aloneCommands'] = await commandsDuring(client, probe(fromRedis))
    counts['tieredCommands'] = await commandsDuring(client, probe(fromTiers))
    counts['probeLoads'] = alone.counts.loads + tiered.counts.loads - HIT_KEYS
    const raw = await s.store('t2')
    const keys = ids.map(String) // KeyCodec.int's keys
    return [
      sequential(N.redisAlone, 'peer', keys, cachedRead(fromRedis, alone), misses),
      sequential(N.l2, 'ours', keys, cachedRead(fromTiers, tiered), misses),
      sequential(N.storeGet, 'info', keys, storeRead(raw), misses),
      sequential(N.storeGetEntry, 'info', keys, entryRead(raw), misses)
    ]
  },
  facts: (data) => {
    const c = countsOf(data)
    return [`commands per call before timing (${PROBE} calls, INFO stats): tiered ${((c['tieredCommands'] ?? NaN) / PROBE / data.length).toFixed(2)}, Redis store alone ${((c['aloneCommands'] ?? NaN) / PROBE / data.length).toFixed(2)}; loads during the probe: ${c['probeLoads'] ?? '?'} (should be 0)`]
  }
}

// -------------------------------------------------------------------------------------
// T3: the bus between two processes
// -------------------------------------------------------------------------------------

/**
 * The child of T3: the worker of the latency test (tests/redis/busWorker.cjs), forked with ts-node so that it loads
 * lib/ as the bench does (no build needed); resolves once its bus is subscribed.
 */
const forkEcho = async (redisPort: number, channel: string): Promise<{ readonly child: ChildProcess; readonly stop: () => Promise<void> }> => {
  const repo = path.join(__dirname, '..', '..')
  const config = { redis: path.join(repo, 'lib', 'redis.ts'), port: redisPort, channel }
  const child = fork(path.join(repo, 'tests', 'redis', 'busWorker.cjs'), [JSON.stringify(config)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.connected) child.send({ close: true })
    const timer = setTimeout(() => child.kill('SIGKILL'), 1_000)
    await exited
    clearTimeout(timer)
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bus worker was not subscribed within 30 s')), 30_000)
      child.once('message', () => {
        clearTimeout(timer)
        resolve()
      })
      void exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`the bus worker exited (${child.exitCode ?? child.signalCode})`))
      })
    })
  } catch (e) {
    await stop()
    throw e
  }
  return { child, stop }
}

/** Round trips on `bus`: a `ping` of a fresh key, answered by the child's `pong` of it; each in us, or a failure after 2 s. */
const pinger = (bus: Bus) => {
  let waiting: { readonly key: string; readonly heard: () => void } | undefined
  bus.subscribe({
    message: (m: Message) => {
      if (m._tag === 'Invalidated' && m.cache === 'pong' && waiting !== undefined && m.keys[0] === waiting.key) waiting.heard()
    },
    reset: () => undefined
  })
  let next = 0
  return (): Promise<number> =>
    new Promise((resolve, reject) => {
      const key = String(next++)
      const timer = setTimeout(() => reject(new Error(`T3: no pong for ping ${key} within 2 s`)), 2_000)
      const started = process.hrtime.bigint()
      waiting = {
        key,
        heard: () => {
          const us = Number(process.hrtime.bigint() - started) / 1e3
          clearTimeout(timer)
          waiting = undefined
          resolve(us)
        }
      }
      void bus.publish({ _tag: 'Invalidated', cache: 'ping', keys: [key] })().then((sent) => {
        if (E.isLeft(sent)) reject(new Error(`T3: publish failed: ${sent.left._tag}`))
      })
    })
}

const ROUND_TRIP = 'bus round trip (parent -> child -> parent)'
const ONE_WAY = 'one way (half a round trip)'

const latencyFacts = (data: ReadonlyArray<MeasureData>): ReadonlyArray<string> => {
  const trips = data.flatMap((d) => (d['trips'] ?? []) as Array<number>)
  const us = (x: number) => `${(x / 1000).toFixed(2)} ms`
  const [p50, p99] = [quantile(trips, 0.5), quantile(trips, 0.99)]
  return [
    `${trips.length} round trips: p50 ${us(p50)}, p99 ${us(p99)}, max ${us(Math.max(...trips))}; one way (half) p50 ${us(p50 / 2)}, p99 ${us(p99 / 2)}`
  ]
}

const t3 = (cfg: Config, binary: string): MeasureSpec => ({
  id: 'T3',
  title: 'bus latency between two processes (RedisBus, ping and pong), timed on one clock',
  unit: 'us',
  reference: undefined,
  goals: [],
  notes: [
    `A forked child process (tests/redis/busWorker.cjs, the latency test's worker, here on lib/ through ts-node as the bench) makes a RedisBus on two ioredis clients of its own and answers every message Invalidated { cache: 'ping', keys: [k] } with Invalidated { cache: 'pong', keys: [k] }. The parent, on a RedisBus of its own, sends a ping of a fresh key, waits for its pong and sends the next: ${cfg.samples * 12} round trips a pass after ${Math.max(2, cfg.warmup * 2)} untimed, each timed with process.hrtime on the parent's clock. A row's figure is the median (p50); the p99 is under the table. No goal: the issue asks for the figure.`,
    OPTIONS_NOTE
  ],
  summarize: latencyFacts,
  build: () =>
    onSession(binary, async (s) => {
      const channel = `bench:t3:${process.pid}`
      const echo = await forkEcho(s.serverPort, channel)
      try {
        const bus = rightOf('RedisBus.make', RedisBus.make({ port: await s.port(), channel, origin: 'bench-parent' }))
        const trip = pinger(bus)
        await subscribed(bus)
        const all: Array<number> = []
        const pass = async (): Promise<ReadonlyArray<PassRow>> => {
          for (let i = 0; i < Math.max(2, cfg.warmup * 2); i++) await trip()
          const trips: Array<number> = []
          for (let i = 0; i < cfg.samples * 12; i++) trips.push(await trip())
          all.push(...trips)
          return [
            { name: ROUND_TRIP, role: 'ours', samples: trips },
            { name: ONE_WAY, role: 'info', samples: trips.map((t) => t / 2) }
          ]
        }
        return { pass, data: () => ({ trips: [...all] }), close: echo.stop }
      } catch (e) {
        await echo.stop()
        throw e
      }
    })
})

// -------------------------------------------------------------------------------------
// T4: a batch of 100 keys against 100 single calls
// -------------------------------------------------------------------------------------

const BATCH = 100

/** A unit: 100 ids through `call`, all at once; counts its units, and the answers that are not the entity of their id. */
const hundred = (
  name: string,
  ids: (unit: number) => ReadonlyArray<number>,
  call: (ids: ReadonlyArray<number>) => Promise<ReadonlyArray<Entity>>,
  tally: { readonly misses: Misses; readonly counts: Counts },
  maxBatch?: number
): Case => {
  tally.misses[name] = 0
  let unit = 0
  return {
    name,
    role: 'ours',
    opsPerUnit: BATCH,
    ...(maxBatch === undefined ? {} : { maxBatch }),
    run: async (n) => {
      let bad = 0
      for (let i = 0; i < n; i++) {
        const asked = ids(unit++)
        const got = await call(asked)
        for (let k = 0; k < BATCH; k++) if (got[k]?.id !== asked[k]) bad++
        blackhole.value += got.length
      }
      tally.misses[name]! += bad
      tally.counts[name] = (tally.counts[name] ?? 0) + n
    }
  }
}

/** The most units of fresh keys a miss row uses in one batch (each unit writes 100 entries to the server). */
const MISS_MAX_BATCH = 200

/** A single-key and a batch function on one cache over `factory`, their loaders counted in `counts` under `label`. */
const calls = (name: string, factory: StoreFactory, counts: Counts, label: string) => {
  const add = (what: string, n: number) => (counts[what] = (counts[what] ?? 0) + n)
  const cache = cacheOn(name, factory)
  const single = withCacheAsync(cache)((id: number) => {
    add(`${label} single loads`, 1)
    return Promise.resolve(entity(id))
  })
  const batch = withCacheBatchAsync(cache)((ids: ReadonlyArray<number>) => {
    add(`${label} batch loader calls`, 1)
    return Promise.resolve(ids.map(entity))
  })
  return { singles: (ids: ReadonlyArray<number>) => Promise.all(ids.map((id) => single(id))), batch }
}

const t4: RedisMeasure = {
  id: 'T4',
  title: 'a batch of 100 keys (withCacheBatchAsync) against 100 single withCacheAsync calls at once, Redis store',
  reference: N.singles,
  goals: [],
  notes: [
    `Caches on RedisStore.make({ port }) (ttl 1 h, KeyCodec.int, the ${ENTITY_BYTES}-byte entity). Hits: the same 100 keys, all in Redis, asked in one withCacheBatchAsync(cache)((ids) => Promise.resolve(ids.map(load))) call, or as 100 withCacheAsync(cache)(load) calls started at once and awaited with Promise.all. Misses (a second cache): 100 keys never used before in every unit, so a batch loads them in one loader call and the singles in 100. ns/op is per key.`,
    'No goal: the issue asks for the ratio (batch / singles), printed under the table for the hits and the misses.'
  ],
  cases: async (s, misses, counts) => {
    const factory = await s.factory()
    const hits = range(0, BATCH)
    const hit = calls('t4', factory, counts, 'hit rows')
    const miss = calls('t4-miss', factory, counts, 'miss rows')
    await hit.batch(hits)
    for (const k of Object.keys(counts)) delete counts[k]
    let fresh = 0
    const freshIds = () => range((fresh += BATCH) - BATCH, BATCH)
    const tally = { misses, counts }
    return [
      hundred(N.singles, () => hits, hit.singles, tally),
      hundred(N.batch, () => hits, hit.batch, tally),
      hundred(N.singlesMiss, freshIds, miss.singles, tally, MISS_MAX_BATCH),
      hundred(N.batchMiss, freshIds, miss.batch, tally, MISS_MAX_BATCH)
    ]
  },
  facts: (data) => {
    const c = countsOf(data)
    const n = (k: string) => c[k] ?? 0
    return [
      pairFact(data, 'batch / singles, 100 hits', N.batch, N.singles),
      pairFact(data, 'batch / singles, 100 misses', N.batchMiss, N.singlesMiss),
      `loader calls while timed (warm-up and calibration included): hit rows ${n('hit rows single loads') + n('hit rows batch loader calls')} (should be 0); singles of misses ${n('miss rows single loads')} for ${n(N.singlesMiss) * BATCH} keys; batches of misses ${n('miss rows batch loader calls')} for ${n(N.batchMiss)} batches`
    ]
  }
}

// -------------------------------------------------------------------------------------
// the measures
// -------------------------------------------------------------------------------------

/** T1-T4, each with its server; or, when there is no redis-server binary, the reason they are skipped. */
export const tieredMeasures = (cfg: Config): ReadonlyArray<[string, MeasureSpec | string]> => {
  const found = findRedisServer()
  if (!('binary' in found)) return ['T1', 'T2', 'T3', 'T4'].map((id) => [id, found.reason])
  return [
    ['T1', redisMeasure(t1, cfg, found.binary)],
    ['T2', redisMeasure(t2, cfg, found.binary)],
    ['T3', t3(cfg, found.binary)],
    ['T4', redisMeasure(t4, cfg, found.binary)]
  ]
}
