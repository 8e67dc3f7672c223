/**
 * The engine behind `LruTtl`: a family of versions that share one mutable state, kept reachable from one another
 * by version diffs ("Baker's trick", as in Conchon and Filliâtre's persistent union-find). Nothing here knows the
 * public `LruTtl` type: the public module and the owning cell cast between it and `Version`.
 *
 * The state is laid out as lru-cache lays out its own: a `Map` from key to slot, key and value arrays,
 * `Uint32Array` prev/next links that grow by doubling, a `Float64Array` of expiry times, and a ring of free slots.
 * Slot 0 is the sentinel of the LRU ring (`next[0]` is the least recently used entry, `prev[0]` the most recently
 * used) and slot 1 the sentinel of the free ring; entries live in slots 2 .. slots + 1. Exactly one version, the
 * root, sees that state as it is; every other version is reached from it through diffs that each turn one
 * version's state into a neighbour's. An operation on the root mutates the state in place and records its undo
 * diff; reading or operating on another version first re-roots: it walks (iteratively) from the root to that
 * version applying the diffs on the way, and each application leaves the inverse diff in its place.
 *
 * Diffs come in two self-inverting kinds. A MOVE (slot, anchor) moves `slot` to just after `anchor` in the LRU
 * ring (a get-hit). A SWAP (slot, key, value, expiry, anchor, sweep) makes `slot` hold that entry just after
 * `anchor`, or frees it when the key is `undefined` (an insert, an eviction, an overwrite, a removal); it also
 * swaps the sweep's position (below), so that every version has its own.
 *
 * Worked example, `maxSize` 2 (slots 2 and 3, both free; `LRU ring` lists least recently used first):
 *
 * | step                 | state after it         | diffs (each undoes the step that made it)                       |
 * |----------------------|------------------------|-----------------------------------------------------------------|
 * | v0 = empty           | LRU ring: -            | -                                                               |
 * | v1 = set(v0, a, 1)   | LRU ring: a(2)         | d0 = SWAP(slot 2, free, after FREE)                             |
 * | v2 = set(v1, b, 2)   | LRU ring: a(2) b(3)    | d0, d1 = SWAP(slot 3, free, after FREE)                         |
 * | v3 = get(v2, a)      | LRU ring: b(3) a(2)    | d0, d1, d2 = MOVE(slot 2, after LRU) (a was least recently used) |
 * | read v1: re-root     | LRU ring: a(2)         | d0, d1' = SWAP(slot 3, b/2, after slot 2), d2' = MOVE(slot 2, after slot 3) |
 *
 * Re-rooting to v1 applies d2 (a goes back after the LRU sentinel, and d2 becomes the MOVE that redoes the get),
 * then d1 (slot 3 is freed; d1 becomes the SWAP that puts b back just after a). v1 is now the root, and v2, v3
 * are one and two diffs away from it, in the other direction.
 *
 * Diffs live in chunks of typed arrays (up to 256 consecutive diffs each), not in one object per version, so that
 * a dead version the GC has promoted does not keep every later version's object alive ("nepotism"): a version
 * points only to its chunk, and the diffs sit in a few typed arrays per chunk that the scavenger does not scan.
 *
 * Reclaiming expired entries (no timer): a sweep walks the slots, `SWEEP_STEP` of them at each `set`, removing the
 * entries that have expired. Its position is part of a version's state (every SWAP diff swaps it), so what a `set`
 * removes depends only on the version it is given. It pauses while `now` is below a lower bound of every expiry
 * held (`earliestExpiry`, recomputed at the end of each pass over the slots), so a store whose entries are all
 * live pays one comparison per `set`. Law: along a line of versions (each made from the one before, as a ref cell
 * keeps them), an entry that has expired is removed by one of the next `ceil(slots / SWEEP_STEP)` sets.
 *
 * @internal
 * @since 0.2.0
 */

import type { Miss } from './miss'
import { MISS } from './miss'

// -------------------------------------------------------------------------------------
// layout
// -------------------------------------------------------------------------------------

