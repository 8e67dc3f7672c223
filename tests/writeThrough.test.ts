import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import * as CE from '../lib/CacheError'
import type { CacheError } from '../lib/CacheError'
import * as KC from '../lib/KeyCodec'
import type { StoreFactory } from '../lib/Store'
import * as WritesInFlight from '../lib/internal/writesInFlight'
import { withCache, withCacheAsync } from '../lib/withCache'
import { writeThrough, writeThroughAsync } from '../lib/writeThrough'
import { jsonStore } from './util/jsonStore'
import { deferred, failedTasks, flush, writeRace, writeRow, writeRowTE } from './util/writeRace'
import type { Outcome, Row } from './util/writeRace'

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>

const setup = (store?: StoreFactory) => {
  const events: Array<Cache.CacheEvent> = []
  const db = new Map<number, User>([[1, { id: 1, name: 'Ann' }]])
  const users = Cache.unsafeMake({
    name: 'user',
    codec: User,
    args: KC.tuple(KC.int),
    onEvent: (e) => events.push(e),
    ...(store === undefined ? {} : { store })
  })
  let reads = 0
  const getUser = withCache(users)((id: number) => TE.fromIO(() => (reads++, db.get(id) ?? { id, name: '?' })))
  const save = (id: number, name: string): User => {
    db.set(id, { id, name })
    return { id, name }
  }
  return { events, db, users, getUser, save, reads: () => reads }
}

const tags = (events: ReadonlyArray<Cache.CacheEvent>) => events.map((e) => e._tag)

