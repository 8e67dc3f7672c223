/**
 * The owning cell: a `Ref<LruTtl<V>>` that owns a family of versions ("functional but in place"), for a store's
 * hot path. `get` hands out the current version and `modify(f)` hands it to `f` and keeps what `f` returns, with
 * the laws of `Ref` up to equality of versions (`get` answers a version equal to the one kept, not the same
 * object). `ownGet`, `ownSet`, `ownRemove`, `ownPurge`, `ownClear` and `ownSize` are `modify` with the pure `get`,
 * `set`, `remove`, `purge`, `clear` and `size` (they answer alike and leave the cell holding the same entries in the
 * same order, and the same sweep position), but make no version object, no tuple and no `Option`; and while no
 * version the cell handed out can still be reached, they change the family's state in place and record no diff.
 *
 * Why that is safe. The chunks of a family form a tree: each new chunk is attached to the root chunk of the moment,
 * and re-rooting turns edges around but never changes them. A version keeps alive its chunk and every chunk on its
 * way to the root chunk, which the family's state holds; so while a version lives, every chunk on the tree path
 * from its chunk to the cell's is alive (the path lies within the version's and the cell's ways to the root
 * chunk). The cell is *owned* (`shared` false) or *shared*. Owned: the cell's version is the root and no other
 * version of the family can be reached by anyone, so in-place changes cannot be observed. Handing a version out
 * (`get`, `modify`) makes the cell shared, holds the handed-out version's chunk weakly in `last`, and moves the cell
 * to a new chunk attached to it, at the same state; a version that `modify`'s function returns is adopted the same
 * way. Invariant (I2): every version anyone but the cell can reach lies in `last` or on the far side of it, seen
 * from the cell's chunk. It holds when a version is handed out or adopted (every older version reached the cell's
 * chunk, and the cell is now a leaf attached to `last`); only the cell adds versions or chunks on its side of
 * `last` (nobody else holds a version there); and a version made from a reachable one lies in the same chunk or in
 * a chunk attached to it, on the same side. So while anything but the cell can reach a version of the family, the
 * chunk in `last` is alive; once it has been collected nothing can, and the cell becomes owned again (it looks
 * every `checkEvery` shared operations), moving to a new root chunk so that no stale diff survives. This is why one
 * weak reference is enough however many snapshots are alive: an older snapshot's chunk is not on a newer one's way
 * to the root, but the newest handed-out chunk is on the tree path from every older one to the cell. None of it
 * depends on who made the family: after `modify` returns a version of another family, every other version of that
 * family reaches the cell's chunk through the adopted one.
 *
 * @internal
 * @since 0.2.0
 */
import type { LruTtl } from '../LruTtl'
import type { Ref } from '../Ref'
import type { Miss } from './miss'
import type { Chunk, State, Version } from './versionDiffs'

export { foundExpiry } from './versionDiffs'
import {
  chainOf,
  chunkCapacityFor,
  keysOf,
  makeFamily,
  makeRoom,
  normalizeMaxSize,
  opGet,
  opGetEntry,
  opPurge,
  opRemove,
  opSet,
  opSetInPlace,
  rerootTo,
  restartChunks
} from './versionDiffs'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What an owning cell holds a chunk with, to learn when the collector has taken it: a `WeakRef` by default.
 *
 * @internal
 */
export interface Weak {
  deref(): object | undefined
}

/**
 * An owning cell (see the module's header).
 *
 * @internal
 */
export type OwnRef<V> = Ref<LruTtl<V>>

/**
 * Options of `ownRef`.
 *
 * @internal
 */
export interface OwnRefOptions {
  /** Holds a chunk weakly: `(o) => new WeakRef(o)` by default; tests simulate a collector with their own. */
  readonly weak?: (o: object) => Weak
  /** Shared operations between two looks at the tracked chunks: 1024 by default. */
  readonly checkEvery?: number
  /** Diffs per chunk (tests make it small so that operations cross chunk boundaries often). */
  readonly chunkCapacity?: number
}

