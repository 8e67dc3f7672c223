/**
 * What the write-side combinators (`invalidateAfter`, `writeThrough`, `refreshAfterBy`) share: their options,
 * checked when a combinator is made, and one run of a write with what follows it.
 *
 * A run: the key comes from the arguments before the write (an argument that cannot be encoded fails the call and
 * the write does not run), or from the write's result after it (`keyFrom`). Then, after a write that succeeded,
 * `succeeded`; after one that failed, with `on: 'settled'`, `failed(key)`. The caller gets the write's
 * own result once that step has returned. A key from the result exists only after a success, so `keyFrom` with
 * `on: 'settled'` is refused when the combinator is made.
 *
 * The writes of each cache in flight are followed (`writesInFlight`), so that a write-through can tell when another
 * write of its key overlapped it.
 *
 * Each API turns the cache's own errors its way (`Api`): the `TaskEither` API answers them as they are and a throw
 * as an `UnexpectedError`; the `Promise` API rejects with an `Error` whose `cause` is the `CacheError`, and with a
 * thrown error as it is.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import type { Engine } from './engine'
import { describe } from './validation'
import * as WritesInFlight from './writesInFlight'

// -------------------------------------------------------------------------------------
// options
// -------------------------------------------------------------------------------------

/** When the step after a write runs: after a success only, or after any outcome. */
export type On = 'success' | 'settled'

/** The options of a combinator, checked. */
export interface Resolved {
  readonly on: On
  readonly keyFrom: ((result: unknown, ...args: ReadonlyArray<unknown>) => ReadonlyArray<unknown>) | undefined
  readonly entity: ((result: unknown) => unknown) | undefined
}

/** The fields of the options, each combinator taking some. */
export type Field = 'on' | 'keyFrom' | 'entity'

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

const fieldErrors = (options: Record<string, unknown>, known: ReadonlyArray<Field>): Array<string> => {
  const errors = Object.keys(options)
    .filter((k) => !(known as ReadonlyArray<string>).includes(k))
    .map((k) => `${k}: unknown option (known options: ${known.join(', ')})`)
  const { on, keyFrom, entity } = options
  if (on !== undefined && on !== 'success' && on !== 'settled') {
    errors.push(`on: expected 'success' or 'settled', got ${describe(on)}`)
  }
  for (const [field, u] of [['keyFrom', keyFrom], ['entity', entity]] as const) {
    if (known.includes(field) && u !== undefined && typeof u !== 'function') {
      errors.push(`${field}: expected a function, got ${describe(u)}`)
    }
  }
  if (on === 'settled' && typeof keyFrom === 'function') {
    errors.push("on: 'settled' needs the key before the write, from the arguments; keyFrom takes it from the result, which a failed write does not have")
  }
  return errors
}

/** The options of `combinator`, or a `TypeError` naming every bad field (as `Cache.unsafeMake` names the config's). */
export const resolve = (combinator: string, options: unknown, known: ReadonlyArray<Field>): Resolved => {
  if (options === undefined) return { on: 'success', keyFrom: undefined, entity: undefined }
  const errors = isRecord(options) ? fieldErrors(options, known) : [`options: expected an object, got ${describe(options)}`]
  if (errors.length > 0) throw new TypeError(`${combinator}: ${errors.join('; ')}`)
  const { on, keyFrom, entity } = options as Partial<Resolved>
  return { on: on ?? 'success', keyFrom, entity }
}

// -------------------------------------------------------------------------------------
// the step after a write
// -------------------------------------------------------------------------------------

/** How an API answers the cache's own errors and a throw of `keyFrom` or `entity`. */
export interface Api<X> {
  readonly cacheError: (e: CacheError) => X
  readonly thrown: (e: unknown) => X
}

/** The `TaskEither` API: a `CacheError` as it is, a throw as an `UnexpectedError`. */
export const taskEitherApi: Api<CacheError> = { cacheError: (e) => e, thrown: CE.unexpectedError }

/** The `Promise` API: a `CacheError` as an `Error` with it as `cause`, a throw as it is. */
export const promiseApi: Api<unknown> = { cacheError: CE.toError, thrown: (e) => e }

/** A write that has answered, for the step that follows it. */
export interface Written<B> {
  readonly key: string
  readonly args: ReadonlyArray<unknown>
  readonly result: B
  /**
   * Whether another write of this key, through any write-side combinator of this cache, overlapped this one in
   * time (`writesInFlight`): their answers may come back in another order than the database applied them.
   */
  readonly overlapped: boolean
}