describe('writeThrough', () => {
  it('stores the entity the write returns: the next read is a hit, the row is not read again', async () => {
    const { users, getUser, save, reads } = setup()
    await getUser(1)()
    const rename = writeThrough(users)((id: number, name: string) => TE.fromIO(() => save(id, name)))
    expect(await rename(1, 'Bea')()).toEqual(E.right({ id: 1, name: 'Bea' }))
    expect(await getUser(1)()).toEqual(E.right({ id: 1, name: 'Bea' }))
    expect(reads()).toBe(1)
  })

  it('the Promise form does the same, and keeps the name of the write', async () => {
    const { users, save } = setup()
    const rename = writeThroughAsync(users)(async function rename(id: number, name: string) {
      return save(id, name)
    })
    expect(rename.name).toBe('rename')
    expect(await rename(2, 'Cy')).toEqual({ id: 2, name: 'Cy' })
    expect(await users.get(2)()).toEqual(E.right(O.some({ id: 2, name: 'Cy' })))
  })

  it('entity takes the entity out of the result; the caller gets the whole result', async () => {
    const { users, save } = setup()
    const rename = writeThrough(users, { entity: (reply: { row: User; rowCount: number }) => reply.row })(
      (id: number, name: string) => TE.right({ row: save(id, name), rowCount: 1 })
    )
    expect(await rename(1, 'Bea')()).toEqual(E.right({ row: { id: 1, name: 'Bea' }, rowCount: 1 }))
    expect(await users.get(1)()).toEqual(E.right(O.some({ id: 1, name: 'Bea' })))
  })

  describe('a key from the result (keyFrom)', () => {
    it('an INSERT ... RETURNING *: the key is made from the returned row, the arguments need not hold it', async () => {
      const { users, db, getUser, reads } = setup()
      const insert = writeThroughAsync(users, { keyFrom: (row) => [row.id] })(async (name: string) => {
        const row = { id: db.size + 1, name }
        db.set(row.id, row)
        return row
      })
      expect(await insert('Dee')).toEqual({ id: 2, name: 'Dee' })
      expect(await getUser(2)()).toEqual(E.right({ id: 2, name: 'Dee' }))
      expect(reads()).toBe(0)
    })

    it('keyFrom sees the arguments too, and works with entity', async () => {
      const { users } = setup()
      const insert = writeThrough(users, {
        entity: (reply: { name: string; newId: number }) => ({ id: reply.newId, name: reply.name }),
        keyFrom: (reply: { newId: number }, input: { name: string }) => [reply.newId + input.name.length - 3]
      })((input: { name: string }) => TE.right({ name: input.name, newId: 7 }))
      expect(await insert({ name: 'Eve' })()).toEqual(E.right({ name: 'Eve', newId: 7 }))
      expect(await users.get(7)()).toEqual(E.right(O.some({ id: 7, name: 'Eve' })))
    })

    it('a key that cannot be encoded fails the call after the write: a Left, or a rejection with the KeyEncodeFailure as cause', async () => {
      const { users, db, events } = setup()
      const insert = (name: string) => {
        const row = { id: 0.5, name }
        db.set(row.id, row)
        return row
      }
      const te = writeThrough(users, { keyFrom: (row) => [row.id] })((name: string) => TE.fromIO(() => insert(name)))
      const r = await te('Fay')()
      expect(E.isLeft(r) && r.left._tag).toBe('KeyEncodeFailure')
      expect(db.get(0.5)).toEqual({ id: 0.5, name: 'Fay' }) // the write happened
      const p = writeThroughAsync(users, { keyFrom: (row) => [row.id] })(async (name: string) => insert(name))
      await expect(p('Gus')).rejects.toMatchObject({ cause: { _tag: 'KeyEncodeFailure', path: '$[0]', actual: 0.5 } })
      expect(db.get(0.5)).toEqual({ id: 0.5, name: 'Gus' })
      expect(tags(events)).toEqual([])
    })

    it('a keyFrom that throws fails the call: an UnexpectedError, or a rejection with what it threw', async () => {
      const { users } = setup()
      const boom = new Error('no id in the reply')
      const keyFrom = (): readonly [number] => {
        throw boom
      }
      const r = await writeThrough(users, { keyFrom })((_: string) => TE.right({ id: 1, name: 'x' }))('x')()
      expect(r).toEqual(E.left(CE.unexpectedError(boom)))
      await expect(writeThroughAsync(users, { keyFrom })(async (_: string) => ({ id: 1, name: 'x' }))('x')).rejects.toBe(boom)
    })

    it('a failed write has no result: nothing is stored, the write error is answered', async () => {
      const { users, getUser } = setup()
      await getUser(1)()
      const insert = writeThrough(users, { keyFrom: (row) => [row.id] })((_: string) => TE.left<string, User>('duplicate'))
      expect(await insert('x')()).toEqual(E.left('duplicate'))
      expect(await users.get(1)()).toEqual(E.right(O.some({ id: 1, name: 'Ann' })))
    })
  })

  describe('an entity the codec refuses', () => {
    it('the write happened: the caller gets its result; an InvalidValue is reported and the key invalidated', async () => {
      const { users, getUser, events } = setup()
      await getUser(1)()
      events.length = 0
      const broken = writeThroughAsync(users)(async (id: number): Promise<User> => JSON.parse(`{"id":${id},"name":null}`))
      expect(await broken(1)).toEqual({ id: 1, name: null })
      expect(await users.get(1)()).toEqual(E.right(O.none)) // the old row is not served any more
      expect(tags(events)).toEqual(['InvalidValue', 'Invalidate', 'Miss'])
      expect((await users.stats()).invalidValues).toBe(1)
    })

    it('an entity that throws fails the call, after invalidating the key', async () => {
      const { users, getUser } = setup()
      await getUser(1)()
      const boom = new Error('no row in the reply')
      const entity = (_: { rows: ReadonlyArray<User> }): User => {
        throw boom
      }
      const r = await writeThrough(users, { entity })((_id: number) => TE.right({ rows: [] }))(1)()
      expect(r).toEqual(E.left(CE.unexpectedError(boom)))
      expect(await users.get(1)()).toEqual(E.right(O.none))
      await getUser(1)()
      await expect(writeThroughAsync(users, { entity })(async (_id: number) => ({ rows: [] }))(1)).rejects.toBe(boom)
      expect(await users.get(1)()).toEqual(E.right(O.none))
    })
  })

  describe('a failed write', () => {
    it("by default stores nothing and removes nothing", async () => {
      const { users, getUser } = setup()
      await getUser(1)()
      const rename = writeThrough(users)((_id: number) => TE.left<string, User>('conflict'))
      expect(await rename(1)()).toEqual(E.left('conflict'))
      expect(await users.get(1)()).toEqual(E.right(O.some({ id: 1, name: 'Ann' })))
    })

    it.each(failedTasks)("with on: 'settled', %s invalidates the key; the caller gets the write's error", async (_, write) => {
      const { users, getUser } = setup()
      await getUser(1)()
      const r = await writeThrough(users, { on: 'settled' })(write)(1)()
      expect(E.isLeft(r)).toBe(true)
      expect(await users.get(1)()).toEqual(E.right(O.none))
    })

    it("with on: 'settled', a rejected Promise or a throw invalidates the key and rejects with the write's own error", async () => {
      const { users, getUser } = setup()
      const boom = new Error('connection reset')
      for (const write of [async (_id: number): Promise<User> => Promise.reject(boom), (_id: number): User => { throw boom }]) {
        await getUser(1)()
        await expect(writeThroughAsync(users, { on: 'settled' })(write)(1)).rejects.toBe(boom)
        expect(await users.get(1)()).toEqual(E.right(O.none))
      }
    })
  })

  describe('law 7: the set fences the loads of its key in flight', () => {
    it('a load that read the old row before the write cannot overwrite the entity the write stored', async () => {
      const { users, db, save } = setup()
      const gate = deferred<void>()
      const slowGet = withCacheAsync(users)(async (id: number) => {
        const seen = db.get(id) ?? { id, name: '?' } // reads before the write
        await gate.promise
        return seen
      })
      const reading = slowGet(1)
      await flush()
      expect(users.inFlight()).toBe(1)
      await writeThroughAsync(users)(async (id: number, name: string) => save(id, name))(1, 'Bea')
      gate.resolve()
      expect(await reading).toEqual({ id: 1, name: 'Ann' }) // its caller gets what it read
      expect(await users.get(1)()).toEqual(E.right(O.some({ id: 1, name: 'Bea' }))) // but it is not stored
      expect(await slowGet(1)).toEqual({ id: 1, name: 'Bea' }) // a hit
    })

    it('two writes of one key whose answers cross: neither answer is trusted, the key is invalidated', async () => {
      const { users, getUser, reads } = setup()
      const answers = [deferred<User>(), deferred<User>()]
      const rename = writeThroughAsync(users)((_id: number, i: number) => (answers[i] as ReturnType<typeof deferred<User>>).promise)
      const first = rename(1, 0) // the database applies this one first ...
      const second = rename(1, 1) // ... then this one
      answers[1]?.resolve({ id: 1, name: 'second' }) // but the answers come back the other way
      expect(await second).toEqual({ id: 1, name: 'second' })
      answers[0]?.resolve({ id: 1, name: 'first' })
      expect(await first).toEqual({ id: 1, name: 'first' })
      expect(await users.get(1)()).toEqual(E.right(O.none))
      expect(await getUser(1)()).toEqual(E.right({ id: 1, name: 'Ann' })) // the row as the database has it
      expect(reads()).toBe(1)
      // a write after them stores again
      await rename(1, 0)
      expect(await users.get(1)()).toEqual(E.right(O.some({ id: 1, name: 'first' })))
    })

    it('a write with a key from its result that answers during another write of that key is not trusted either', async () => {
      const { users } = setup()
      const update = deferred<User>()
      const byArgs = writeThroughAsync(users)((_id: number) => update.promise)
      const byResult = writeThroughAsync(users, { keyFrom: (row) => [row.id] })(async (name: string) => ({ id: 1, name }))
      const first = byArgs(1)
      expect(await byResult('upsert')).toEqual({ id: 1, name: 'upsert' })
      update.resolve({ id: 1, name: 'update' })
      await first
      expect(await users.get(1)()).toEqual(E.right(O.none))
    })

    it("race property (on: 'settled', keys from the arguments): no read answers a row older than a returned write; the cache ends empty or current", async () => {
      await writeRace((cache) => {
        const wrapped = writeThroughAsync(cache, { on: 'settled' })((_k: number, outcome: Outcome, row: Row) => writeRow(outcome, row))
        return (outcome, row) => wrapped(0, outcome, row)
      }, { outcomes: ['ok', 'ok', 'lost', 'refused'], lostIsCovered: true })
    })

    it('race property (keys from the result, TaskEither)', async () => {
      await writeRace((cache) => {
        // every version is a row of key 0
        const wrapped = writeThrough(cache, { keyFrom: (v: number) => [v - v] })(writeRowTE)
        return (outcome, row) => wrapped(outcome, row)()
      }, { outcomes: ['ok', 'ok', 'refused'], lostIsCovered: false })
    })
  })

  it('writes in flight: the later of two overlapping writes of a key always sees it, and nothing else is seen', () => {
    const write = fc.record({ key: fc.constantFrom('a', 'b'), keyed: fc.boolean(), from: fc.nat(12), to: fc.nat(12) })
    fc.assert(
      fc.property(fc.array(write, { minLength: 1, maxLength: 8 }), (writes) => {
        // each write starts, then answers; events in time order (ties by position)
        const events = writes
          .flatMap((w, i) => [
            { at: Math.min(w.from, w.to) * 2, i, answer: false },
            { at: Math.max(w.from, w.to) * 2 + 1, i, answer: true }
          ])
          .sort((x, y) => x.at - y.at || x.i - y.i)
        const span = writes.map((_, i) => [events.findIndex((e) => e.i === i), events.findIndex((e) => e.i === i && e.answer)] as const)
        const inFlight = WritesInFlight.make()
        const answers: Array<(() => boolean) | undefined> = []
        const saw: Array<boolean> = []
        for (const { i, answer } of events) {
          const w = writes[i]!
          if (!answer) {
            const unkeyed = w.keyed ? undefined : inFlight.unkeyed()
            answers[i] = w.keyed ? inFlight.keyed(w.key) : () => (unkeyed as (key: string) => boolean)(w.key)
          } else saw[i] = (answers[i] as () => boolean)()
        }
        const overlaps = (i: number, j: number) =>
          writes[i]!.key === writes[j]!.key && span[i]![0] < span[j]![1] && span[j]![0] < span[i]![1]
        writes.forEach((_, i) => {
          const others = writes.map((__, j) => j).filter((j) => j !== i && overlaps(i, j))
          if (others.some((j) => span[j]![1] < span[i]![1])) expect(saw[i]).toBe(true) // it answered last
          if (others.length === 0) expect(saw[i]).toBe(false)
        })
        expect(inFlight.size()).toBe(0)
      }),
      { numRuns: 500 }
    )
  })

  describe('stores', () => {
    it('a store that fails the set: the call succeeds, the failure is reported, the key invalidated', async () => {
      const failingSet: StoreFactory = (ctx) => {
        const s = jsonStore()(ctx)
        return { ...s, set: () => TE.left(CE.storeFailure('set', new Error('read-only replica'))) }
      }
      const { users, events, save } = setup(failingSet)
      const rename = writeThroughAsync(users)(async (id: number, name: string) => save(id, name))
      expect(await rename(1, 'Bea')).toEqual({ id: 1, name: 'Bea' })
      expect(tags(events)).toEqual(['StoreFailure', 'Invalidate'])
    })

    it('disabled: nothing is stored; ttl 0: nothing is kept', async () => {
      for (const config of [{ disabled: true }, { ttl: 0 }]) {
        const users = Cache.unsafeMake({ name: 'user', codec: User, args: KC.tuple(KC.int), config })
        expect(await writeThroughAsync(users)(async (id: number) => ({ id, name: 'x' }))(1)).toEqual({ id: 1, name: 'x' })
        expect(await users.get(1)()).toEqual(E.right(O.none))
      }
    })
  })

  describe('options are checked when the combinator is made', () => {
    const users = Cache.unsafeMake({ name: 'user', codec: User, args: KC.tuple(KC.int) })
    const cases: ReadonlyArray<[unknown, string]> = [
      [{ on: 'always' }, `writeThrough: on: expected 'success' or 'settled', got "always"`],
      [{ entity: 'row' }, 'writeThrough: entity: expected a function, got "row"'],
      [{ keyFrom: 3, entyty: () => 0 }, 'writeThrough: entyty: unknown option (known options: on, keyFrom, entity); keyFrom: expected a function, got 3'],
      [{ on: 'settled', keyFrom: () => [1] }, "writeThrough: on: 'settled' needs the key before the write, from the arguments; keyFrom takes it from the result, which a failed write does not have"],
      [null, 'writeThrough: options: expected an object, got null']
    ]
    it.each(cases)('%j: %s', (options, message) => {
      expect(() => writeThrough(users, options as never)).toThrow(new TypeError(message))
      expect(() => writeThroughAsync(users, options as never)).toThrow(new TypeError(message.replace('writeThrough', 'writeThroughAsync')))
    })
  })
})

