/**
 * `invalidateAfter(cache)(f)`: after the write `f` succeeds, the entry for the key made from `f`'s arguments is
 * removed, and a load of that key still in flight is fenced (its result is not stored). For the write side of an
 * entity: `updateUser` invalidates what `getUser` cached.
 *
 * `f` may take more arguments than the key needs (a patch after the id, more fields in the argument object): the
 * key codec reads only its own part. The key is encoded before `f` runs, so an argument that cannot be encoded
 * fails the call without running `f`.
 *
 * Options (the second argument, checked when the combinator is made: a bad field is a `TypeError` naming it):
 * - `on: 'success'` (the default): a failure of `f` removes nothing. `on: 'settled'`: the entry is removed after
 *   any outcome, also when `f` fails, throws, rejects or its task rejects (its answer is lost, and the row may
 *   have changed); the caller gets `f`'s own error once the invalidation has returned.
 * - `keyFrom: (result, ...args) => keyArgs`: the key comes from `f`'s result, as the cache's key arguments (an
 *   `INSERT ... RETURNING id`); `f`'s arguments need not contain it then. It is encoded after `f` succeeded: a key
 *   that cannot be encoded (or a `keyFrom` that throws) fails the call although the write happened. A failed write
 *   has no result, so no key: `keyFrom` with `on: 'settled'` is refused (a type error, and a `TypeError` for
 *   JavaScript callers). A write whose key is in its arguments takes it from there, which `on: 'settled'` covers.
 *
 * A store failure while invalidating does not fail the call (the write happened): it is reported as a
 * `StoreFailure` event.
 *
 * @since 0.1.0
 */
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError } from './CacheError'
import type { Engine } from './internal/engine'
import { engineOf } from './internal/engine'
import { named, runAsync, runTaskEither, unwrap } from './internal/run'
import * as WriteSide from './internal/writeSide'

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

/**
 * When the cache is told about a write: after it succeeded (`'success'`), or after it settled whatever its outcome
 * (`'settled'`: a failed write may still have changed the row, when its answer was lost on the way back).
 *
 * @category model
 * @since 0.2.0
 */
export type On = 'success' | 'settled'

/**
 * The options of a write whose key comes from its arguments.
 *
 * @category model
 * @since 0.2.0
 */
export interface WriteOptions {
  /** `'success'` (the default) or `'settled'`. */
  readonly on?: On | undefined
}

/**
 * The options of a write whose key comes from its result: `keyFrom` answers the cache's key arguments (what its
 * readers are called with) from the write's result and arguments. Only after a success: there is no `on: 'settled'`.
 *
 * @category model
 * @since 0.2.0
 */
export interface KeyFromResult<Args extends ReadonlyArray<unknown>, R, Q extends ReadonlyArray<unknown>> {
  readonly on?: 'success' | undefined
  readonly keyFrom: (result: R, ...args: Q) => readonly [...Args]
}

/**
 * What a write-side combinator made for a cache returns: it wraps a write returning a `TaskEither`, whose argument
 * lists start with `K` and whose result is an `R`, keeping its parameters and its result.
 *
 * @category model
 * @since 0.2.0
 */
export type WriteCombinator<K extends ReadonlyArray<unknown>, R> = <P extends WriteArgs<K>, E, B extends R>(
  f: (...args: P) => TaskEither<E, B>
) => (...args: P) => TaskEither<E | CacheError, B>

/**
 * `WriteCombinator`, for writes returning a `Promise` or a plain value; the wrapped write returns a `Promise`.
 *
 * @category model
 * @since 0.2.0
 */
export type WriteCombinatorAsync<K extends ReadonlyArray<unknown>, R> = <P extends WriteArgs<K>, B extends R>(
  f: (...args: P) => Promise<B> | B
) => (...args: P) => Promise<B>

/**
 * The two APIs of the write-side combinators: writes returning a `TaskEither` (`invalidateAfter`), and writes
 * returning a `Promise` or a plain value (`invalidateAfterAsync`).
 *
 * @category model
 * @since 0.2.0
 */
export type WriteApi = 'TaskEither' | 'Promise'

/**
 * The combinator of each API, for writes whose argument lists start with `K` and whose results are `R`s.
 *
 * @category model
 * @since 0.2.0
 */
export interface WriteCombinators<K extends ReadonlyArray<unknown>, R> {
  readonly TaskEither: WriteCombinator<K, R>
  readonly Promise: WriteCombinatorAsync<K, R>
}

/**
 * The type of `invalidateAfter` (`F` is `'TaskEither'`) and of `invalidateAfterAsync` (`'Promise'`): with
 * `keyFrom` the key comes from the write's result, else from its arguments.
 *
 * @category model
 * @since 0.2.0
 */
export interface InvalidateAfter<F extends WriteApi> {
  <A, Args extends ReadonlyArray<unknown>, R, Q extends ReadonlyArray<unknown>>(
    cache: Cache<A, Args>,
    options: KeyFromResult<Args, R, Q>
  ): WriteCombinators<Q, R>[F]
  <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>, options?: WriteOptions): WriteCombinators<Args, unknown>[F]
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

type Wrap = (f: (...args: ReadonlyArray<unknown>) => unknown) => (...args: ReadonlyArray<unknown>) => unknown

