import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as Clock from '../lib/Clock'
import * as LruTtl from '../lib/LruTtl'
import * as _ from '../lib/MemoryStore'

describe('MemoryStore', () => {
  it('follows the store contract: set/get/delete/clear, per-entry ttl, lazy expiry', async () => {
    const clock = Clock.manual(10)
    const store = _.make<string>({ maxSize: 0, clock })
    await store.set('a', 'A')()
    await store.set('b', 'B', 50)()
    expect(await store.get('a')()).toEqual(E.right(O.some('A')))
    clock.advance(49)()
    expect(await store.get('b')()).toEqual(E.right(O.some('B')))
    clock.advance(1)()
    expect(await store.get('b')()).toEqual(E.right(O.none))
    expect(await store.delete('a')()).toEqual(E.right(undefined))
    expect(await store.delete('missing')()).toEqual(E.right(undefined))
    expect(await store.get('a')()).toEqual(E.right(O.none))
    await store.set('c', 'C')()
    await store.clear()
    expect(await store.size?.()).toEqual(E.right(0))
  })

  it('getSync agrees with get, entry by entry and through expiry', async () => {
    const clock = Clock.manual()
    const store = _.make<number>({ maxSize: 3, clock })
    for (const [k, ttl] of [
      ['a', 5],
      ['b', undefined],
      ['c', 1]
    ] as const)
      await store.set(k, k.charCodeAt(0), ttl)()
    for (let step = 0; step < 7; step++) {
      for (const k of ['a', 'b', 'c', 'd']) expect(E.right(store.getSync?.(k))).toEqual(await store.get(k)())
      clock.advance(1)()
    }
  })

  it('evicts the least recently used entry and reports its key', async () => {
    const evicted: Array<string> = []
    const store = _.make<number>({ maxSize: 2, clock: Clock.manual(), onEvict: (k) => evicted.push(k) })
    await store.set('a', 1)()
    await store.set('b', 2)()
    await store.get('a')()
    await store.set('c', 3)()
    expect(evicted).toEqual(['b'])
    expect(await store.size?.()).toEqual(E.right(2))
  })

  it('hands out snapshots that later operations do not change (law 6)', async () => {
    const clock = Clock.manual()
    const store = _.make<number>({ maxSize: 2, clock })
    await store.set('a', 1)()
    const before = store.snapshot()
    await store.set('b', 2)()
    await store.set('c', 3)()
    await store.delete('a')()
    expect(LruTtl.peek('a', clock.now())(before)).toEqual(O.some(1))
    expect(LruTtl.keys(before)).toEqual(['a'])
    expect(LruTtl.keys(store.snapshot())).toEqual(['c', 'b'])
  })

  it('answers as the pure structure would, with snapshots taken and kept at random points (laws 4, 5, 6)', () => {
    type Cmd =
      | { readonly op: 'get' | 'delete'; readonly key: string }
      | { readonly op: 'set'; readonly key: string; readonly ttl: number | undefined }
      | { readonly op: 'snapshot' | 'clear' | 'size' }
      | { readonly op: 'advance'; readonly dt: number }
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e')
    const cmd: fc.Arbitrary<Cmd> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key }) },
      {
        weight: 5,
        arbitrary: fc.record({ op: fc.constant('set' as const), key, ttl: fc.constantFrom(undefined, 1, 3) })
      },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constantFrom('snapshot' as const, 'clear' as const, 'size' as const) })
      },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), dt: fc.constantFrom(0, 1, 2) }) }
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(cmd, { maxLength: 80 }), (maxSize, cmds) => {
        const clock = Clock.manual()
        const evicted: Array<string> = []
        const store = _.make<number>({ maxSize, clock, onEvict: (k) => evicted.push(k) })
        let t = LruTtl.empty<number>(maxSize)
        const kept: Array<readonly [LruTtl.LruTtl<number | _.TaggedValue<number>>, LruTtl.LruTtl<number>]> = []
        cmds.forEach((c, step) => {
          const now = clock.now()
          switch (c.op) {
            case 'get': {
              const [r, t1] = LruTtl.get(t, c.key, now)
              expect(store.getSync!(c.key)).toEqual(r)
              t = t1
              break
            }
            case 'set': {
              const [e, t1] = LruTtl.set(t, c.key, step, now, c.ttl)
              evicted.length = 0
              void store.set(c.key, step, c.ttl)()
              expect(evicted).toEqual(O.isSome(e) ? [e.value[0]] : [])
              t = t1
              break
            }
            case 'delete':
              void store.delete(c.key)()
              t = LruTtl.remove(t, c.key)[1]
              break
            case 'clear':
              void store.clear()
              t = LruTtl.clear(t)
              break
            case 'size':
              expect(LruTtl.size(store.snapshot())).toBe(LruTtl.size(t))
              break
            case 'snapshot':
              kept.push([store.snapshot(), t])
              break
            case 'advance':
              clock.advance(c.dt)()
              break
          }
        })
        const now = clock.now()
        for (const [snapshot, expected] of [...kept, [store.snapshot(), t] as const]) {
          expect(LruTtl.keys(snapshot)).toEqual(LruTtl.keys(expected))
          expect(LruTtl.entries(snapshot, now)).toEqual(LruTtl.entries(expected, now))
        }
      }),
      { numRuns: 500 }
    )
  })
})