// -------------------------------------------------------------------------------------
// types: this part must compile, and each `@ts-expect-error` must be an error
// -------------------------------------------------------------------------------------

type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false
const assertType = <T extends true>(): T => true as T
const byObject = Cache.unsafeMake({ name: 'u', codec: User, key: KC.struct({ userId: KC.int }) })
const byArgs = Cache.unsafeMake({ name: 'u', codec: User, args: KC.tuple(KC.int, KC.string) })

const plain = writeThrough(byArgs)((id: number, region: string, _patch: object) => TE.right({ id, name: region }))
assertType<Equals<typeof plain, (id: number, region: string, _patch: object) => TaskEither<CacheError, { id: number; name: string }>>>()
// @ts-expect-error without `entity` the write returns the entity
writeThrough(byArgs)((id: number, _region: string) => TE.right(id))
const picked = writeThrough(byArgs, { entity: (r: { row: User }) => r.row })((id: number, region: string) => TE.right({ row: { id, name: region }, n: 1 }))
assertType<Equals<typeof picked, (id: number, region: string) => TaskEither<CacheError, { row: { id: number; name: string }; n: number }>>>()
const fromRow = writeThroughAsync(byObject, { keyFrom: (u) => [{ userId: u.id }] })(async (name: string) => ({ id: 1, name }))
assertType<Equals<typeof fromRow, (name: string) => Promise<{ id: number; name: string }>>>()
const both = writeThroughAsync(byObject, { keyFrom: (r: { row: User }) => [{ userId: r.row.id }], entity: (r) => r.row })(async (name: string) => ({ row: { id: 1, name } }))
assertType<Equals<typeof both, (name: string) => Promise<{ row: { id: number; name: string } }>>>()
// @ts-expect-error keyFrom without entity takes the entity
writeThroughAsync(byObject, { keyFrom: (r: { row: User }) => [{ userId: r.row.id }] })
const settledFromResult = () =>
  // @ts-expect-error a key from the result cannot be had after a failed write
  writeThroughAsync(byObject, { on: 'settled', keyFrom: (u) => [{ userId: u.id }] })
const settled = writeThroughAsync(byObject, { on: 'settled' })(async (_: { userId: number; name: string }): Promise<User> => ({ id: 1, name: 'x' }))
assertType<Equals<typeof settled, (_: { userId: number; name: string }) => Promise<User>>>()
// @ts-expect-error a write keyed by its arguments starts with the key's arguments
writeThroughAsync(byArgs)(async (_region: string): Promise<User> => ({ id: 1, name: 'x' }))

describe('writeThrough types', () => {
  it('compile as asserted above; the combination the types refuse is refused at run time too', () => {
    expect(settledFromResult).toThrow(TypeError)
  })
})
