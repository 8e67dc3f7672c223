/**
 * G4-G7: cached functions. Every call is awaited in turn (one caller at a time), except in G7, where 1000
 * callers ask for one missing key at once.
 *
 * As in store.ts, every contender has its own loop, written out, so that no `await` site is shared between
 * contenders. All caches are given a 1-hour ttl and, where they take one, a 10k-entry bound.
 *
 * The arguments are short strings, `h17`; G4 also times our hit with keys full of separators (`item:17`), as real
 * keys are, against the same hit with `item17` keys: a key codec that rewrites such keys pays for it on every call.
 */
import type { CacheEntry } from '@epic-web/cachified'
import type { Either } from 'fp-ts/Either'
import * as t from 'io-ts'
import { Cache, KeyCodec, withCache, withCacheAsync } from '../../lib'
import type { Case } from '../harness'
import { blackhole, median } from '../harness'
import type { Config, MeasureData, MeasureSpec, PassRow } from '../model'
import { HOUR } from '../model'
import type { Peers } from '../peers'
import { makeKeys } from '../workloads'
import { sumField, timed } from './common'

/** Keys of the hit measures (here and in freshness.ts), and the bound of every cache. */
export const HIT_KEYS = 100
export const BOUND = 10_000

const ourCache = (name: string, maxSize = BOUND) =>
  Cache.unsafeMake({ name, codec: t.number, key: KeyCodec.string, config: { ttl: HOUR, maxSize } })

/** The function every contender caches: a Promise of the key's length. */
export const f = async (k: string): Promise<number> => k.length

const NAMES = {
  ours: 'ours: withCacheAsync(cache)(f)',
  oursColon: 'ours: withCacheAsync(cache)(f), keys item:N',
  oursPlain: 'ours: withCacheAsync(cache)(f), keys itemN',
  oursTE: 'ours: withCache(cache)(f), TaskEither',
  pMemoize: 'p-memoize',
  lruFetch: 'lru-cache fetch()',
  acd: 'async-cache-dedupe',
  cacheManager: 'cache-manager wrap()',
  cachified: 'cachified (lru-cache behind it)',
  effect: 'effect Cache.get + Effect.runPromise',
  floor: 'floor: await of a cached promise (Map)',
  floorMemo: 'floor: Map of promises, hand-written memo'
} as const

// -------------------------------------------------------------------------------------
// G4: hit, Promise function
// -------------------------------------------------------------------------------------