/** The sentinel of the LRU ring. */
export const LRU = 0
/** The sentinel of the ring of free slots. */
const FREE = 1
/** The first slot that holds an entry. */
const FIRST_SLOT = 2
const INITIAL_SLOTS = 16
// The most diffs a chunk holds. The root chunk keeps its older diffs (and the values they replaced) alive, so a
// bounded family's chunks hold at most about twice `maxSize` diffs; starting a chunk costs about 0.2 us.
const MAX_CHUNK = 256
const MIN_CHUNK = 32
// The first chunk of a family and a chunk made by a branch hold this many diffs (their typed arrays are then
// small enough to live in the V8 heap); the chunk that follows a full one holds `chunkCapacity`.
const SMALL_CAPACITY = 4
// The typed arrays of full-size chunks are views on a per-family slab of `SLAB_CHUNKS * BYTES_PER_DIFF *
// chunkCapacity` bytes (three chunks, about 36 KB at 256 diffs; the newest slab stays alive with the root chunk):
// allocating an ArrayBuffer of its own costs about 1 us, a view a tenth of it.
const SLAB_CHUNKS = 3
// slot and anchor (2 x 4 bytes), expiry (8 bytes), sweep position (4 x 8 bytes)
const BYTES_PER_DIFF = 48
// In a diff's first cell, this bit marks a SWAP; the other bits are the slot.
const SWAP = 0x80000000
/** The slots a `set` examines for expired entries while some may have expired. */
export const SWEEP_STEP = 16
// The four numbers of a sweep position, as a SWAP diff saves them.
const SWEEP_FIELDS = 4

/** The mutable state shared by a family of versions; it always describes the root version. */
export interface State<V> {
  readonly maxSize: number
  readonly chunkCapacity: number
  readonly index: Map<string, number>
  readonly keys: Array<string | undefined>
  readonly values: Array<V | undefined>
  next: Uint32Array
  prev: Uint32Array
  expiries: Float64Array
  /** The number of entry slots allocated (doubling, at most `maxSize` when bounded). */
  slots: number
  size: number
  rootChunk: Chunk<V>
  /** The root's position in the root chunk. */
  rootPosition: number
  slab: ArrayBuffer | null
  slabOffset: number
  // The sweep position, part of the root version's state: the next slot to examine, the end of the current pass,
  // between passes a lower bound of every expiry held (nothing has expired while `now` is below it; `-Infinity`
  // during a pass), and the least expiry seen or written during the current pass (the next lower bound).
  sweepCursor: number
  sweepEnd: number
  earliestExpiry: number
  passMinExpiry: number
}

/**
 * A run of consecutive versions `(chunk, 0) .. (chunk, length)` joined by `length` diffs. Diff `j` lies between
 * versions `j` and `j + 1` and turns the state of its side nearer the chunk's hub (the root position in the root
 * chunk, `linkFrom` elsewhere) into the state of its far side; applying it stores its inverse in its place.
 * - MOVE: `slotAnchor[2j] = slot`, `slotAnchor[2j + 1] = anchor`.
 * - SWAP: `slotAnchor[2j] = slot | SWAP`, with `keyValues[2j]` a key or `undefined` (free), `keyValues[2j + 1]` a
 *   value, `expiries[j]` an expiry and `sweeps[4j .. 4j + 3]` a sweep position.
 * A non-root chunk points towards the root chunk: its version `linkFrom` has the state of version `linkTo` of
 * `link`.
 */
export interface Chunk<V> {
  readonly state: State<V>
  link: Chunk<V> | null
  linkFrom: number
  linkTo: number
  length: number
  readonly capacity: number
  readonly slotAnchor: Uint32Array
  keyValues: Array<unknown> | null
  expiries: Float64Array | null
  sweeps: Float64Array | null
}

/** A version: position `position` of chunk `chunk`. What the public `LruTtl<V>` is at run time. */
export interface Version<V> {
  readonly chunk: Chunk<V>
  readonly position: number
}

// -------------------------------------------------------------------------------------
// families and chunks
// -------------------------------------------------------------------------------------

