/**
 * `withCacheBatch(cache)(loadMany)`: a function of many ids with its results cached per id. `loadMany` answers one
 * value per id, in order; the cached function answers the same, from the cache where it can:
 *
 * 1. Every id's key is looked up at once: in this process's memory store without waiting, on any other store in one
 *    round trip (`Store.getMany`, one `MGET` on Redis; a store without it is asked `get` per key, concurrently).
 * 2. Only the misses are loaded, in one call of `loadMany`, and each loaded value is stored as a single load's is
 *    (checked against the codec, fenced by an invalidation during the load, with the cache's ttl).
 * 3. A key that is loading already, by a single-key call of a `withCache*` function of the same cache or by
 *    another batch, is joined, not loaded again; a single-key call of a key this batch loads joins the batch's load.
 *    A batch never waits for the keys it joined before its own load, so batches of overlapping keys never wait on
 *    each other. On a store shared by processes (the Redis store), the misses are led across processes first, without
 *    waiting: a key another process loads at that moment is left out of the call and waits for that process's value
 *    (loaded alone, in a second call, if that load fails), so two processes' batches never wait on each other either.
 *
 * A call fails when `loadMany` fails for a key it needs (nothing is cached, law 3), with the first failure among its
 * ids in order; an answer of the wrong length is an `UnexpectedError` naming both lengths, and nothing is stored.
 * Store failures fail open as elsewhere. An id given twice is loaded once.
 *
 * A cache with `staleWhileRevalidate`, `staleIfError`, `refreshAhead`, an `errorPolicy` or a `timeout` cannot be
 * batched yet: `withCacheBatch` throws a `TypeError` when it is given one (a ttl function of the value is fine).
 *
 * @since 0.4.0
 */
import { left } from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError, KeyEncodeFailure } from './CacheError'
import { batches } from './internal/batch'
import { engineOf } from './internal/engine'
import { named, reject, runAsync, runTaskEither } from './internal/run'

/** The batch calls of a cache and the key of an id; a cache that cannot be batched is a `TypeError` naming `combinator`. */
const batchOf = <A, K>(cache: Cache<A, readonly [K]>, combinator: string) => {
  const engine = engineOf<A>(cache, combinator)
  const ctx = engine.batchContext
  if (ctx === undefined) {
    throw new TypeError(
      `${combinator}: cache "${cache.name}" has freshness windows, an error policy or a timeout, which batches do not serve yet`
    )
  }
  const { keyOfArg, keyOfArgs } = engine
  const keyOf = keyOfArg ?? ((id: unknown) => keyOfArgs([id]))
  /** The key of every id, or the first that cannot be encoded. */
  const keysOf = (ids: ReadonlyArray<K>): Array<string> | KeyEncodeFailure => {
    const keys = new Array<string>(ids.length)
    for (let i = 0; i < ids.length; i++) {
      const key = keyOf(ids[i])
      if (typeof key !== 'string') return key
      keys[i] = key
    }
    return keys
  }
  return { batch: batches(ctx), keysOf }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Caches a function of many ids returning a `TaskEither` of one value per id. Its error type gains `CacheError`: a
 * `KeyEncodeFailure` when an id cannot be encoded (`loadMany` does not run), an `UnexpectedError` when `loadMany`
 * throws, rejects or answers the wrong number of values, an `InvalidValue` for a value that fails the codec.
 *
 * @example
 * import { Cache, KeyCodec, withCacheBatch } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int })
 * const asked: Array<ReadonlyArray<number>> = []
 * const squaresOf = withCacheBatch(squares)((ns: ReadonlyArray<number>) => {
 *   asked.push(ns)
 *   return TE.right(ns.map((n) => n * n))
 * })
 *
 * async function main() {
 *   assert.deepStrictEqual(await squaresOf([2, 3])(), E.right([4, 9]))
 *   assert.deepStrictEqual(await squaresOf([3, 4, 2])(), E.right([9, 16, 4]))
 *   assert.deepStrictEqual(asked, [[2, 3], [4]]) // only the miss was loaded
 * }
 * main()
 *
 * @category combinators
 * @since 0.4.0
 */
export const withCacheBatch = <A, K>(cache: Cache<A, readonly [K]>) => {
  const { batch, keysOf } = batchOf(cache, 'withCacheBatch')
  return <E>(
    loadMany: (ids: ReadonlyArray<K>) => TaskEither<E, ReadonlyArray<A>>
  ): ((ids: ReadonlyArray<K>) => TaskEither<E | CacheError, ReadonlyArray<A>>) => {
    const run = (ids: ReadonlyArray<K>) => runTaskEither(() => loadMany(ids))
    return named(loadMany, (ids: ReadonlyArray<K>) => () => {
      const keys = keysOf(ids)
      return Array.isArray(keys) ? (batch.result(keys, ids, run) as Promise<Either<E | CacheError, ReadonlyArray<A>>>) : Promise.resolve(left(keys))
    })
  }
}

/**
 * Caches a function of many ids returning a `Promise` (or a plain array) of one value per id; the cached function
 * returns a `Promise`. It rejects with `loadMany`'s own error when `loadMany` fails, and with an `Error` whose
 * `cause` is the `CacheError` for the cache's own errors (an id that cannot be encoded, an answer of the wrong
 * length, a value that fails the codec).
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsync, withCacheBatchAsync } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const User = t.type({ id: t.number, name: t.string })
 * const users = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int })
 * const rows = new Map([[1, 'Ann'], [2, 'Bob'], [3, 'Cy']])
 * let queries = 0
 * const fetchUsers = async (ids: ReadonlyArray<number>) => {
 *   queries++ // one `WHERE id IN (...)` per call
 *   return ids.map((id) => ({ id, name: rows.get(id) ?? '?' }))
 * }
 * const getUsers = withCacheBatchAsync(users)(fetchUsers)
 * const getUser = withCacheAsync(users)(async (id: number) => (await fetchUsers([id]))[0]!)
 *
 * async function main() {
 *   const [some, one] = await Promise.all([getUsers([1, 2]), getUser(2)]) // getUser(2) joins the batch's load
 *   assert.deepStrictEqual(some.map((u) => u.name), ['Ann', 'Bob'])
 *   assert.deepStrictEqual(one, { id: 2, name: 'Bob' })
 *   assert.deepStrictEqual((await getUsers([3, 2, 1])).map((u) => u.name), ['Cy', 'Bob', 'Ann'])
 *   assert.strictEqual(queries, 2) // [1, 2], then [3]
 * }
 * main()
 *
 * @category combinators
 * @since 0.4.0
 */
export const withCacheBatchAsync = <A, K>(cache: Cache<A, readonly [K]>) => {
  const { batch, keysOf } = batchOf(cache, 'withCacheBatchAsync')
  return (loadMany: (ids: ReadonlyArray<K>) => Promise<ReadonlyArray<A>> | ReadonlyArray<A>): ((ids: ReadonlyArray<K>) => Promise<ReadonlyArray<A>>) => {
    const run = (ids: ReadonlyArray<K>) => runAsync(() => loadMany(ids))
    return named(loadMany, (ids: ReadonlyArray<K>) => {
      const keys = keysOf(ids)
      return Array.isArray(keys) ? batch.value(keys, ids, run) : reject(keys)
    })
  }
}
