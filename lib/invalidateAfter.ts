/**
 * `invalidateAfter(cache)(f)`: after `f` succeeds, the entry for the key made from `f`'s arguments is removed, and
 * a load of that key still in flight is fenced (its result is not stored). For the write side of an entity:
 * `updateUser` invalidates what `getUser` cached.
 *
 * `f` may take more arguments than the key needs (a patch after the id, more fields in the argument object): the
 * key codec reads only its own part. The key is encoded before `f` runs, so an argument that cannot be encoded
 * fails the call without running `f`. A failure of `f` removes nothing.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError } from './CacheError'
import type { Engine } from './internal/engine'
import { engineOf } from './internal/engine'
import { named, reject, runAsync, runTaskEither, unwrap } from './internal/run'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The argument lists of a write function for a cache keyed by `Args`: they start with `Args` and may go on.
 *
 * @category model
 * @since 0.1.0
 */
export type WriteArgs<Args extends ReadonlyArray<unknown>> = readonly [...Args, ...ReadonlyArray<unknown>]

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Runs `write`, then, if it succeeded, invalidates `key` in `cache`. A failure to invalidate is reported as a
 * `StoreFailure` event and does not change the result: the write happened.
 *
 * @internal
 */
export const writeThenInvalidate = <E, B>(
  engine: Engine<unknown>,
  key: string,
  write: Promise<Either<E, B>>
): Promise<Either<E, B>> =>
  write.then((r) =>
    E.isLeft(r)
      ? r
      : engine.invalidateByKey(key).then((d) => {
          if (E.isLeft(d)) engine.storeFailed(d.left)
          return r
        })
  )

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Invalidates after a function returning a `TaskEither` succeeds.
 *
 * @example
 * import { Cache, KeyCodec, invalidateAfter, withCache } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const db = new Map([[1, 'Ann']])
 * const names = Cache.unsafeMake({ name: 'name', codec: t.string, args: KeyCodec.tuple(KeyCodec.int) })
 * const getName = withCache(names)((id: number) => TE.fromIO(() => db.get(id) ?? '?'))
 * const rename = invalidateAfter(names)((id: number, name: string) => TE.fromIO(() => { db.set(id, name) }))
 *
 * async function main() {
 *   assert.deepStrictEqual(await getName(1)(), E.right('Ann'))
 *   await rename(1, 'Bea')()
 *   assert.deepStrictEqual(await getName(1)(), E.right('Bea'))
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const invalidateAfter = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const engine = engineOf<unknown>(cache, 'invalidateAfter')
  return <P extends WriteArgs<Args>, E, B>(
    f: (...args: P) => TaskEither<E, B>
  ): ((...args: P) => TaskEither<E | CacheError, B>) =>
    named(f, (...args: P) => () => {
      const key = engine.keyOfArgs(args)
      return typeof key !== 'string'
        ? Promise.resolve(E.left(key))
        : writeThenInvalidate(engine, key, runTaskEither(() => f(...args)))
    })
}

/**
 * Invalidates after a function returning a `Promise` or a plain value succeeds; the result is a `Promise` that
 * rejects with `f`'s own error.
 *
 * @example
 * import { Cache, KeyCodec, invalidateAfterAsync, withCacheAsync } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const db = new Map([[1, 'Ann']])
 * const names = Cache.unsafeMake({ name: 'name', codec: t.string, key: KeyCodec.struct({ id: KeyCodec.int }) })
 * const getName = withCacheAsync(names)(async ({ id }: { id: number }) => db.get(id) ?? '?')
 * const rename = invalidateAfterAsync(names)(async ({ id, name }: { id: number; name: string }) => { db.set(id, name) })
 *
 * async function main() {
 *   assert.strictEqual(await getName({ id: 1 }), 'Ann')
 *   await rename({ id: 1, name: 'Bea' })
 *   assert.strictEqual(await getName({ id: 1 }), 'Bea')
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const invalidateAfterAsync = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const engine = engineOf<unknown>(cache, 'invalidateAfterAsync')
  return <P extends WriteArgs<Args>, B>(f: (...args: P) => Promise<B> | B): ((...args: P) => Promise<B>) =>
    named(f, (...args: P) => {
      const key = engine.keyOfArgs(args)
      return typeof key !== 'string' ? reject(key) : writeThenInvalidate(engine, key, runAsync(() => f(...args))).then(unwrap)
    })
}