/** `bytes` (a multiple of 8) of the family's slab, as a byte offset into `state.slab`. */
const carve = <V>(state: State<V>, bytes: number): number => {
  if (state.slab === null || state.slabOffset + bytes > state.slab.byteLength) {
    state.slab = new ArrayBuffer(Math.max(SLAB_CHUNKS * BYTES_PER_DIFF * state.chunkCapacity, bytes))
    state.slabOffset = 0
  }
  const offset = state.slabOffset
  state.slabOffset = offset + bytes
  return offset
}

/** A `Uint32Array` of `n` elements for a chunk of capacity `capacity`: its own when small, else a slab view. */
const u32 = <V>(state: State<V>, capacity: number, n: number): Uint32Array => {
  if (capacity <= SMALL_CAPACITY) return new Uint32Array(n)
  const offset = carve(state, 4 * n) // may replace the slab: read it after
  return new Uint32Array(state.slab!, offset, n)
}

/** A `Float64Array` of `n` elements for a chunk of capacity `capacity`, as `u32`. */
const f64 = <V>(state: State<V>, capacity: number, n: number): Float64Array => {
  if (capacity <= SMALL_CAPACITY) return new Float64Array(n)
  const offset = carve(state, 8 * n)
  return new Float64Array(state.slab!, offset, n)
}

const makeChunk = <V>(state: State<V>, capacity: number): Chunk<V> => ({
  state,
  link: null,
  linkFrom: 0,
  linkTo: 0,
  length: 0,
  capacity,
  slotAnchor: u32(state, capacity, 2 * capacity),
  keyValues: null,
  expiries: null,
  sweeps: null
})

/** Gives chunk `chunk` the arrays of its first SWAP diff. */
const makePayload = <V>(state: State<V>, chunk: Chunk<V>): void => {
  const capacity = chunk.capacity
  chunk.keyValues = new Array(2 * capacity)
  chunk.expiries = f64(state, capacity, capacity)
  chunk.sweeps = f64(state, capacity, SWEEP_FIELDS * capacity)
}

/** `maxSize` as a family keeps it: a whole number, `0` for unbounded (negative, `NaN` and infinite included). */
export const normalizeMaxSize = (maxSize: number): number =>
  maxSize > 0 && maxSize < Infinity ? Math.floor(maxSize) : 0

/** The diffs per full chunk for a family of at most `maxSize` entries. */
export const chunkCapacityFor = (maxSize: number): number =>
  maxSize === 0 ? MAX_CHUNK : Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * maxSize))

/** A new family with one version, empty; `maxSize` normalized, `chunkCapacity >= 1`. */
export const makeFamily = <V>(maxSize: number, chunkCapacity: number): Version<V> => {
  const slots = maxSize === 0 ? INITIAL_SLOTS : Math.min(maxSize, INITIAL_SLOTS)
  const length = slots + FIRST_SLOT
  const state: State<V> = {
    maxSize,
    chunkCapacity,
    index: new Map(),
    keys: [],
    values: [],
    next: new Uint32Array(length),
    prev: new Uint32Array(length),
    expiries: new Float64Array(length),
    slots,
    size: 0,
    rootChunk: undefined as unknown as Chunk<V>,
    rootPosition: 0,
    slab: null,
    slabOffset: 0,
    sweepCursor: FIRST_SLOT,
    sweepEnd: length,
    earliestExpiry: Infinity,
    passMinExpiry: Infinity
  }
  const chunk = makeChunk(state, Math.min(SMALL_CAPACITY, chunkCapacity))
  state.rootChunk = chunk
  for (let i = 0; i < length; i++) {
    state.keys.push(undefined)
    state.values.push(undefined)
  }
  const { next, prev } = state
  // the LRU ring starts empty and every entry slot goes into the free ring, in ascending order
  next[LRU] = prev[LRU] = LRU
  for (let s = FIRST_SLOT; s < length; s++) {
    prev[s] = s - 1
    next[s - 1] = s
  }
  prev[FREE] = length - 1
  next[length - 1] = FREE
  return { chunk, position: 0 }
}

