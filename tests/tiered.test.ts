/**
 * The tiered store: it keeps the store contract over any L2 (the test kit's laws), and its copies stay coherent:
 * a write or an invalidation in one process drops the other processes' copies (here, caches on a bus hub in one
 * process), a lost message leaves a copy stale for at most l1MaxTtl (F8), and a bus reset drops every copy.
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as Clock from '../lib/Clock'
import * as KC from '../lib/KeyCodec'
import * as MemoryStore from '../lib/MemoryStore'
import type { Store, StoreContext, StoreFactory } from '../lib/Store'
import * as Tiered from '../lib/Tiered'
import { busHub, describeLaws, storeLaws } from '../lib/testing'
import type { BusHub } from '../lib/testing'
import { withCacheAsync } from '../lib/withCache'
import { jsonStore, latentJsonStore } from './util/jsonStore'

const tiered = (options: Tiered.TieredOptions): StoreFactory => {
  const made = Tiered.make(options)
  if (E.isLeft(made)) throw new Error(JSON.stringify(made.left))
  return made.right
}

/** One L2 shared by every cache made with it (as processes share a Redis), counting its reads. */
const sharedL2 = () => {
  const clock = Clock.manual()
  let store: Store<unknown> | undefined
  const reads = { count: 0 }
  const factory: StoreFactory = <A>(ctx: StoreContext<A>) => {
    store ??= MemoryStore.make({ ...ctx, clock }) as Store<unknown>
    const s = store as Store<A>
    return { ...s, getEntry: (key: string) => (reads.count++, (s.getEntry as NonNullable<Store<A>['getEntry']>)(key)) }
  }
  return { factory, reads, clock }
}

/** A process: its own cache (and memory tier) over the shared L2, on its own bus of the hub. */
const processOn = (hub: BusHub, l2: StoreFactory, clock: Clock.ManualClock, l1MaxTtl = 1000) => {
  const bus = hub.bus()
  const cache = Cache.unsafeMake({ name: 'users', codec: t.string, key: KC.int, clock, store: tiered({ l2, bus, l1MaxTtl }) })
  return { bus, cache }
}

const l2s: ReadonlyArray<readonly [string, StoreFactory]> = [
  ['MemoryStore', MemoryStore.make],
  ['the JSON store', jsonStore()],
  ['the JSON store with latency and reordering', latentJsonStore(11)]
]

for (const [name, l2] of l2s) {
  describeLaws(
    `store laws (test kit): Tiered over ${name}`,
    // maxSize bounds the memory tier only (L2 keeps every entry), as it does on the Redis store
    storeLaws(tiered({ l2, bus: busHub().bus(), l1MaxTtl: 60_000 })).filter((law) => law.id !== 'maxSize'),
    { describe, it }
  )
}

describe('Tiered', () => {
  it('answers a copy without reading L2, and reads L2 once per key until the copy is dropped', async () => {
    const { factory, reads, clock } = sharedL2()
    const { cache } = processOn(busHub(), factory, clock)
    const load = withCacheAsync(cache)((id: number) => `user ${id}`)
    expect(await load(1)).toBe('user 1')
    const after = reads.count
    for (let i = 0; i < 5; i++) expect(await load(1)).toBe('user 1')
    expect(reads.count).toBe(after)
  })

  it('a write in one process drops the copies of the others; they read the new value', async () => {
    const hub = busHub()
    const { factory, clock } = sharedL2()
    const a = processOn(hub, factory, clock)
    const b = processOn(hub, factory, clock)
    await a.cache.set('v1', 1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('v1'))) // b now has a copy
    await a.cache.set('v2', 1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('v2')))
    await a.cache.invalidate(1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.none))
    await a.cache.set('v3', 1)()
    await b.cache.get(1)()
    await a.cache.clear()
    expect(await b.cache.get(1)()).toEqual(E.right(O.none))
    expect(a.bus.sent.map((m) => m._tag)).toEqual(['Invalidated', 'Invalidated', 'Invalidated', 'Invalidated', 'Cleared'])
  })

  it('F8: a lost message leaves another process\'s copy stale for at most l1MaxTtl', async () => {
    const hub = busHub()
    const { factory, clock } = sharedL2()
    const a = processOn(hub, factory, clock, 500)
    const b = processOn(hub, factory, clock, 500)
    await a.cache.set('old', 1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('old')))
    hub.drop(1)
    await a.cache.set('new', 1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('old'))) // stale: the message was lost
    clock.advance(499)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('old')))
    clock.advance(1)()
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('new')))
  })

  it('F8: a bus reset drops every copy, and no copy is kept or answered until the bus is back', async () => {
    const hub = busHub()
    const { factory, reads, clock } = sharedL2()
    const a = processOn(hub, factory, clock)
    const b = processOn(hub, factory, clock)
    await a.cache.set('old', 1)()
    await b.cache.get(1)()
    hub.cut(b.bus)
    await a.cache.set('new', 1)() // b does not hear this
    const before = reads.count
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('new')))
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('new')))
    expect(reads.count - before).toBe(2) // no copy kept while cut off
    hub.heal(b.bus)
    await b.cache.get(1)()
    const healed = reads.count
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('new')))
    expect(reads.count).toBe(healed) // copies again once subscribed
  })

  it('keeps no copy of an L2 read that an invalidation overtook', async () => {
    const hub = busHub()
    const { factory, clock } = sharedL2()
    let release: () => void = () => undefined
    const gate = { hold: false }
    // an L2 whose reads take effect at once and answer later, as a reply on its way does
    const slow: StoreFactory = <A>(ctx: StoreContext<A>) => {
      const s = factory(ctx)
      const getEntry = s.getEntry as NonNullable<Store<A>['getEntry']>
      return {
        ...s,
        getEntry: (key: string) => () => {
          const answer = getEntry(key)()
          return gate.hold ? new Promise<void>((r) => (release = r)).then(() => answer) : answer
        }
      }
    }
    const a = processOn(hub, slow, clock)
    const b = processOn(hub, slow, clock)
    await a.cache.set('old', 1)()
    gate.hold = true
    const reading = b.cache.get(1)() // b reads 'old'; the answer is on its way
    gate.hold = false
    await a.cache.set('new', 1)() // b hears it before its read answers
    release()
    expect(await reading).toEqual(E.right(O.some('old')))
    expect(await b.cache.get(1)()).toEqual(E.right(O.some('new'))) // the old value was not kept
  })

  it('tags: an invalidation in one process drops the tagged entries everywhere', async () => {
    const hub = busHub()
    const { factory, clock } = sharedL2()
    const make = () =>
      Cache.unsafeMake({ name: 'tagged', codec: t.string, key: KC.int, clock, tags: (v: string) => [v.split(':')[0] as string], store: tiered({ l2: factory, bus: hub.bus(), l1MaxTtl: 1000 }) })
    const a = make()
    const b = make()
    await withCacheAsync(a)((id: number) => `red:${id}`)(1)
    expect(await b.get(1)()).toEqual(E.right(O.some('red:1')))
    await a.invalidateTags(['red'])()
    expect(await b.get(1)()).toEqual(E.right(O.none))
  })

  it('rejects bad options, naming each field', () => {
    const r = Tiered.make({ l2: 'redis' as never, l1: 3 as never, l1MaxTtl: Infinity, bus: {} as never })
    expect(E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields.map((f) => f.field) : r).toEqual(['l2', 'l1', 'l1MaxTtl', 'bus'])
  })
})
