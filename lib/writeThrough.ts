/**
 * `writeThrough(cache)(f)`: after the write `f` succeeds, the entity it returns is stored for the key made from
 * `f`'s arguments, with the cache's `set`, so the next read is a hit without reading the row again. The `set` fences
 * the loads of that key in flight: a load that read the old row before the write cannot overwrite the new one
 * (law 7).
 *
 * Options (the second argument, checked when the combinator is made: a bad field is a `TypeError` naming it):
 * - `entity: (result) => entity`: takes the entity out of what `f` returns (a row inside a reply, say); without
 *   it, `f` returns the entity itself. The caller always gets `f`'s own result.
 * - `keyFrom: (result, ...args) => keyArgs`: the key comes from `f`'s result (an `INSERT ... RETURNING *`), as in
 *   `invalidateAfter`. It is encoded after `f` succeeded: a key that cannot be encoded (or a `keyFrom` that throws)
 *   fails the call although the write happened, and nothing is stored.
 * - `on: 'settled'`: after a failed write (a `Left`, a throw, a rejection: its answer is lost and the row may have
 *   changed) there is no entity to store, so the entry is invalidated; the caller gets `f`'s own error once that
 *   has returned. Not with `keyFrom` (a failed write has no result to take the key from).
 *
 * What is stored is what the write returned, so:
 * - An entity that fails the cache's codec is not stored: the write happened, so the caller still gets `f`'s
 *   result; the cache reports an `InvalidValue` event (and counts it in `invalidValues`) and invalidates the key, so
 *   no stale entry stays. An `entity` that throws fails the call (after invalidating the key).
 * - When two writes of one key overlap in time (through any write-side combinator of this cache), their answers may
 *   come back in another order than the database applied them, so the one that answers last stores nothing: it
 *   invalidates the key (and so what the other may have stored), and the next read loads the row. Writes made by
 *   other processes are not seen.
 * - A store failure while storing does not fail the call: it is reported as a `StoreFailure` event and the key
 *   invalidated. With `disabled: true` nothing is stored; with `ttl: 0` the key is invalidated.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Cache } from './Cache'
import type { KeyFromResult, WriteApi, WriteCombinators, WriteOptions } from './invalidateAfter'
import { writeCombinator } from './invalidateAfter'
import type { Engine } from './internal/engine'
import * as WriteSide from './internal/writeSide'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The option that takes the entity out of a write's result `R`.
 *
 * @category model
 * @since 0.2.0
 */
export interface EntityFrom<A, R> {
  readonly entity: (result: R) => A
}

/**
 * The type of `writeThrough` (`F` is `'TaskEither'`) and of `writeThroughAsync` (`'Promise'`): with `entity` the
 * entity is taken from the write's result, else the result is the entity; with `keyFrom` the key comes from the
 * result, else from the arguments.
 *
 * @category model
 * @since 0.2.0
 */
export interface WriteThrough<F extends WriteApi> {
  <A, Args extends ReadonlyArray<unknown>, R, Q extends ReadonlyArray<unknown>>(
    cache: Cache<A, Args>,
    options: KeyFromResult<Args, R, Q> & EntityFrom<A, R>
  ): WriteCombinators<Q, R>[F]
  <A, Args extends ReadonlyArray<unknown>, Q extends ReadonlyArray<unknown>>(
    cache: Cache<A, Args>,
    options: KeyFromResult<Args, A, Q>
  ): WriteCombinators<Q, A>[F]
  <A, Args extends ReadonlyArray<unknown>, R>(cache: Cache<A, Args>, options: WriteOptions & EntityFrom<A, R>): WriteCombinators<Args, R>[F]
  <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>, options?: WriteOptions): WriteCombinators<Args, A>[F]
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const known = ['on', 'keyFrom', 'entity'] as const