interface Own<V> extends OwnRef<V> {
  /** The family's state. */
  state: State<V>
  /** Whether a version the cell handed out may still be reachable. */
  shared: boolean
  /** While shared: the cell's version, position `position` of chunk `chunk`. */
  chunk: Chunk<V>
  position: number
  /** While shared: the chunk of the version last handed out or adopted, held weakly (I2). */
  last: Weak | null
  countdown: number
  readonly weak: (o: object) => Weak
  readonly checkEvery: number
}

const toPublic = <V>(version: Version<V>): LruTtl<V> => version as unknown as LruTtl<V>
const toVersion = <V>(t: LruTtl<V>): Version<V> => t as unknown as Version<V>
const newWeakRef = (o: object): Weak => new WeakRef(o)

// -------------------------------------------------------------------------------------
// sharing and owning again
// -------------------------------------------------------------------------------------

/** Leaves `chunk` (the cell's position, the root) for a new small chunk attached to it, at the same state. */
const moveOff = <V>(cell: Own<V>, state: State<V>, chunk: Chunk<V>): void => {
  cell.last = cell.weak(chunk)
  cell.chunk = makeRoom(state, true)
  cell.position = 0
}

/** Hands out the cell's current version. */
const handOut = <V>(cell: Own<V>): LruTtl<V> => {
  const state = cell.state
  if (!cell.shared) {
    cell.shared = true
    cell.chunk = state.rootChunk
    cell.position = state.rootPosition
    cell.countdown = cell.checkEvery
  } else if (state.rootChunk !== cell.chunk || state.rootPosition !== cell.position)
    rerootTo(state, cell.chunk, cell.position)
  const version: Version<V> = { chunk: cell.chunk, position: cell.position }
  moveOff(cell, state, cell.chunk)
  return toPublic(version)
}

/** Makes the cell hold `t`, a version that someone else may hold too. The cell is shared. */
const adopt = <V>(cell: Own<V>, t: LruTtl<V>): void => {
  const version = toVersion(t)
  const state = version.chunk.state
  cell.state = state
  if (state.rootChunk !== version.chunk || state.rootPosition !== version.position)
    rerootTo(state, version.chunk, version.position)
  moveOff(cell, state, version.chunk)
}

/** Before a shared operation: the state, rooted at the cell's version. */
const enter = <V>(cell: Own<V>): State<V> => {
  const state = cell.state
  if (state.rootChunk !== cell.chunk || state.rootPosition !== cell.position)
    rerootTo(state, cell.chunk, cell.position)
  return state
}

/** After a shared operation: the cell's version is the new root; now and then, look at the tracked chunk. */
const leave = <V>(cell: Own<V>, state: State<V>): void => {
  cell.chunk = state.rootChunk
  cell.position = state.rootPosition
  if (--cell.countdown <= 0) check(cell)
}

