import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as CE from '../lib/CacheError'
import type { CacheError } from '../lib/CacheError'
import * as KC from '../lib/KeyCodec'
import { invalidateAfter, invalidateAfterAsync } from '../lib/invalidateAfter'
import { withCache, withCacheAsync } from '../lib/withCache'
import { jsonStore } from './util/jsonStore'
import { deferred, failedTasks, flush, writeRace, writeRow, writeRowTE } from './util/writeRace'
import type { Outcome, Row } from './util/writeRace'

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

  describe("on: 'settled': a write whose answer is lost may have changed the row", () => {
    it.each(failedTasks)("%s invalidates the key, and the caller gets the write's own error", async (_, write) => {
      const { cache, getName } = setup()
      await getName(1)()
      const r = await invalidateAfter(cache, { on: 'settled' })(write)(1, 'Bea')()
      expect(E.isLeft(r)).toBe(true)
      expect(await cache.get(1)()).toEqual(E.right(O.none))
    })

    it('the Promise form: a rejection or a throw invalidates, and the caller gets that very error', async () => {
      const cache = Cache.unsafeMake({ name: 'name', codec: t.string, key: KC.struct({ id: KC.int }) })
      const boom = new Error('connection reset')
      const writes = [async (_: { id: number }) => Promise.reject(boom), (_: { id: number }): void => { throw boom }]
      for (const write of writes) {
        await cache.set('Ann', { id: 1 })()
        await expect(invalidateAfterAsync(cache, { on: 'settled' })(write)({ id: 1 })).rejects.toBe(boom)
        expect(await cache.get({ id: 1 })()).toEqual(E.right(O.none))
      }
    })

    it('the caller gets the error only after the invalidation has returned', async () => {
      const gate = deferred<void>()
      const store = jsonStore({ latency: (label) => (label.startsWith('delete') ? gate.promise : Promise.resolve()) })
      const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int), store })
      await cache.set('Ann', 1)()
      let settled = false
      const call = invalidateAfter(cache, { on: 'settled' })((_id: number) => TE.left('timeout'))(1)().then((r) => {
        settled = true
        return r
      })
      await flush()
      expect(settled).toBe(false) // the delete is still on its way
      gate.resolve()
      expect(await call).toEqual(E.left('timeout'))
      expect(await cache.get(1)()).toEqual(E.right(O.none))
    })

    it('a key that cannot be encoded still fails the call before the write runs', async () => {
      const { cache } = setup()
      let writes = 0
      const r = await invalidateAfter(cache, { on: 'settled' })((_id: number) => TE.fromIO(() => void writes++))(-0.5)()
      expect(E.isLeft(r) && r.left._tag).toBe('KeyEncodeFailure')
      expect(writes).toBe(0)
    })
  })

  describe('a key from the result (keyFrom)', () => {
    const insertName = (db: Map<number, string>, name: string, id = db.size + 1): number => (db.set(id, name), id)

    it('an INSERT ... RETURNING id invalidates the key of the id it returns', async () => {
      const { db, cache, getName, loads } = setup()
      expect(await getName(2)()).toEqual(E.right('?')) // a reader cached the missing row
      const insert = invalidateAfter(cache, { keyFrom: (id: number) => [id] })((name: string) => TE.fromIO(() => insertName(db, name)))
      expect(await insert('Bea')()).toEqual(E.right(2))
      expect(await getName(2)()).toEqual(E.right('Bea'))
      expect(loads()).toBe(2)
    })

    it('keyFrom gets the arguments too', async () => {
      const { db, cache } = setup()
      await cache.set('old', 12)()
      const insert = invalidateAfterAsync(cache, { keyFrom: (row: { id: number }, shard: number) => [row.id * 10 + shard] })(
        async (shard: number, name: string) => ({ id: insertName(db, name, 1), shard })
      )
      expect(await insert(2, 'Bea')).toEqual({ id: 1, shard: 2 })
      expect(await cache.get(12)()).toEqual(E.right(O.none))
    })

    it('a key that cannot be encoded fails the call after the write: a Left, or a rejection whose cause is the KeyEncodeFailure', async () => {
      const { db, cache } = setup()
      const te = invalidateAfter(cache, { keyFrom: (id: number) => [id] })((name: string) => TE.fromIO(() => insertName(db, name, 1.5)))
      const r = await te('Bea')()
      expect(E.isLeft(r) && r.left._tag).toBe('KeyEncodeFailure')
      expect(db.get(1.5)).toBe('Bea') // the write happened
      const p = invalidateAfterAsync(cache, { keyFrom: (id: number) => [id] })(async (name: string) => insertName(db, name, 2.5))
      const rejected = await p('Cy').catch((e: unknown) => e)
      expect(rejected).toBeInstanceOf(Error)
      expect((rejected as Error).message).toBe('cannot encode key: at $[0] expected a safe integer, got 2.5')
      expect((rejected as Error).cause).toEqual(CE.keyEncodeFailure('$[0]', 2.5, 'a safe integer'))
      expect(db.get(2.5)).toBe('Cy')
    })

    it('a keyFrom (of a JavaScript caller) that answers something else than a list of key arguments fails the call after the write', async () => {
      const { cache } = setup()
      const keyFrom = ((id: number) => (id === 1 ? id : null)) as unknown as (id: number) => readonly [number]
      const write = invalidateAfterAsync(cache, { keyFrom })(async (id: number) => id)
      for (const id of [1, 2]) {
        await expect(write(id)).rejects.toMatchObject({ cause: { _tag: 'KeyEncodeFailure', path: '$', actual: id === 1 ? 1 : null } })
      }
    })

    it('a keyFrom that throws fails the call: an UnexpectedError, or a rejection with what it threw', async () => {
      const { cache } = setup()
      const boom = new Error('no id')
      const keyFrom = (_: unknown): readonly [number] => {
        throw boom
      }
      expect(await invalidateAfter(cache, { keyFrom })(() => TE.right(1))()()).toEqual(E.left(CE.unexpectedError(boom)))
      await expect(invalidateAfterAsync(cache, { keyFrom })(async () => 1)()).rejects.toBe(boom)
    })

    it('a failed write has no result, so no key: nothing is invalidated, and its error is answered', async () => {
      const { cache, getName } = setup()
      await getName(1)()
      const insert = invalidateAfter(cache, { keyFrom: (id: number) => [id] })((_: string) => TE.left<string, number>('duplicate'))
      expect(await insert('Ann')()).toEqual(E.left('duplicate'))
      expect(await cache.get(1)()).toEqual(E.right(O.some('Ann')))
    })
  })

  it('a store failure while invalidating does not fail the call: it is reported as a StoreFailure event', async () => {
    const events: Array<Cache.CacheEvent> = []
    const store = jsonStore()
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int), store, onEvent: (e) => events.push(e) })
    ;(cache.store as unknown as { failing: { value: boolean } }).failing.value = true
    expect(await invalidateAfter(cache)((_id: number) => TE.right('written'))(1)()).toEqual(E.right('written'))
    expect(events.map((e) => e._tag)).toEqual(['Invalidate', 'StoreFailure'])
  })

  describe('options are checked when the combinator is made', () => {
    const cache = Cache.unsafeMake({ name: 'name', codec: t.string, args: KC.tuple(KC.int) })
    const cases: ReadonlyArray<[unknown, string]> = [
      [{ on: 'always' }, `invalidateAfter: on: expected 'success' or 'settled', got "always"`],
      [{ on: true, keyFrom: 'id' }, "invalidateAfter: on: expected 'success' or 'settled', got true; keyFrom: expected a function, got \"id\""],
      [{ entity: () => 0 }, 'invalidateAfter: entity: unknown option (known options: on, keyFrom)'],
      [{ on: 'settled', keyFrom: () => [1] }, "invalidateAfter: on: 'settled' needs the key before the write, from the arguments; keyFrom takes it from the result, which a failed write does not have"],
      ['settled', 'invalidateAfter: options: expected an object, got "settled"']
    ]
    it.each(cases)('%j: %s', (options, message) => {
      expect(() => invalidateAfter(cache, options as never)).toThrow(new TypeError(message))
      expect(() => invalidateAfterAsync(cache, options as never)).toThrow(new TypeError(message.replace('invalidateAfter', 'invalidateAfterAsync')))
    })

    it('an options object of undefined fields is the default', async () => {
      const { cache: c, getName } = setup()
      await getName(1)()
      expect(await invalidateAfter(c, { on: undefined })((_id: number) => TE.left('x'))(1)()).toEqual(E.left('x'))
      expect(await c.get(1)()).toEqual(E.right(O.some('Ann')))
    })
  })

  describe('law 7 under races: once a write has returned, no read answers an older row', () => {
    it("on: 'success' (the default): writes that commit, and writes refused", async () => {
      await writeRace((cache) => invalidateAfterAsync(cache)((_k: number, outcome: Outcome, row: Row) => writeRow(outcome, row)).bind(null, 0), {
        outcomes: ['ok', 'refused'],
        lostIsCovered: false
      })
    })

    it("on: 'settled': a write whose answer is lost invalidates too", async () => {
      await writeRace((cache) => {
        const write = invalidateAfter(cache, { on: 'settled' })((_k: number, outcome: Outcome, row: Row) => writeRowTE(outcome, row))
        return (outcome, row) => write(0, outcome, row)()
      }, { outcomes: ['ok', 'lost', 'refused'], lostIsCovered: true })
    })

    it('keyFrom: the key of the row the write returns', async () => {
      await writeRace((cache) => {
        const write = invalidateAfterAsync(cache, { keyFrom: (v: number) => [v - v] })(writeRow)
        return (outcome, row) => write(outcome, row)
      }, { outcomes: ['ok', 'refused'], lostIsCovered: false })
    })
  })
})

