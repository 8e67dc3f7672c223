/**
 * What a cache does when its loader fails, as one data type. A policy is a list of rules tried in order; the
 * first that applies decides, and when none does the error reaches the caller (`propagate`, the default, is the
 * empty list). Policies compose with `concat` (or the `Monoid`), so "serve a stale value if there is one, else
 * remember the failure for 5 s" is `concat(serveStale, cacheFor(5_000))`.
 *
 * - `serveStale`: a stale value still in its `staleIfError` (or `staleWhileRevalidate`) window is the answer, and the
 *   error is reported; the next read tries again.
 * - `cacheFor(ms, when?)`: negative caching. The failure is remembered for `ms` and answered to every caller of
 *   that key (without running the loader) until then; `when` narrows it to the errors it accepts. An invalidation,
 *   a `set` or a `clear` of the key forgets it. Remembered failures live in this process only (errors need not be
 *   serialisable), at most one per key.
 *
 * Laws: `propagate` is the identity of `concat`, and `concat` is associative (a `Monoid`); rules never run the
 * loader again, so a policy can change which answer a caller gets, never how many loads run.
 *
 * @since 0.2.0
 */
import type * as M from 'fp-ts/Monoid'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One rule of a policy.
 *
 * @category model
 * @since 0.2.0
 */
export type Rule =
  | { readonly _tag: 'ServeStale' }
  | { readonly _tag: 'CacheFor'; readonly ms: number; readonly when: ((error: unknown) => boolean) | undefined }

/**
 * A policy: rules tried in order.
 *
 * @category model
 * @since 0.2.0
 */
export interface ErrorPolicy {
  readonly rules: ReadonlyArray<Rule>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Every failure reaches its callers, and nothing is remembered: the default.
 *
 * @category constructors
 * @since 0.2.0
 */
export const propagate: ErrorPolicy = { rules: [] }

/**
 * A failed load of an entry that is still in a servable window answers the stale value.
 *
 * @category constructors
 * @since 0.2.0
 */
export const serveStale: ErrorPolicy = { rules: [{ _tag: 'ServeStale' }] }

/**
 * Remembers a failure (one that `when` accepts; every failure without it) for `ms` milliseconds: callers of the
 * key get it without running the loader. `ms` must be a finite number > 0 (`Cache.make` names it otherwise).
 *
 * @example
 * import { Cache, ErrorPolicy, KeyCodec, Clock, withCacheAsync } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const clock = Clock.manual()
 * const notFound = (e: unknown) => e instanceof Error && e.message === 'not found'
 * const users = Cache.unsafeMake({
 *   name: 'user', codec: t.string, key: KeyCodec.int, clock,
 *   config: { ttl: 60_000, errorPolicy: ErrorPolicy.cacheFor(5_000, notFound) }
 * })
 * let calls = 0
 * const getUser = withCacheAsync(users)(async (id: number): Promise<string> => {
 *   calls++
 *   throw new Error('not found')
 * })
 *
 * async function main() {
 *   await assert.rejects(getUser(7), /not found/)
 *   await assert.rejects(getUser(7), /not found/) // remembered: the loader does not run
 *   assert.strictEqual(calls, 1)
 *   clock.advance(5_000)()
 *   await assert.rejects(getUser(7), /not found/) // forgotten: it runs again
 *   assert.strictEqual(calls, 2)
 * }
 * main()
 *
 * @category constructors
 * @since 0.2.0
 */
export const cacheFor = (ms: number, when?: (error: unknown) => boolean): ErrorPolicy => ({
  rules: [{ _tag: 'CacheFor', ms, when }]
})

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `first`'s rules, then `second`'s.
 *
 * @example
 * import { ErrorPolicy } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const policy = ErrorPolicy.concat(ErrorPolicy.serveStale, ErrorPolicy.cacheFor(5_000))
 * assert.deepStrictEqual(policy.rules.map((r) => r._tag), ['ServeStale', 'CacheFor'])
 *
 * @category combinators
 * @since 0.2.0
 */
export const concat = (first: ErrorPolicy, second: ErrorPolicy): ErrorPolicy => ({ rules: [...first.rules, ...second.rules] })

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Policies under `concat`, with `propagate` as the identity.
 *
 * @category instances
 * @since 0.2.0
 */
export const Monoid: M.Monoid<ErrorPolicy> = { concat, empty: propagate }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * What a policy decides for a failed load: serve the stale value, remember the failure for `ms`, or pass it on.
 *
 * @category model
 * @since 0.2.0
 */
export type Decision =
  | { readonly _tag: 'ServeStale' }
  | { readonly _tag: 'Remember'; readonly ms: number }
  | { readonly _tag: 'Propagate' }

const PROPAGATE: Decision = { _tag: 'Propagate' }
const SERVE_STALE: Decision = { _tag: 'ServeStale' }

const accepts = (when: ((error: unknown) => boolean) | undefined, error: unknown): boolean => {
  try {
    return when === undefined || when(error) === true
  } catch {
    return false // a `when` that throws accepts nothing
  }
}

/**
 * The decision of the first rule that applies to `error`: `serveStale` applies when a stale value is at hand,
 * `cacheFor` when its `when` accepts the error.
 *
 * @example
 * import { ErrorPolicy } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const policy = ErrorPolicy.concat(ErrorPolicy.serveStale, ErrorPolicy.cacheFor(5_000))
 * assert.deepStrictEqual(ErrorPolicy.decide(policy, new Error('down'), true), { _tag: 'ServeStale' })
 * assert.deepStrictEqual(ErrorPolicy.decide(policy, new Error('down'), false), { _tag: 'Remember', ms: 5_000 })
 * assert.deepStrictEqual(ErrorPolicy.decide(ErrorPolicy.propagate, new Error('down'), true), { _tag: 'Propagate' })
 *
 * @category utils
 * @since 0.2.0
 */
export const decide = (policy: ErrorPolicy, error: unknown, hasStale: boolean): Decision => {
  for (const rule of policy.rules) {
    if (rule._tag === 'ServeStale') {
      if (hasStale) return SERVE_STALE
    } else if (accepts(rule.when, error)) return { _tag: 'Remember', ms: rule.ms }
  }
  return PROPAGATE
}
