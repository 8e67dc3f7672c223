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
    for (const [k, ttl] of [['a', 5], ['b', undefined], ['c', 1]] as const) await store.set(k, k.charCodeAt(0), ttl)()
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
})
