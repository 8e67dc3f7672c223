/**
 * `refreshAfterBy(cache, getter)(f)`: after the write `f` succeeds, the entry for `f`'s arguments is invalidated
 * (fencing any load in flight), then the cached `getter` is called with the same arguments, so the cache holds the
 * new value when the call returns. Readers that arrive during the refresh share its load.
 *
 * The write's result is what the call returns. A failed refresh does not fail the call (the write happened); it
 * is reported as a `RefreshFailure` event and the entry stays invalidated, so the next read loads it.
 *
 * Options (the third argument, checked when the combinator is made): `on: 'settled'` refreshes after a failed
 * write too (it fails, throws, rejects or its task rejects: its answer is lost and the row may have changed), and
 * the caller gets the write's own error once the refresh has returned; `on: 'success'` is the default.
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/Either'
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError } from './CacheError'
import type { WriteArgs, WriteOptions } from './invalidateAfter'
import { wrapWrites } from './invalidateAfter'
import { engineOf } from './internal/engine'
import { runAsync, runTaskEither } from './internal/run'
import * as WriteSide from './internal/writeSide'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Invalidate, then reload with the write's arguments; a failed reload is a `RefreshFailure` event. */
const refreshes = (
  name: string,
  cache: unknown,
  options: unknown,
  reload: (args: ReadonlyArray<unknown>) => Promise<Either<unknown, unknown>>
) => {
  const engine = engineOf<unknown>(cache, name)
  const refresh = (key: string, args: ReadonlyArray<unknown>) =>
    WriteSide.invalidate(engine, key)
      .then(() => reload(args))
      .then((g) => {
        if (E.isLeft(g)) engine.events.emit({ _tag: 'RefreshFailure', key, error: g.left })
      })
  return wrapWrites({
    engine,
    options: WriteSide.resolve(name, options, ['on']),
    succeeded: ({ key, args }) => refresh(key, args),
    failed: refresh
  })
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Refreshes after a write returning a `TaskEither` succeeds (or, with `on: 'settled'`, after it settles); `getter`
 * is a cached function returning a `TaskEither` (usually `withCache(cache)(load)`).
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
 * const renameLost = refreshAfterBy(names, getName, { on: 'settled' })((id: number, name: string) => {
 *   db.set(id, name)
 *   return TE.left('connection reset')
 * })
 *
 * async function main() {
 *   await rename(1, 'Bea')()
 *   assert.deepStrictEqual(await names.get(1)(), E.right(O.some('Bea')))
 *   assert.deepStrictEqual(await renameLost(1, 'Cy')(), E.left('connection reset'))
 *   assert.deepStrictEqual(await names.get(1)(), E.right(O.some('Cy')))
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const refreshAfterBy = <A, Args extends ReadonlyArray<unknown>, G extends ReadonlyArray<unknown>>(
  cache: Cache<A, Args>,
  getter: (...args: G) => TaskEither<unknown, A>,
  options?: WriteOptions
) => {
  const wrap = refreshes('refreshAfterBy', cache, options, (args) => runTaskEither(() => getter(...(args as G)))).TaskEither
  return <P extends WriteArgs<Args> & WriteArgs<G>, E, B>(f: (...args: P) => TaskEither<E, B>): ((...args: P) => TaskEither<E | CacheError, B>) =>
    wrap(f)
}

/**
 * Refreshes after a write returning a `Promise` or a plain value succeeds (or, with `on: 'settled'`, after it
 * settles); `getter` is a cached function returning a `Promise` (usually `withCacheAsync(cache)(load)`).
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
export const refreshAfterByAsync = <A, Args extends ReadonlyArray<unknown>, G extends ReadonlyArray<unknown>>(
  cache: Cache<A, Args>,
  getter: (...args: G) => Promise<A> | A,
  options?: WriteOptions
) => {
  const wrap = refreshes('refreshAfterByAsync', cache, options, (args) => runAsync(() => getter(...(args as G)))).Promise
  return <P extends WriteArgs<Args> & WriteArgs<G>, B>(f: (...args: P) => Promise<B> | B): ((...args: P) => Promise<B>) => wrap(f)
}
