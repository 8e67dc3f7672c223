/**
 * G1-G3: the structure itself, synchronously: our persistent LruTtl behind its ref cell against lru-cache, mnemonist's
 * LRUMap and Map. Our goal rows use the structure as MemoryStore does: behind an owning cell (`ownRef` of lib/internal/ownedCell, no
 * snapshot taken, so it works in place) through `ownGet`/`ownSet`; informational rows show the pure operations
 * behind a plain `Ref` and with the version in a local, and MemoryStore's own `getSync`.
 *
 * Every contender gets its own loop, written out (not a shared loop calling a function argument), so that V8
 * optimises each one for its own call and no call site is shared between contenders. Our rows take `now` once per
 * batch, as lru-cache does with its cached clock (it reads `performance.now()` at most once per millisecond); one
 * informational row in G1 reads the clock per operation, as the MemoryStore does.
 */
import type { Option } from 'fp-ts/Option'
import { Clock, MemoryStore, Ref } from '../../lib'
// As MemoryStore imports it. Under ts-node (CommonJS) the index's exports object is in dictionary mode (its
// re-exports are getters), so `LruTtl.x` through it is a hash lookup on every call: ~15 ns that no bundled build has.
import * as LruTtl from '../../lib/LruTtl'
// The owning cell MemoryStore keeps its versions in (internal: imported directly, as MemoryStore does).
import { MISS } from '../../lib/internal/miss'
import * as cells from '../../lib/internal/ownedCell'
import type { Case } from '../harness'
import { blackhole } from '../harness'
import type { Config, MeasureData, MeasureSpec } from '../model'
import { HOUR } from '../model'
import type { Peers } from '../peers'
import { makeKeys, uniformStream, zipfStream } from '../workloads'
import { sumRecords, timed } from './common'

const STREAM = 1 << 16
const MASK = STREAM - 1
const CAPACITY = 10_000

type Version = LruTtl.LruTtl<number>

const isSome = (o: Option<unknown>): boolean => o._tag === 'Some'

// -------------------------------------------------------------------------------------
// G1: get-hit over 10k keys, TTL on
// -------------------------------------------------------------------------------------

const G1_OURS = 'ours: MemoryStore.make(...).getSync, Clock.coarse (the public path)'
const G1_CELL = 'ours: ownGet(cell, k, now), the internal cell (as MemoryStore)'
const G1_LRU = 'lru-cache get (ttl set)'