/** Becomes owned if the last chunk handed out or adopted has been collected (then nothing else can be reached). */
const check = <V>(cell: Own<V>): void => {
  cell.countdown = cell.checkEvery
  if (cell.last !== null && cell.last.deref() !== undefined) return
  cell.chunk = restartChunks(cell.state)
  cell.position = 0
  cell.shared = false
  cell.last = null
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A new owning cell holding an empty structure of at most `maxSize` entries (as `LruTtl.empty`).
 *
 * @internal
 */
export const ownRef = <V = never>(maxSize: number, options: OwnRefOptions = {}): OwnRef<V> => {
  const n = normalizeMaxSize(maxSize)
  const chunkCapacity =
    options.chunkCapacity === undefined ? chunkCapacityFor(n) : Math.max(1, Math.floor(options.chunkCapacity))
  const checkEvery = Math.max(1, Math.floor(options.checkEvery ?? 1024))
  const version = makeFamily<V>(n, chunkCapacity)
  const cell: Own<V> = {
    get: () => handOut(cell),
    modify:
      <B>(f: (t: LruTtl<V>) => readonly [B, LruTtl<V>]) =>
      (): B => {
        const t = handOut(cell)
        const [b, r] = f(t)
        if (r !== t) adopt(cell, r)
        return b
      },
    state: version.chunk.state,
    shared: false,
    chunk: version.chunk,
    position: 0,
    last: null,
    countdown: checkEvery,
    weak: options.weak ?? newWeakRef,
    checkEvery
  }
  return cell
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * `modify` with `get(key, now)`: the value of a live hit, else `MISS`.
 *
 * @internal
 */
export const ownGet = <V>(ref: OwnRef<V>, key: string, now: number): V | Miss => {
  const cell = ref as Own<V>
  if (!cell.shared) return opGet(cell.state, key, now, false)
  const state = enter(cell)
  const r = opGet(state, key, now, true)
  leave(cell, state)
  return r
}

/**
 * `ownGet`, also leaving the found entry's expiry time (`Infinity`: none) in `foundExpiry[0]`.
 *
 * @internal
 */
export const ownGetEntry = <V>(ref: OwnRef<V>, key: string, now: number): V | Miss => {
  const cell = ref as Own<V>
  if (!cell.shared) return opGetEntry(cell.state, key, now, false)
  const state = enter(cell)
  const r = opGetEntry(state, key, now, true)
  leave(cell, state)
  return r
}

/**
 * `modify` with `set(key, value, now, ttl)`: the key that was evicted to make room (least recently used), if any.
 * Expired entries that the set reclaims on its way (see Reclaim in `LruTtl`'s header) are not evictions and are not reported.
 *
 * @internal
 */
export const ownSet = <V>(
  ref: OwnRef<V>,
  key: string,
  value: V,
  now: number,
  ttl: number | undefined
): string | undefined => {
  const cell = ref as Own<V>
  if (!cell.shared) return opSetInPlace(cell.state, key, value, now, ttl)
  const state = enter(cell)
  const evicted = opSet(state, key, value, now, ttl, true)
  leave(cell, state)
  return evicted
}

/**
 * `modify` with `remove(key)`: whether an entry was removed.
 *
 * @internal
 */
export const ownRemove = <V>(ref: OwnRef<V>, key: string): boolean => {
  const cell = ref as Own<V>
  if (!cell.shared) return opRemove(cell.state, key, false)
  const state = enter(cell)
  const removed = opRemove(state, key, true)
  leave(cell, state)
  return removed
}

/**
 * `modify` with `purge(now)`: removes every entry that has expired at `now`; answers how many it removed.
 *
 * @internal
 */
export const ownPurge = <V>(ref: OwnRef<V>, now: number): number => {
  const cell = ref as Own<V>
  if (!cell.shared) return opPurge(cell.state, now, false)
  const state = enter(cell)
  const removed = opPurge(state, now, true)
  leave(cell, state)
  return removed
}

/**
 * `modify` with `clear`: the cell holds an empty structure of a new family, its own.
 *
 * @internal
 */
export const ownClear = <V>(ref: OwnRef<V>): void => {
  const cell = ref as Own<V>
  const old = cell.state
  const version = makeFamily<V>(old.maxSize, old.chunkCapacity)
  cell.state = version.chunk.state
  cell.shared = false
  cell.last = null
  cell.chunk = version.chunk
  cell.position = 0
}

/**
 * `size` of the cell's version, without handing it out.
 *
 * @internal
 */
export const ownSize = <V>(ref: OwnRef<V>): number => {
  const cell = ref as Own<V>
  return cell.shared ? enter(cell).size : cell.state.size
}

/**
 * `keys` of the cell's version, without handing it out (for tests: handing out would make the cell shared).
 *
 * @internal
 */
export const ownKeys = <V>(ref: OwnRef<V>): ReadonlyArray<string> => {
  const cell = ref as Own<V>
  return keysOf(cell.shared ? enter(cell) : cell.state)
}

/**
 * Whether the cell is owned (changes its state in place) now.
 *
 * @internal
 */
export const isOwned = <V>(ref: OwnRef<V>): boolean => !(ref as Own<V>).shared

/**
 * The chunks that version `t` keeps alive: its own, those on its way to the root chunk, and the root chunk (through
 * the family's state). Tests use it to simulate a collector.
 *
 * @internal
 */
export const retainedChunks = <V>(t: LruTtl<V>): ReadonlyArray<object> => chainOf(toVersion(t).chunk)

/**
 * The chunks that an owning cell keeps alive, as `retainedChunks`.
 *
 * @internal
 */
export const cellRetainedChunks = <V>(ref: OwnRef<V>): ReadonlyArray<object> => {
  const cell = ref as Own<V>
  return chainOf(cell.shared ? cell.chunk : cell.state.rootChunk)
}
