/**
 * G9, F1, F2: reads of a cache with freshness windows (issue 8), each awaited in turn, as in G4.
 *
 * - G9: a fresh hit on a cache with `staleWhileRevalidate` set, against the same hit on a cache with no option (the
 *   plain path). The goal: at most 1.10x.
 * - F1: a stale hit: every entry is in its stale-while-revalidate window and its one background refresh is in
 *   flight, so each read is served the stale value at once.
 * - F2: a refresh-ahead read: every entry is fresh, in its last `refreshAhead` ms, and its one background refresh
 *   is in flight.
 *
 * F1 and F2 place the entries with a manual clock (`Clock.manual`; lru-cache's `perf` option), and hold each
 * refresh in flight with a gated loader: it answers when the next batch's setup opens the gate, so a refresh that
 * settled would not turn the timed reads into fresh hits. The setup of every batch (untimed) opens the gate and lets
 * the refreshes settle (each stores a fresh entry), moves the contender's clock so that every entry is back in its
 * window, and reads each key once, which starts that key's one refresh. What a batch times is then only reads of
 * keys whose refresh is in flight: the serve-stale path (F1) and the refresh-ahead hit (F2), never the read that
 * starts a refresh nor the refresh itself. After each pass every refresh settles, so none is left in flight.
 */
import * as t from 'io-ts'
import { Cache, Clock, KeyCodec, withCacheAsync } from '../../lib'
import type { Case, Role } from '../harness'
import { blackhole } from '../harness'
import type { Config, MeasureData, MeasureSpec, PassRow } from '../model'
import { HOUR } from '../model'
import type { Peers } from '../peers'
import { makeKeys } from '../workloads'
import { BOUND, HIT_KEYS, f } from './memo'
import { timed } from './common'

/** F1's stale-while-revalidate window, F2's refresh-ahead window. */
const SWR = HOUR
const AHEAD = 60_000
/** Where each manual clock starts: lru-cache takes a start time of 0 for "no ttl". */
const START = 1_000

const NAMES = {
  plain: 'ours: withCacheAsync(cache)(f), no option',
  swr: 'ours: withCacheAsync(cache)(f), staleWhileRevalidate set',
  lruFetch: 'lru-cache fetch()',
  lruAllowStale: 'lru-cache fetch(), allowStale set',
  oursStale: 'ours: withCacheAsync(cache)(f), stale entry, refresh in flight',
  lruStale: 'lru-cache fetch(), allowStale, stale entry, fetch in flight',
  oursAhead: 'ours: withCacheAsync(cache)(f), refreshAhead window, refresh in flight',
  lruAhead: 'lru-cache fetch(), refresh-ahead by hand (getRemainingTTL, forceRefresh + allowStale), fetch in flight'
} as const

const PEERS_WITHOUT =
  'Not compared: cachified (swr), async-cache-dedupe (stale) and cache-manager (refreshThreshold, a refresh-ahead) have a window but read Date.now() with no clock to inject, so their entries cannot be placed in it without waiting; p-memoize and effect Cache have no such window.'

// -------------------------------------------------------------------------------------
// G9: fresh hit, staleWhileRevalidate set, against no option
// -------------------------------------------------------------------------------------

