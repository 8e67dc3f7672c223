/**
 * What happens in a cache, as data: the events a listener hears (`Cache.subscribe`, or the `onEvent` option) and
 * the counters of `Cache.stats`. A user exports them to metrics; the cache itself never depends on a listener.
 *
 * @since 0.2.0
 */
import type { CacheError } from './CacheError'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An event of a cache.
 *
 * - `Hit`, `Miss`: a lookup found a live entry, or did not.
 * - `Set`: a value was stored (after a load, or by `set`).
 * - `Evict`: the store evicted the least recently used entry to make room.
 * - `Invalidate`, `Clear`: entries were removed on request.
 * - `Fenced`: a load finished after its key was invalidated, set or cleared; its value was returned, not stored.
 * - `LoadFailure`: the loader failed; nothing was stored.
 * - `DecodeFailure`: a stored entry failed the entity codec (it was deleted and treated as a miss).
 * - `InvalidValue`: a value to be stored failed the entity codec; it was not stored, and the call failed.
 * - `StoreFailure`: the store failed; the cached function fell back to the loader's value.
 * - `RefreshFailure`: a background refresh failed (the stale value stays servable), or `refreshAfterBy` could not
 *   reload after the write.
 * - `Stale`: a stale entry was served at once (stale-while-revalidate, or stale-if-error after a failed load).
 * - `RefreshStarted`: a background refresh of the key began (the entry was stale, or in its refresh-ahead window).
 * - `NegativeHit`: a remembered failure was answered without running the loader (`ErrorPolicy.cacheFor`).
 * - `Timeout`: a caller stopped waiting for a load (`timeout.soft`: it got the stale value; `timeout.hard`: a
 *   `LoadTimeout`); the load went on.
 * - `Aborted`: a caller left when its `AbortSignal` aborted (the shared load is aborted only when every caller left).
 * - `Load`: a run of the loader ended, after `durationMs` (`ok` false when it failed); emitted only while somebody
 *   listens, so a user can export load latencies.
 *
 * @example
 * import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'
 * import type { CacheEvent } from 'best-simple-cache'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * const seen: Array<CacheEvent.CacheEvent['_tag']> = []
 * const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int, onEvent: (e) => seen.push(e._tag) })
 * const square = withCacheAsync(squares)((n: number) => n * n)
 *
 * async function main() {
 *   await square(3)
 *   await square(3)
 *   assert.deepStrictEqual(seen, ['Miss', 'Load', 'Set', 'Hit'])
 * }
 * main()
 *
 * @category model
 * @since 0.2.0
 */
export type CacheEvent =
  | { readonly _tag: 'Hit'; readonly key: string }
  | { readonly _tag: 'Miss'; readonly key: string }
  | { readonly _tag: 'Set'; readonly key: string }
  | { readonly _tag: 'Evict'; readonly key: string }
  | { readonly _tag: 'Invalidate'; readonly key: string }
  | { readonly _tag: 'Clear' }
  | { readonly _tag: 'Fenced'; readonly key: string }
  | { readonly _tag: 'LoadFailure'; readonly key: string; readonly error: unknown }
  | { readonly _tag: 'DecodeFailure'; readonly key: string; readonly errors: ReadonlyArray<string> }
  | { readonly _tag: 'InvalidValue'; readonly key: string; readonly errors: ReadonlyArray<string> }
  | { readonly _tag: 'StoreFailure'; readonly error: CacheError }
  | { readonly _tag: 'RefreshFailure'; readonly key: string; readonly error: unknown }
  | { readonly _tag: 'Stale'; readonly key: string }
  | { readonly _tag: 'RefreshStarted'; readonly key: string }
  | { readonly _tag: 'NegativeHit'; readonly key: string }
  | { readonly _tag: 'Load'; readonly key: string; readonly durationMs: number; readonly ok: boolean }
  | { readonly _tag: 'Timeout'; readonly key: string; readonly kind: 'soft' | 'hard' }
  | { readonly _tag: 'Aborted'; readonly key: string }

/**
 * Counters since the cache was made, and the store's entry count where the store can tell.
 *
 * - `hits`, `misses`: lookups that found a live entry, or did not. A caller of a key that is loading joins that
 *   load without a lookup, on every store, so a burst of callers of a missing key counts one miss (and one load).
 * - `loads`: runs of the loader; `loadFailures`: those that failed.
 * - `sets`: values stored; `evictions`: entries the store evicted to make room; `invalidations`: keys invalidated.
 * - `decodeFailures`: stored entries that failed the entity codec; `invalidValues`: values that failed it before
 *   they could be stored.
 * - `deduped`: callers that joined a load in flight instead of starting one; `fenced`: loads whose result was not
 *   stored because their key was invalidated, set or cleared meanwhile.
 * - `stale`: stale values served; `refreshes`: background refreshes started; `refreshFailures`: those that failed;
 *   `negativeHits`: remembered failures answered without running the loader; `timeouts`: callers that stopped
 *   waiting for a load (`Timeout` events); `aborted`: callers that left when their signal aborted.
 *
 * @category model
 * @since 0.2.0
 */
export interface Stats {
  readonly hits: number
  readonly misses: number
  readonly loads: number
  readonly loadFailures: number
  readonly sets: number
  readonly evictions: number
  readonly invalidations: number
  readonly decodeFailures: number
  readonly invalidValues: number
  readonly deduped: number
  readonly fenced: number
  readonly stale: number
  readonly refreshes: number
  readonly refreshFailures: number
  readonly negativeHits: number
  readonly timeouts: number
  readonly aborted: number
  readonly size?: number
}

/**
 * How a read was answered, for the `...Outcome` variants of the read combinators:
 *
 * - `Hit`: a fresh entry; `Miss`: none, and this caller's load ran; `Deduped`: this caller joined a load in flight;
 * - `Stale`: a stale entry, served at once (stale-while-revalidate) or after a failed load (stale-if-error);
 * - `Refreshed`: the entry was past its stale-while-revalidate window, and this caller waited for its reload;
 * - `NegativeHit`: a remembered failure (`ErrorPolicy.cacheFor`), answered without running the loader.
 *
 * @category model
 * @since 0.2.0
 */
export type Outcome = 'Hit' | 'Miss' | 'Stale' | 'Deduped' | 'Refreshed' | 'NegativeHit'

/**
 * A value with how it was answered.
 *
 * @category model
 * @since 0.2.0
 */
export interface WithOutcome<A> {
  readonly value: A
  readonly outcome: Outcome
}