const g1 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G1',
  title: 'store get-hit, 10k keys, TTL on (synchronous)',
  unit: 'ns/op',
  reference: peers.lruCache === undefined ? undefined : G1_LRU,
  goals: [
    {
      id: 'G1',
      text: 'ours <= 1.0x lru-cache get',
      ours: G1_OURS,
      versus: G1_LRU,
      kind: 'ratio',
      threshold: 1.0,
      requires: (data) => {
        const m = sumRecords(data, 'misses')[G1_OURS] ?? 0
        return { ok: m === 0, detail: `${m} misses on the hit path` }
      }
    }
  ],
  notes: [
    `${CAPACITY} keys, all present; keys read in a fixed uniform random order (${STREAM} indices, the same for every contender).`,
    "Our goal row is the public path a user gets: a MemoryStore made with the caches' default clock (Clock.coarse, the process clock read about once a millisecond), read with getSync, which answers an Option.",
    'The second row is the internal cell the store keeps its versions in (ownGet: no snapshot alive, so in place; the value or MISS), `now` read once per batch.'
  ],
  summarize: (data) => {
    const bad = Object.entries(sumRecords(data, 'misses')).filter(([, m]) => m > 0)
    return bad.length === 0
      ? ['every get was a hit, for every contender']
      : bad.map(([k, m]) => `${k}: ${m} misses (should be 0)`)
  },
  build: () => {
    const n = CAPACITY
    const keys = makeKeys('k', n)
    const idx = uniformStream(n, STREAM, 0x61)
    const t0 = performance.now()
    const misses: Record<string, number> = {}
    const cases: Array<Case> = []

    {
      const name = G1_OURS
      const store = MemoryStore.make<number>({ maxSize: n, clock: Clock.coarse() })
      for (let i = 0; i < n; i++) void store.set(keys[i]!, i, HOUR)()
      const getSync = store.getSync
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'ours',
        run: (ops) => {
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = getSync(keys[idx[pos]!]!)
            pos = (pos + 1) & MASK
            if (r._tag === 'Some') hits += r.value
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    {
      const name = G1_CELL
      const cell = cells.ownRef<number>(n)
      for (let i = 0; i < n; i++) cells.ownSet(cell, keys[i]!, i, t0, HOUR)
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = cells.ownGet(cell, keys[idx[pos]!]!, now)
            pos = (pos + 1) & MASK
            if (r !== MISS) hits += r
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    {
      const name = 'ours: MemoryStore getSync (Clock.system.now() per get, Option)'
      const store = MemoryStore.make<number>({ maxSize: n, clock: Clock.system })
      for (let i = 0; i < n; i++) void store.set(keys[i]!, i, HOUR)()
      const getSync = store.getSync
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = getSync(keys[idx[pos]!]!)
            pos = (pos + 1) & MASK
            if (r._tag === 'Some') hits += r.value
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    {
      const name = 'ours: ref.modify(LruTtl.get(k, now))() (pure, plain Ref)'
      const ref = Ref.make(LruTtl.empty<number>(n))
      for (let i = 0; i < n; i++) ref.modify(LruTtl.set(keys[i]!, i, t0, HOUR))()
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = ref.modify(LruTtl.get(keys[idx[pos]!]!, now))()
            pos = (pos + 1) & MASK
            if (r._tag === 'Some') hits += r.value
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    {
      const name = 'ours: LruTtl.get(t, k, now), version in a local'
      let t: Version = LruTtl.empty<number>(n)
      for (let i = 0; i < n; i++) t = LruTtl.set(t, keys[i]!, i, t0, HOUR)[1]
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          let v = t
          for (let i = 0; i < ops; i++) {
            const r = LruTtl.get(v, keys[idx[pos]!]!, now)
            v = r[1]
            pos = (pos + 1) & MASK
            const o = r[0]
            if (o._tag === 'Some') hits += o.value
            else misses[name]!++
          }
          t = v
          blackhole.value += hits
        }
      })
    }
    if (peers.lruCache !== undefined) {
      const name = G1_LRU
      const lru = new peers.lruCache.LRUCache<string, number>({ max: n, ttl: HOUR })
      for (let i = 0; i < n; i++) lru.set(keys[i]!, i)
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'peer',
        run: (ops) => {
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = lru.get(keys[idx[pos]!]!)
            pos = (pos + 1) & MASK
            if (r !== undefined) hits += r
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    if (peers.mnemonist !== undefined) {
      const name = 'mnemonist LRUMap get (no TTL)'
      const m = new peers.mnemonist.LRUMap<string, number>(n)
      for (let i = 0; i < n; i++) m.set(keys[i]!, i)
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'peer',
        run: (ops) => {
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = m.get(keys[idx[pos]!]!)
            pos = (pos + 1) & MASK
            if (r !== undefined) hits += r
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }
    {
      const name = 'Map.get (floor: no recency, no TTL)'
      const m = new Map<string, number>()
      for (let i = 0; i < n; i++) m.set(keys[i]!, i)
      let pos = 0
      misses[name] = 0
      cases.push({
        name,
        role: 'floor',
        run: (ops) => {
          let hits = 0
          for (let i = 0; i < ops; i++) {
            const r = m.get(keys[idx[pos]!]!)
            pos = (pos + 1) & MASK
            if (r !== undefined) hits += r
            else misses[name]!++
          }
          blackhole.value += hits
        }
      })
    }

    return { pass: timed(cases, cfg), data: (): MeasureData => ({ misses: { ...misses } }) }
  }
})

// -------------------------------------------------------------------------------------
// G2: set of a new key at capacity (evicts one)
// -------------------------------------------------------------------------------------

const G2_OURS = 'ours: ownSet(cell, k, v, now, ttl), the internal cell (as MemoryStore)'
const G2_LRU = 'lru-cache set (ttl set)'

const g2 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G2',
  title: 'store set of a new key at capacity (evicts one), 10k entries, TTL on',
  unit: 'ns/op',
  reference: peers.lruCache === undefined ? undefined : G2_LRU,
  goals: [
    {
      id: 'G2',
      text: 'ours <= 0.7x lru-cache set',
      ours: G2_OURS,
      versus: G2_LRU,
      kind: 'ratio',
      threshold: 0.7,
      requires: (data) => {
        const c = sumRecords(data, 'notEvicting')[G2_OURS] ?? 0
        return { ok: c === 0, detail: `${c} sets evicted nothing` }
      }
    }
  ],
  notes: [
    `Full at ${CAPACITY} entries; keys come from a ring of ${
      2 * CAPACITY
    } keys set in order, so every set is a new key and evicts the least recently used one.`
  ],
  summarize: (data) => [
    ...Object.entries(sumRecords(data, 'notEvicting')).map(([k, c]) =>
      c === 0 ? `${k}: every set evicted one entry` : `${k}: ${c} sets evicted nothing (should be 0)`
    ),
    `lru-cache size after the run: ${[...new Set(data.map((d) => d.lruSize))].join(', ')} (capacity ${CAPACITY})`
  ],
  build: () => {
    const n = CAPACITY
    // a ring of 2n keys set in order: every key was last set 2n sets ago and has been evicted since
    const ring = makeKeys('n', 2 * n)
    const R = ring.length
    const t0 = performance.now()
    const notEvicting: Record<string, number> = {}
    const cases: Array<Case> = []

    {
      const name = G2_OURS
      const cell = cells.ownRef<number>(n)
      for (let i = 0; i < n; i++) cells.ownSet(cell, ring[i]!, i, t0, HOUR)
      let pos = n
      notEvicting[name] = 0
      cases.push({
        name,
        role: 'ours',
        run: (ops) => {
          const now = performance.now()
          for (let i = 0; i < ops; i++) {
            const ev = cells.ownSet(cell, ring[pos]!, pos, now, HOUR)
            if (ev === undefined) notEvicting[name]!++
            pos = pos + 1 === R ? 0 : pos + 1
          }
        }
      })
    }
    {
      const name = 'ours: ref.modify(LruTtl.set(k, v, now, ttl))() (pure, plain Ref)'
      const ref = Ref.make(LruTtl.empty<number>(n))
      for (let i = 0; i < n; i++) ref.modify(LruTtl.set(ring[i]!, i, t0, HOUR))()
      let pos = n
      notEvicting[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          const now = performance.now()
          for (let i = 0; i < ops; i++) {
            const ev = ref.modify(LruTtl.set(ring[pos]!, pos, now, HOUR))()
            if (ev._tag === 'None') notEvicting[name]!++
            pos = pos + 1 === R ? 0 : pos + 1
          }
        }
      })
    }
    {
      const name = 'ours: LruTtl.set(t, k, v, now, ttl), version in a local'
      let t: Version = LruTtl.empty<number>(n)
      for (let i = 0; i < n; i++) t = LruTtl.set(t, ring[i]!, i, t0, HOUR)[1]
      let pos = n
      notEvicting[name] = 0
      cases.push({
        name,
        role: 'info',
        run: (ops) => {
          const now = performance.now()
          let v = t
          for (let i = 0; i < ops; i++) {
            const r = LruTtl.set(v, ring[pos]!, pos, now, HOUR)
            v = r[1]
            if (r[0]._tag === 'None') notEvicting[name]!++
            pos = pos + 1 === R ? 0 : pos + 1
          }
          t = v
        }
      })
    }
    let lruSize: () => number = () => n
    if (peers.lruCache !== undefined) {
      const name = G2_LRU
      const lru = new peers.lruCache.LRUCache<string, number>({ max: n, ttl: HOUR })
      for (let i = 0; i < n; i++) lru.set(ring[i]!, i)
      lruSize = () => lru.size
      let pos = n
      cases.push({
        name,
        role: 'peer',
        run: (ops) => {
          for (let i = 0; i < ops; i++) {
            lru.set(ring[pos]!, pos)
            pos = pos + 1 === R ? 0 : pos + 1
          }
        }
      })
    }
    if (peers.mnemonist !== undefined) {
      const name = 'mnemonist LRUMap set (no TTL)'
      const m = new peers.mnemonist.LRUMap<string, number>(n)
      for (let i = 0; i < n; i++) m.set(ring[i]!, i)
      let pos = n
      cases.push({
        name,
        role: 'peer',
        run: (ops) => {
          for (let i = 0; i < ops; i++) {
            m.set(ring[pos]!, pos)
            pos = pos + 1 === R ? 0 : pos + 1
          }
        }
      })
    }

    return {
      pass: timed(cases, cfg),
      data: (): MeasureData => ({ notEvicting: { ...notEvicting }, lruSize: lruSize() })
    }
  }
})

