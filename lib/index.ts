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
  withCacheAsync
} from './withCache'
export {
  /**
   * Invalidates the entry named by the arguments after a `TaskEither` write succeeds.
   *
   * @category combinators
   * @since 0.1.0
   */
  invalidateAfter,
  /**
   * Invalidates the entry named by the arguments after a `Promise` (or plain) write succeeds.
   *
   * @category combinators
   * @since 0.1.0
   */
  invalidateAfterAsync
} from './invalidateAfter'
export {
  /**
   * Invalidates, then reloads through the cached getter, after a `TaskEither` write succeeds.
   *
   * @category combinators
   * @since 0.1.0
   */
  refreshAfterBy,
  /**
   * Invalidates, then reloads through the cached getter, after a `Promise` (or plain) write succeeds.
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
 * The errors of the cache itself. `CacheError` is also the error type itself, usable from the package root:
 * `TaskEither<NotFound | CacheError, User>`.
 *
 * @category modules
 * @since 0.1.0
 */
export * as CacheError from './CacheError'
/**
 * The error type of cache operations (the union of the `CacheError` module).
 *
 * @category model
 * @since 0.2.0
 */
export type CacheError = import('./CacheError').CacheError
/**
 * The events and counters of a cache.
 *
 * @category modules
 * @since 0.2.0
 */
export * as CacheEvent from './CacheEvent'
/**
 * What a cache hears: the event type itself, usable from the package root.
 *
 * @category model
 * @since 0.2.0
 */
export type CacheEvent = import('./CacheEvent').CacheEvent
/**
 * A cache's config and its io-ts codec.
 *
 * @category modules
 * @since 0.2.0
 */
export * as Config from './Config'
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
