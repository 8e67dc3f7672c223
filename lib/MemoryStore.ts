/**
 * The default `Store`: an immutable `LruTtl` structure behind a ref cell, with time from a `Clock`. The cell is
 * an owning one (`internal/ownedCell`): each operation is one step on it, the same as its `modify` with the pure
 * `LruTtl` operation, and every version taken with `snapshot` stays a valid, unchanging view. While no snapshot can
 * still be reached, the cell changes the structure in place (nobody can tell); after one is taken it keeps versions
 * as the pure operations do, until the collector has taken every snapshot.
 *
 * Made with a codec (a cache hands it its entity codec), it keeps out every value that fails it: `set` answers an
 * `InvalidValue` and `setSync` throws a `TypeError`, so whatever it answers passed the codec in this process and a
 * hit needs no decoding (`validatedBy`). Its cache writes the values it has just checked through a door of its own,
 * without a second check. Expiry is lazy: no timers, nothing keeps the process alive; expired entries are
 * reclaimed a few at a time as new ones are written, and all at once by `purge`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import type { Option } from 'fp-ts/Option'
import * as O from 'fp-ts/Option'
import * as CE from './CacheError'
import type { Clock } from './Clock'
import type * as LruTtl from './LruTtl'
import type * as Store from './Store'
import type { EntityCodec } from './Store'
import { IN_PROCESS } from './internal/inProcess'
import * as cells from './internal/ownedCell'
import type { InProcess } from './internal/inProcess'
import { MISS } from './internal/miss'
import type { Miss } from './internal/miss'
import * as TagVersions from './internal/tagVersions'
import { errorsOf } from './internal/validation'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A `Store` in this process's memory that can also hand out its current version.
 *
 * @category model
 * @since 0.1.0
 */
export interface MemoryStore<A> extends Store.Store<A> {
  /**
   * The current version of the structure: an immutable snapshot that later operations do not change. An entry
   * written with tags is kept as a `TaggedValue`.
   */
  readonly snapshot: IO<LruTtl.LruTtl<A | TaggedValue<A>>>
  readonly getSync: (key: string) => Option<A>
  readonly setSync: (key: string, value: A, ttl?: number, tagged?: Store.Tagged) => void
  readonly tags: Store.Tags
}

/**
 * How a memory store keeps an entry written with tags: the value, its tags, and the store's tag clock when its
 * load began (an entry is a miss once one of its tags is invalidated after that).
 *
 * @category model
 * @since 0.4.0
 */
export interface TaggedValue<A> {
  readonly _tag: 'TaggedValue'
  readonly value: A
  readonly tags: ReadonlyArray<string>
  readonly since: number
}

/**
 * What a memory store needs. A `StoreContext` has all of it, so `MemoryStore.make` is a `StoreFactory`.
 *
 * @category model
 * @since 0.1.0
 */
