/**
 * Tags (law 13): `invalidateTags` makes every entry carrying one of its tags a miss, and keeps out the values of the
 * loads that began before it; entries of other tags, and loads begun after, are kept. On the memory store, the JSON
 * test store (in order, and with scheduled latency), through both the plain and the freshness path.
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as Clock from '../lib/Clock'
import * as KC from '../lib/KeyCodec'
import * as MemoryStore from '../lib/MemoryStore'
import type { StoreFactory } from '../lib/Store'
import { withCache, withCacheAsync, withCacheAsyncOutcome } from '../lib/withCache'
import { jsonStore } from './util/jsonStore'
import { mapStore } from './util/mapStore'

const Row = t.type({ id: t.number, group: t.string, v: t.number })
type Row = t.TypeOf<typeof Row>

const rows = (store: StoreFactory, config: Cache.BaseOptions<Row>['config'] = {}) =>
  Cache.unsafeMake({ name: 'rows', codec: Row, key: KC.int, store, clock: Clock.manual(), config, tags: (row: Row) => [`group:${row.group}`] })

const stores = (schedule?: (label: string) => Promise<unknown>): ReadonlyArray<readonly [string, StoreFactory]> => [
  ['memory', MemoryStore.make],
  ['JSON, in order', jsonStore()],
  ...(schedule === undefined ? [] : [['JSON, scheduled latency', jsonStore({ latency: schedule })] as const])
]

describe('law 13: tags', () => {
  for (const windows of [{}, { staleWhileRevalidate: 1000, ttl: 5000 }]) {
    const path = 'ttl' in windows ? 'freshness path' : 'plain path'
    it(`after invalidateTags, no cached value is older than the last write of its group (race, ${path})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.record({ id: fc.integer({ min: 0, max: 3 }), write: fc.boolean() }), { minLength: 1, maxLength: 20 }),
          fc.integer({ min: 0, max: 2 }),
          async (s, jobs, which) => {
            const [, store] = stores((label) => s.schedule(Promise.resolve(), label))[which] as readonly [string, StoreFactory]
            const db = new Map<number, Row>([0, 1, 2, 3].map((id) => [id, { id, group: id % 2 === 0 ? 'even' : 'odd', v: 0 }]))
            const cache = rows(store, windows)
            // the loader reads the row when it begins, and answers later: a write meanwhile makes its value old
            const load = withCacheAsync(cache)((id: number) => {
              const row = db.get(id) as Row
              return s.schedule(Promise.resolve(row), `load ${id} v${row.v}`)
            })
            const write = async (id: number): Promise<void> => {
              const row = db.get(id) as Row
              db.set(id, { ...row, v: row.v + 1 })
              expect(await cache.invalidateTags([`group:${row.group}`])()).toEqual(E.right(undefined))
            }
            const done = jobs.map((j, i) => s.schedule(Promise.resolve(), `arrive ${i}`).then(async () => void (j.write ? await write(j.id) : await load(j.id))))
            await s.waitFor(Promise.all(done))
            await s.waitFor(
              Promise.all(
                [0, 1, 2, 3].map(async (id) => {
                  const cached = await s.waitFor(cache.get(id)())
                  if (E.isRight(cached) && O.isSome(cached.right)) expect(cached.right.value).toEqual(db.get(id))
                })
              )
            )
            expect(cache.inFlight()).toBe(0)
          }
        ),
        { numRuns: 200 }
      )
    })
  }

  for (const [name, store] of stores()) {
    it(`an invalidated tag drops its entries and keeps the others (${name})`, async () => {
      const cache = rows(store)
      const load = withCacheAsync(cache)((id: number) => ({ id, group: id % 2 === 0 ? 'even' : 'odd', v: 1 }))
      await Promise.all([0, 1, 2, 3].map((id) => load(id)))
      expect(await cache.invalidateTags(['group:even'])()).toEqual(E.right(undefined))
      expect(await Promise.all([0, 1, 2, 3].map((id) => cache.get(id)().then((r) => E.map((o: O.Option<Row>) => O.isSome(o))(r))))).toEqual([
        E.right(false),
        E.right(true),
        E.right(false),
        E.right(true)
      ])
      expect(await cache.invalidateTags(['group:none'])()).toEqual(E.right(undefined))
      expect(await cache.get(1)()).toEqual(E.right(O.some({ id: 1, group: 'odd', v: 1 })))
    })

    it(`set writes through with the value's tags, as new as the write (${name})`, async () => {
      const cache = rows(store)
      expect(await cache.invalidateTags(['group:odd'])()).toEqual(E.right(undefined))
      expect(await cache.set({ id: 1, group: 'odd', v: 9 }, 1)()).toEqual(E.right(undefined))
      expect(await cache.get(1)()).toEqual(E.right(O.some({ id: 1, group: 'odd', v: 9 })))
      await cache.invalidateTags(['group:odd'])()
      expect(await cache.get(1)()).toEqual(E.right(O.none))
    })
  }

  it('a load that began before invalidateTags is answered, and not stored; the next call loads again', async () => {
    const cache = rows(MemoryStore.make)
    let release: (row: Row) => void = () => undefined
    let calls = 0
    const load = withCacheAsync(cache)((_id: number) => {
      calls++
      return new Promise<Row>((resolve) => (release = resolve))
    })
    const first = load(2)
    await cache.invalidateTags(['group:even'])()
    release({ id: 2, group: 'even', v: 1 })
    expect(await first).toEqual({ id: 2, group: 'even', v: 1 })
    expect(await cache.get(2)()).toEqual(E.right(O.none))
    const second = load(2)
    release({ id: 2, group: 'even', v: 2 })
    expect(await second).toEqual({ id: 2, group: 'even', v: 2 })
    expect(calls).toBe(2)
    expect(await cache.get(2)()).toEqual(E.right(O.some({ id: 2, group: 'even', v: 2 })))
  })

  it('hands the tags function the call\'s arguments, on every API (a prefix is a tag)', async () => {
    const seen: Array<ReadonlyArray<unknown>> = []
    const cache = Cache.unsafeMake({
      name: 'byArgs',
      codec: t.string,
      args: KC.tuple(KC.string, KC.int),
      tags: (value: string, tenant: string, id: number) => {
        seen.push([value, tenant, id])
        return [`tenant:${tenant}`]
      }
    })
    const plain = withCache(cache)((tenant: string, id: number) => () => Promise.resolve(E.right(`${tenant}/${id}`)))
    const outcome = withCacheAsyncOutcome(cache)((tenant: string, id: number) => `${tenant}/${id}`)
    await plain('acme', 1)()
    await outcome('acme', 2)
    expect(seen).toEqual([
      ['acme/1', 'acme', 1],
      ['acme/2', 'acme', 2]
    ])
    await cache.invalidateTags(['tenant:acme'])()
    expect(await cache.get('acme', 1)()).toEqual(E.right(O.none))

    const single: Array<unknown> = []
    const one = Cache.unsafeMake({ name: 'one', codec: t.number, key: KC.int, tags: (n: number, id: number) => (single.push(id), [`n:${n}`]) })
    await withCacheAsync(one)((id: number) => id * 2)(21)
    await withCacheAsyncOutcome(one)((id: number) => id * 2)(5)
    expect(single).toEqual([21, 5])
  })

  it('a tags function that throws: the caller gets the value, nothing is stored, the failure is reported', async () => {
    const events: Array<string> = []
    const cache = Cache.unsafeMake({
      name: 'throws',
      codec: t.number,
      key: KC.int,
      onEvent: (e) => void events.push(e._tag),
      tags: () => {
        throw new Error('no tags today')
      }
    })
    expect(await withCacheAsync(cache)((n: number) => n + 1)(1)).toBe(2)
    expect(await cache.get(1)()).toEqual(E.right(O.none))
    expect(events).toContain('StoreFailure')
    expect(E.isLeft(await cache.set(3, 3)())).toBe(true)
  })

  it('rejects a tags option that is not a function, and tags on a store without them, naming the field', () => {
    const bad = Cache.make({ name: 'bad', codec: t.number, key: KC.int, tags: 'group' as never })
    const fields = (r: typeof bad) => (E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields.map((f) => f.field) : [])
    expect(fields(bad)).toEqual(['tags'])
    expect(fields(Cache.make({ name: 'map', codec: t.number, key: KC.int, store: mapStore, tags: () => [] }))).toEqual(['tags'])
  })

  it('invalidateTags on a store without tags answers an InvalidConfig naming store', async () => {
    const cache = Cache.unsafeMake({ name: 'map', codec: t.number, key: KC.int, store: mapStore })
    const r = await cache.invalidateTags(['x'])()
    expect(E.isLeft(r) && r.left._tag === 'InvalidConfig' ? r.left.fields[0]?.field : r).toBe('store')
  })

  it('the memory store remembers at most maxTags invalidated tags; older tagged entries then count as stale', async () => {
    const store = MemoryStore.make<number>({ maxSize: 0, clock: Clock.manual(), maxTags: 4 })
    const since = store.tags.clockSync?.()
    store.setSync('old', 1, undefined, { tags: ['kept'], since })
    store.setSync('plain', 2)
    await store.tags.invalidate(['t1', 't2', 't3', 't4', 't5'])()
    expect(store.getSync('old')).toEqual(O.none) // the table was trimmed past a version newer than its load
    expect(store.getSync('plain')).toEqual(O.some(2)) // an entry without tags is never stale by a tag
    store.setSync('new', 3, undefined, { tags: ['kept'], since: store.tags.clockSync?.() })
    expect(store.getSync('new')).toEqual(O.some(3))
  })
})
