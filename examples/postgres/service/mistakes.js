/**
 * Wrong writers, for `--mistake NAME`: each one lets the cache serve a row that a committed write has replaced,
 * and the load test counts those reads as stale (and exits non-zero). They show that the check can fail.
 */

export const mistakes = {
  /** The UPDATE alone: the cache keeps the old row until its ttl ends. */
  'skip-invalidation': (_cache, write) => write,
  /**
   * Invalidate, then UPDATE: a read between the two misses, loads the old row (the UPDATE has not committed) and
   * stores it, after the invalidation.
   */
  'invalidate-first': (cache, write) => async (args) => {
    await cache.invalidate(args)()
    return write(args)
  }
}