const g4 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G4',
  title: 'cached function hit, Promise function, awaited sequentially',
  unit: 'ns/op',
  reference: peers.pMemoize === undefined ? undefined : NAMES.pMemoize,
  goals: [
    {
      id: 'G4a',
      text: 'ours <= 0.3x p-memoize',
      ours: NAMES.ours,
      versus: NAMES.pMemoize,
      kind: 'ratio',
      threshold: 0.3
    },
    {
      id: 'G4b',
      text: 'ours <= 1.0x lru-cache fetch()',
      ours: NAMES.ours,
      versus: NAMES.lruFetch,
      kind: 'ratio',
      threshold: 1.0
    }
  ],
  notes: [
    `${HIT_KEYS} keys (short strings that KeyCodec.string need not escape), all cached before timing; each call awaited before the next. Ours: a Cache with KeyCodec.string, t.number, ttl 1 h, maxSize 10k (the default MemoryStore and system clock).`,
    'p-memoize with its defaults (a Map, no ttl); async-cache-dedupe with memory storage; cache-manager with its default in-memory Keyv store; cachified over an lru-cache; effect with Cache.make (capacity 10k, timeToLive 1 hour).'
  ],

  build: async () => {
    const keys = makeKeys('h', HIT_KEYS, '')
    const K = HIT_KEYS
    const cases: Array<Case> = []
    const warm: Array<(k: string) => Promise<unknown>> = []

    {
      const fn = withCacheAsync(ourCache('g4'))(f)
      warm.push(fn)
      let j = 0
      cases.push({
        name: NAMES.ours,
        role: 'ours',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await fn(keys[j]!)
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.pMemoize !== undefined) {
      const fn = peers.pMemoize.default(f)
      warm.push(fn)
      let j = 0
      cases.push({
        name: NAMES.pMemoize,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await fn(keys[j]!)
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.lruCache !== undefined) {
      const lru = new peers.lruCache.LRUCache<string, number>({ max: BOUND, ttl: HOUR, fetchMethod: (k) => f(k) })
      warm.push((k) => lru.fetch(k))
      let j = 0
      cases.push({
        name: NAMES.lruFetch,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += (await lru.fetch(keys[j]!))!
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.asyncCacheDedupe !== undefined) {
      const c = peers.asyncCacheDedupe
        .createCache({ ttl: HOUR / 1000, storage: { type: 'memory', options: { size: BOUND } } })
        .define('f', f)
      warm.push((k) => c.f(k))
      let j = 0
      cases.push({
        name: NAMES.acd,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await c.f(keys[j]!)
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.cacheManager !== undefined) {
      const cm = peers.cacheManager.createCache({ ttl: HOUR })
      warm.push((k) => cm.wrap(k, () => f(k)))
      let j = 0
      cases.push({
        name: NAMES.cacheManager,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            const k = keys[j]!
            s += await cm.wrap(k, () => f(k))
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.cachified !== undefined && peers.lruCache !== undefined) {
      const { cachified } = peers.cachified
      const store = new peers.lruCache.LRUCache<string, CacheEntry>({ max: BOUND })
      warm.push((k) => cachified({ key: k, cache: store, getFreshValue: () => f(k), ttl: HOUR }))
      let j = 0
      cases.push({
        name: NAMES.cachified,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            const k = keys[j]!
            s += await cachified({ key: k, cache: store, getFreshValue: () => f(k), ttl: HOUR })
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    if (peers.effect !== undefined) {
      const { Cache: ECache, Effect } = peers.effect
      const ec = Effect.runSync(
        ECache.make({ capacity: BOUND, timeToLive: '1 hour', lookup: (k: string) => Effect.promise(() => f(k)) })
      )
      warm.push((k) => Effect.runPromise(ECache.get(ec, k)))
      let j = 0
      cases.push({
        name: NAMES.effect,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await Effect.runPromise(ECache.get(ec, keys[j]!))
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    {
      const m = new Map<string, Promise<number>>()
      for (const k of keys) m.set(k, f(k))
      let j = 0
      cases.push({
        name: NAMES.floor,
        role: 'floor',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await m.get(keys[j]!)!
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    // fill every cache, so that the timed calls are all hits
    for (const w of warm) for (const k of keys) await w(k)

    return { pass: timed(cases, cfg) }
  }
})

// -------------------------------------------------------------------------------------
// G4c: hit with keys full of separators, against the same hit with plain keys
// -------------------------------------------------------------------------------------

/**
 * Its own measure, not rows of G4: the G4 rows are one cache per contender, as a program with one cached function
 * has, and two more caches of ours there would hand our hit path feedback from three instances.
 */
const g4Keys = (cfg: Config): MeasureSpec => ({
  id: 'G4c',
  title: 'cached function hit, keys item:N against keys itemN',
  unit: 'ns/op',
  reference: NAMES.oursPlain,
  goals: [
    {
      id: 'G4c',
      text: 'ours, keys item:N <= 1.1x ours, keys itemN',
      ours: NAMES.oursColon,
      versus: NAMES.oursPlain,
      kind: 'ratio',
      threshold: 1.1
    }
  ],
  notes: [`${HIT_KEYS} keys each, all cached; two caches with the same config (KeyCodec.string), one per key set.`],
  build: async () => {
    const cases: Array<Case> = []
    const add = async (name: string, cacheName: string, keys: ReadonlyArray<string>) => {
      const fn = withCacheAsync(ourCache(cacheName))(f)
      for (const k of keys) await fn(k)
      let j = 0
      cases.push({
        name,
        role: 'ours',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await fn(keys[j]!)
            j = j + 1 === HIT_KEYS ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    await add(NAMES.oursColon, 'g4-colon', makeKeys('item', HIT_KEYS, ':'))
    await add(NAMES.oursPlain, 'g4-plain', makeKeys('item', HIT_KEYS, ''))
    return { pass: timed(cases, cfg) }
  }
})

// -------------------------------------------------------------------------------------
// G5: hit, TaskEither function, against our own Promise case
// -------------------------------------------------------------------------------------

const g5 = (cfg: Config): MeasureSpec => ({
  id: 'G5',
  title: 'cached function hit, TaskEither function, against our Promise function',
  unit: 'ns/op',
  reference: NAMES.ours,
  goals: [
    {
      id: 'G5',
      text: 'TaskEither <= 1.1x our Promise case',
      ours: NAMES.oursTE,
      versus: NAMES.ours,
      kind: 'ratio',
      threshold: 1.1,
      requires: (data) => {
        const n = sumField(data, 'lefts')
        return { ok: n === 0, detail: `${n} Lefts on the hit path` }
      }
    }
  ],
  notes: [`${HIT_KEYS} keys, all cached; two caches with the same config, one per function.`],

  build: async () => {
    const keys = makeKeys('h', HIT_KEYS, '')
    const K = HIT_KEYS
    const fnP = withCacheAsync(ourCache('g5p'))(f)
    const fnTE = withCache(ourCache('g5te'))(
      (k: string) => (): Promise<Either<never, number>> => Promise.resolve({ _tag: 'Right', right: k.length })
    )
    for (const k of keys) {
      await fnP(k)
      await fnTE(k)()
    }
    const lefts = { count: 0 }
    const cases: Array<Case> = []
    {
      let j = 0
      cases.push({
        name: NAMES.oursTE,
        role: 'ours',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            const r = await fnTE(keys[j]!)()
            if (r._tag === 'Right') s += r.right
            else lefts.count++
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    {
      let j = 0
      cases.push({
        name: NAMES.ours,
        role: 'ours',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += await fnP(keys[j]!)
            j = j + 1 === K ? 0 : j + 1
          }
          blackhole.value += s
        }
      })
    }
    return { pass: timed(cases, cfg), data: (): MeasureData => ({ lefts: lefts.count }) }
  }
})

// -------------------------------------------------------------------------------------
// G6: miss path, each key computed once
// -------------------------------------------------------------------------------------

type Calls = Record<string, { calls: number; asked: number }>
const sumCalls = (data: ReadonlyArray<MeasureData>): Calls => {
  const out: Calls = {}
  for (const d of data) {
    for (const [k, c] of Object.entries(d.calls as Calls)) {
      const o = (out[k] ??= { calls: 0, asked: 0 })
      o.calls += c.calls
      o.asked += c.asked
    }
  }
  return out
}

const g6 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G6',
  title: 'cached function miss (each key computed once, a fresh cache per batch)',
  unit: 'ns/op',
  reference: peers.pMemoize === undefined ? undefined : NAMES.pMemoize,
  goals: [
    {
      id: 'G6',
      text: 'ours <= 1.0x p-memoize',
      ours: NAMES.ours,
      versus: NAMES.pMemoize,
      kind: 'ratio',
      threshold: 1.0,
      requires: (data) => {
        const c = sumCalls(data)[NAMES.ours] ?? { calls: 0, asked: 0 }
        return {
          ok: c.asked > 0 && c.calls === c.asked,
          detail: `f ran ${c.calls} times for ${c.asked} fresh keys`
        }
      }
    }
  ],
  notes: [
    'Each batch gets a new, empty cache (made outside the timing) and asks for keys it has never seen, one call awaited at a time: lookup, run f, store.',
    `At most ${cfg.missMaxBatch.toLocaleString(
      'en-US'
    )} keys per batch; our cache is unbounded here (maxSize 0, ttl 1 h) so that nothing is evicted; lru-cache is bounded by the batch cap.`
  ],
  summarize: (data) =>
    Object.entries(sumCalls(data)).map(
      ([k, c]) =>
        `${k}: f ran ${c.calls.toLocaleString('en-US')} times for ${c.asked.toLocaleString('en-US')} fresh keys${
          c.calls === c.asked ? '' : '  MISMATCH'
        }`
    ),
  build: () => {
    const keys = makeKeys('m', cfg.missMaxBatch, '')
    const calls: Record<string, { calls: number; asked: number }> = {}
    const cases: Array<Case> = []
    const counted = (name: string) => {
      const c = { calls: 0, asked: 0 }
      calls[name] = c
      return {
        c,
        g: async (k: string): Promise<number> => {
          c.calls++
          return k.length
        }
      }
    }

    {
      const { c, g } = counted(NAMES.ours)
      let fn: (k: string) => Promise<number> = g
      cases.push({
        name: NAMES.ours,
        role: 'ours',
        maxBatch: cfg.missMaxBatch,
        setup: () => {
          fn = withCacheAsync(ourCache('g6', 0))(g)
        },
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) s += await fn(keys[i]!)
          c.asked += n
          blackhole.value += s
        }
      })
    }
    if (peers.pMemoize !== undefined) {
      const pMemoize = peers.pMemoize.default
      const { c, g } = counted(NAMES.pMemoize)
      let fn: (k: string) => Promise<number> = g
      cases.push({
        name: NAMES.pMemoize,
        role: 'peer',
        maxBatch: cfg.missMaxBatch,
        setup: () => {
          fn = pMemoize(g)
        },
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) s += await fn(keys[i]!)
          c.asked += n
          blackhole.value += s
        }
      })
    }
    if (peers.lruCache !== undefined) {
      const { LRUCache } = peers.lruCache
      const { c, g } = counted(NAMES.lruFetch)
      let lru = new LRUCache<string, number>({ max: cfg.missMaxBatch, ttl: HOUR, fetchMethod: (k) => g(k) })
      cases.push({
        name: NAMES.lruFetch,
        role: 'peer',
        maxBatch: cfg.missMaxBatch,
        setup: () => {
          lru = new LRUCache<string, number>({ max: cfg.missMaxBatch, ttl: HOUR, fetchMethod: (k) => g(k) })
        },
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) s += (await lru.fetch(keys[i]!))!
          c.asked += n
          blackhole.value += s
        }
      })
    }
    {
      const { c, g } = counted(NAMES.floorMemo)
      let m = new Map<string, Promise<number>>()
      cases.push({
        name: NAMES.floorMemo,
        role: 'floor',
        maxBatch: cfg.missMaxBatch,
        setup: () => {
          m = new Map()
        },
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            const k = keys[i]!
            let p = m.get(k)
            if (p === undefined) {
              p = g(k)
              m.set(k, p)
            }
            s += await p
          }
          c.asked += n
          blackhole.value += s
        }
      })
    }
    return { pass: timed(cases, cfg), data: (): MeasureData => ({ calls: JSON.parse(JSON.stringify(calls)) as Calls }) }
  }
})

// -------------------------------------------------------------------------------------
// G7: 1000 concurrent callers of one missing key, f takes 10 ms
// -------------------------------------------------------------------------------------

interface FlightState {
  calls: number
  fStart: bigint
  fEnd: bigint
}

interface FlightCase {
  readonly name: string
  readonly role: Case['role']
  readonly state: FlightState
  readonly fn: (k: string) => Promise<number>
  /** calls of f per round, over every round */
  readonly callsPerRound: Array<number>
  readonly nominal: Array<number>
  readonly fDurationMs: Array<number>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

interface FlightData {
  readonly callsPerRound: Array<number>
  readonly nominalNsPerCaller: Array<number>
  readonly fDurationMs: Array<number>
}
/** Every process's per-round records of one contender, end to end. */
const flights = (data: ReadonlyArray<MeasureData>): Record<string, FlightData> => {
  const out: Record<string, FlightData> = {}
  for (const d of data) {
    for (const [k, v] of Object.entries(d as Record<string, FlightData>)) {
      const o = (out[k] ??= { callsPerRound: [], nominalNsPerCaller: [], fDurationMs: [] })
      o.callsPerRound.push(...v.callsPerRound)
      o.nominalNsPerCaller.push(...v.nominalNsPerCaller)
      o.fDurationMs.push(...v.fDurationMs)
    }
  }
  return out
}
const exactlyOne = (c: FlightData | undefined): boolean =>
  c !== undefined && c.callsPerRound.length > 0 && c.callsPerRound.every((x) => x === 1)

/** The other G7 figure: wall time per caller, (total - 10 ms) / callers, ours against p-memoize's. */
const wallAgainstPMemoize = (c: Record<string, FlightData>): ReadonlyArray<string> => {
  const ours = c[NAMES.ours]
  const peer = c[NAMES.pMemoize]
  if (ours === undefined || peer === undefined) return []
  const a = median(ours.nominalNsPerCaller)
  const b = median(peer.nominalNsPerCaller)
  return [
    `wall time per caller, (total - f's nominal time) / callers, median: ours ${a.toFixed(0)} ns, p-memoize ${b.toFixed(0)} ns -> ${(a / b).toFixed(2)}x (the table above is the CPU time each caller adds, f's real duration subtracted)`
  ]
}

const g7 = (cfg: Config, peers: Peers): MeasureSpec => {
  const N = cfg.flightCallers
  const delay = cfg.flightDelayMs
  return {
    id: 'G7',
    title: `${N} concurrent callers of one missing key, f takes ${delay} ms`,
    unit: 'ns/caller',
    reference: peers.pMemoize === undefined ? undefined : NAMES.pMemoize,
    goals: [
      {
        id: 'G7',
        text: 'exactly 1 call of f; CPU time added per caller <= 1.0x p-memoize',
        ours: NAMES.ours,
        ...(peers.pMemoize === undefined ? { kind: 'absolute' as const, threshold: 500 } : { kind: 'ratio' as const, threshold: 1.0, versus: NAMES.pMemoize }),
        requires: (data) => {
          const c = flights(data)[NAMES.ours]
          return {
            ok: exactlyOne(c),
            detail: `calls of f per round: ${[...new Set(c?.callsPerRound ?? [])].join(', ')}`
          }
        }
      }
    ],
    notes: [
      `Each round: ${N} calls for a key nobody has asked for, issued in one synchronous loop, then all awaited. A fresh key per round, the same cache across rounds.`,
      "Added per caller = (time from the first call until the callers' queued work has drained + time from f's return until every caller has its value) / callers. f's own 10 ms, timer lateness included, is subtracted as measured, not as a nominal 10 ms; the nominal (total - 10 ms) / callers is shown too."
    ],
    summarize: (data) => [
      ...wallAgainstPMemoize(flights(data)),
      ...Object.entries(flights(data)).map(([name, c]) => {
        const set = [...new Set(c.callsPerRound)]
        return `${name}: calls of f per round ${set.length === 1 ? `always ${set[0]}` : set.join('/')}${
          exactlyOne(c) ? '' : '  (NOT exactly 1)'
        }; nominal (total - ${delay} ms)/caller median ${median(c.nominalNsPerCaller).toFixed(0)} ns; f took ${median(
          c.fDurationMs
        ).toFixed(2)} ms (median)`
      })
    ],
    build: () => {
      const slow =
        (state: FlightState) =>
        async (k: string): Promise<number> => {
          state.calls++
          state.fStart = process.hrtime.bigint()
          await sleep(delay)
          state.fEnd = process.hrtime.bigint()
          return k.length
        }
      const cases: Array<FlightCase> = []
      const add = (
        name: string,
        role: Case['role'],
        make: (g: (k: string) => Promise<number>) => (k: string) => Promise<number>
      ) => {
        const state: FlightState = { calls: 0, fStart: 0n, fEnd: 0n }
        cases.push({ name, role, state, fn: make(slow(state)), callsPerRound: [], nominal: [], fDurationMs: [] })
      }
      add(NAMES.ours, 'ours', (g) => withCacheAsync(ourCache('g7'))(g))
      if (peers.pMemoize !== undefined) {
        const pMemoize = peers.pMemoize.default
        add(NAMES.pMemoize, 'peer', (g) => pMemoize(g))
      }
      if (peers.lruCache !== undefined) {
        const { LRUCache } = peers.lruCache
        add(NAMES.lruFetch, 'peer', (g) => {
          const lru = new LRUCache<string, number>({ max: BOUND, ttl: HOUR, fetchMethod: (k) => g(k) })
          return async (k) => (await lru.fetch(k))!
        })
      }
      add('floor: Map of in-flight promises', 'floor', (g) => {
        const inflight = new Map<string, Promise<number>>()
        return (k) => {
          let p = inflight.get(k)
          if (p === undefined) {
            p = g(k).finally(() => inflight.delete(k))
            inflight.set(k, p)
          }
          return p
        }
      })

      let round = 0
      /** One round: N callers of a fresh key; returns the added ns per caller. */
      const runRound = async (c: FlightCase, record: boolean): Promise<number> => {
        const key = `f${round++}`
        const st = c.state
        st.calls = 0
        st.fStart = 0n
        st.fEnd = 0n
        const ps = new Array<Promise<number>>(N)
        const t0 = process.hrtime.bigint()
        for (let i = 0; i < N; i++) ps[i] = c.fn(key)
        // let every microtask the calls queued run, before f's timer can fire
        await nextTurn()
        const tIssued = process.hrtime.bigint()
        const rs = await Promise.all(ps)
        const t1 = process.hrtime.bigint()
        let sum = 0
        for (const r of rs) sum += r
        blackhole.value += sum
        // CPU time around f: from the first call until the callers' work has drained, plus from f's return until
        // every caller has its value; f's own wait (the timer, with its lateness) is not ours to count
        const fEnd = st.fEnd > tIssued ? st.fEnd : tIssued
        const added = Number(tIssued - t0 + (t1 - fEnd)) / N
        if (record) {
          c.callsPerRound.push(st.calls)
          c.nominal.push((Number(t1 - t0) - delay * 1e6) / N)
          c.fDurationMs.push(Number(st.fEnd - st.fStart) / 1e6)
        }
        return added
      }

      const pass = async (): Promise<ReadonlyArray<PassRow>> => {
        const k = cases.length
        for (let r = 0; r < cfg.warmup; r++) for (const c of cases) await runRound(c, false)
        const samples: Array<Array<number>> = cases.map(() => [])
        for (let r = 0; r < cfg.samples; r++) {
          for (let i = 0; i < k; i++) {
            const j = (i + r) % k
            samples[j]!.push(await runRound(cases[j]!, true))
          }
        }
        return cases.map((c, j) => ({ name: c.name, role: c.role, samples: samples[j]! }))
      }

      return {
        pass,
        data: (): MeasureData =>
          Object.fromEntries(
            cases.map((c) => [
              c.name,
              {
                callsPerRound: [...c.callsPerRound],
                nominalNsPerCaller: [...c.nominal],
                fDurationMs: [...c.fDurationMs]
              }
            ])
          )
      }
    }
  }
}

export const memoMeasures = (cfg: Config, peers: Peers): ReadonlyArray<MeasureSpec> => [
  g4(cfg, peers),
  g4Keys(cfg),
  g5(cfg),
  g6(cfg, peers),
  g7(cfg, peers)
]
