/**
 * best-simple-cache: async caching on fp-ts and io-ts.
 *
 * The combinators are exported by name; every other module is exported as a namespace.
 *
 * @since 0.1.0
 */

/**
 * @category combinators
 * @since 0.1.0
 */
export { withCache, withCacheAsync } from './withCache'
/**
 * @category combinators
 * @since 0.1.0
 */
export { invalidateAfter, invalidateAfterAsync } from './invalidateAfter'
/**
 * @category combinators
 * @since 0.1.0
 */
export { refreshAfterBy, refreshAfterByAsync } from './refreshAfterBy'
/**
 * @category modules
 * @since 0.1.0
 */
export * as Cache from './Cache'
/**
 * @category modules
 * @since 0.1.0
 */
export * as CacheError from './CacheError'
/**
 * @category modules
 * @since 0.1.0
 */
export * as Clock from './Clock'
/**
 * @category modules
 * @since 0.1.0
 */
export * as KeyCodec from './KeyCodec'
/**
 * @category modules
 * @since 0.1.0
 */
export * as KeyedSemaphore from './KeyedSemaphore'
/**
 * @category modules
 * @since 0.1.0
 */
export * as LruTtl from './LruTtl'
/**
 * @category modules
 * @since 0.1.0
 */
export * as MemoryStore from './MemoryStore'
/**
 * @category modules
 * @since 0.1.0
 */
export * as Ref from './Ref'
/**
 * @category modules
 * @since 0.1.0
 */
export * as Store from './Store'
