/**
 * The errors of the cache itself, as a `_tag` union. They are values: no function of this library throws them.
 * The errors of a cached function are never turned into a `CacheError`; they keep their own type.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A store operation failed (a remote store was down, timed out, refused the write, ...).
 *
 * @category model
 * @since 0.1.0
 */
export interface StoreFailure {
  readonly _tag: 'StoreFailure'
  readonly operation: StoreOperation
  readonly key?: string
  readonly cause: unknown
}

/**
 * The operations of a store, as a failure names them (`lead`, `fill` and `release` are a shared store's single
 * flight, see `Store.Flight`; `publish` is a bus's, see `Bus`).
 *
 * @category model
 * @since 0.3.0
 */
export type StoreOperation = 'get' | 'set' | 'delete' | 'clear' | 'size' | 'purge' | 'lead' | 'fill' | 'release' | 'publish'

/**
 * A remote store did not answer within its deadline. The call was given up; the store's circuit breaker opens.
 *
 * @category model
 * @since 0.3.0
 */
export interface StoreTimeout {
  readonly _tag: 'StoreTimeout'
  readonly operation: StoreOperation
  readonly key?: string
  readonly ms: number
}

/**
 * A remote store could not be asked: its connection is down (`Disconnected`), or its circuit breaker is open after
 * a timeout or a connection error (`BreakerOpen`) and no call goes out until its probe succeeds.
 *
 * @category model
 * @since 0.3.0
 */
export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable'
  readonly operation: StoreOperation
  readonly key?: string
  readonly reason: 'Disconnected' | 'BreakerOpen'
  readonly cause?: unknown
}

/**
 * A stored entry did not pass the entity codec. Caches treat it as a miss, delete it and report it.
 *
 * @category model
 * @since 0.1.0
 */
export interface DecodeFailure {
  readonly _tag: 'DecodeFailure'
  readonly key: string
  /** One line per validation error, in the order io-ts reports them. */
  readonly errors: ReadonlyArray<string>
}

/**
 * A value to be stored, or handed to a caller, failed the entity codec: a loader returned it (plain JavaScript, or
 * a value typed through `any`), or `set` was given it. It was not stored, and no caller receives it as an entity.
 *
 * @category model
 * @since 0.2.0
 */
export interface InvalidValue {
  readonly _tag: 'InvalidValue'
  readonly key: string
  /** One line per validation error, in the order io-ts reports them. */
  readonly errors: ReadonlyArray<string>
}

/**
 * An argument could not be turned into a key: its runtime value does not fit the key codec.
 *
 * @category model
 * @since 0.1.0
 */
export interface KeyEncodeFailure {
  readonly _tag: 'KeyEncodeFailure'
  /** Where in the argument the bad value is, as `$`, `$.userId`, `$[1]`, ... */
  readonly path: string
  readonly actual: unknown
  readonly expected: string
}

/**
 * The configuration given to a cache is not valid; `fields` names each bad field.
 *
 * @category model
 * @since 0.1.0
 */
export interface InvalidConfig {
  readonly _tag: 'InvalidConfig'
  readonly cache: string
  readonly fields: ReadonlyArray<{ readonly field: string; readonly message: string }>
}

/**
 * A cached `TaskEither` function threw, or its `Task` rejected, instead of returning a `Left`.
 *
 * @category model
 * @since 0.1.0
 */
export interface UnexpectedError {
  readonly _tag: 'UnexpectedError'
  readonly cause: unknown
}

/**
 * A caller waited `ms` milliseconds (the config's `timeout.hard`) for a load and gave up. The load goes on, and its
 * value is still stored unless the key was invalidated, set or cleared meanwhile.
 *
 * @category model
 * @since 0.2.0
 */
export interface LoadTimeout {
  readonly _tag: 'LoadTimeout'
  readonly key: string
  readonly ms: number
}

/**
 * The caller's `AbortSignal` was aborted before its answer came. The load it waited for is aborted only when every
 * caller of it has left.
 *
 * @category model
 * @since 0.2.0
 */
export interface Aborted {
  readonly _tag: 'Aborted'
  readonly key: string
  readonly reason: unknown
}

/**
 * Every error of the cache itself.
 *
 * @category model
 * @since 0.1.0
 */
export type CacheError =
  | StoreFailure
  | StoreTimeout
  | StoreUnavailable
  | DecodeFailure
  | InvalidValue
  | KeyEncodeFailure
  | InvalidConfig
  | UnexpectedError
  | LoadTimeout
  | Aborted

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a `StoreFailure`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const storeFailure = (operation: StoreOperation, cause: unknown, key?: string): CacheError =>
  key === undefined ? { _tag: 'StoreFailure', operation, cause } : { _tag: 'StoreFailure', operation, key, cause }

/**
 * Makes a `StoreTimeout`.
 *
 * @category constructors
 * @since 0.3.0
 */
export const storeTimeout = (operation: StoreOperation, ms: number, key?: string): CacheError =>
  key === undefined ? { _tag: 'StoreTimeout', operation, ms } : { _tag: 'StoreTimeout', operation, key, ms }

/**
 * Makes a `StoreUnavailable`.
 *
 * @category constructors
 * @since 0.3.0
 */