/** Stores the entity of a write that succeeded, or invalidates its key when it cannot. */
const writesThrough = (engine: Engine<unknown>, options: WriteSide.Resolved) => {
  const pick = options.entity ?? ((result: unknown) => result)
  const invalidate = (key: string) => WriteSide.invalidate(engine, key)
  const store = ({ key, result, overlapped }: WriteSide.Written<unknown>): Promise<void> => {
    if (overlapped) return invalidate(key)
    let entity: unknown
    try {
      entity = pick(result)
    } catch (e) {
      return invalidate(key).then(() => Promise.reject(e))
    }
    return engine.setByKey(entity, key).then((r) => {
      if (E.isRight(r)) return
      // an InvalidValue is already reported by `set`
      if (r.left._tag !== 'InvalidValue') engine.storeFailed(r.left)
      return invalidate(key)
    })
  }
  return { succeeded: store, failed: invalidate }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Stores the entity a write returning a `TaskEither` answers, for the key of its arguments (or, with `keyFrom`,
 * of its result); with `on: 'settled'` a failed write invalidates the key.
 *
 * @example
 * import { Cache, KeyCodec, writeThrough, withCache } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const User = t.type({ id: t.number, name: t.string })
 * type User = t.TypeOf<typeof User>
 * const db = new Map<number, User>()
 * const users = Cache.unsafeMake({ name: 'user', codec: User, args: KeyCodec.tuple(KeyCodec.int) })
 * let reads = 0
 * const getUser = withCache(users)((id: number) => TE.fromIO(() => (reads++, db.get(id) ?? { id, name: '?' })))
 * // UPDATE users SET name = $2 WHERE id = $1 RETURNING *
 * const rename = writeThrough(users)((id: number, name: string) => TE.fromIO(() => {
 *   db.set(id, { id, name })
 *   return { id, name }
 * }))
 * // INSERT INTO users (name) VALUES ($1) RETURNING *: the key is in the row, the reply wraps it
 * const insert = writeThrough(users, {
 *   entity: (reply: { row: User; rowCount: number }) => reply.row,
 *   keyFrom: (reply: { row: User }) => [reply.row.id]
 * })((name: string) => TE.fromIO(() => {
 *   const row = { id: db.size + 1, name }
 *   db.set(row.id, row)
 *   return { row, rowCount: 1 }
 * }))
 *
 * async function main() {
 *   await rename(1, 'Ann')()
 *   assert.deepStrictEqual(await users.get(1)(), E.right(O.some({ id: 1, name: 'Ann' })))
 *   assert.deepStrictEqual(await insert('Bea')(), E.right({ row: { id: 2, name: 'Bea' }, rowCount: 1 }))
 *   assert.deepStrictEqual(await getUser(2)(), E.right({ id: 2, name: 'Bea' }))
 *   assert.strictEqual(reads, 0)
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const writeThrough = writeCombinator('writeThrough', 'TaskEither', known, writesThrough) as WriteThrough<'TaskEither'>

/**
 * Stores the entity a write returning a `Promise` or a plain value answers, as `writeThrough` does; the result is a
 * `Promise` that rejects with the write's own error, and with an `Error` whose `cause` is the `KeyEncodeFailure`
 * when the key cannot be encoded (before the write with a key from the arguments, after it with `keyFrom`).
 *
 * @example
 * import { Cache, CacheEvent, KeyCodec, writeThroughAsync } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const User = t.type({ id: t.number, name: t.string })
 * const seen: Array<CacheEvent.CacheEvent['_tag']> = []
 * const users = Cache.unsafeMake({
 *   name: 'user',
 *   codec: User,
 *   key: KeyCodec.struct({ id: KeyCodec.int }),
 *   onEvent: (e) => seen.push(e._tag)
 * })
 * const rename = writeThroughAsync(users)(async ({ id, name }: { id: number; name: string }) => ({ id, name }))
 * // a write whose reply does not fit the codec: it happened, so its result comes back; nothing is cached
 * const broken = writeThroughAsync(users)(async ({ id }: { id: number }): Promise<t.TypeOf<typeof User>> =>
 *   JSON.parse(`{"id":${id},"name":null}`)
 * )
 *
 * async function main() {
 *   assert.deepStrictEqual(await rename({ id: 1, name: 'Ann' }), { id: 1, name: 'Ann' })
 *   assert.deepStrictEqual(await users.get({ id: 1 })(), E.right(O.some({ id: 1, name: 'Ann' })))
 *   assert.deepStrictEqual(await broken({ id: 1 }), { id: 1, name: null })
 *   assert.deepStrictEqual(await users.get({ id: 1 })(), E.right(O.none))
 *   assert.deepStrictEqual(seen, ['Set', 'Hit', 'InvalidValue', 'Invalidate', 'Miss'])
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const writeThroughAsync = writeCombinator('writeThroughAsync', 'Promise', known, writesThrough) as WriteThrough<'Promise'>