/** Doubles the number of slots (never past `maxSize`); called only when the free ring is empty. */
const grow = <V>(state: State<V>): void => {
  const old = state.slots
  const slots = state.maxSize === 0 ? old * 2 : Math.min(old * 2, state.maxSize)
  const length = slots + FIRST_SLOT
  const next = new Uint32Array(length)
  const prev = new Uint32Array(length)
  const expiries = new Float64Array(length)
  next.set(state.next)
  prev.set(state.prev)
  expiries.set(state.expiries)
  // the new slots make up the free ring (empty before); slot `old + 1` keeps its place in the LRU ring
  for (let s = old + FIRST_SLOT; s < length; s++) {
    state.keys.push(undefined)
    state.values.push(undefined)
    prev[s] = s - 1
    next[s] = s + 1
  }
  prev[old + FIRST_SLOT] = FREE
  next[FREE] = old + FIRST_SLOT
  prev[FREE] = length - 1
  next[length - 1] = FREE
  state.next = next
  state.prev = prev
  state.expiries = expiries
  state.slots = slots
}

// -------------------------------------------------------------------------------------
// diffs and re-rooting
// -------------------------------------------------------------------------------------

/** Swaps the state's sweep position with the one SWAP diff `j` of `chunk` saved. */
const swapSweep = <V>(state: State<V>, sweeps: Float64Array, j: number): void => {
  const o = SWEEP_FIELDS * j
  const cursor = state.sweepCursor
  const end = state.sweepEnd
  const earliest = state.earliestExpiry
  const passMin = state.passMinExpiry
  state.sweepCursor = sweeps[o]!
  state.sweepEnd = sweeps[o + 1]!
  state.earliestExpiry = sweeps[o + 2]!
  state.passMinExpiry = sweeps[o + 3]!
  sweeps[o] = cursor
  sweeps[o + 1] = end
  sweeps[o + 2] = earliest
  sweeps[o + 3] = passMin
}

/** The entry part of SWAP diff `j`: installs its entry (or frees the slot) and saves the slot's old one. */
const swapEntry = <V>(state: State<V>, chunk: Chunk<V>, j: number, slot: number): boolean => {
  const keyValues = chunk.keyValues!
  const expiries = chunk.expiries!
  const key = keyValues[2 * j] as string | undefined
  const value = keyValues[2 * j + 1] as V | undefined
  const expiry = expiries[j]!
  const current = state.keys[slot]
  keyValues[2 * j] = current
  if (current !== undefined) {
    keyValues[2 * j + 1] = state.values[slot]
    expiries[j] = state.expiries[slot]!
    if (current !== key) state.index.delete(current)
    state.size--
  } else {
    keyValues[2 * j + 1] = undefined
  }
  swapSweep(state, chunk.sweeps!, j)
  if (key === undefined) {
    state.keys[slot] = undefined
    state.values[slot] = undefined
    return false
  }
  state.keys[slot] = key
  state.values[slot] = value
  state.expiries[slot] = expiry
  if (current !== key) state.index.set(key, slot)
  state.size++
  return true
}

/** Applies diff `j` of `chunk` to the state and stores its inverse in its place. */
const apply = <V>(state: State<V>, chunk: Chunk<V>, j: number): void => {
  const { next, prev } = state
  const slotAnchor = chunk.slotAnchor
  const first = slotAnchor[2 * j]!
  const slot = first & ~SWAP
  let anchor = slotAnchor[2 * j + 1]!
  // unlink the slot from whichever ring holds it; its old neighbour is the inverse's anchor
  const p = prev[slot]!
  const q = next[slot]!
  next[p] = q
  prev[q] = p
  slotAnchor[2 * j + 1] = p
  if (first >= SWAP && !swapEntry(state, chunk, j, slot)) anchor = FREE
  const after = next[anchor]!
  next[anchor] = slot
  prev[slot] = anchor
  next[slot] = after
  prev[after] = slot
}

/** Moves the root position of the root chunk `chunk` from `from` to `to`. */
const walk = <V>(state: State<V>, chunk: Chunk<V>, from: number, to: number): void => {
  if (to < from) for (let j = from - 1; j >= to; j--) apply(state, chunk, j)
  else for (let j = from; j < to; j++) apply(state, chunk, j)
}