// -------------------------------------------------------------------------------------
// types: this part must compile, and each `@ts-expect-error` must be an error
// -------------------------------------------------------------------------------------

type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false
const assertType = <T extends true>(): T => true as T
const byObject = Cache.unsafeMake({ name: 'u', codec: t.string, key: KC.struct({ userId: KC.int }) })
const byArgs = Cache.unsafeMake({ name: 'u', codec: t.string, args: KC.tuple(KC.int, KC.string) })

const settledWrite = invalidateAfter(byArgs, { on: 'settled' })((id: number, region: string, _x: boolean) => TE.right(id + region))
assertType<Equals<typeof settledWrite, (id: number, region: string, _x: boolean) => TaskEither<CacheError, string>>>()
const insertTE = invalidateAfter(byArgs, { keyFrom: (id: number) => [id, 'eu'] })((name: string) => TE.right(name.length))
assertType<Equals<typeof insertTE, (name: string) => TaskEither<CacheError, number>>>()
const insertP = invalidateAfterAsync(byObject, { keyFrom: (row: { id: number }) => [{ userId: row.id }] })(async (_: { name: string }) => ({ id: 1, extra: true }))
assertType<Equals<typeof insertP, (_: { name: string }) => Promise<{ id: number; extra: boolean }>>>()
const withArgs = invalidateAfter(byArgs, { keyFrom: (id: number, input: { region: string }) => [id, input.region] })((_: { region: string }, _n: number) => TE.right(3))
assertType<Equals<typeof withArgs, (_: { region: string }, _n: number) => TaskEither<CacheError, number>>>()
// @ts-expect-error the write's result must be what keyFrom takes
invalidateAfter(byArgs, { keyFrom: (id: number) => [id, 'eu'] })((name: string) => TE.right(name))
// @ts-expect-error the write's arguments must start with what keyFrom takes
invalidateAfter(byArgs, { keyFrom: (id: number, input: { region: string }) => [id, input.region] })((_input: number) => TE.right(3))
// @ts-expect-error keyFrom answers the cache's key arguments
invalidateAfter(byArgs, { keyFrom: (id: number) => [id] })
const settledFromResult = () =>
  // @ts-expect-error a key from the result cannot be had after a failed write
  invalidateAfter(byArgs, { on: 'settled', keyFrom: (id: number) => [id, 'eu'] })

describe('invalidateAfter types', () => {
  it('compile as asserted above; the combination the types refuse is refused at run time too', () => {
    expect(settledFromResult).toThrow(TypeError)
  })
})
