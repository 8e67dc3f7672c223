/**
 * How a cache talks to its store: every call guarded (a store that throws or rejects answers a `StoreFailure`),
 * every hit validated, and the writes of one key kept in order.
 *
 * - Validation: a hit reaches the cache only after it passed the entity codec in this process. The memory store's
 *   own door (`inProcess`) and a store whose `validatedBy` is the cache's codec are trusted; any other hit is
 *   checked with `codec.is`. A hit that fails is reported through `onCorrupt`, deleted, and a miss.
 * - Order: a store may complete operations in any order, and a write takes effect when it completes. So the writes
 *   and deletes of one key go through a keyed semaphore (one at a time, first come first served), and a write asks
 *   `mayWrite` when its turn comes: a load fenced while its write waited stores nothing, and an `invalidate`
 *   issued while a write is in flight deletes after that write has landed (law 7 whatever the store's latency).
 *   `clear` waits for the writes in flight. In-process stores write at once and need none of this.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import * as KeyedSemaphore from '../KeyedSemaphore'
import type { EntityCodec, Entry, Lead, Store, Tagged } from '../Store'
import { inProcessOf, localCopiesOf } from './inProcess'
import type { InProcess } from './inProcess'
import { MISS } from './miss'
import type { Miss } from './miss'

/** An entry a lookup found, with its remaining life in milliseconds (`Infinity`: it does not expire). */
export interface Found<A> {
  readonly value: A
  readonly expiresIn: number
}

export type Answer<B> = Either<CacheError, B> | Promise<Either<CacheError, B>>

/** A shared store's single flight (`Store.flight`), guarded, its found entries validated, its fills in turn. */
export interface FlightAccess<A> {
  /** `Store.flight.lead`; never rejects. */
  readonly lead: (key: string, refresh: boolean, wait?: boolean) => Promise<Either<CacheError, Lead<A>>>
  /** Fills with `ticket` if `mayWrite()` still says so when its turn comes; `true` if written. */
  readonly fill: (
    key: string,
    ticket: unknown,
    value: A,
    ttl: number | undefined,
    mayWrite: () => boolean,
    tags?: ReadonlyArray<string>
  ) => Promise<Either<CacheError, boolean>>
  /** Gives up a ticket (the load ended without a fill); a failure only delays the other processes. */
  readonly release: (key: string, ticket: unknown) => void
}

export interface StoreAccess<A> {
  /** The value for `key` at once, for stores in this process; `undefined` for a store that cannot answer at once. */
  readonly read: ((key: string) => A | Miss) | undefined
  /**
   * `read`, or for a store that keeps copies in this process (`Tiered`), its copy: a hit at once, and on `MISS` the
   * store is still looked up. `undefined` when neither is there.
   */
  readonly peek: ((key: string) => A | Miss) | undefined
  /** The value for `key`, validated; never rejects. */
  readonly lookup: (key: string) => Promise<Either<CacheError, A | Miss>>
  /** `lookup` of many keys: one `Store.getMany` round trip where the store has it, else a `lookup` of each at once. */
  readonly lookupMany: (keys: ReadonlyArray<string>) => Promise<ReadonlyArray<Either<CacheError, A | Miss>>>
  /** Whether the store can tell an entry's remaining life (`getEntry`, contract C7). */
  readonly softExpiry: boolean
  /** `read`, leaving the found entry's remaining life (ms; `Infinity`: none) in `expiresIn[0]`. */
  readonly readEntry: ((key: string) => A | Miss) | undefined
  /** `lookup`, with the found entry's remaining life (ms; `Infinity`: none). */
  readonly lookupEntry: (key: string) => Promise<Either<CacheError, Found<A> | Miss>>
  readonly expiresIn: Float64Array
  /** Stores a value that passed the codec, if `mayWrite()` still says so when its turn comes; `true` if stored. */
  readonly write: (key: string, value: A, ttl: number | undefined, mayWrite: () => boolean, tagged?: Tagged) => Answer<boolean>
  /**
   * For stores that write at once (`read` is then defined too): `write` for a caller that has just checked, in
   * this same turn, that it may write; nothing to ask, nothing allocated when the store succeeds.
   */
  readonly writeNow: ((key: string, value: A, ttl: number | undefined, tagged?: Tagged) => Either<CacheError, boolean>) | undefined
  readonly remove: (key: string) => Answer<void>
  readonly clear: () => Promise<Either<CacheError, void>>
  readonly size: (() => Promise<Either<CacheError, number>>) | undefined
  readonly purge: () => Promise<Either<CacheError, number>>
  readonly flight: FlightAccess<A> | undefined
  /** The store's tags (contract C9), if it has them. */
  readonly tags: TagsAccess | undefined
}