/**
 * Makes version `position` of chunk `target` the root of its family. If `target` is not the root chunk, first
 * reverses the chunk links on the path to the root chunk, walking through each chunk from where the state enters it
 * to where it leaves. Iterative: a history of any length is fine.
 */
export const rerootTo = <V>(state: State<V>, target: Chunk<V>, position: number): void => {
  if (target !== state.rootChunk) {
    const path: Array<Chunk<V>> = []
    for (let c: Chunk<V> | null = target; c !== null; c = c.link) path.push(c)
    let at = state.rootPosition
    for (let m = path.length - 1; m >= 1; m--) {
      const chunk = path[m]!
      const back = path[m - 1]!
      const out = back.linkTo
      walk(state, chunk, at, out)
      at = back.linkFrom
      chunk.link = back
      chunk.linkFrom = out
      chunk.linkTo = at
    }
    target.link = null
    state.rootChunk = target
    state.rootPosition = at
  }
  walk(state, target, state.rootPosition, position)
  state.rootPosition = position
}

/** The state of `version`, re-rooting first if need be. */
export const rooted = <V>(version: Version<V>): State<V> => {
  const state = version.chunk.state
  if (state.rootChunk !== version.chunk || state.rootPosition !== version.position)
    rerootTo(state, version.chunk, version.position)
  return state
}

/**
 * Starts a new root chunk at the root and returns it. Called when the root chunk cannot take one more diff at the
 * root position (the root is not the chunk's last version, a branch, or the chunk is full), and by an owning cell
 * that moves off a chunk (`small`). Full-size when it continues a linear history (likely to go on), small for a
 * branch.
 */
export const makeRoom = <V>(state: State<V>, small: boolean): Chunk<V> => {
  const chunk = state.rootChunk
  const j = state.rootPosition
  const full = j === chunk.length && !small
  const fresh = makeChunk(state, full ? state.chunkCapacity : Math.min(SMALL_CAPACITY, state.chunkCapacity))
  chunk.link = fresh
  chunk.linkFrom = j
  chunk.linkTo = 0
  state.rootChunk = fresh
  state.rootPosition = 0
  return fresh
}

/**
 * Gives the family a new, small root chunk at the same state, linked to nothing: the older chunks become
 * unreachable from the state. Only an owning cell may do it, once nothing else can reach a version of the family.
 */
export const restartChunks = <V>(state: State<V>): Chunk<V> => {
  const chunk = makeChunk(state, Math.min(SMALL_CAPACITY, state.chunkCapacity))
  state.rootChunk = chunk
  state.rootPosition = 0
  return chunk
}

/** The root chunk, with room for one more diff at the root position (a new chunk if need be). */
const roomy = <V>(state: State<V>): Chunk<V> => {
  const chunk = state.rootChunk
  const j = state.rootPosition
  return j !== chunk.length || j === chunk.capacity ? makeRoom(state, false) : chunk
}

/** Records the undo of a get-hit: `slot` was just after `anchor`. */
const recordMove = <V>(state: State<V>, slot: number, anchor: number): void => {
  const chunk = roomy(state)
  const j = state.rootPosition
  chunk.slotAnchor[2 * j] = slot
  chunk.slotAnchor[2 * j + 1] = anchor
  chunk.length = state.rootPosition = j + 1
}

/**
 * Records the undo of a change to `slot`: before it, the slot held its current entry (or was free) just after
 * `anchor`, and the sweep was where it is now.
 */
const recordSwap = <V>(state: State<V>, slot: number, anchor: number): void => {
  const chunk = roomy(state)
  const j = state.rootPosition
  chunk.slotAnchor[2 * j] = slot | SWAP
  chunk.slotAnchor[2 * j + 1] = anchor
  if (chunk.keyValues === null) makePayload(state, chunk)
  chunk.keyValues![2 * j] = state.keys[slot]
  chunk.keyValues![2 * j + 1] = state.values[slot]
  chunk.expiries![j] = state.expiries[slot]!
  const sweeps = chunk.sweeps!
  const o = SWEEP_FIELDS * j
  sweeps[o] = state.sweepCursor
  sweeps[o + 1] = state.sweepEnd
  sweeps[o + 2] = state.earliestExpiry
  sweeps[o + 3] = state.passMinExpiry
  chunk.length = state.rootPosition = j + 1
}