export const storeUnavailable = (
  operation: StoreOperation,
  reason: StoreUnavailable['reason'],
  key?: string,
  cause?: unknown
): CacheError => ({
  _tag: 'StoreUnavailable',
  operation,
  reason,
  ...(key === undefined ? {} : { key }),
  ...(cause === undefined ? {} : { cause })
})

/**
 * Makes a `DecodeFailure`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const decodeFailure = (key: string, errors: ReadonlyArray<string>): CacheError => ({
  _tag: 'DecodeFailure',
  key,
  errors
})

/**
 * Makes an `InvalidValue`.
 *
 * @example
 * import { CacheError } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * assert.strictEqual(
 *   CacheError.message(CacheError.invalidValue('user:7', ['expected a number at id'])),
 *   'value for key "user:7" failed the entity codec and was not cached: expected a number at id'
 * )
 *
 * @category constructors
 * @since 0.2.0
 */
export const invalidValue = (key: string, errors: ReadonlyArray<string>): CacheError => ({
  _tag: 'InvalidValue',
  key,
  errors
})

/**
 * Makes a `KeyEncodeFailure`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const keyEncodeFailure = (path: string, actual: unknown, expected: string): KeyEncodeFailure => ({
  _tag: 'KeyEncodeFailure',
  path,
  actual,
  expected
})

/**
 * Makes an `InvalidConfig`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const invalidConfig = (cache: string, fields: InvalidConfig['fields']): CacheError => ({
  _tag: 'InvalidConfig',
  cache,
  fields
})

/**
 * Makes a `LoadTimeout`.
 *
 * @example
 * import { CacheError } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * assert.strictEqual(CacheError.message(CacheError.loadTimeout('7', 250)), 'gave up on the load of key "7" after 250 ms')
 *
 * @category constructors
 * @since 0.2.0
 */
export const loadTimeout = (key: string, ms: number): CacheError => ({ _tag: 'LoadTimeout', key, ms })

/**
 * Makes an `Aborted`.
 *
 * @category constructors
 * @since 0.2.0
 */
export const aborted = (key: string, reason: unknown): CacheError => ({ _tag: 'Aborted', key, reason })

/**
 * Makes an `UnexpectedError`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const unexpectedError = (cause: unknown): CacheError => ({ _tag: 'UnexpectedError', cause })

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const show = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u)
  if (typeof u === 'bigint') return `${u}n`
  if (typeof u === 'function') return '<function>'
  if (typeof u === 'symbol') return u.toString()
  try {
    return JSON.stringify(u) ?? String(u)
  } catch {
    return String(u)
  }
}

/**
 * A one-line, human-readable description of the error.
 *
 * @example
 * import { CacheError } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * assert.strictEqual(
 *   CacheError.message(CacheError.invalidConfig('user', [{ field: 'ttl', message: 'must be >= 0, got -1' }])),
 *   'invalid config for cache "user": ttl: must be >= 0, got -1'
 * )
 *
 * @category utils
 * @since 0.1.0
 */
export const message = (e: CacheError): string => {
  switch (e._tag) {
    case 'StoreFailure':
      return `store ${e.operation} failed${e.key === undefined ? '' : ` for key ${show(e.key)}`}: ${causeMessage(e.cause)}`
    case 'StoreTimeout':
      return `store ${e.operation} timed out after ${e.ms} ms${e.key === undefined ? '' : ` for key ${show(e.key)}`}`
    case 'StoreUnavailable':
      return `store ${e.operation} not attempted${e.key === undefined ? '' : ` for key ${show(e.key)}`}: ${
        e.reason === 'BreakerOpen' ? 'the circuit breaker is open' : 'disconnected'
      }${e.cause === undefined ? '' : ` (${causeMessage(e.cause)})`}`
    case 'DecodeFailure':
      return `stored entry ${show(e.key)} failed the entity codec: ${e.errors.join('; ')}`
    case 'InvalidValue':
      return `value for key ${show(e.key)} failed the entity codec and was not cached: ${e.errors.join('; ')}`
    case 'KeyEncodeFailure':
      return `cannot encode key: at ${e.path} expected ${e.expected}, got ${show(e.actual)}`
    case 'InvalidConfig':
      return `invalid config for cache ${show(e.cache)}: ${e.fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`
    case 'UnexpectedError':
      return `the cached function threw: ${causeMessage(e.cause)}`
    case 'LoadTimeout':
      return `gave up on the load of key ${show(e.key)} after ${e.ms} ms`
    case 'Aborted':
      return `the call for key ${show(e.key)} was aborted${e.reason === undefined ? '' : `: ${causeMessage(e.reason)}`}`
  }
}

const causeMessage = (cause: unknown): string => (cause instanceof Error ? cause.message : show(cause))

/**
 * Turns a `CacheError` into an `Error` (its `message` from `message`, the `CacheError` as its `cause`), for APIs
 * that must reject or throw.
 *
 * @example
 * import { CacheError } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const e = CacheError.toError(CacheError.unexpectedError('boom'))
 * assert.ok(e instanceof Error)
 * assert.deepStrictEqual(e.cause, { _tag: 'UnexpectedError', cause: 'boom' })
 *
 * @category utils
 * @since 0.1.0
 */
export const toError = (e: CacheError): Error => new Error(message(e), { cause: e })