/** A store's tags, guarded: the clock a load begins at, and the invalidation. */
export interface TagsAccess {
  readonly clock: () => Promise<Either<CacheError, unknown>>
  readonly clockSync: (() => unknown) | undefined
  readonly invalidate: (tags: ReadonlyArray<string>) => Promise<Either<CacheError, void>>
}

type Operation = CE.StoreFailure['operation']

/** Runs a store's task; a throw or a rejection (a store breaking its contract) becomes a `StoreFailure`. */
const guarded = <B>(operation: Operation, task: () => TaskEither<CacheError, B>, key?: string): Promise<Either<CacheError, B>> => {
  const failed = (e: unknown) => E.left(CE.storeFailure(operation, e, key))
  try {
    return task()().then(undefined, failed)
  } catch (e) {
    return Promise.resolve(failed(e))
  }
}

const STORED: Either<CacheError, boolean> = /*#__PURE__*/ E.right(true)
const NOT_STORED: Either<CacheError, boolean> = /*#__PURE__*/ E.right(false)

const syncGuarded = <B>(operation: Operation, run: () => B, key?: string): Either<CacheError, B> => {
  try {
    return E.right(run())
  } catch (e) {
    return E.left(CE.storeFailure(operation, e, key))
  }
}

/** The writes of each key one at a time, in order (a keyed semaphore), and a way to wait for all in flight. */
const turns = () => {
  const semaphore = KeyedSemaphore.unsafeMake()
  const pending = new Set<Promise<unknown>>()
  return {
    /** Runs `task` in `key`'s turn. */
    inTurn: <B>(key: string, task: () => Promise<Either<CacheError, B>>): Promise<Either<CacheError, B>> => {
      const p = semaphore.withPermit(key)(task)()
      pending.add(p)
      const done = (): void => void pending.delete(p)
      p.then(done, done)
      return p
    },
    /** Settles when every write in flight now has. */
    drained: (): Promise<unknown> => (pending.size === 0 ? Promise.resolve() : Promise.all([...pending]))
  }
}

/** Reads, validated: a hit is checked unless the store is trusted; a failing one is reported, deleted and a miss. */
const reads = <A>(
  store: Store<A>,
  codec: EntityCodec<A>,
  door: InProcess<A> | undefined,
  onCorrupt: (key: string, errors: ReadonlyArray<string>) => void,
  remove: (key: string) => Answer<void>
): Pick<StoreAccess<A>, 'read' | 'peek' | 'lookup' | 'lookupMany' | 'softExpiry' | 'readEntry' | 'lookupEntry' | 'expiresIn'> => {
  const trusted = door !== undefined || store.validatedBy === codec
  const checked = (key: string, value: A): A | Miss => {
    if (trusted || codec.is(value)) return value
    onCorrupt(key, [`the store answered a value that is not a valid ${codec.name}`])
    void remove(key)
    return MISS
  }
  const getSync = store.getSync?.bind(store) // a store may be a class
  const read =
    door !== undefined
      ? door.read
      : getSync === undefined
        ? undefined
        : (key: string): A | Miss => {
            const o = getSync(key)
            return O.isSome(o) ? checked(key, o.value) : MISS
          }
  /** A failed read: a `DecodeFailure` is reported, deleted and a miss; any other failure is passed on. */
  const failed = (key: string, e: CacheError): Either<CacheError, Miss> | Promise<Either<CacheError, Miss>> => {
    if (e._tag !== 'DecodeFailure') return E.left(e)
    onCorrupt(key, e.errors)
    return Promise.resolve(remove(key)).then((d) => (E.isLeft(d) ? d : E.right(MISS)))
  }
  const lookup = (key: string): Promise<Either<CacheError, A | Miss>> =>
    guarded('get', () => store.get(key), key).then((r) =>
      E.isRight(r) ? E.right(O.isSome(r.right) ? checked(key, r.right.value) : MISS) : failed(key, r.left)
    )
  const copy = localCopiesOf<A>(store)
  const peek =
    read ??
    (copy === undefined
      ? undefined
      : trusted
        ? copy
        : (key: string): A | Miss => {
            const value = copy(key)
            return value === MISS ? MISS : checked(key, value)
          })
  const lookupMany = manyReads(store, checked, lookup, failed)
  return { read, peek, lookup, lookupMany, ...entryReads(store, door, checked, lookup, failed) }
}