/**
 * The two ways to wrap a write for a `WriteSide`, once per combinator; a wrapped write keeps the write's name.
 *
 * @internal
 */
export const wrapWrites = (side: WriteSide.WriteSide<unknown>) => ({
  TaskEither:
    <P extends ReadonlyArray<unknown>, E, B>(f: (...args: P) => TaskEither<E, B>) =>
    named(f, (...args: P): TaskEither<E | CacheError, B> => () =>
      WriteSide.run(side as WriteSide.WriteSide<B>, WriteSide.taskEitherApi, args, () => runTaskEither(() => f(...args)))
    ),
  Promise: <P extends ReadonlyArray<unknown>, B>(f: (...args: P) => Promise<B> | B) =>
    named(f, (...args: P): Promise<B> =>
      WriteSide.run(side as WriteSide.WriteSide<B>, WriteSide.promiseApi, args, () => runAsync(() => f(...args))).then(unwrap)
    )
})

/**
 * Makes a write-side combinator of one API: given a cache and options, it finds the cache's engine, checks the
 * options (a `TypeError` naming each bad field), and builds what follows each write with `steps`.
 *
 * @internal
 */
export const writeCombinator =
  (
    name: string,
    api: WriteApi,
    known: ReadonlyArray<WriteSide.Field>,
    steps: (engine: Engine<unknown>, options: WriteSide.Resolved) => Pick<WriteSide.WriteSide<unknown>, 'succeeded' | 'failed'>
  ) =>
  (cache: unknown, options?: unknown): Wrap => {
    const engine = engineOf<unknown>(cache, name)
    const resolved = WriteSide.resolve(name, options, known)
    return wrapWrites({ engine, options: resolved, ...steps(engine, resolved) })[api] as Wrap
  }

const invalidations = (engine: Engine<unknown>) => {
  const invalidate = (key: string) => WriteSide.invalidate(engine, key)
  return { succeeded: ({ key }: WriteSide.Written<unknown>) => invalidate(key), failed: invalidate }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Invalidates after a write returning a `TaskEither`: after it succeeds, or, with `on: 'settled'`, after it settles
 * (a `Left`, a throw or a rejected task too, whose error the caller still gets). With `keyFrom`, the key comes from
 * the write's result.
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
 * // the connection dropped after the UPDATE ran: the row may have changed, so the entry goes anyway
 * const renameLost = invalidateAfter(names, { on: 'settled' })((id: number, name: string) => {
 *   db.set(id, name)
 *   return TE.left('connection reset')
 * })
 * // INSERT ... RETURNING id: the key is in the result
 * const insert = invalidateAfter(names, { keyFrom: (id: number) => [id] })((name: string) =>
 *   TE.fromIO(() => { db.set(2, name); return 2 })
 * )
 *
 * async function main() {
 *   assert.deepStrictEqual(await getName(1)(), E.right('Ann'))
 *   await rename(1, 'Bea')()
 *   assert.deepStrictEqual(await getName(1)(), E.right('Bea'))
 *   assert.deepStrictEqual(await renameLost(1, 'Cy')(), E.left('connection reset'))
 *   assert.deepStrictEqual(await getName(1)(), E.right('Cy'))
 *   assert.deepStrictEqual(await getName(2)(), E.right('?'))
 *   assert.deepStrictEqual(await insert('Dee')(), E.right(2))
 *   assert.deepStrictEqual(await getName(2)(), E.right('Dee'))
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const invalidateAfter = writeCombinator('invalidateAfter', 'TaskEither', ['on', 'keyFrom'], invalidations) as InvalidateAfter<'TaskEither'>

/**
 * Invalidates after a write returning a `Promise` or a plain value: after it succeeds, or, with `on: 'settled'`,
 * after it settles. The result is a `Promise` that rejects with the write's own error; a key that cannot be encoded
 * rejects with an `Error` whose `cause` is the `KeyEncodeFailure` (before the write with a key from the arguments,
 * after it with `keyFrom`).
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
 * const renameLost = invalidateAfterAsync(names, { on: 'settled' })(async ({ id, name }: { id: number; name: string }) => {
 *   db.set(id, name)
 *   throw new Error('connection reset')
 * })
 * const insert = invalidateAfterAsync(names, { keyFrom: (row: { id: number }) => [{ id: row.id }] })(
 *   async (name: string) => { db.set(2, name); return { id: 2 } }
 * )
 *
 * async function main() {
 *   assert.strictEqual(await getName({ id: 1 }), 'Ann')
 *   await rename({ id: 1, name: 'Bea' })
 *   assert.strictEqual(await getName({ id: 1 }), 'Bea')
 *   await assert.rejects(renameLost({ id: 1, name: 'Cy' }), /connection reset/)
 *   assert.strictEqual(await getName({ id: 1 }), 'Cy')
 *   assert.strictEqual(await getName({ id: 2 }), '?')
 *   assert.deepStrictEqual(await insert('Dee'), { id: 2 })
 *   assert.strictEqual(await getName({ id: 2 }), 'Dee')
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const invalidateAfterAsync = writeCombinator(
  'invalidateAfterAsync',
  'Promise',
  ['on', 'keyFrom'],
  invalidations
) as InvalidateAfter<'Promise'>
