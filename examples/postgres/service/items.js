/**
 * The items of the service, cached: `getItem` reads through the cache (`withCacheAsync`), `repriceItem` updates
 * the row, then invalidates its entry (`invalidateAfterAsync`). The cache is the default in-memory store.
 */
import * as t from 'io-ts'
import { Cache, KeyCodec, invalidateAfterAsync, withCacheAsync } from 'best-simple-cache'
import { mistakes } from './mistakes.js'

// The entity: what a cached value must look like (checked before it is stored).
const Item = t.type({ id: t.number, name: t.string, price: t.number, version: t.number })

/** No row has that id. */
export class NotFound extends Error {}

/**
 * The cache, the cached reader and the invalidating writer, over the queries of db.js.
 *
 * `mistake` swaps the writer for a wrong one (mistakes.js), to watch the load test catch it.
 *
 * @param {ReturnType<typeof import('./db.js').items>} db
 * @param {{ maxSize: number, disabled: boolean, mistake?: keyof typeof mistakes }} config
 */
export const makeItems = (db, config) => {
  // One entry per id; 60 s ttl; at most `maxSize` items in memory (least recently used evicted first).
  const cache = Cache.unsafeMake({
    name: 'item',
    codec: Item,
    key: KeyCodec.struct({ id: KeyCodec.int }),
    config: { ttl: 60_000, maxSize: config.maxSize, disabled: config.disabled }
  })
  // Concurrent misses of one id run one SELECT; a failure (no such row) is never cached.
  const getItem = withCacheAsync(cache)(async ({ id }) => {
    const row = await db.find(id)
    if (row === undefined) throw new NotFound(`no item ${id}`)
    return row
  })
  const reprice = async ({ id, price }) => {
    const version = await db.reprice(id, price)
    if (version === undefined) throw new NotFound(`no item ${id}`)
    return { id, version }
  }
  // After the UPDATE has committed, the entry is removed, and a SELECT of that id still in flight is fenced: its
  // (older) row goes back to its own callers but is not stored.
  const repriceItem =
    config.mistake === undefined ? invalidateAfterAsync(cache)(reprice) : mistakes[config.mistake](cache, reprice)
  // A load that finished after its id was invalidated: its row was returned, not stored.
  const fenced = { count: 0 }
  cache.subscribe((event) => {
    if (event._tag === 'Fenced') fenced.count++
  })
  return { cache, getItem, repriceItem, fenced }
}