/** `lookup` of many keys: the store's `getMany` (one round trip, each answer checked as `lookup` checks it), else `lookup` per key. */
const manyReads = <A>(
  store: Store<A>,
  checked: (key: string, value: A) => A | Miss,
  lookup: (key: string) => Promise<Either<CacheError, A | Miss>>,
  failed: (key: string, e: CacheError) => Either<CacheError, Miss> | Promise<Either<CacheError, Miss>>
): StoreAccess<A>['lookupMany'] => {
  const getMany = store.getMany?.bind(store)
  if (getMany === undefined) return (keys) => Promise.all(keys.map(lookup))
  const one = (key: string, a: Either<CacheError, Option<A>> | undefined) =>
    a === undefined
      ? E.left(CE.storeFailure('get', new Error('getMany answered fewer entries than keys'), key))
      : E.isRight(a)
        ? E.right(O.isSome(a.right) ? checked(key, a.right.value) : MISS)
        : failed(key, a.left)
  return (keys) =>
    guarded('get', () => getMany(keys)).then((r) =>
      E.isLeft(r) ? keys.map(() => r) : Promise.all(keys.map((key, i) => one(key, r.right[i])))
    )
}

/** The reads of an entry with its remaining life, for the freshness windows. */
const entryReads = <A>(
  store: Store<A>,
  door: InProcess<A> | undefined,
  checked: (key: string, value: A) => A | Miss,
  lookup: (key: string) => Promise<Either<CacheError, A | Miss>>,
  failed: (key: string, e: CacheError) => Either<CacheError, Miss> | Promise<Either<CacheError, Miss>>
): Pick<StoreAccess<A>, 'softExpiry' | 'readEntry' | 'lookupEntry' | 'expiresIn'> => {
  if (door !== undefined) {
    const { readEntry, expiresIn } = door
    const lookupEntry = (key: string): Promise<Either<CacheError, Found<A> | Miss>> => {
      const value = readEntry(key)
      return Promise.resolve(E.right(value === MISS ? MISS : { value, expiresIn: expiresIn[0] as number }))
    }
    return { softExpiry: true, readEntry, lookupEntry, expiresIn }
  }
  const expiresIn = new Float64Array(1)
  const found = (key: string, o: Option<Entry<A>>): Found<A> | Miss => {
    if (O.isNone(o)) return MISS
    const value = checked(key, o.value.value)
    return value === MISS ? MISS : { value, expiresIn: o.value.expiresIn ?? Infinity }
  }
  const getEntrySync = store.getEntrySync?.bind(store)
  const getEntry = store.getEntry?.bind(store)
  const readEntry =
    getEntrySync === undefined
      ? undefined
      : (key: string): A | Miss => {
          const f = found(key, getEntrySync(key))
          if (f === MISS) return MISS
          expiresIn[0] = f.expiresIn
          return f.value
        }
  const lookupEntry =
    getEntry === undefined
      ? (key: string) =>
          lookup(key).then((r): Either<CacheError, Found<A> | Miss> =>
            E.isLeft(r) || r.right === MISS ? (r as Either<CacheError, Miss>) : E.right({ value: r.right as A, expiresIn: Infinity })
          )
      : (key: string): Promise<Either<CacheError, Found<A> | Miss>> =>
          guarded('get', () => getEntry(key), key).then((r) => (E.isLeft(r) ? failed(key, r.left) : E.right(found(key, r.right))))
  return { softExpiry: getEntry !== undefined, readEntry, lookupEntry, expiresIn }
}