/** The value the last recorded diff saved: after a recorded `set` that evicted, the evicted value. */
export const lastSavedValue = <V>(state: State<V>): V =>
  state.rootChunk.keyValues![2 * state.rootPosition - 1] as V

/** The chunks that a version whose chunk is `chunk` keeps alive: those on its way to the root chunk, and that one. */
export const chainOf = <V>(chunk: Chunk<V>): ReadonlyArray<object> => {
  const out: Array<object> = []
  for (let c: Chunk<V> | null = chunk; c !== null; c = c.link) out.push(c)
  out.push(chunk.state.rootChunk)
  return out
}

// -------------------------------------------------------------------------------------
// operations on the root
// -------------------------------------------------------------------------------------

// The operations below work on the root's state. With `record` they record their undo diffs, so that the version
// they started from stays valid and the new root is a new version; without it they change the root's state in
// place, which only an owning cell may ask for, and only while no other version of the family can be reached.
// They change the sweep position only after their last recorded diff (which thereby saves the position before).

/** Removes the entry in `slot`. */
const dropSlot = <V>(state: State<V>, slot: number, record: boolean): void => {
  const { next, prev } = state
  const key = state.keys[slot]!
  const p = prev[slot]!
  const q = next[slot]!
  if (record) recordSwap(state, slot, p)
  next[p] = q
  prev[q] = p
  state.index.delete(key)
  state.keys[slot] = undefined
  state.values[slot] = undefined
  state.size--
  const f = next[FREE]!
  next[FREE] = slot
  prev[slot] = FREE
  next[slot] = f
  prev[f] = slot
}

/** Moves `slot` (in the LRU ring) to the most recently used end. */
const toFront = <V>(state: State<V>, slot: number): void => {
  const { next, prev } = state
  const p = prev[slot]!
  const q = next[slot]!
  next[p] = q
  prev[q] = p
  const m = prev[LRU]!
  next[m] = slot
  prev[slot] = m
  next[slot] = LRU
  prev[LRU] = slot
}

/** `get` on the root: the value of a live hit (which becomes the most recently used), else `MISS`. */
export const opGet = <V>(state: State<V>, key: string, now: number, record: boolean): V | Miss => {
  const slot = state.index.get(key)
  if (slot === undefined) return MISS
  if (!(state.expiries[slot]! > now)) {
    dropSlot(state, slot, record)
    return MISS
  }
  if (state.prev[LRU] !== slot) {
    if (record) recordMove(state, slot, state.prev[slot]!)
    toFront(state, slot)
  }
  return state.values[slot] as V
}

/** Where `opGetEntry` leaves the expiry time of the entry it found (no allocation per read). */
export const foundExpiry = new Float64Array(1)

/** `opGet`, also leaving the found entry's expiry time (`Infinity`: none) in `foundExpiry[0]`. */
export const opGetEntry = <V>(state: State<V>, key: string, now: number, record: boolean): V | Miss => {
  const r = opGet(state, key, now, record)
  if (r !== MISS) foundExpiry[0] = state.expiries[state.prev[LRU]!]! // a hit moves its slot to the most recent end
  return r
}

// scratch for `sweepStep`'s results (no allocation per set)
const sweepOut = new Float64Array(3)

/**
 * One step of the sweep at `now`: examines up to `SWEEP_STEP` slots and removes the entries that have expired;
 * answers the new position's cursor. The position's other fields are left in `sweepOut` (end, earliest, pass
 * minimum); the caller stores them after its own diff. A pass, once started, goes on to its end whatever `now` is
 * (`earliestExpiry` is `-Infinity` meanwhile), so that the sweep only ever pauses at the start of a pass.
 */
