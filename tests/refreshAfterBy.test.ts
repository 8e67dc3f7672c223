import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as KC from '../lib/KeyCodec'
import { refreshAfterBy, refreshAfterByAsync } from '../lib/refreshAfterBy'
import { withCache, withCacheAsync } from '../lib/withCache'

describe('refreshAfterBy', () => {
  it('invalidates then reloads through the cached getter: the cache holds the new value when the write returns', async () => {
    const db = new Map<number, string>([[1, 'Ann']])
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
    let loads = 0
    const getName = withCache(cache)((id: number) => TE.fromIO(() => (loads++, db.get(id) ?? '?')))
    const rename = refreshAfterBy(cache, getName)((id: number, name: string) => TE.fromIO(() => (db.set(id, name), 'ok')))
    await getName(1)()
    expect(await rename(1, 'Bea')()).toEqual(E.right('ok'))
    expect(await cache.get(1)()).toEqual(E.right(O.some('Bea')))
    expect(await getName(1)()).toEqual(E.right('Bea'))
    expect(loads).toBe(2)
  })

  it('a failed refresh does not fail the write: it is reported and the entry stays invalidated', async () => {
    const events: Array<Cache.CacheEvent> = []
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }), onEvent: (e) => events.push(e) })
    await cache.set('Ann', { id: 1 })()
    const getName = withCacheAsync(cache)(async (_: { id: number }): Promise<string> => {
      throw new Error('read replica down')
    })
    const rename = refreshAfterByAsync(cache, getName)(async (_: { id: number; name: string }) => 'written')
    expect(await rename({ id: 1, name: 'Bea' })).toBe('written')
    expect(await cache.get({ id: 1 })()).toEqual(E.right(O.none))
    expect(events).toContainEqual({ _tag: 'RefreshFailure', key: '{id:1}', error: new Error('read replica down') })
  })

  it('a failed write neither invalidates nor refreshes', async () => {
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
    await cache.set('Ann', 1)()
    let refreshed = 0
    const getName = withCache(cache)((_id: number) => TE.fromIO(() => (refreshed++, 'new')))
    const rename = refreshAfterBy(cache, getName)((_id: number) => TE.left('rejected'))
    expect(await rename(1)()).toEqual(E.left('rejected'))
    expect(refreshed).toBe(0)
    expect(await cache.get(1)()).toEqual(E.right(O.some('Ann')))
  })

  it('the Promise form rejects with the original error', async () => {
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }) })
    const getName = withCacheAsync(cache)(async ({ id }: { id: number }) => `n${id}`)
    const boom = new Error('boom')
    const rename = refreshAfterByAsync(cache, getName)((_: { id: number }): string => {
      throw boom
    })
    await expect(rename({ id: 1 })).rejects.toBe(boom)
  })
})