const g9 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G9',
  title: 'cached function fresh hit, staleWhileRevalidate set, against no option',
  unit: 'ns/op',
  reference: NAMES.plain,
  goals: [
    {
      id: 'G9',
      text: 'ours, staleWhileRevalidate set <= 1.10x ours, no option',
      ours: NAMES.swr,
      versus: NAMES.plain,
      kind: 'ratio',
      threshold: 1.1
    }
  ],
  notes: [
    `${HIT_KEYS} keys, all cached and fresh; each call awaited before the next. Two caches of ours with KeyCodec.string, t.number, ttl 1 h, maxSize 10k, the default store and clock: one with staleWhileRevalidate 1 h (the freshness path), one with no option (the plain path of G4).`,
    'lru-cache fetch() with and without allowStale, for scale: its option costs nothing on a fresh hit.'
  ],
  build: async () => {
    const keys = makeKeys('h', HIT_KEYS, '')
    const K = HIT_KEYS
    const cases: Array<Case> = []
    const warm: Array<(k: string) => Promise<unknown>> = []
    {
      const fn = withCacheAsync(
        Cache.unsafeMake({ name: 'g9', codec: t.number, key: KeyCodec.string, config: { ttl: HOUR, maxSize: BOUND } })
      )(f)
      warm.push(fn)
      let j = 0
      cases.push({
        name: NAMES.plain,
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
    {
      const config = { ttl: HOUR, maxSize: BOUND, staleWhileRevalidate: SWR }
      const fn = withCacheAsync(Cache.unsafeMake({ name: 'g9-swr', codec: t.number, key: KeyCodec.string, config }))(f)
      warm.push(fn)
      let j = 0
      cases.push({
        name: NAMES.swr,
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
    if (peers.lruCache !== undefined) {
      const { LRUCache } = peers.lruCache
      const lru = new LRUCache<string, number>({ max: BOUND, ttl: HOUR, fetchMethod: (k) => f(k) })
      const lruStale = new LRUCache<string, number>({ max: BOUND, ttl: HOUR, allowStale: true, fetchMethod: (k) => f(k) })
      warm.push((k) => lru.fetch(k), (k) => lruStale.fetch(k))
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
      let js = 0
      cases.push({
        name: NAMES.lruAllowStale,
        role: 'peer',
        run: async (n) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            s += (await lruStale.fetch(keys[js]!))!
            js = js + 1 === K ? 0 : js + 1
          }
          blackhole.value += s
        }
      })
    }
    for (const w of warm) for (const k of keys) await w(k)
    return { pass: timed(cases, cfg) }
  }
})

// -------------------------------------------------------------------------------------
// F1, F2: reads while a background refresh is in flight
// -------------------------------------------------------------------------------------

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A loader whose calls answer (the key's length) only when `open` is called; it counts its calls. */
const gated = () => {
  let waiting: Array<() => void> = []
  const gate = {
    calls: 0,
    load: (k: string): Promise<number> =>
      new Promise((resolve) => {
        gate.calls++
        waiting.push(() => resolve(k.length))
      }),
    open: (): void => {
      const w = waiting
      waiting = []
      for (const answer of w) answer()
    }
  }
  return gate
}
type Gate = ReturnType<typeof gated>

/** What one contender of F1 or F2 did, over every batch of this process. */
interface Refreshing {
  batches: number
  /** loader calls made by the setup's first read of each key: the refreshes */
  refreshes: number
  /** loader calls made during the timed reads (0: every timed read was served at once) */
  timedLoads: number
  /** stale (F1) or hit (F2) answers counted by our cache's stats(), and the reads made; ours only */
  counted?: number
  reads?: number
}

/**
 * The untimed setup of a batch: the refreshes of the previous batch settle, the clock moves every entry back into
 * its window (`step` ms after it was stored), and each key is read once, which starts its one refresh.
 */
/** The refreshes in flight answer and store their values; the loader calls since the last setup were timed reads'. */
const settle = async (gate: Gate, r: Refreshing): Promise<void> => {
  r.timedLoads += gate.calls
  gate.calls = 0
  gate.open()
  await nextTurn()
}

const inWindow =
  (gate: Gate, clock: Clock.ManualClock, step: number, keys: ReadonlyArray<string>, read: (k: string) => Promise<number>, r: Refreshing) =>
  async (): Promise<void> => {
    await settle(gate, r)
    clock.advance(step)()
    let s = 0
    for (const k of keys) s += await read(k)
    await nextTurn()
    r.batches++
    r.refreshes += gate.calls
    gate.calls = 0
    blackhole.value += s
  }

const noRecord = (): Refreshing => ({ batches: 0, refreshes: 0, timedLoads: 0 })

/** Fills a contender's cache: each key's first read is a miss, whose load answers when the gate opens. */
const fill = async (gate: Gate, keys: ReadonlyArray<string>, read: (k: string) => Promise<number>): Promise<void> => {
  const filled = Promise.all(keys.map(read))
  gate.open()
  blackhole.value += (await filled).length
  gate.calls = 0
}

/** One fact per contender: one refresh per key and batch, none during the timed reads. */
const refreshFacts = (data: ReadonlyArray<MeasureData>, counted: string): ReadonlyArray<string> => {
  const sum: Record<string, Refreshing> = {}
  for (const d of data) {
    for (const [name, r] of Object.entries(d as Record<string, Refreshing>)) {
      const o = (sum[name] ??= noRecord())
      o.batches += r.batches
      o.refreshes += r.refreshes
      o.timedLoads += r.timedLoads
      if (r.counted !== undefined) o.counted = (o.counted ?? 0) + r.counted
      if (r.reads !== undefined) o.reads = (o.reads ?? 0) + r.reads
    }
  }
  return Object.entries(sum).map(([name, r]) => {
    const one = r.refreshes === r.batches * HIT_KEYS ? 'one per key and batch' : 'NOT one per key and batch'
    const stats = r.counted === undefined ? '' : `; stats() counted ${r.counted.toLocaleString('en-US')} ${counted} answers for ${r.reads!.toLocaleString('en-US')} reads`
    return `${name}: ${r.refreshes.toLocaleString('en-US')} refreshes in ${r.batches.toLocaleString('en-US')} batches (${one}), ${r.timedLoads} loader calls during timed reads${stats}`
  })
}

interface WindowSpec {
  readonly id: string
  readonly title: string
  readonly ours: string
  readonly peer: string
  /** The config of our cache; how far each setup moves the clock after the refreshes stored fresh entries. */
  readonly config: NonNullable<Cache.BaseOptions<number>['config']>
  readonly step: number
  /** The stats() counter of the answers our timed reads give. */
  readonly counter: 'stale' | 'hits'
  /** The peer's read: one call of lru-cache, made with its cache. */
  readonly peerCache: (peers: NonNullable<Peers['lruCache']>, clock: Clock.ManualClock, load: (k: string) => Promise<number>) => (k: string) => Promise<number>
  readonly notes: ReadonlyArray<string>
}

const inFlight = (spec: WindowSpec, cfg: Config, peers: Peers): MeasureSpec => ({
  id: spec.id,
  title: spec.title,
  unit: 'ns/op',
  reference: peers.lruCache === undefined ? undefined : spec.peer,
  goals: [],
  notes: spec.notes,
  summarize: (data) => refreshFacts(data, spec.counter === 'stale' ? 'Stale' : 'Hit'),
  build: async () => {
    const keys = makeKeys('h', HIT_KEYS, '')
    const K = HIT_KEYS
    const cases: Array<Case> = []
    const record: Record<string, Refreshing> = {}
    const counts: Array<() => Promise<void>> = []
    const gates: Array<[Gate, Refreshing]> = []
    const add = (name: string, role: Role, read: (k: string) => Promise<number>, gate: Gate, clock: Clock.ManualClock, run: Case['run']) => {
      const r = (record[name] = noRecord())
      gates.push([gate, r])
      cases.push({ name, role, setup: inWindow(gate, clock, spec.step, keys, read, r), run })
      return r
    }
    {
      const gate = gated()
      const clock = Clock.manual(START)
      const cache = Cache.unsafeMake({ name: spec.id, codec: t.number, key: KeyCodec.string, config: spec.config, clock })
      const fn = withCacheAsync(cache)(gate.load)
      const reads = { n: 0 }
      let j = 0
      const r = add(spec.ours, 'ours', fn, gate, clock, async (n) => {
        let s = 0
        for (let i = 0; i < n; i++) {
          s += await fn(keys[j]!)
          j = j + 1 === K ? 0 : j + 1
        }
        reads.n += n
        blackhole.value += s
      })
      // the setup's reads are answered from the window too
      counts.push(async () => {
        r.counted = (await cache.stats())[spec.counter]
        r.reads = reads.n + r.batches * K
      })
      await fill(gate, keys, fn)
    }
    if (peers.lruCache !== undefined) {
      const gate = gated()
      const clock = Clock.manual(START)
      const read = spec.peerCache(peers.lruCache, clock, gate.load)
      let j = 0
      add(spec.peer, 'peer', read, gate, clock, async (n) => {
        let s = 0
        for (let i = 0; i < n; i++) {
          s += await read(keys[j]!)
          j = j + 1 === K ? 0 : j + 1
        }
        blackhole.value += s
      })
      await fill(gate, keys, read)
    }
    const timedPass = timed(cases, cfg)
    return {
      pass: async (): Promise<ReadonlyArray<PassRow>> => {
        const rows = await timedPass()
        // no refresh is left in flight after a pass
        for (const [gate, r] of gates) await settle(gate, r)
        for (const c of counts) await c()
        return rows
      },
      data: (): MeasureData => JSON.parse(JSON.stringify(record)) as MeasureData
    }
  }
})

const f1 = (cfg: Config, peers: Peers): MeasureSpec =>
  inFlight(
    {
      id: 'F1',
      title: 'stale hit: an entry in its stale-while-revalidate window, its refresh in flight',
      ours: NAMES.oursStale,
      peer: NAMES.lruStale,
      config: { ttl: HOUR, maxSize: BOUND, staleWhileRevalidate: SWR },
      step: HOUR + 1,
      counter: 'stale',
      peerCache: ({ LRUCache }, clock, load) => {
        const lru = new LRUCache<string, number>({ max: BOUND, ttl: HOUR, allowStale: true, ttlResolution: 0, perf: clock, fetchMethod: (k) => load(k) })
        return (k) => lru.fetch(k) as Promise<number>
      },
      notes: [
        `${HIT_KEYS} keys, each awaited before the next. Ours: ttl 1 h, staleWhileRevalidate 1 h, maxSize 10k, a manual clock; lru-cache: ttl 1 h, allowStale, ttlResolution 0, its perf clock the same kind of manual clock.`,
        'Before every batch (untimed): the refreshes of the previous batch settle, the clock moves 1 h + 1 ms, so every entry is stale, and each key is read once, which starts its one background refresh; the loader answers only at the next batch. Timed: reads of a stale key whose refresh is in flight (the serve-stale path).',
        PEERS_WITHOUT
      ]
    },
    cfg,
    peers
  )

const f2 = (cfg: Config, peers: Peers): MeasureSpec =>
  inFlight(
    {
      id: 'F2',
      title: 'refresh-ahead read: a fresh entry in its refreshAhead window, its refresh in flight',
      ours: NAMES.oursAhead,
      peer: NAMES.lruAhead,
      config: { ttl: HOUR, maxSize: BOUND, refreshAhead: AHEAD },
      step: HOUR - AHEAD / 2,
      counter: 'hits',
      peerCache: ({ LRUCache }, clock, load) => {
        const lru = new LRUCache<string, number>({ max: BOUND, ttl: HOUR, ttlResolution: 0, perf: clock, fetchMethod: (k) => load(k) })
        const refresh = { forceRefresh: true, allowStale: true }
        return (k) => (lru.getRemainingTTL(k) <= AHEAD ? lru.fetch(k, refresh) : lru.fetch(k)) as Promise<number>
      },
      notes: [
        `${HIT_KEYS} keys, each awaited before the next. Ours: ttl 1 h, refreshAhead 1 min, maxSize 10k, a manual clock. lru-cache has no refresh-ahead; its closest equivalent is written by hand: a read whose entry has at most 1 min left fetches with forceRefresh and allowStale (one background fetch, the current value at once).`,
        'Before every batch (untimed): the refreshes of the previous batch settle, the clock moves 1 h - 30 s, so every entry is 30 s from expiry, and each key is read once, which starts its one background refresh; the loader answers only at the next batch. Timed: reads of a fresh key whose refresh is in flight.',
        PEERS_WITHOUT
      ]
    },
    cfg,
    peers
  )

export const freshnessMeasures = (cfg: Config, peers: Peers): ReadonlyArray<MeasureSpec> => [g9(cfg, peers), f1(cfg, peers), f2(cfg, peers)]
