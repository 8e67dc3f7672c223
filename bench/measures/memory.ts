/**
 * G8: heap bytes per entry. Each sample builds one structure of N small entries (a short string key made
 * beforehand and kept outside, a small-integer value, ttl 1 h) between two full collections and divides the growth
 * of `heapUsed + arrayBuffers` (typed arrays live outside the JS heap) by N. Contenders alternate, the order
 * rotated each round.
 */
import { Clock, LruTtl, MemoryStore, Ref } from '../../lib'
import { blackhole, fullGc, gcExposed } from '../harness'
import type { Config, MeasureData, MeasureSpec, PassRow } from '../model'
import { HOUR } from '../model'
import type { Peers } from '../peers'
import type { Role } from '../harness'
import { makeKeys } from '../workloads'

interface HeapCase {
  readonly name: string
  readonly role: Role
  /** Builds the structure and returns it (and a size, to check it holds N entries). */
  readonly build: () => { readonly keep: unknown; readonly size: () => number }
}

const used = (): number => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const G8_OURS = 'ours: LruTtl behind a Ref'
const G8_LRU = 'lru-cache (ttl set)'

/** G8, or undefined when the process cannot force a GC. */
export const g8 = (cfg: Config, peers: Peers): MeasureSpec | undefined => {
  if (!gcExposed()) return undefined
  const N = cfg.heapEntries
  return {
    id: 'G8',
    title: `heap bytes per entry, ${N.toLocaleString('en-US')} small entries, TTL on`,
    unit: 'B/entry',
    reference: peers.lruCache === undefined ? undefined : G8_LRU,
    goals: [
      {
        id: 'G8',
        text: 'ours <= 1.0x lru-cache',
        ours: G8_OURS,
        versus: G8_LRU,
        kind: 'ratio',
        threshold: 1.0
      }
    ],
    notes: [
      'process.memoryUsage() heapUsed + arrayBuffers after a full GC, minus the same before building; keys are made beforehand and not counted; values are small integers.',
      'Each structure is bounded at N (so lru-cache allocates its typed arrays for N up front; ours grows by doubling up to N).'
    ],
    summarize: (data) => {
      const bad = data.flatMap((d) => Object.entries(d.wrongSize as Record<string, number>))
      return bad.length === 0
        ? [`every structure held ${N.toLocaleString('en-US')} entries`]
        : bad.map(([k, s]) => `${k}: held ${s}, not ${N}`)
    },
    build: () => {
      const keys = makeKeys('e', N)
      const cases: Array<HeapCase> = []
      cases.push({
        name: G8_OURS,
        role: 'ours',
        build: () => {
          const ref = Ref.make(LruTtl.empty<number>(N))
          const now = performance.now()
          for (let i = 0; i < N; i++) ref.modify(LruTtl.set(keys[i]!, i, now, HOUR))()
          return { keep: ref, size: () => LruTtl.size(ref.get()) }
        }
      })
      cases.push({
        name: 'ours: MemoryStore',
        role: 'info',
        build: () => {
          const store = MemoryStore.make<number>({ maxSize: N, clock: Clock.system })
          for (let i = 0; i < N; i++) void store.set(keys[i]!, i, HOUR)()
          return { keep: store, size: () => LruTtl.size(store.snapshot()) }
        }
      })
      if (peers.lruCache !== undefined) {
        const { LRUCache } = peers.lruCache
        cases.push({
          name: G8_LRU,
          role: 'peer',
          build: () => {
            const lru = new LRUCache<string, number>({ max: N, ttl: HOUR })
            for (let i = 0; i < N; i++) lru.set(keys[i]!, i)
            return { keep: lru, size: () => lru.size }
          }
        })
      }
      if (peers.mnemonist !== undefined) {
        const { LRUMap } = peers.mnemonist
        cases.push({
          name: 'mnemonist LRUMap (no TTL)',
          role: 'peer',
          build: () => {
            const m = new LRUMap<string, number>(N)
            for (let i = 0; i < N; i++) m.set(keys[i]!, i)
            return { keep: m, size: () => m.size }
          }
        })
      }
      cases.push({
        name: 'Map (floor: no recency, no TTL)',
        role: 'floor',
        build: () => {
          const m = new Map<string, number>()
          for (let i = 0; i < N; i++) m.set(keys[i]!, i)
          return { keep: m, size: () => m.size }
        }
      })

      const wrongSize: Record<string, number> = {}
      const sample = (c: HeapCase): number => {
        fullGc()
        const before = used()
        const built = c.build()
        fullGc()
        const after = used()
        const size = built.size()
        if (size !== N) wrongSize[c.name] = size
        blackhole.value += size + (built.keep === undefined ? 1 : 0)
        return (after - before) / N
      }

      const pass = async (): Promise<ReadonlyArray<PassRow>> => {
        const k = cases.length
        const samples: Array<Array<number>> = cases.map(() => [])
        for (let r = 0; r < cfg.heapSamples; r++) {
          for (let i = 0; i < k; i++) {
            const j = (i + r) % k
            samples[j]!.push(sample(cases[j]!))
          }
        }
        return cases.map((c, j) => ({ name: c.name, role: c.role, samples: samples[j]! }))
      }

      return { pass, data: (): MeasureData => ({ wrongSize: { ...wrongSize } }) }
    }
  }
}
