import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import type { CacheError } from '../lib/CacheError'
import * as KC from '../lib/KeyCodec'
import { refreshAfterBy, refreshAfterByAsync } from '../lib/refreshAfterBy'
import { withCache, withCacheAsync } from '../lib/withCache'
import { failedTasks, writeRace, writeRow, writeRowTE } from './util/writeRace'
import type { Outcome, Row } from './util/writeRace'

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

  describe("on: 'settled': a write whose answer is lost is followed by a refresh too", () => {
    it("a Left, a throw or a rejected task: invalidate, reload, then the caller gets the write's own error", async () => {
      for (const [, fail] of failedTasks) {
        const db = new Map<number, string>([[1, 'Ann']])
        const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
        const getName = withCache(cache)((id: number) => TE.fromIO(() => db.get(id) ?? '?'))
        await getName(1)()
        const rename = refreshAfterBy(cache, getName, { on: 'settled' })((id: number, name: string) => {
          db.set(id, name) // the row changed, then the answer was lost
          return fail()
        })
        const r = await rename(1, 'Bea')()
        expect(E.isLeft(r)).toBe(true)
        expect(await cache.get(1)()).toEqual(E.right(O.some('Bea')))
      }
    })

    it('the Promise form rejects with the very error, once the refresh has stored the new value', async () => {
      const db = new Map<number, string>([[1, 'Ann']])
      const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }) })
      const getName = withCacheAsync(cache)(async ({ id }: { id: number }) => db.get(id) ?? '?')
      const boom = new Error('connection reset')
      const rename = refreshAfterByAsync(cache, getName, { on: 'settled' })(async ({ id, name }: { id: number; name: string }) => {
        db.set(id, name)
        throw boom
      })
      await expect(rename({ id: 1, name: 'Bea' })).rejects.toBe(boom)
      expect(await cache.get({ id: 1 })()).toEqual(E.right(O.some('Bea')))
    })
  })

  it('options are checked when the combinator is made', () => {
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
    const getName = withCacheAsync(cache)((id: number) => `n${id}`)
    expect(() => refreshAfterByAsync(cache, getName, { on: 'sometimes' } as never)).toThrow(
      new TypeError(`refreshAfterByAsync: on: expected 'success' or 'settled', got "sometimes"`)
    )
    expect(() => refreshAfterBy(cache, () => TE.right('x'), { keyFrom: () => [1] } as never)).toThrow(
      new TypeError('refreshAfterBy: keyFrom: unknown option (known options: on)')
    )
  })

  describe('law 7 under races: once a write has returned, no read answers an older row', () => {
    it("on: 'success' (the default)", async () => {
      await writeRace((cache, getter) => {
        const write = refreshAfterBy(cache, getter)((_k: number, outcome: Outcome, row: Row) => writeRowTE(outcome, row))
        return (outcome, row) => write(0, outcome, row)()
      }, { outcomes: ['ok', 'refused'], lostIsCovered: false })
    })

    it("on: 'settled': a write whose answer is lost refreshes too", async () => {
      await writeRace((cache, getter) => {
        const getterAsync = (k: number) => getter(k)().then((r) => (E.isRight(r) ? r.right : Promise.reject(r.left)))
        const write = refreshAfterByAsync(cache, getterAsync, { on: 'settled' })((_k: number, outcome: Outcome, row: Row) => writeRow(outcome, row))
        return (outcome, row) => write(0, outcome, row)
      }, { outcomes: ['ok', 'lost', 'refused'], lostIsCovered: true })
    })
  })
})

// types: the options keep the combinator's types
const typedCache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
const typedRefresh = refreshAfterBy(typedCache, withCache(typedCache)((id: number) => TE.right(`n${id}`)), { on: 'settled' })(
  (_id: number, _name: string) => TE.right(1 as const)
)
const typedCheck: (id: number, name: string) => TE.TaskEither<CacheError, 1> = typedRefresh
void typedCheck
