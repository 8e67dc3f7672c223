/**
 * A cache's config (`ttl`, `maxSize`, `disabled`, the windows of an entry's life and the error policy) as an io-ts codec that the cache validates when it is made
 * (law 12: a bad field is rejected with a message naming it; an unknown field is an error too, so a misspelt
 * `maxsize` is not silently ignored).
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as t from 'io-ts'
import * as CE from './CacheError'
import type { CacheError } from './CacheError'
import * as ErrorPolicy from './ErrorPolicy'
import type * as Freshness from './Freshness'
import { describe } from './internal/validation'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const NonNegativeFinite = /*#__PURE__*/ t.refinement(
  t.number,
  (n) => Number.isFinite(n) && n >= 0,
  'a finite number of milliseconds >= 0'
)
const NonNegativeInt = /*#__PURE__*/ t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'an integer >= 0')

const isMilliseconds = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0

/** A number of milliseconds, or a function of the stored value that answers one. */
const Ttl = /*#__PURE__*/ new t.Type<number | ((value: never) => number), unknown, unknown>(
  'a finite number of milliseconds >= 0 (or a function of the value)',
  (u): u is number | ((value: never) => number) => isMilliseconds(u) || typeof u === 'function',
  (u, c) => (isMilliseconds(u) || typeof u === 'function' ? t.success(u as number) : t.failure(u, c)),
  t.identity
)

const isRule = (u: unknown): u is ErrorPolicy.Rule => {
  if (typeof u !== 'object' || u === null) return false
  const rule = u as Record<string, unknown>
  if (rule._tag === 'ServeStale') return true
  return (
    rule._tag === 'CacheFor' &&
    typeof rule.ms === 'number' &&
    Number.isFinite(rule.ms) &&
    rule.ms > 0 &&
    (rule.when === undefined || typeof rule.when === 'function')
  )
}

/** An `ErrorPolicy`: its rules, each well formed (a `cacheFor` remembers for a finite number of ms > 0). */
const isErrorPolicy = (u: unknown): u is ErrorPolicy.ErrorPolicy =>
  typeof u === 'object' && u !== null && Array.isArray((u as ErrorPolicy.ErrorPolicy).rules) && (u as ErrorPolicy.ErrorPolicy).rules.every(isRule)

const ErrorPolicyCodec = /*#__PURE__*/ new t.Type<ErrorPolicy.ErrorPolicy, unknown, unknown>(
  'an ErrorPolicy (ErrorPolicy.propagate, serveStale, cacheFor(ms > 0, when?) or their concat)',
  isErrorPolicy,
  (u, c) => (isErrorPolicy(u) ? t.success(u) : t.failure(u, c)),
  t.identity
)

/**
 * The io-ts codec of a cache's config. All fields are optional:
 *
 * - `ttl`: milliseconds an entry is fresh, or a function of the value that answers them (none: entries never
 *   expire; `0`: nothing is kept);
 * - `maxSize`: entries, `0` = unbounded; `disabled`: every call runs the loader and nothing is stored;
 * - `staleWhileRevalidate`, `staleIfError`, `refreshAhead`: the windows of an entry's life, in milliseconds (see
 *   the `Freshness` module); each needs a `ttl`, and `refreshAhead` must be less than a constant one;
 * - `errorPolicy`: what a failed load answers (see `ErrorPolicy`); the default is `ErrorPolicy.propagate`, or
 *   `ErrorPolicy.serveStale` when `staleIfError` is set;
 * - `timeout`: `{ soft?, hard? }` in milliseconds, how long a caller waits for a load: after `soft`, a caller with a
 *   stale value at hand gets it; after `hard`, every caller gets a `LoadTimeout`. The load goes on either way, and
 *   its value is stored unless its key was invalidated meanwhile. `soft` must be less than `hard`;
 * - `storeFailure`: what a call answers when the store cannot be read (a remote store down, slow or behind an
 *   open circuit breaker): `'open'` (the default) calls the loader and answers its result (stored only once the
 *   store is back); `'closed'` answers the store's error (`StoreTimeout`, `StoreUnavailable`, `StoreFailure`).
 *
 * @example
 * import { Config } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.ok(E.isRight(Config.Config.decode({ ttl: 1000, maxSize: 10 })))
 * assert.ok(E.isRight(Config.Config.decode({ ttl: (user: { vip: boolean }) => (user.vip ? 1000 : 60_000) })))
 * assert.ok(E.isLeft(Config.Config.decode({ ttl: -1 })))
 *
 * @category model
 * @since 0.2.0
 */
export const Config = /*#__PURE__*/ t.partial(
  {
    ttl: Ttl,
    maxSize: NonNegativeInt,
    disabled: t.boolean,
    staleWhileRevalidate: NonNegativeFinite,
    staleIfError: NonNegativeFinite,
    refreshAhead: NonNegativeFinite,
    errorPolicy: ErrorPolicyCodec,
    timeout: t.exact(t.partial({ soft: NonNegativeFinite, hard: NonNegativeFinite }), 'Timeout'),
    storeFailure: t.keyof({ open: null, closed: null }, "'open' or 'closed'")
  },
  'Config'
)