export interface MemoryStoreOptions<A = unknown> {
  /** The most entries it may hold; `0` is unbounded. */
  readonly maxSize: number
  readonly clock: Clock
  readonly onEvict?: (key: string) => void
  /** When given, only values that pass it are stored (a cache gives its entity codec). */
  readonly codec?: EntityCodec<A>
  /**
   * How many invalidated tags it remembers (the default is 10,000, or `maxSize` when that is larger); past that,
   * tagged entries older than the oldest remembered invalidation count as stale.
   */
  readonly maxTags?: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const done = /*#__PURE__*/ Promise.resolve(E.right(undefined))
const noEvict = (): void => undefined

/**
 * Makes an empty memory store.
 *
 * @example
 * import { Clock, MemoryStore } from 'best-simple-cache'
 * import * as O from 'fp-ts/Option'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const clock = Clock.manual()
 *   const store = MemoryStore.make<string>({ maxSize: 100, clock })
 *   await store.set('k', 'v', 1000)()
 *   assert.deepStrictEqual(await store.get('k')(), E.right(O.some('v')))
 *   clock.advance(1000)()
 *   assert.deepStrictEqual(await store.get('k')(), E.right(O.none))
 * }
 * main()
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <A>(options: MemoryStoreOptions<A>): MemoryStore<A> => {
  const { clock, codec } = options
  const onEvict = options.onEvict ?? noEvict
  const cell = cells.ownRef<A | TaggedValue<A>>(options.maxSize)
  const tags = tagsOf(cell, options)
  const write = (key: string, value: A, ttl: number | undefined, tagged?: Store.Tagged): void => {
    const stored = tagged === undefined || tagged.tags.length === 0 ? value : tags.stamp(key, value, tagged)
    if (stored === MISS) return
    const evicted = cells.ownSet(cell, key, stored, clock.now(), ttl)
    if (evicted !== undefined) onEvict(evicted)
  }
  const invalid = (value: unknown): ReadonlyArray<string> | undefined =>
    codec === undefined || codec.is(value) ? undefined : errorsOf(codec, value)
  const read = (key: string): A | Miss => {
    const r = cells.ownGet(cell, key, clock.now())
    return tags.used && r !== MISS ? tags.unwrap(key, r) : (r as A | Miss)
  }
  const getSync = (key: string): Option<A> => {
    const r = read(key)
    return r === MISS ? O.none : O.some(r)
  }
  const expiresIn = new Float64Array(1)
  const readEntry = (key: string): A | Miss => {
    const now = clock.now()
    const r = cells.ownGetEntry(cell, key, now)
    if (r === MISS) return r
    expiresIn[0] = (cells.foundExpiry[0] as number) - now
    return tags.used ? tags.unwrap(key, r) : (r as A)
  }
  const getEntrySync = (key: string): Option<Store.Entry<A>> => {
    const r = readEntry(key)
    if (r === MISS) return O.none
    const left = expiresIn[0] as number
    return O.some({ value: r, expiresIn: left === Infinity ? undefined : left })
  }
  const door: InProcess<A> | undefined =
    codec === undefined
      ? undefined
      : { codec, read, readEntry, expiresIn, write, remove: (key) => void cells.ownRemove(cell, key), clear: () => cells.ownClear(cell) }
  return {
    [IN_PROCESS]: door,
    ...(codec === undefined ? {} : { validatedBy: codec }),
    getSync,
    setSync: (key, value, ttl, tagged) => {
      const errors = invalid(value)
      if (errors !== undefined) throw new TypeError(CE.message(CE.invalidValue(key, errors)))
      write(key, value, ttl, tagged)
    },
    get: (key) => () => Promise.resolve(E.right(getSync(key))),
    getMany: (keys) => () => Promise.resolve(E.right(keys.map((key) => E.right(getSync(key))))),
    getEntrySync,
    getEntry: (key) => () => Promise.resolve(E.right(getEntrySync(key))),
    set: (key, value, ttl, tagged) => () => {
      const errors = invalid(value)
      if (errors !== undefined) return Promise.resolve(E.left(CE.invalidValue(key, errors)))
      write(key, value, ttl, tagged)
      return done
    },
    delete: (key) => () => {
      cells.ownRemove(cell, key)
      return done
    },
    clear: () => {
      cells.ownClear(cell)
      return done
    },
    size: () => Promise.resolve(E.right(cells.ownSize(cell))),
    purge: () => Promise.resolve(E.right(cells.ownPurge(cell, clock.now()))),
    tags: tags.api,
    snapshot: cell.get
  } as MemoryStore<A>
}

/** The tags of a memory store: its versions, and how a tagged entry is written (`stamp`) and read (`unwrap`). */
const tagsOf = <A>(cell: cells.OwnRef<A | TaggedValue<A>>, options: MemoryStoreOptions<A>) => {
  const versions = TagVersions.make(options.maxTags ?? Math.max(10_000, options.maxSize))
  const self = {
    /** Whether any entry was written with tags: until then, a read looks at no tag. */
    used: false,
    /** The entry to keep, or `MISS` when one of its tags was invalidated after its load began (the key is removed). */
    stamp: (key: string, value: A, tagged: Store.Tagged): TaggedValue<A> | Miss => {
      const since = typeof tagged.since === 'number' ? tagged.since : versions.clock
      if (!TagVersions.isFresh(versions, tagged.tags, since)) {
        cells.ownRemove(cell, key)
        return MISS
      }
      self.used = true
      return new Stamped(value, tagged.tags, since)
    },
    unwrap: (key: string, stored: A | TaggedValue<A>): A | Miss => {
      if (!(stored instanceof Stamped)) return stored as A
      if (TagVersions.isFresh(versions, stored.tags, stored.since)) return stored.value
      cells.ownRemove(cell, key)
      return MISS
    },
    api: {
      clock: () => Promise.resolve(E.right(versions.clock)),
      clockSync: () => versions.clock,
      invalidate: (tags: ReadonlyArray<string>) => () => {
        TagVersions.bump(versions, tags)
        return done
      }
    } satisfies Store.Tags
  }
  return self
}

/** A `TaggedValue` as this module makes it: a class of its own, so no stored value can be taken for one. */
class Stamped<A> implements TaggedValue<A> {
  readonly _tag = 'TaggedValue' as const
  constructor(
    readonly value: A,
    readonly tags: ReadonlyArray<string>,
    readonly since: number
  ) {}
}
