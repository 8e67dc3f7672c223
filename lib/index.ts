/**
 * best-simple-cache: async caching on fp-ts and io-ts.
 *
 * The combinators are exported by name; every other module is exported as a namespace.
 *
 * @since 0.1.0
 */

export {
  /**
   * Caches a function returning a `TaskEither`.
   *
   * @category combinators
   * @since 0.1.0
   */
  withCache,
  /**
   * Caches a function returning a `Promise` or a plain value.
   *
   * @category combinators
   * @since 0.1.0
   */
  withCacheAsync,
  /**
   * `withCache`, answering `{ value, outcome }`.
   *
   * @category combinators
   * @since 0.2.0
   */
  withCacheOutcome,
  /**
   * `withCacheAsync`, answering `{ value, outcome }`.
   *
   * @category combinators
   * @since 0.2.0
   */
  withCacheAsyncOutcome,
  /**
   * `withCache` for an abortable loader, with callers that can leave by an `AbortSignal`.
   *
   * @category combinators
   * @since 0.2.0
   */
  withCacheAbortable,
  /**
   * `withCacheAsync` for an abortable loader, with callers that can leave by an `AbortSignal`.
   *
   * @category combinators
   * @since 0.2.0
   */
  withCacheAsyncAbortable
} from './withCache'
export {
  /**
   * Caches a function of many ids returning a `TaskEither`: the misses only are loaded, in one call, and keys that
   * are loading are joined.
   *
   * @category combinators
   * @since 0.4.0
   */
  withCacheBatch,
  /**
   * Caches a function of many ids returning a `Promise` (or a plain array): the misses only are loaded, in one call,
   * and keys that are loading are joined.
   *
   * @category combinators
   * @since 0.4.0
   */
  withCacheBatchAsync
} from './withCacheBatch'
export {
  /**
   * Invalidates the entry named by the arguments (or, with `keyFrom`, by the result) after a `TaskEither` write
   * succeeds; with `on: 'settled'`, after it fails too.
   *
   * @category combinators
   * @since 0.1.0
   */
  invalidateAfter,
  /**
   * Invalidates the entry named by the arguments (or, with `keyFrom`, by the result) after a `Promise` (or plain)
   * write succeeds; with `on: 'settled'`, after it fails too.
   *
   * @category combinators
   * @since 0.1.0
   */
  invalidateAfterAsync
} from './invalidateAfter'
export {
  /**
   * Stores the entity a `TaskEither` write returns (write-through), fencing loads of its key in flight.
   *
   * @category combinators
   * @since 0.2.0
   */
  writeThrough,
  /**
   * Stores the entity a `Promise` (or plain) write returns (write-through), fencing loads of its key in flight.
   *
   * @category combinators
   * @since 0.2.0
   */
  writeThroughAsync
} from './writeThrough'
export {
  /**
   * Invalidates, then reloads through the cached getter, after a `TaskEither` write succeeds (or, with
   * `on: 'settled'`, settles).
   *
   * @category combinators
   * @since 0.1.0
   */
  refreshAfterBy,
  /**
   * Invalidates, then reloads through the cached getter, after a `Promise` (or plain) write succeeds (or, with
   * `on: 'settled'`, settles).
   *
   * @category combinators
   * @since 0.1.0
   */
  refreshAfterByAsync
} from './refreshAfterBy'
/**
 * The entity cache: config, operations, events and stats.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Cache from './Cache'
/**
 * The errors of the cache itself. In the built package `CacheError` is also the error type, the union of this
 * module, so `import { CacheError } from 'best-simple-cache'` serves `CacheError.message(e)` and
 * `TaskEither<NotFound | CacheError, User>` alike (rollup.config.mjs adds the type to the declarations).
 *
 * @category modules
 * @since 0.1.0
 */
export * as CacheError from './CacheError'
/**
 * The events and counters of a cache. In the built package `CacheEvent` is also the event type, as `CacheError` is.
 *
 * @category modules
 * @since 0.2.0
 */
export * as CacheEvent from './CacheEvent'
/**
 * A cache's config and its io-ts codec.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Config from './Config'
/**
 * What a cache does when its loader fails: propagate, serve stale, remember the failure for a while.
 *
 * @category modules
 * @since 0.2.0
 */
export * as ErrorPolicy from './ErrorPolicy'
/**
 * An entry's life as data: fresh, stale-while-revalidate, stale-if-error, refresh-ahead.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Freshness from './Freshness'
/**
 * Injected time: the system clock and a manual clock for tests.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Clock from './Clock'
/**
 * Encoders from arguments to cache keys.
 *
 * @category modules
 * @since 0.1.0
 */
export * as KeyCodec from './KeyCodec'
/**
 * Permits per key, for single-flight loads.
 *
 * @category modules
 * @since 0.1.0
 */
export * as KeyedSemaphore from './KeyedSemaphore'
/**
 * The persistent (immutable) LRU + TTL structure.
 *
 * @category modules
 * @since 0.1.0
 */
export * as LruTtl from './LruTtl'
/**
 * The default store: `LruTtl` behind a `Ref`.
 *
 * @category modules
 * @since 0.1.0
 */
export * as MemoryStore from './MemoryStore'
/**
 * Two tiers: memory in front of a shared store, kept coherent by a bus.
 *
 * @category modules
 * @since 0.4.0
 */
export * as Tiered from './Tiered'
/**
 * The invalidation bus between the memory tiers of several processes.
 *
 * @category modules
 * @since 0.4.0
 */
export * as Bus from './Bus'
/**
 * A mutable cell with one `modify`.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Ref from './Ref'
/**
 * The storage interface behind a cache.
 *
 * @category modules
 * @since 0.1.0
 */
export * as Store from './Store'