/**
 * A cache config as written by its user; `A` is the entity type, for a `ttl` computed from the value.
 *
 * @category model
 * @since 0.2.0
 */
export interface Config<A = unknown> {
  readonly ttl?: number | ((value: A) => number)
  readonly maxSize?: number
  readonly disabled?: boolean
  readonly staleWhileRevalidate?: number
  readonly staleIfError?: number
  readonly refreshAhead?: number
  readonly errorPolicy?: ErrorPolicy.ErrorPolicy
  readonly timeout?: { readonly soft?: number; readonly hard?: number }
  /** @since 0.3.0 */
  readonly storeFailure?: 'open' | 'closed'
}

/**
 * A validated config with the defaults filled in.
 *
 * @category model
 * @since 0.2.0
 */
export interface ResolvedConfig<A = unknown> extends Freshness.Windows {
  readonly ttl: number | ((value: A) => number) | undefined
  readonly maxSize: number
  readonly disabled: boolean
  readonly errorPolicy: ErrorPolicy.ErrorPolicy
  /** `0`: no such timeout. */
  readonly timeout: { readonly soft: number; readonly hard: number }
  /** @since 0.3.0 */
  readonly storeFailure: 'open' | 'closed'
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const configFields = /*#__PURE__*/ Object.keys(Config.props)

type Field = { field: string; message: string }

const fieldErrors = (errors: t.Errors): Array<Field> =>
  errors.map((error) => ({
    field: error.context
      .slice(1)
      .map((c) => c.key)
      .join('.'),
    message: `expected ${error.context[error.context.length - 1]?.type.name ?? 'a valid value'}, got ${describe(error.value)}`
  }))

/** The rules that tie fields together: a window needs a ttl; `refreshAhead` is shorter than a constant ttl. */
const windowErrors = (c: Config<unknown>): Array<Field> => {
  const fields: Array<Field> = []
  for (const window of ['staleWhileRevalidate', 'staleIfError', 'refreshAhead'] as const) {
    if ((c[window] ?? 0) > 0 && c.ttl === undefined) {
      fields.push({ field: window, message: 'needs a ttl (an entry without one never goes stale)' })
    }
  }
  if (typeof c.ttl === 'number' && c.refreshAhead !== undefined && c.refreshAhead > 0 && c.refreshAhead >= c.ttl) {
    fields.push({ field: 'refreshAhead', message: `must be less than ttl (${c.ttl}), got ${c.refreshAhead}` })
  }
  const { soft = 0, hard = 0 } = c.timeout ?? {}
  if (soft > 0 && hard > 0 && soft >= hard) fields.push({ field: 'timeout.soft', message: `must be less than timeout.hard (${hard}), got ${soft}` })
  return fields
}

/**
 * Validates a config (unknown fields are errors too) and fills in the defaults: no ttl, `maxSize` 0 (unbounded),
 * not disabled, no windows, and the error policy `propagate` (`serveStale` when `staleIfError` is set). The
 * `Left` is an `InvalidConfig` naming every bad field.
 *
 * @example
 * import { Config, ErrorPolicy } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(
 *   Config.resolve('user', { ttl: 60_000 }),
 *   E.right({
 *     ttl: 60_000, maxSize: 0, disabled: false, staleWhileRevalidate: 0, staleIfError: 0, refreshAhead: 0,
 *     errorPolicy: ErrorPolicy.propagate, timeout: { soft: 0, hard: 0 }, storeFailure: 'open'
 *   })
 * )
 * assert.ok(E.isLeft(Config.resolve('user', { ttl: -1 })))
 * assert.ok(E.isLeft(Config.resolve('user', { staleWhileRevalidate: 1000 }))) // no ttl
 *
 * @category utils
 * @since 0.2.0
 */
export const resolve = <A = unknown>(name: string, input: unknown): Either<CacheError, ResolvedConfig<A>> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(CE.invalidConfig(name, [{ field: 'config', message: `expected an object, got ${describe(input)}` }]))
  }
  const fields = Object.keys(input)
    .filter((k) => !configFields.includes(k))
    .map((k) => ({ field: k, message: `unknown field (known fields: ${configFields.join(', ')})` }))
  const decoded = Config.decode(input)
  if (E.isLeft(decoded)) fields.push(...fieldErrors(decoded.left))
  else fields.push(...windowErrors(decoded.right as Config<unknown>))
  if (fields.length > 0 || E.isLeft(decoded)) return E.left(CE.invalidConfig(name, fields))
  const c = decoded.right as Config<A>
  const staleIfError = c.staleIfError ?? 0
  return E.right({
    ttl: c.ttl,
    maxSize: c.maxSize ?? 0,
    disabled: c.disabled ?? false,
    staleWhileRevalidate: c.staleWhileRevalidate ?? 0,
    staleIfError,
    refreshAhead: c.refreshAhead ?? 0,
    errorPolicy: c.errorPolicy ?? (staleIfError > 0 ? ErrorPolicy.serveStale : ErrorPolicy.propagate),
    timeout: { soft: c.timeout?.soft ?? 0, hard: c.timeout?.hard ?? 0 },
    storeFailure: c.storeFailure ?? 'open'
  })
}
