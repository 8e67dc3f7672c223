import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as KC from '../lib/KeyCodec'
import { invalidateAfter, invalidateAfterAsync } from '../lib/invalidateAfter'
import { withCache, withCacheAsync } from '../lib/withCache'

const setup = () => {
  const db = new Map<number, string>([[1, 'Ann']])
  const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
  let loads = 0
  const getName = withCache(cache)((id: number) =>
    TE.fromIO(() => {
      loads++
      return db.get(id) ?? '?'
    })
  )
  return { db, cache, getName, loads: () => loads }
}

describe('invalidateAfter', () => {
  it('removes the entry after the write succeeds; the next read loads the new value', async () => {
    const { db, cache, getName, loads } = setup()
    const rename = invalidateAfter(cache)((id: number, name: string) => TE.fromIO(() => void db.set(id, name)))
    expect(await getName(1)()).toEqual(E.right('Ann'))
    expect(await rename(1, 'Bea')()).toEqual(E.right(undefined))
    expect(await cache.get(1)()).toEqual(E.right(O.none))
    expect(await getName(1)()).toEqual(E.right('Bea'))
    expect(loads()).toBe(2)
  })

  it('a failed write removes nothing and keeps its error', async () => {
    const { cache, getName } = setup()
    const rename = invalidateAfter(cache)((_id: number, _name: string) => TE.left({ code: 409 }))
    await getName(1)()
    expect(await rename(1, 'Bea')()).toEqual(E.left({ code: 409 }))
    expect(await cache.get(1)()).toEqual(E.right(O.some('Ann')))
  })

  it('a write that throws becomes an UnexpectedError and removes nothing', async () => {
    const { cache, getName } = setup()
    const rename = invalidateAfter(cache)((_id: number): TE.TaskEither<never, void> => {
      throw new Error('bug')
    })
    await getName(1)()
    const r = await rename(1)()
    expect(E.isLeft(r) && r.left._tag).toBe('UnexpectedError')
    expect(await cache.get(1)()).toEqual(E.right(O.some('Ann')))
  })

  it('does not run the write when the key cannot be encoded', async () => {
    const { cache } = setup()
    let writes = 0
    const rename = invalidateAfter(cache)((_id: number) => TE.fromIO(() => void writes++))
    const r = await rename(0.5)()
    expect(E.isLeft(r) && r.left._tag).toBe('KeyEncodeFailure')
    expect(writes).toBe(0)
  })

  it('fences a read in flight during the write (law 7): the stale value is not written back', async () => {
    const db = new Map<number, string>([[1, 'Ann']])
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }) })
    let release: () => void = () => undefined
    const slowRead = withCacheAsync(cache)(async ({ id }: { id: number }) => {
      const seen = db.get(id) ?? '?' // reads before the write
      await new Promise<void>((resolve) => (release = resolve))
      return seen
    })
    const write = invalidateAfterAsync(cache)(async ({ id, name }: { id: number; name: string }) => {
      db.set(id, name)
    })
    const reading = slowRead({ id: 1 })
    while (cache.inFlight() === 0) await Promise.resolve()
    await write({ id: 1, name: 'Bea' })
    release()
    expect(await reading).toBe('Ann') // its caller still gets what it read
    expect(await cache.get({ id: 1 })()).toEqual(E.right(O.none)) // but it was not stored
    const again = slowRead({ id: 1 }) // a later load stores normally
    while (cache.inFlight() === 0) await Promise.resolve()
    release()
    expect(await again).toBe('Bea')
    expect(await cache.get({ id: 1 })()).toEqual(E.right(O.some('Bea')))
  })

  it('the Promise form rejects with the original error and keeps the entry', async () => {
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }) })
    await cache.set('Ann', { id: 1 })()
    const boom = new Error('conflict')
    const write = invalidateAfterAsync(cache)(async (_: { id: number; name: string }) => Promise.reject(boom))
    await expect(write({ id: 1, name: 'x' })).rejects.toBe(boom)
    expect(await cache.get({ id: 1 })()).toEqual(E.right(O.some('Ann')))
  })
})
