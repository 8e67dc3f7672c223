/**
 * `withCache(cache)(f)`: `f` with its results cached. The key comes from `f`'s arguments through the cache's key
 * codec; a hit answers from the store, a miss runs `f` once for all concurrent callers of that key and stores a
 * success. Failures are never stored.
 *
 * `withCache` is for functions returning a `TaskEither`; `withCacheAsync` for functions returning a `Promise` or a
 * plain value. Both keep `f`'s parameters; the result type is the cache's entity type.
 *
 * @since 0.1.0
 */
import { left } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { Cache } from './Cache'
import type { CacheError } from './CacheError'
import type { WithOutcome } from './CacheEvent'
import { engineOf } from './internal/engine'
import { named, reject, runTaskEither } from './internal/run'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The part of an `AbortSignal` a cache uses, for a program whose types have no `AbortSignal` (no DOM, no Node types).
 *
 * @category model
 * @since 0.2.0
 */
export interface SignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

/**
 * The platform's `AbortSignal` (from the DOM or the Node types), or `SignalLike` in a program that has neither, so
 * that the declarations compile everywhere and a loader can hand its signal to `fetch` as it is.
 *
 * @category model
 * @since 0.2.0
 */
export type Signal = typeof globalThis extends { readonly AbortSignal: { readonly prototype: infer S } } ? S : SignalLike

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Caches a function returning a `TaskEither`. Its error type gains `CacheError`: a `KeyEncodeFailure` when the
 * arguments cannot be encoded (`f` does not run), an `UnexpectedError` when `f` throws or its task rejects.
 * Store failures do not fail the call: they are reported as events and `f`'s result is returned.
 *
 * @example
 * import { Cache, KeyCodec, withCache } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int })
 * let calls = 0
 * const square = withCache(squares)((n: number) => TE.fromIO(() => { calls++; return n * n }))
 *
 * async function main() {
 *   assert.deepStrictEqual(await square(4)(), E.right(16))
 *   assert.deepStrictEqual(await square(4)(), E.right(16))
 *   assert.strictEqual(calls, 1)
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const withCache = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArg, keyOfArgs, fetchResult } = engineOf<A>(cache, 'withCache')
  return <P extends Args, E>(f: (...args: P) => TaskEither<E, A>): ((...args: P) => TaskEither<E | CacheError, A>) => {
    if (keyOfArg !== undefined) {
      // a cache of one argument: no rest array on the hit path
      const g = f as unknown as (arg: unknown) => TaskEither<E, A>
      const runOne = (arg: unknown) => runTaskEither(() => g(arg))
      return named(f, ((arg: unknown) => () => {
        const key = keyOfArg(arg)
        return typeof key === 'string' ? fetchResult(key, runOne, arg) : Promise.resolve(left(key))
      }) as unknown as (...args: P) => TaskEither<E | CacheError, A>)
    }
    const run = (args: P) => runTaskEither(() => f(...args))
    return named(f, (...args: P) => () => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? fetchResult(key, run, args) : Promise.resolve(left(key))
    })
  }
}

/**
 * Caches a function returning a `Promise` or a plain value; the cached function returns a `Promise`. It rejects
 * with `f`'s own error when `f` fails, and with an `Error` whose `cause` is the `KeyEncodeFailure` when the
 * arguments cannot be encoded.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const User = t.type({ id: t.number, name: t.string })
 * const users = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.struct({ userId: KeyCodec.int }) })
 * let calls = 0
 * const getUser = withCacheAsync(users)(async ({ userId }: { userId: number }) => {
 *   calls++
 *   return { id: userId, name: 'Ann' }
 * })
 *
 * async function main() {
 *   const [a, b] = await Promise.all([getUser({ userId: 1 }), getUser({ userId: 1 })])
 *   assert.deepStrictEqual(a, { id: 1, name: 'Ann' })
 *   assert.strictEqual(a, b)
 *   assert.strictEqual(calls, 1)
 * }
 * main()
 *
 * @category combinators
 * @since 0.1.0
 */
export const withCacheAsync = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArg, keyOfArgs, fetchValue } = engineOf<A>(cache, 'withCacheAsync')
  return <P extends Args>(f: (...args: P) => Promise<A> | A): ((...args: P) => Promise<A>) => {
    if (keyOfArg !== undefined) {
      // a cache of one argument: no rest array on the hit path
      const g = f as unknown as (arg: unknown) => Promise<A> | A
      return named(f, ((arg: unknown) => {
        const key = keyOfArg(arg)
        return typeof key === 'string' ? fetchValue(key, g, arg) : reject(key)
      }) as unknown as (...args: P) => Promise<A>)
    }
    const call = (args: P) => f(...args)
    return named(f, (...args: P) => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? fetchValue(key, call, args) : reject(key)
    })
  }
}