/** What a combinator does around its writes; built once, when it wraps a function. */
export interface WriteSide<B> {
  readonly engine: Engine<unknown>
  readonly options: Resolved
  /** After a write that succeeded; may throw or reject (a throwing `entity`), which fails the call. */
  readonly succeeded: (written: Written<B>) => Promise<unknown>
  /** After a write that failed, with `on: 'settled'`. */
  readonly failed: (key: string, args: ReadonlyArray<unknown>) => Promise<unknown>
}

/** Invalidates `key`; a store failure is reported, not answered: the write happened. */
export const invalidate = (engine: Engine<unknown>, key: string): Promise<void> =>
  engine.invalidateByKey(key).then((d) => {
    if (E.isLeft(d)) engine.storeFailed(d.left)
  })

// -------------------------------------------------------------------------------------
// writes in flight
// -------------------------------------------------------------------------------------

const writesOf = new WeakMap<Engine<unknown>, WritesInFlight.WritesInFlight>()

const writesInFlight = (engine: Engine<unknown>): WritesInFlight.WritesInFlight => {
  let writes = writesOf.get(engine)
  if (writes === undefined) writesOf.set(engine, (writes = WritesInFlight.make()))
  return writes
}

/** How many keys (and writes with a key from their result) have a write in flight, for the hygiene tests. */
export const keysWriting = (engine: Engine<unknown>): number => writesOf.get(engine)?.size() ?? 0

// -------------------------------------------------------------------------------------
// a run
// -------------------------------------------------------------------------------------

const after = <E, B, X>(
  side: WriteSide<B>,
  api: Api<X>,
  key: string,
  args: ReadonlyArray<unknown>,
  overlapped: boolean,
  r: Either<E, B>
): Promise<Either<E | X, B>> => {
  if (E.isLeft(r)) return side.options.on === 'settled' ? side.failed(key, args).then(() => r) : Promise.resolve(r)
  const failed = (e: unknown) => E.left(api.thrown(e))
  try {
    return side.succeeded({ key, args, result: r.right, overlapped }).then(() => r, failed)
  } catch (e) {
    return Promise.resolve(failed(e))
  }
}

/** The key `keyFrom` takes from a result, or why there is none. */
const keyFromResult = <B, X>(
  side: WriteSide<B>,
  api: Api<X>,
  keyFrom: NonNullable<Resolved['keyFrom']>,
  result: B,
  args: ReadonlyArray<unknown>
): Either<X, string> => {
  let keyArgs: unknown
  try {
    keyArgs = keyFrom(result, ...args)
  } catch (e) {
    return E.left(api.thrown(e))
  }
  // a JavaScript caller may answer the key itself rather than the list of key arguments
  const key = Array.isArray(keyArgs)
    ? side.engine.keyOfArgs(keyArgs)
    : CE.keyEncodeFailure('$', keyArgs, 'the list of the key arguments, from keyFrom')
  return typeof key === 'string' ? E.right(key) : E.left(api.cacheError(key))
}

/**
 * Runs `write` (which never rejects) with the step that follows it, for the argument list `args`. A key from the
 * arguments that cannot be encoded fails the call before the write runs; a key from the result that cannot be
 * encoded fails it after the write. Every write is followed in flight until it answers (`writesInFlight`).
 */
export const run = <E, B, X>(
  side: WriteSide<B>,
  api: Api<X>,
  args: ReadonlyArray<unknown>,
  write: () => Promise<Either<E, B>>
): Promise<Either<E | X, B>> => {
  const { engine, options } = side
  const { keyFrom } = options
  if (keyFrom === undefined) {
    const key = engine.keyOfArgs(args)
    if (typeof key !== 'string') return Promise.resolve(E.left(api.cacheError(key)))
    const answered = writesInFlight(engine).keyed(key)
    return write().then((r) => after(side, api, key, args, answered(), r))
  }
  const answered = writesInFlight(engine).unkeyed()
  return write().then((r) => {
    const key: Either<E | X, string> = E.isLeft(r) ? r : keyFromResult(side, api, keyFrom, r.right, args)
    if (E.isLeft(key)) {
      answered(undefined)
      return key
    }
    return after(side, api, key.right, args, answered(key.right), r)
  })
}
