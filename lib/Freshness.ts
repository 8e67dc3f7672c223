/**
 * An entry's life as data. A stored entry is **fresh** for `ttl` ms; then **stale** but still served at once for
 * `staleWhileRevalidate` ms, while one background refresh runs; then, for `staleIfError` ms more, served only when
 * a reload fails (the names of RFC 5861's Cache-Control extensions); then gone. With `refreshAhead`, a read of a
 * fresh entry in its last `refreshAhead` ms starts one background refresh, so a hot key need never go stale.
 *
 * ```
 *   written                    ttl                  + staleWhileRevalidate      + staleIfError
 *   |--------- Fresh ---------|-------- Stale --------|------ StaleIfError ------| (gone)
 *              |-RefreshAhead-|
 * ```
 *
 * A store keeps the entry until the last window ends (`storedTtl`), and tells how long it has left on its own
 * clock (`Store.getEntry`); `phase` reads the rest from that one number. A remote store shared by several
 * processes therefore needs no envelope and no comparison of application clocks: the windows after `ttl` are the
 * cache's config, the same in every process.
 *
 * Laws (each a property test):
 * 1. `phase` moves forward only: as `expiresIn` falls, the phases come in the order of the picture above.
 * 2. An entry written with `storedTtl(windows, ttl)` is `Fresh` (or `RefreshAhead`) for exactly `ttl` ms, then in
 *    each later window for exactly that window's length.
 * 3. With every window 0, the life is the plain ttl: `Fresh` until `ttl`, then gone.
 *
 * @since 0.2.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The windows after (and just before) an entry's `ttl`, in milliseconds; 0 turns a window off.
 *
 * @category model
 * @since 0.2.0
 */
export interface Windows {
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
  readonly refreshAhead: number
}

/**
 * Where an entry is in its life when it is read.
 *
 * - `Fresh`: served as a hit.
 * - `RefreshAhead`: fresh and served as a hit, and in the last `refreshAhead` ms: a background refresh starts.
 * - `Stale`: past its ttl, served at once while a background refresh runs.
 * - `StaleIfError`: a read reloads it and waits; the stale value is its answer only when the reload fails (and the
 *   error policy says `serveStale`).
 *
 * @category model
 * @since 0.2.0
 */
export type Phase = 'Fresh' | 'RefreshAhead' | 'Stale' | 'StaleIfError'

/**
 * No window: every entry lives its plain ttl.
 *
 * @category constructors
 * @since 0.2.0
 */
export const none: Windows = { staleWhileRevalidate: 0, staleIfError: 0, refreshAhead: 0 }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * How long a store keeps an entry whose ttl is `ttl`: until its last window ends.
 *
 * @example
 * import { Freshness } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const windows = { staleWhileRevalidate: 10_000, staleIfError: 60_000, refreshAhead: 0 }
 * assert.strictEqual(Freshness.storedTtl(windows, 1_000), 71_000)
 *
 * @category utils
 * @since 0.2.0
 */
export const storedTtl = (windows: Windows, ttl: number): number => ttl + windows.staleWhileRevalidate + windows.staleIfError

/**
 * The phase of an entry that the store will keep for `expiresIn` more ms (`undefined`: it never expires, so it is
 * always fresh). An entry the store no longer answers has no phase.
 *
 * @example
 * import { Freshness } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const windows = { staleWhileRevalidate: 10_000, staleIfError: 60_000, refreshAhead: 500 }
 * // written with ttl 1 s, so kept for 71 s
 * assert.strictEqual(Freshness.phase(windows, 71_000), 'Fresh') // just written
 * assert.strictEqual(Freshness.phase(windows, 70_400), 'RefreshAhead') // 600 ms old
 * assert.strictEqual(Freshness.phase(windows, 65_000), 'Stale') // 6 s old
 * assert.strictEqual(Freshness.phase(windows, 30_000), 'StaleIfError') // 41 s old
 *
 * @category utils
 * @since 0.2.0
 */
export const phase = (windows: Windows, expiresIn: number | undefined): Phase => {
  if (expiresIn === undefined) return 'Fresh'
  const freshFor = expiresIn - windows.staleIfError - windows.staleWhileRevalidate
  if (freshFor > windows.refreshAhead) return 'Fresh'
  if (freshFor > 0) return 'RefreshAhead'
  return expiresIn > windows.staleIfError ? 'Stale' : 'StaleIfError'
}

/**
 * Whether any window is on (a cache with none takes the plain path, which reads no entry's age).
 *
 * @category utils
 * @since 0.2.0
 */
export const isPlain = (windows: Windows): boolean =>
  windows.staleWhileRevalidate === 0 && windows.staleIfError === 0 && windows.refreshAhead === 0