/** The guarded single flight of a store that has one. */
const flightAccess = <A>(
  store: Store<A>,
  codec: EntityCodec<A>,
  inTurn: <B>(key: string, task: () => Promise<Either<CacheError, B>>) => Promise<Either<CacheError, B>>
): FlightAccess<A> | undefined => {
  const flight = store.flight
  if (flight === undefined) return undefined
  const trusted = store.validatedBy === codec
  const lead = (key: string, refresh: boolean, wait = true): Promise<Either<CacheError, Lead<A>>> =>
    guarded('lead', () => (wait ? flight.lead(key, refresh) : flight.lead(key, refresh, false)), key).then((r) =>
      E.isRight(r) && r.right._tag === 'Found' && !trusted && !codec.is(r.right.entry.value)
        ? E.left(CE.decodeFailure(key, [`the store answered a value that is not a valid ${codec.name}`]))
        : r
    )
  const fill = (key: string, ticket: unknown, value: A, ttl: number | undefined, mayWrite: () => boolean, tags?: ReadonlyArray<string>) =>
    inTurn(key, () => {
      if (!mayWrite()) {
        release(key, ticket)
        return Promise.resolve(NOT_STORED)
      }
      return guarded('fill', () => flight.fill(key, ticket, value, ttl, tags), key).then((r) => (E.isLeft(r) ? r : E.right(r.right === 'Written')))
    })
  const release = (key: string, ticket: unknown): void => void guarded('release', () => flight.release(key, ticket), key)
  return { lead, fill, release }
}

const tagsAccess = <A>(store: Store<A>): TagsAccess | undefined => {
  const tags = store.tags
  if (tags === undefined) return undefined
  return {
    clock: () => guarded('get', () => tags.clock),
    clockSync: tags.clockSync?.bind(tags),
    invalidate: (list) => guarded('delete', () => tags.invalidate(list))
  }
}

export const make = <A>(
  store: Store<A>,
  codec: EntityCodec<A>,
  onCorrupt: (key: string, errors: ReadonlyArray<string>) => void
): StoreAccess<A> => {
  const door = inProcessOf(store, codec)
  const { inTurn, drained } = turns()
  const remove = (key: string): Answer<void> =>
    door !== undefined
      ? syncGuarded('delete', () => door.remove(key), key)
      : inTurn(key, () => guarded('delete', () => store.delete(key), key))
  const setSync = door !== undefined ? door.write : store.setSync?.bind(store)
  const writeNow =
    setSync === undefined
      ? undefined
      : (key: string, value: A, ttl: number | undefined, tagged?: Tagged): Either<CacheError, boolean> => {
          try {
            setSync(key, value, ttl, tagged)
            return STORED
          } catch (e) {
            return E.left(CE.storeFailure('set', e, key))
          }
        }
  const write = (key: string, value: A, ttl: number | undefined, mayWrite: () => boolean, tagged?: Tagged): Answer<boolean> => {
    if (writeNow !== undefined) return mayWrite() ? writeNow(key, value, ttl, tagged) : NOT_STORED
    return inTurn(key, () =>
      mayWrite()
        ? guarded('set', () => store.set(key, value, ttl, tagged), key).then((r) => (E.isLeft(r) ? r : E.right(true)))
        : Promise.resolve(E.right(false))
    )
  }
  const clear = (): Promise<Either<CacheError, void>> =>
    door !== undefined
      ? Promise.resolve(syncGuarded('clear', door.clear))
      : drained().then(() => guarded('clear', () => store.clear))
  const size = store.size
  const purge = store.purge
  return {
    ...reads(store, codec, door, onCorrupt, remove),
    write,
    writeNow,
    remove,
    clear,
    size: size === undefined ? undefined : () => guarded('size', () => size),
    purge: () => (purge === undefined ? Promise.resolve(E.right(0)) : guarded('purge', () => purge)),
    flight: flightAccess(store, codec, inTurn),
    tags: tagsAccess(store)
  }
}
