/**
 * The one "no value here" sentinel of the library: what an in-process read answers instead of allocating an
 * `Option` on the hot path. `LruTtl`'s cell reads, the memory store's internal read and the cache's hit path
 * all answer it, so a value of any type (`undefined` and `null` included) can be cached and told apart from a miss.
 *
 * @internal
 * @since 0.2.0
 */

/** @internal */
export const MISS: unique symbol = Symbol('best-simple-cache/MISS')

/** @internal */
export type Miss = typeof MISS
