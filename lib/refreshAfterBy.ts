/**
 * `refreshAfterBy(cache, getter)(f)`: after `f` succeeds, the entry for `f`'s arguments is invalidated (fencing
 * any load in flight), then the cached `getter` is called with the same arguments, so the cache holds the new
 * value when the call returns. Readers that arrive during the refresh share its load.
 *
 * The write's result is what the call returns. A failed refresh does not fail the call (the write happened); it
 * is reported as a `RefreshFailure` event and the entry stays invalidated, so the next read loads it.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError } from './CacheError'
import type { WriteArgs } from './invalidateAfter'
import { writeThenInvalidate } from './invalidateAfter'
import type { Engine } from './internal/engine'
import { engineOf } from './internal/engine'
import { named, reject, runAsync, runTaskEither, unwrap } from './internal/run'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const refresh = <E, B>(
  engine: Engine<unknown>,
  key: string,
  write: Promise<Either<E, B>>,
  reload: () => Promise<Either<unknown, unknown>>
): Promise<Either<E, B>> =>
  writeThenInvalidate(engine, key, write).then((r) =>
    E.isLeft(r)
      ? r
      : reload().then((g) => {
          if (E.isLeft(g)) engine.events.emit({ _tag: 'RefreshFailure', key, error: g.left })
          return r
        })
  )

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Refreshes after a function returning a `TaskEither` succeeds; `getter` is a cached function returning a
 * `TaskEither` (usually `withCache(cache)(load)`).
 *
 * @example
 * import { Cache, KeyCodec, refreshAfterBy, withCache } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const db = new Map([[1, 'Ann']])
 * const names = Cache.unsafeMake({ name: 'name', codec: t.string, args: KeyCodec.tuple(KeyCodec.int) })
 * const getName = withCache(names)((id: number) => TE.fromIO(() => db.get(id) ?? '?'))
 * const rename = refreshAfterBy(names, getName)((id: number, name: string) => TE.fromIO(() => { db.set(id, name) }))
 *
 * async function main() {
 *   await rename(1, 'Bea')()
 *   assert.deepStrictEqual(await names.get(1)(), E.right(O.some('Bea')))
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const refreshAfterBy = <
  A, Args extends ReadonlyArray<unknown>, G extends ReadonlyArray<unknown>>(
    cache: Cache<A, Args>,
    getter: (...args: G) => TaskEither<unknown, A>
  ) => {
  const engine = engineOf<unknown>(cache, 'refreshAfterBy')
  return <P extends WriteArgs<Args> & WriteArgs<G>, E, B>(
    f: (...args: P) => TaskEither<E, B>
  ): ((...args: P) => TaskEither<E | CacheError, B>) =>
    named(f, (...args: P) => () => {
      const key = engine.keyOfArgs(args)
      return typeof key !== 'string'
        ? Promise.resolve(E.left(key))
        : refresh(engine, key, runTaskEither(() => f(...args)), () =>
            runTaskEither(() => getter(...(args as unknown as G)))
          )
    })
}

/**
 * Refreshes after a function returning a `Promise` or a plain value succeeds; `getter` is a cached function
 * returning a `Promise` (usually `withCacheAsync(cache)(load)`).
 *
 * @example
 * import { Cache, KeyCodec, refreshAfterByAsync, withCacheAsync } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const db = new Map([[1, 'Ann']])
 * const names = Cache.unsafeMake({ name: 'name', codec: t.string, key: KeyCodec.struct({ id: KeyCodec.int }) })
 * const getName = withCacheAsync(names)(async ({ id }: { id: number }) => db.get(id) ?? '?')
 * const rename = refreshAfterByAsync(names, getName)(async ({ id, name }: { id: number; name: string }) => { db.set(id, name) })
 *
 * async function main() {
 *   await rename({ id: 1, name: 'Bea' })
 *   assert.deepStrictEqual(await names.get({ id: 1 })(), E.right(O.some('Bea')))
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const refreshAfterByAsync = <
  A, Args extends ReadonlyArray<unknown>, G extends ReadonlyArray<unknown>>(
    cache: Cache<A, Args>,
    getter: (...args: G) => Promise<A> | A
  ) => {
  const engine = engineOf<unknown>(cache, 'refreshAfterByAsync')
  return <P extends WriteArgs<Args> & WriteArgs<G>, B>(f: (...args: P) => Promise<B> | B): ((...args: P) => Promise<B>) =>
    named(f, (...args: P) => {
      const key = engine.keyOfArgs(args)
      return typeof key !== 'string'
        ? reject(key)
        : refresh(engine, key, runAsync(() => f(...args)), () => runAsync(() => getter(...(args as unknown as G)))).then(
            unwrap
          )
    })
}