const sweepStep = <V>(state: State<V>, now: number, record: boolean): number => {
  let cursor = state.sweepCursor
  let end = state.sweepEnd
  let earliest = -Infinity
  let passMin = state.passMinExpiry
  const keys = state.keys
  for (let n = 0; n < SWEEP_STEP; n++) {
    if (keys[cursor] !== undefined) {
      const expiry = state.expiries[cursor]!
      if (!(expiry > now)) dropSlot(state, cursor, record)
      else if (expiry < passMin) passMin = expiry
    }
    if (++cursor >= end) {
      // a pass is over: every entry held was examined or written during it
      cursor = FIRST_SLOT
      end = state.slots + FIRST_SLOT
      if (now < passMin) {
        earliest = passMin
        passMin = Infinity
        break
      }
      passMin = Infinity
    }
  }
  sweepOut[0] = end
  sweepOut[1] = earliest
  sweepOut[2] = passMin
  return cursor
}


/** After a `set`'s last diff: stores the sweep position its sweep step reached, and bounds the new expiry. */
const commitSweep = <V>(state: State<V>, cursor: number, expiry: number): void => {
  // the new expiry bounds the pass in progress, or the one that will start
  const earliest = sweepOut[1]!
  const passMin = sweepOut[2]!
  state.sweepCursor = cursor
  state.sweepEnd = sweepOut[0]!
  state.earliestExpiry = earliest === -Infinity || expiry >= earliest ? earliest : expiry
  state.passMinExpiry = earliest === -Infinity && expiry < passMin ? expiry : passMin
}

/**
 * The slot a `set` of a key stores into: its own (`found`) if the key is held, else a free one (growing first if
 * need be: unbounded, or not yet at `maxSize`), else the least recently used entry's.
 */
const slotFor = <V>(state: State<V>, found: number | undefined): number => {
  if (found !== undefined) return found
  let next = state.next
  let free = next[FREE]!
  if (free === FREE && state.size !== state.maxSize) {
    grow(state)
    next = state.next
    free = next[FREE]!
  }
  return free !== FREE ? free : next[LRU]!
}

/**
 * Makes `slot` (from `slotFor`) hold `key` with `value` and `expiry` as the most recently used entry; `isNew` when
 * the key was not held. Answers the evicted key, if any. Records nothing: a recorded store records before it.
 */
const install = <V>(
  state: State<V>,
  slot: number,
  key: string,
  value: V,
  expiry: number,
  isNew: boolean
): string | undefined => {
  const { next, prev } = state
  // unlink the slot from the ring that holds it (LRU or free)
  const p = prev[slot]!
  const q = next[slot]!
  next[p] = q
  prev[q] = p
  let evicted: string | undefined
  if (isNew) {
    const keys = state.keys
    const old = keys[slot]
    if (old === undefined) state.size++
    else {
      state.index.delete(old)
      evicted = old
    }
    state.index.set(key, slot)
    keys[slot] = key
  }
  state.values[slot] = value
  state.expiries[slot] = expiry
  const m = prev[LRU]!
  next[m] = slot
  prev[slot] = m
  next[slot] = LRU
  prev[LRU] = slot
  return evicted
}

/**
 * Stores `key` with `value` and `expiry` as the most recently used entry; answers the evicted key, if any. With
 * `record`, its undo diff (the last one recorded) holds the slot's old entry: after an eviction, the evicted one.
 */
const store = <V>(state: State<V>, key: string, value: V, expiry: number, record: boolean): string | undefined => {
  const found = state.index.get(key)
  const slot = slotFor(state, found)
  // the undo: the slot held its old entry (or was free) just after its old neighbour, the sweep was where it was
  if (record) recordSwap(state, slot, state.prev[slot]!)
  return install(state, slot, key, value, expiry, found === undefined)
}

/**
 * `set` on the root; answers the evicted key, if any. With `record`, an eviction's undo diff (the last one
 * recorded) holds the evicted key and value. A `set` that stores an entry first takes a sweep step (while some
 * entry may have expired); the entries it removes are expirations, not evictions, and are not reported.
 */
