/**
 * A cache's config: `ttl`, `maxSize` and `disabled`, as an io-ts codec that the cache validates when it is made
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

/**
 * The io-ts codec of a cache's config: `ttl` (milliseconds; none means entries never expire; `0` means nothing is
 * kept), `maxSize` (entries, `0` = unbounded) and `disabled`. All are optional.
 *
 * @example
 * import { Config } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.ok(E.isRight(Config.Config.decode({ ttl: 1000, maxSize: 10 })))
 * assert.ok(E.isLeft(Config.Config.decode({ ttl: -1 })))
 *
 * @category model
 * @since 0.2.0
 */
export const Config = /*#__PURE__*/ t.partial(
  { ttl: NonNegativeFinite, maxSize: NonNegativeInt, disabled: t.boolean },
  'Config'
)

/**
 * A cache config as written by its user.
 *
 * @category model
 * @since 0.2.0
 */
export type Config = t.TypeOf<typeof Config>

/**
 * A validated config with the defaults filled in.
 *
 * @category model
 * @since 0.2.0
 */
export interface ResolvedConfig {
  readonly ttl: number | undefined
  readonly maxSize: number
  readonly disabled: boolean
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const configFields = /*#__PURE__*/ Object.keys(Config.props)

const fieldErrors = (errors: t.Errors): Array<{ field: string; message: string }> =>
  errors.map((error) => ({
    field: error.context
      .slice(1)
      .map((c) => c.key)
      .join('.'),
    message: `expected ${error.context[error.context.length - 1]?.type.name ?? 'a valid value'}, got ${describe(error.value)}`
  }))

/**
 * Validates a config (unknown fields are errors too) and fills in the defaults: no ttl, `maxSize` 0 (unbounded),
 * not disabled. The `Left` is an `InvalidConfig` naming every bad field.
 *
 * @example
 * import { Config } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(
 *   Config.resolve('user', { ttl: 60_000 }),
 *   E.right({ ttl: 60_000, maxSize: 0, disabled: false })
 * )
 * assert.ok(E.isLeft(Config.resolve('user', { ttl: -1 })))
 *
 * @category utils
 * @since 0.2.0
 */
export const resolve = (name: string, input: unknown): Either<CacheError, ResolvedConfig> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(CE.invalidConfig(name, [{ field: 'config', message: `expected an object, got ${describe(input)}` }]))
  }
  const fields = Object.keys(input)
    .filter((k) => !configFields.includes(k))
    .map((k) => ({ field: k, message: `unknown field (known fields: ${configFields.join(', ')})` }))
  const decoded = Config.decode(input)
  if (E.isLeft(decoded)) fields.push(...fieldErrors(decoded.left))
  if (fields.length > 0 || E.isLeft(decoded)) return E.left(CE.invalidConfig(name, fields))
  const c = decoded.right
  return E.right({ ttl: c.ttl, maxSize: c.maxSize ?? 0, disabled: c.disabled ?? false })
}