/**
 * `withCache`, answering how each call was answered too: `{ value, outcome }`, with `outcome` one of `Hit`, `Miss`,
 * `Stale`, `Deduped`, `Refreshed` and `NegativeHit` (see `CacheEvent.Outcome`). The same calls, the same single
 * flight and the same errors as `withCache`; for metrics per call site, or for a response header such as
 * `X-Cache: HIT`.
 *
 * @example
 * import { Cache, KeyCodec, withCacheOutcome } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int })
 * const square = withCacheOutcome(squares)((n: number) => TE.right(n * n))
 *
 * async function main() {
 *   assert.deepStrictEqual(await square(4)(), E.right({ value: 16, outcome: 'Miss' }))
 *   assert.deepStrictEqual(await square(4)(), E.right({ value: 16, outcome: 'Hit' }))
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const withCacheOutcome = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArgs, fetchResultOutcome } = engineOf<A>(cache, 'withCacheOutcome')
  return <P extends Args, E>(f: (...args: P) => TaskEither<E, A>): ((...args: P) => TaskEither<E | CacheError, WithOutcome<A>>) => {
    const run = (args: P) => runTaskEither(() => f(...args))
    return named(f, (...args: P) => () => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? fetchResultOutcome(key, run, args) : Promise.resolve(left(key))
    })
  }
}

/**
 * `withCacheAsync`, answering `{ value, outcome }` (see `withCacheOutcome`).
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsyncOutcome } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int })
 * const square = withCacheAsyncOutcome(squares)(async (n: number) => n * n)
 *
 * async function main() {
 *   const [a, b] = await Promise.all([square(3), square(3)])
 *   assert.deepStrictEqual([a.outcome, b.outcome], ['Miss', 'Deduped'])
 *   assert.deepStrictEqual((await square(3)).outcome, 'Hit')
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const withCacheAsyncOutcome = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArgs, fetchValueOutcome } = engineOf<A>(cache, 'withCacheAsyncOutcome')
  return <P extends Args>(f: (...args: P) => Promise<A> | A): ((...args: P) => Promise<WithOutcome<A>>) => {
    const call = (args: P) => f(...args)
    return named(f, (...args: P) => {
      const key = keyOfArgs(args)
      return typeof key === 'string' ? fetchValueOutcome(key, call, args) : reject(key)
    })
  }
}

/**
 * `withCache` for a loader that can be aborted, with callers that can leave. The loader is given the load's own
 * `AbortSignal` first (`(signal) => (...args) => TaskEither`); the cached function takes the caller's signal first
 * (`(signal) => (...args) => TaskEither`, `undefined` for a caller that never leaves). A caller whose signal aborts
 * gets a `Left` of `Aborted` at once; the load goes on for the others, and its signal aborts only when every caller
 * waiting for it has left. A hit answers at once whatever the signal, unless it had aborted before the call.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAbortable } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as E from 'fp-ts/Either'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const pages = Cache.unsafeMake({ name: 'page', codec: t.string, key: KeyCodec.string })
 * let loadSignal: AbortSignal | undefined
 * const getPage = withCacheAbortable(pages)((signal) => (url: string) => {
 *   loadSignal = signal
 *   return TE.fromTask(() => new Promise<string>((resolve) => setTimeout(() => resolve(`<html>${url}</html>`), 10)))
 * })
 *
 * async function main() {
 *   const leaving = new AbortController()
 *   const a = getPage(leaving.signal)('/a')()
 *   const b = getPage(undefined)('/a')()
 *   leaving.abort('navigated away')
 *   assert.deepStrictEqual((await a as E.Left<{ _tag: string }>).left._tag, 'Aborted')
 *   assert.deepStrictEqual(await b, E.right('<html>/a</html>')) // the other caller was not disturbed
 *   assert.strictEqual(loadSignal?.aborted, false)
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const withCacheAbortable = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArgs, fetchResultAbortable } = engineOf<A>(cache, 'withCacheAbortable')
  return <P extends Args, E>(
    f: (signal: Signal) => (...args: P) => TaskEither<E, A>
  ): ((signal: Signal | undefined) => (...args: P) => TaskEither<E | CacheError, A>) => {
    const run = (args: P, signal: AbortSignal) => runTaskEither(() => f(signal as Signal)(...args))
    return named(f, (signal: Signal | undefined) =>
      (...args: P) =>
      () => {
        const key = keyOfArgs(args)
        return typeof key === 'string' ? fetchResultAbortable(key, run, args, signal as AbortSignal | undefined) : Promise.resolve(left(key))
      }
    )
  }
}

/**
 * `withCacheAsync` for a loader that can be aborted, with callers that can leave (see `withCacheAbortable`): a
 * caller whose signal aborts is rejected at once with an `Error` whose `cause` is the `Aborted`.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsyncAbortable } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const pages = Cache.unsafeMake({ name: 'page', codec: t.string, key: KeyCodec.string })
 * const getPage = withCacheAsyncAbortable(pages)((signal) => (url: string) =>
 *   new Promise<string>((resolve, reject) => {
 *     const timer = setTimeout(() => resolve(`<html>${url}</html>`), 10)
 *     signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)))
 *   })
 * )
 *
 * async function main() {
 *   const leaving = new AbortController()
 *   const a = getPage(leaving.signal)('/a')
 *   leaving.abort()
 *   await assert.rejects(a, (e: Error) => (e.cause as { _tag: string })._tag === 'Aborted')
 *   assert.strictEqual(await getPage(undefined)('/a'), '<html>/a</html>') // the aborted load was not cached
 * }
 * main()
 *
 * @category combinators
 * @since 0.2.0
 */
export const withCacheAsyncAbortable = <A, Args extends ReadonlyArray<unknown>>(cache: Cache<A, Args>) => {
  const { keyOfArgs, fetchValueAbortable } = engineOf<A>(cache, 'withCacheAsyncAbortable')
  return <P extends Args>(
    f: (signal: Signal) => (...args: P) => Promise<A> | A
  ): ((signal: Signal | undefined) => (...args: P) => Promise<A>) => {
    const call = (args: P, signal: AbortSignal) => f(signal as Signal)(...args)
    return named(f, (signal: Signal | undefined) =>
      (...args: P) => {
        const key = keyOfArgs(args)
        return typeof key === 'string' ? fetchValueAbortable(key, call, args, signal as AbortSignal | undefined) : reject(key)
      }
    )
  }
}