export const opSet = <V>(
  state: State<V>,
  key: string,
  value: V,
  now: number,
  ttl: number | undefined,
  record: boolean
): string | undefined => {
  if (ttl !== undefined && !(ttl > 0)) {
    opRemove(state, key, record)
    return undefined
  }
  const expiry = ttl === undefined ? Infinity : now + ttl
  const earliest = state.earliestExpiry
  // some entry may have expired: a sweep step first
  if (!(now < earliest)) return sweepAndStore(state, key, value, now, expiry, record)
  const slots = state.slots
  const evicted = store(state, key, value, expiry, record)
  // `store` leaves the sweep position as it was: the lower bound now covers the new expiry too
  if (expiry < earliest) state.earliestExpiry = expiry
  // a pass covers the slots allocated before it ends
  if (state.slots !== slots) state.sweepEnd = state.slots + FIRST_SLOT
  return evicted
}

/**
 * `opSet` without `record`, for the owning cell's hot path: the same steps, but no call that records a diff (even
 * one never taken), so that V8 inlines all of it into `ownSet` within its inlining budget.
 */
export const opSetInPlace = <V>(
  state: State<V>,
  key: string,
  value: V,
  now: number,
  ttl: number | undefined
): string | undefined => {
  if (ttl !== undefined && !(ttl > 0)) {
    opRemove(state, key, false)
    return undefined
  }
  const expiry = ttl === undefined ? Infinity : now + ttl
  const earliest = state.earliestExpiry
  if (!(now < earliest)) return sweepAndStore(state, key, value, now, expiry, false)
  const slots = state.slots
  const found = state.index.get(key)
  const evicted = install(state, slotFor(state, found), key, value, expiry, found === undefined)
  if (expiry < earliest) state.earliestExpiry = expiry
  if (state.slots !== slots) state.sweepEnd = state.slots + FIRST_SLOT
  return evicted
}

/** `opSet`'s path while some entry may have expired: a sweep step, then the store. */
const sweepAndStore = <V>(
  state: State<V>,
  key: string,
  value: V,
  now: number,
  expiry: number,
  record: boolean
): string | undefined => {
  const cursor = sweepStep(state, now, record)
  const slots = state.slots
  const evicted = store(state, key, value, expiry, record)
  commitSweep(state, cursor, expiry)
  if (state.slots !== slots) state.sweepEnd = state.slots + FIRST_SLOT
  return evicted
}

/** `remove` on the root: whether an entry was removed. */
export const opRemove = <V>(state: State<V>, key: string, record: boolean): boolean => {
  const slot = state.index.get(key)
  if (slot === undefined) return false
  dropSlot(state, slot, record)
  return true
}

/** `purge` on the root: removes every entry that has expired at `now`; answers how many. */
export const opPurge = <V>(state: State<V>, now: number, record: boolean): number => {
  let removed = 0
  let least = Infinity
  let slot = state.next[LRU]!
  while (slot !== LRU) {
    const following = state.next[slot]!
    const expiry = state.expiries[slot]!
    if (!(expiry > now)) {
      // one diff per removed entry; the intermediate versions are never handed out
      dropSlot(state, slot, record)
      removed++
    } else if (expiry < least) least = expiry
    slot = following
  }
  if (removed > 0) {
    // every entry left was examined: a new pass starts, with an exact lower bound
    state.sweepCursor = FIRST_SLOT
    state.sweepEnd = state.slots + FIRST_SLOT
    state.earliestExpiry = least
    state.passMinExpiry = Infinity
  }
  return removed
}

/** The value of `key` if it is live at `now`, else `MISS`; changes nothing. */
export const peekAt = <V>(state: State<V>, key: string, now: number): V | Miss => {
  const slot = state.index.get(key)
  return slot !== undefined && state.expiries[slot]! > now ? (state.values[slot] as V) : MISS
}

/** The keys of every entry held, most recently used first. */
export const keysOf = <V>(state: State<V>): Array<string> => {
  const out: Array<string> = []
  for (let s = state.prev[LRU]!; s !== LRU; s = state.prev[s]!) out.push(state.keys[s]!)
  return out
}

/** The entries live at `now`, most recently used first. */
export const liveEntries = <V>(state: State<V>, now: number): Array<readonly [string, V]> => {
  const out: Array<readonly [string, V]> = []
  for (let s = state.prev[LRU]!; s !== LRU; s = state.prev[s]!) {
    if (state.expiries[s]! > now) out.push([state.keys[s]!, state.values[s] as V])
  }
  return out
}
