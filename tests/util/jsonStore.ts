import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { PathReporter } from 'io-ts/PathReporter'
import * as CE from '../../lib/CacheError'
import type { CacheError } from '../../lib/CacheError'
import type { Store, StoreContext, StoreFactory } from '../../lib/Store'
import { seeded } from '../../lib/internal/testing/random'
import { turns } from '../../lib/internal/testing/turns'

/**
 * A store that keeps JSON strings, as a remote store does: it encodes with the entity codec on `set` and decodes
 * on `get`, so it declares `validatedBy`; given a `maxSize`, it evicts the oldest written entry. `raw` exposes the
 * strings so a test can corrupt them; `failing` makes every operation fail. `getMany` reads its keys in one operation
 * (one latency), as a remote store's multi-get does.
 *
 * `latency` makes it remote-like: every operation takes effect only when the promise `latency(label)` resolves, and
 * that is when its task completes. Give it an `fc.scheduler`'s `schedule` and the operations complete in whatever
 * order the scheduler picks (reordering), as a connection pool or an HTTP store does.
 */
interface Raw {
  json: string
  expiresAt: number
  /** The tags it was written with, and the tag clock its load began at. */
  tags?: ReadonlyArray<string>
  since?: number
}

export interface JsonStore<A> extends Store<A> {
  readonly raw: Map<string, Raw>
  readonly failing: { value: boolean }
}

export interface JsonStoreOptions {
  readonly latency?: (label: string) => Promise<unknown>
}

export const jsonStore =
  (options: JsonStoreOptions = {}) =>
  <A>(context: StoreContext<A>): JsonStore<A> => {
    const raw = new Map<string, Raw>()
    const tagClock = { now: 0 }
    const versions = new Map<string, number>() // a test store: it remembers every tag invalidated
    const stale = (entry: Raw): boolean =>
      entry.tags !== undefined && entry.tags.some((tag) => (versions.get(tag) ?? 0) > (entry.since as number))
    /** An entry that is live (not expired, no tag invalidated after its load began). */
    const live = (key: string): Raw | undefined => {
      const entry = raw.get(key)
      return entry === undefined || context.clock.now() >= entry.expiresAt || stale(entry) ? undefined : entry
    }
    const failing = { value: false }
    const { latency } = options
    /** Applies `op` when the store's latency says so; a failing store fails the operation. */
    const later = <B>(
      operation: CE.StoreFailure['operation'],
      key: string | undefined,
      op: () => Either<CacheError, B>
    ): Promise<Either<CacheError, B>> => {
      const apply = (): Either<CacheError, B> =>
        failing.value ? E.left(CE.storeFailure(operation, new Error('store is down'), key)) : op()
      return latency === undefined ? Promise.resolve(apply()) : latency(`${operation} ${key ?? ''}`).then(apply)
    }
    /** With a `maxSize`, makes room by evicting the oldest written entry, as the contract asks. */
    const evictFor = (): void => {
      if (context.maxSize === 0 || raw.size < context.maxSize) return
      const oldest = raw.keys().next()
      if (oldest.done === true) return
      raw.delete(oldest.value)
      context.onEvict(oldest.value)
    }
    const decode = (key: string, json: string): Either<CacheError, O.Option<A>> => {
      let parsed: unknown
      try {
        parsed = JSON.parse(json)
      } catch {
        return E.left(CE.decodeFailure(key, ['not JSON']))
      }
      const decoded = context.codec.decode(parsed)
      return E.isRight(decoded) ? E.right(O.some(decoded.right)) : E.left(CE.decodeFailure(key, PathReporter.report(decoded)))
    }
    const read = (key: string): Either<CacheError, O.Option<A>> => {
      const entry = live(key)
      return entry === undefined ? E.right(O.none) : decode(key, entry.json)
    }
    return {
      raw,
      failing,
      validatedBy: context.codec,
      get: (key) => () => later('get', key, () => read(key)),
      getMany: (keys) => () => later('get', keys.join(','), () => E.right(keys.map(read))),
      getEntry: (key) => () =>
        later('get', key, () => {
          const entry = live(key)
          const now = context.clock.now()
          if (entry === undefined) return E.right(O.none)
          const expiresIn = entry.expiresAt === Infinity ? undefined : entry.expiresAt - now
          return E.map(O.map((value: A) => ({ value, expiresIn })))(decode(key, entry.json))
        }),
      set: (key, value, ttl, tagged) => () =>
        later('set', key, () => {
          raw.delete(key) // a rewritten key is the newest
          const since = typeof tagged?.since === 'number' ? tagged.since : tagClock.now
          const entry: Raw = {
            json: JSON.stringify(context.codec.encode(value)),
            expiresAt: ttl === undefined ? Infinity : context.clock.now() + ttl,
            ...(tagged === undefined ? {} : { tags: tagged.tags, since })
          }
          if (stale(entry)) return E.right(undefined) // its load began before one of its tags was invalidated
          evictFor()
          raw.set(key, entry)
          return E.right(undefined)
        }),
      tags: {
        clock: () => later('get', undefined, () => E.right(tagClock.now)),
        invalidate: (tags) => () =>
          later('delete', undefined, () => {
            tagClock.now++
            for (const tag of tags) versions.set(tag, tagClock.now)
            return E.right(undefined)
          })
      },
      delete: (key) => () => later('delete', key, () => E.right(void raw.delete(key))),
      clear: () => later('clear', undefined, () => E.right(raw.clear())),
      size: () => later('size', undefined, () => E.right(raw.size))
    }
  }

/** The JSON store, its operations each taking effect after 0 to 8 microtask turns drawn from `seed`. */
export const latentJsonStore = (seed: number): StoreFactory => {
  const random = seeded(seed)
  return jsonStore({ latency: () => turns(random.int(0, 8)) })
}