// -------------------------------------------------------------------------------------
// G3: mixed 90% get / 10% set, zipf 0.99
// -------------------------------------------------------------------------------------

const G3_OURS = 'ours: ownGet/ownSet(cell, ...), the internal cell (as MemoryStore)'
const G3_LRU = 'lru-cache get/set (ttl set)'

type HitRatios = Record<string, { hits: number; gets: number; ratio: number }>
const hitsOf = (d: MeasureData, name: string): number | undefined => (d.hitRatio as HitRatios)[name]?.hits

const g3 = (cfg: Config, peers: Peers): MeasureSpec => ({
  id: 'G3',
  title: `store mixed 90% get / 10% set, zipf 0.99 over ${cfg.mixedKeys.toLocaleString('en-US')} keys, 10k entries`,
  unit: 'ns/op',
  reference: peers.lruCache === undefined ? undefined : G3_LRU,
  goals: [
    {
      id: 'G3',
      text: 'ours <= 1.0x lru-cache, identical hit ratio',
      ours: G3_OURS,
      versus: G3_LRU,
      kind: 'ratio',
      threshold: 1.0,
      requires: (data) => {
        const ok =
          data.length > 0 &&
          data.every((d) => hitsOf(d, G3_OURS) !== undefined && hitsOf(d, G3_OURS) === hitsOf(d, G3_LRU))
        return {
          ok,
          detail: `hits ${data.map((d) => hitsOf(d, G3_OURS)).join('/')} vs lru-cache ${data
            .map((d) => hitsOf(d, G3_LRU) ?? 'n/a')
            .join('/')}`
        }
      }
    }
  ],
  notes: [
    `One stream of ${cfg.mixedOps.toLocaleString(
      'en-US'
    )} operations (10% sets) drawn once with a fixed seed; every contender runs the same stream, cycling.`,
    'Hit ratio: each contender runs the whole stream once from empty (untimed); an exact LRU must get exactly the same hits as lru-cache.'
  ],
  summarize: (data) => {
    if (data.length === 0) return []
    const first = data[0]!.hitRatio as HitRatios
    const stable = data.every((d) => JSON.stringify(d.hitRatio) === JSON.stringify(first))
    return [
      ...Object.entries(first).map(
        ([k, h]) =>
          `hit ratio ${h.ratio.toFixed(6)} (${h.hits.toLocaleString('en-US')} of ${h.gets.toLocaleString(
            'en-US'
          )} gets): ${k}` +
          (k !== G3_LRU && first[G3_LRU] !== undefined
            ? first[G3_LRU]!.hits === h.hits
              ? '  = lru-cache'
              : '  DIFFERS from lru-cache'
            : '')
      ),
      stable ? `the same hits in every process (${data.length})` : 'the hits DIFFER between processes'
    ]
  },
  build: () => {
    const cap = CAPACITY
    const keys = makeKeys('z', cfg.mixedKeys)
    const stream = zipfStream(cfg.mixedKeys, 0.99, cfg.mixedOps, 0.1, 0x5eed)
    const sk = stream.keys
    const isSet = stream.isSet
    const L = cfg.mixedOps
    interface Counted extends Case {
      readonly counts: { hits: number; gets: number }
    }
    const cases: Array<Counted> = []

    {
      const cell = cells.ownRef<number>(cap)
      const counts = { hits: 0, gets: 0 }
      let pos = 0
      cases.push({
        name: G3_OURS,
        role: 'ours',
        counts,
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          let gets = 0
          for (let i = 0; i < ops; i++) {
            const k = keys[sk[pos]!]!
            if (isSet[pos] === 1) {
              cells.ownSet(cell, k, pos, now, HOUR)
            } else {
              gets++
              if (cells.ownGet(cell, k, now) !== MISS) hits++
            }
            pos = pos + 1 === L ? 0 : pos + 1
          }
          counts.hits += hits
          counts.gets += gets
        }
      })
    }
    {
      const ref = Ref.make(LruTtl.empty<number>(cap))
      const counts = { hits: 0, gets: 0 }
      let pos = 0
      cases.push({
        name: 'ours: ref.modify(LruTtl.get/set(...))() (pure, plain Ref)',
        role: 'info',
        counts,
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          let gets = 0
          for (let i = 0; i < ops; i++) {
            const k = keys[sk[pos]!]!
            if (isSet[pos] === 1) {
              ref.modify(LruTtl.set(k, pos, now, HOUR))()
            } else {
              gets++
              if (isSome(ref.modify(LruTtl.get(k, now))())) hits++
            }
            pos = pos + 1 === L ? 0 : pos + 1
          }
          counts.hits += hits
          counts.gets += gets
        }
      })
    }
    {
      let t: Version = LruTtl.empty<number>(cap)
      const counts = { hits: 0, gets: 0 }
      let pos = 0
      cases.push({
        name: 'ours: LruTtl.get/set(t, ...), version in a local',
        role: 'info',
        counts,
        run: (ops) => {
          const now = performance.now()
          let hits = 0
          let gets = 0
          let v = t
          for (let i = 0; i < ops; i++) {
            const k = keys[sk[pos]!]!
            if (isSet[pos] === 1) {
              v = LruTtl.set(v, k, pos, now, HOUR)[1]
            } else {
              gets++
              const r = LruTtl.get(v, k, now)
              v = r[1]
              if (r[0]._tag === 'Some') hits++
            }
            pos = pos + 1 === L ? 0 : pos + 1
          }
          t = v
          counts.hits += hits
          counts.gets += gets
        }
      })
    }
    if (peers.lruCache !== undefined) {
      const lru = new peers.lruCache.LRUCache<string, number>({ max: cap, ttl: HOUR })
      const counts = { hits: 0, gets: 0 }
      let pos = 0
      cases.push({
        name: 'lru-cache get/set (ttl set)',
        role: 'peer',
        counts,
        run: (ops) => {
          let hits = 0
          let gets = 0
          for (let i = 0; i < ops; i++) {
            const k = keys[sk[pos]!]!
            if (isSet[pos] === 1) {
              lru.set(k, pos)
            } else {
              gets++
              if (lru.get(k) !== undefined) hits++
            }
            pos = pos + 1 === L ? 0 : pos + 1
          }
          counts.hits += hits
          counts.gets += gets
        }
      })
    }
    if (peers.mnemonist !== undefined) {
      const m = new peers.mnemonist.LRUMap<string, number>(cap)
      const counts = { hits: 0, gets: 0 }
      let pos = 0
      cases.push({
        name: 'mnemonist LRUMap get/set (no TTL)',
        role: 'peer',
        counts,
        run: (ops) => {
          let hits = 0
          let gets = 0
          for (let i = 0; i < ops; i++) {
            const k = keys[sk[pos]!]!
            if (isSet[pos] === 1) {
              m.set(k, pos)
            } else {
              gets++
              if (m.get(k) !== undefined) hits++
            }
            pos = pos + 1 === L ? 0 : pos + 1
          }
          counts.hits += hits
          counts.gets += gets
        }
      })
    }

    // the hit-ratio pass: every contender runs the whole stream once from empty, untimed; this also warms it up
    const hitRatio: Record<string, { hits: number; gets: number; ratio: number }> = {}
    for (const c of cases) {
      c.run(L)
      hitRatio[c.name] = { hits: c.counts.hits, gets: c.counts.gets, ratio: c.counts.hits / c.counts.gets }
    }
    return { pass: timed(cases, cfg), data: (): MeasureData => ({ hitRatio }) }
  }
})

export const storeMeasures = (cfg: Config, peers: Peers): ReadonlyArray<MeasureSpec> => [
  g1(cfg, peers),
  g2(cfg, peers),
  g3(cfg, peers)
]
