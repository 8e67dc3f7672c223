/**
 * A fully persistent (immutable from the outside) LRU map with per-entry time-to-live, from `string` keys to
 * values `V`. Time is always an argument (`now`, in milliseconds): nothing here reads a clock or starts a timer,
 * and expiry is lazy.
 *
 * Laws (each is a property test in `tests/LruTtl.test.ts`):
 * 1. **TTL**: an entry written at time `t` with ttl `d` is returned for reads at `now < t + d` and is a miss at
 *    `now >= t + d`. Without a ttl it never expires. A ttl `<= 0` (or `NaN`) stores nothing and removes the key.
 * 2. **LRU**: with `maxSize = n > 0` a version never holds more than `n` entries, and inserting a new key into a
 *    full one evicts the least recently used entry. `get` (a live hit) and `set` count as use; `peek` and `has`
 *    do not. `maxSize = 0` is unbounded. The order is exact (no sampling, no CLOCK approximation).
 * 3. **Immutability (full persistence)**: every operation returns its result with a version, and every version,
 *    old or new, keeps answering exactly as it did when it was made. Any version can be read *and* operated on,
 *    so histories may branch. An operation that changes nothing (a miss, or a hit on the entry that is already
 *    the most recently used) may return the version it was given.
 *
 * Invariants: `size(t) <= maxSize(t)` when bounded; `keys(t)` lists every entry physically held (expired ones
 * included until something removes them), most recently used first, without duplicates.
 *
 * Design (version diffs, "Baker's trick", as in Conchon and Filliâtre's persistent union-find): the versions of
 * one family share one mutable state laid out as lru-cache lays out its own (a `Map` from key to slot, key and
 * value arrays, `Uint32Array` prev/next links that grow by doubling, a `Float64Array` of expiry times, a ring of
 * free slots). Exactly one version, the root, sees that state as it is; every other version is reached from it
 * through diffs that each turn one version's state into a neighbour's. An operation on the root mutates the state
 * in place and records its undo diff, so it costs what a mutable LRU costs plus a small allocation. Reading or
 * operating on any other version first re-roots: it walks (iteratively) from the root to that version applying
 * the diffs on the way, and each application leaves the inverse diff in its place, so every version stays
 * reachable. Diffs live in chunks of typed arrays (up to 256 consecutive diffs each), not in one object per
 * version, so that a dead version the GC has promoted does not keep every later version's object alive.
 *
 * A store keeps its versions in an owning cell (`OwnRef`, internal): while no version it handed out can still be
 * reached, it changes the shared state in place and records no diff, which is what a mutable LRU costs.
 *
 * Costs: reaching a version `k` operations away from the root takes `O(k)`; holding an old version keeps every
 * diff made since alive (about 8 bytes per read, 32 per write, plus the values the writes replaced); the current
 * chunk keeps its recent diffs (at most `max(32, 2 * maxSize)` and 256) and the values they replaced. Reads
 * re-root too, so they write to the family's shared state; no answer changes, and no callback ever runs in the
 * middle of an operation.
 *
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/Option'
import * as O from 'fp-ts/Option'
import type { Ref } from './Ref'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A version of a persistent LRU + TTL map from `string` keys to values of type `V`. Opaque: use the functions
 * of this module. Every version stays valid and unchanged whatever is done to it or to the versions made from it.
 *
 * @category model
 * @since 0.1.0
 */
export interface LruTtl<out V> {
  /** Phantom field for the value type: it does not exist at run time. */
  readonly _V: (_: never) => V
}

// -------------------------------------------------------------------------------------
// internal layout
// -------------------------------------------------------------------------------------

// Slot 0 is the sentinel of the LRU ring (`next[0]` is the least recently used entry, `prev[0]` the most
// recently used) and slot 1 the sentinel of the ring of free slots; entries live in slots 2 .. cap + 1.
const LRU = 0
const FREE = 1
const INITIAL_CAPACITY = 16
// The most diffs a chunk holds. The root chunk keeps its older diffs (and the values they replaced) alive, so a
// bounded family's chunks hold at most about twice `maxSize` diffs; starting a chunk costs about 0.2 us.
const MAX_CHUNK = 256
const MIN_CHUNK = 32
// The first chunk of a family and a chunk made by a branch hold this many diffs (their typed arrays are then
// small enough to live in the V8 heap); the chunk that follows a full one holds `chunkCapacity`.
const SMALL_CAPACITY = 4
// The typed arrays of full-size chunks are views on a per-family slab of `SLAB_CHUNKS * 16 * chunkCapacity`
// bytes (eight chunks with values): allocating an ArrayBuffer of its own costs about 1 us, a view a tenth of it.
const SLAB_CHUNKS = 8
// In a diff's first cell, this bit marks a SWAP; the other bits are the slot.
const SWAP = 0x80000000

/** The mutable state shared by a family of versions; it always describes the version (rc, rp). */
interface State<V> {
  readonly maxSize: number
  readonly chunkCapacity: number
  readonly index: Map<string, number>
  readonly keys: Array<string | undefined>
  readonly vals: Array<V | undefined>
  next: Uint32Array
  prev: Uint32Array
  exp: Float64Array
  cap: number
  size: number
  /** The root chunk. */
  rc: Chunk<V>
  /** The root position in the root chunk. */
  rp: number
  slab: ArrayBuffer | null
  slabOff: number
}

/**
 * A run of consecutive versions `(chunk, 0) .. (chunk, len)` joined by `len` diffs. Diff `j` lies between
 * versions `j` and `j + 1` and turns the state of its side nearer the chunk's hub (the root position in the root
 * chunk, `from` elsewhere) into the state of its far side; applying it stores its inverse in its place. Kinds:
 * - MOVE: `sa[2j] = slot`, `sa[2j + 1] = anchor`: move `slot` to just after `anchor` in the LRU ring (undoes or
 *   redoes a get-hit).
 * - SWAP: `sa[2j] = slot | SWAP`, with `kv[2j]` a key or `undefined` (free), `kv[2j + 1]` a value and `ex[j]`
 *   an expiry: make `slot` hold that entry just after `anchor`, or free it (undoes or redoes an insert, an
 *   eviction, an overwrite, a removal).
 * A non-root chunk points towards the root chunk: its version `from` has the state of version `at` of `nxt`.
 *
 * Why chunks of typed arrays and not one diff object per version: a version that nobody holds any more but that
 * was promoted to the old generation keeps everything it points to alive until the next full GC, and so does
 * whatever that points to ("nepotism"). With a chain of diff objects every later operation's object would be
 * copied and promoted by each scavenge; here a version points only to its chunk, and the diffs sit in a few
 * typed arrays per chunk that the scavenger does not scan.
 */
interface Chunk<V> {
  readonly st: State<V>
  nxt: Chunk<V> | null
  from: number
  at: number
  len: number
  readonly cap: number
  readonly sa: Uint32Array
  kv: Array<unknown> | null
  ex: Float64Array | null
}

/** A version: position `i` of chunk `c`. */
interface Version<V> {
  readonly c: Chunk<V>
  readonly i: number
}

/** A `Uint32Array` of `n` elements for a chunk of capacity `cap`: its own when small, else a view on the slab. */
const u32 = <V>(st: State<V>, cap: number, n: number): Uint32Array => {
  if (cap <= SMALL_CAPACITY) return new Uint32Array(n)
  const off = carve(st, 4 * n)
  return new Uint32Array(st.slab!, off, n)
}

/** A `Float64Array` of `n` elements for a chunk of capacity `cap`, as `u32`. */
const f64 = <V>(st: State<V>, cap: number, n: number): Float64Array => {
  if (cap <= SMALL_CAPACITY) return new Float64Array(n)
  const off = carve(st, 8 * n)
  return new Float64Array(st.slab!, off, n)
}

/** `bytes` (a multiple of 8) of the family's slab, as a byte offset into `st.slab`. */
const carve = <V>(st: State<V>, bytes: number): number => {
  if (st.slab === null || st.slabOff + bytes > st.slab.byteLength) {
    st.slab = new ArrayBuffer(Math.max(SLAB_CHUNKS * 16 * st.chunkCapacity, bytes))
    st.slabOff = 0
  }
  const off = st.slabOff
  st.slabOff = off + bytes
  return off
}

const makeChunk = <V>(st: State<V>, capacity: number): Chunk<V> => ({
  st,
  nxt: null,
  from: 0,
  at: 0,
  len: 0,
  cap: capacity,
  sa: u32(st, capacity, 2 * capacity),
  kv: null,
  ex: null
})

/** Gives chunk `c` the arrays of its first SWAP diff. */
const makePayload = <V>(st: State<V>, c: Chunk<V>): void => {
  const cap = c.cap
  c.kv = new Array(2 * cap)
  c.ex = f64(st, cap, cap)
}

const makeFamily = <V>(maxSize: number, chunkCapacity: number): Version<V> => {
  const cap = maxSize === 0 ? INITIAL_CAPACITY : Math.min(maxSize, INITIAL_CAPACITY)
  const len = cap + 2
  const st: State<V> = {
    maxSize,
    chunkCapacity,
    index: new Map(),
    keys: [],
    vals: [],
    next: new Uint32Array(len),
    prev: new Uint32Array(len),
    exp: new Float64Array(len),
    cap,
    size: 0,
    rc: undefined as unknown as Chunk<V>,
    rp: 0,
    slab: null,
    slabOff: 0
  }
  const c = makeChunk(st, Math.min(SMALL_CAPACITY, chunkCapacity))
  st.rc = c
  for (let i = 0; i < len; i++) {
    st.keys.push(undefined)
    st.vals.push(undefined)
  }
  const { next, prev } = st
  // the LRU ring starts empty and every entry slot goes into the free ring, in ascending order
  next[LRU] = prev[LRU] = LRU
  for (let s = FREE + 1; s < len; s++) {
    prev[s] = s - 1
    next[s - 1] = s
  }
  prev[FREE] = len - 1
  next[len - 1] = FREE
  return { c, i: 0 }
}

/** Doubles the number of slots (never past `maxSize`); called only when the free ring is empty. */
const grow = <V>(st: State<V>): void => {
  const old = st.cap
  const cap = st.maxSize === 0 ? old * 2 : Math.min(old * 2, st.maxSize)
  const len = cap + 2
  const next = new Uint32Array(len)
  const prev = new Uint32Array(len)
  const exp = new Float64Array(len)
  next.set(st.next)
  prev.set(st.prev)
  exp.set(st.exp)
  // the new slots make up the free ring (empty before); slot `old + 1` keeps its place in the LRU ring
  for (let s = old + 2; s < len; s++) {
    st.keys.push(undefined)
    st.vals.push(undefined)
    prev[s] = s - 1
    next[s] = s + 1
  }
  prev[old + 2] = FREE
  next[FREE] = old + 2
  prev[FREE] = len - 1
  next[len - 1] = FREE
  st.next = next
  st.prev = prev
  st.exp = exp
  st.cap = cap
}

/** Applies diff `j` of chunk `c` to the state and stores its inverse in its place. */
const apply = <V>(st: State<V>, c: Chunk<V>, j: number): void => {
  const { next, prev } = st
  const sa = c.sa
  const x = sa[2 * j]!
  const s = x & ~SWAP
  let a = sa[2 * j + 1]!
  // unlink s from whichever ring holds it; its old neighbour is the inverse's anchor
  const p = prev[s]!
  const q = next[s]!
  next[p] = q
  prev[q] = p
  sa[2 * j + 1] = p
  if (x >= SWAP) {
    const kv = c.kv!
    const ex = c.ex!
    const k = kv[2 * j] as string | undefined
    const nv = kv[2 * j + 1] as V | undefined
    const ne = ex[j]!
    const ck = st.keys[s]
    kv[2 * j] = ck
    if (ck !== undefined) {
      kv[2 * j + 1] = st.vals[s]
      ex[j] = st.exp[s]!
      if (ck !== k) st.index.delete(ck)
      st.size--
    } else {
      kv[2 * j + 1] = undefined
    }
    if (k !== undefined) {
      st.keys[s] = k
      st.vals[s] = nv
      st.exp[s] = ne
      if (ck !== k) st.index.set(k, s)
      st.size++
    } else {
      st.keys[s] = undefined
      st.vals[s] = undefined
      a = FREE
    }
  }
  const b = next[a]!
  next[a] = s
  prev[s] = a
  next[s] = b
  prev[b] = s
}

/** Moves the root position of the root chunk `c` from `a` to `b`. */
const walk = <V>(st: State<V>, c: Chunk<V>, a: number, b: number): void => {
  if (b < a) for (let j = a - 1; j >= b; j--) apply(st, c, j)
  else for (let j = a; j < b; j++) apply(st, c, j)
}

/**
 * Makes version `i` of chunk `target` the root of its family. If `target` is not the root chunk, first reverses the
 * chunk pointers on the path to the root chunk, walking through each chunk from where the state enters it to where
 * it leaves. Iterative: a history of any length is fine.
 */
const rerootTo = <V>(st: State<V>, target: Chunk<V>, i: number): void => {
  if (target !== st.rc) {
    const path: Array<Chunk<V>> = []
    for (let c: Chunk<V> | null = target; c !== null; c = c.nxt) path.push(c)
    let pos = st.rp
    for (let m = path.length - 1; m >= 1; m--) {
      const c = path[m]!
      const back = path[m - 1]!
      const out = back.at
      walk(st, c, pos, out)
      pos = back.from
      c.nxt = back
      c.from = out
      c.at = pos
    }
    target.nxt = null
    st.rc = target
    st.rp = pos
  }
  walk(st, target, st.rp, i)
  st.rp = i
}

/**
 * Starts a new root chunk at the root and returns it. Called when the root chunk cannot take one more diff at the
 * root position (the root is not the chunk's last version, a branch, or the chunk is full), and by an owning cell
 * that moves off a chunk (`small`). Full-size when it continues a linear history (likely to go on), small for a
 * branch.
 */
const makeRoom = <V>(st: State<V>, small: boolean): Chunk<V> => {
  const c = st.rc
  const j = st.rp
  const n = makeChunk(st, j === c.len && !small ? st.chunkCapacity : Math.min(SMALL_CAPACITY, st.chunkCapacity))
  c.nxt = n
  c.from = j
  c.at = 0
  st.rc = n
  st.rp = 0
  return n
}

/** The root chunk, with room for one more diff at the root position `st.rp` (a new chunk if need be). */
const roomy = <V>(st: State<V>): Chunk<V> => {
  const c = st.rc
  return st.rp !== c.len || st.rp === c.cap ? makeRoom(st, false) : c
}

/**
 * Records the undo of a change to slot `s`: before it, the slot held `key`/`val`/`exp` just after `anchor`
 * (`key === undefined`: it was free). The new root is `(st.rc, st.rp)`.
 */
const recordSwap = <V>(
  st: State<V>,
  s: number,
  anchor: number,
  key: string | undefined,
  val: V | undefined,
  exp: number
): void => {
  const c = roomy(st)
  const j = st.rp
  const sa = c.sa
  sa[2 * j] = s | SWAP
  sa[2 * j + 1] = anchor
  if (c.kv === null) makePayload(st, c)
  const kv = c.kv!
  const ex = c.ex!
  kv[2 * j] = key
  kv[2 * j + 1] = val
  ex[j] = exp
  c.len = st.rp = j + 1
}

// The operations below work on the root's state. With `rec` they record their undo diff, so that the version they
// started from stays valid and the new root is a new version; without it they change the root's state in place,
// which only an owning cell may ask for, and only while no other version of the family can be reached (`OwnRef`).

/** Removes the entry in slot `s`. */
const dropSlot = <V>(st: State<V>, s: number, rec: boolean): void => {
  const { next, prev } = st
  const k = st.keys[s]!
  const p = prev[s]!
  const q = next[s]!
  if (rec) recordSwap(st, s, p, k, st.vals[s], st.exp[s]!)
  next[p] = q
  prev[q] = p
  st.index.delete(k)
  st.keys[s] = undefined
  st.vals[s] = undefined
  st.size--
  const f = next[FREE]!
  next[FREE] = s
  prev[s] = FREE
  next[s] = f
  prev[f] = s
}

/**
 * The answer of a miss, for the internal operations that answer a value or a miss (any `V`, `undefined` included,
 * may be a value).
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const MISS: unique symbol = Symbol('LruTtl.MISS')

/**
 * The type of `MISS`.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export type Miss = typeof MISS

/** `get` on the root: the value of a live hit (which becomes the most recently used), else `MISS`. */
const opGet = <V>(st: State<V>, key: string, now: number, rec: boolean): V | Miss => {
  const s = st.index.get(key)
  if (s === undefined) return MISS
  if (!(st.exp[s]! > now)) {
    dropSlot(st, s, rec)
    return MISS
  }
  const prev = st.prev
  if (prev[LRU] !== s) {
    const next = st.next
    const p = prev[s]!
    if (rec) {
      // the undo is a MOVE of s back after p
      const c = roomy(st)
      const j = st.rp
      const sa = c.sa
      sa[2 * j] = s
      sa[2 * j + 1] = p
      c.len = st.rp = j + 1
    }
    // move s to the most recently used end
    const q = next[s]!
    next[p] = q
    prev[q] = p
    const m = prev[LRU]!
    next[m] = s
    prev[s] = m
    next[s] = LRU
    prev[LRU] = s
  }
  return st.vals[s] as V
}

/**
 * `set` on the root; answers the evicted key, if any. With `rec`, an eviction's undo diff (the last one recorded)
 * holds the evicted key and value.
 */
const opSet = <V>(
  st: State<V>,
  key: string,
  value: V,
  now: number,
  ttl: number | undefined,
  rec: boolean
): string | undefined => {
  const index = st.index
  const found = index.get(key)
  if (ttl !== undefined && !(ttl > 0)) {
    if (found !== undefined) dropSlot(st, found, rec)
    return undefined
  }
  let s: number
  let next = st.next
  if (found !== undefined) s = found
  else {
    // a new key: a free slot, if need be after growing (unbounded or not yet at maxSize), else the LRU entry's
    if (next[FREE] === FREE && st.size !== st.maxSize) {
      grow(st)
      next = st.next
    }
    s = next[FREE] !== FREE ? next[FREE]! : next[LRU]!
  }
  const prev = st.prev
  const keys = st.keys
  const old = keys[s]
  // the undo: the slot held its old entry (or was free) just after its old neighbour
  if (rec) recordSwap(st, s, prev[s]!, old, st.vals[s], st.exp[s]!)
  // unlink s from the ring that holds it (LRU or free)
  const p = prev[s]!
  const q = next[s]!
  next[p] = q
  prev[q] = p
  let evicted: string | undefined
  if (found === undefined) {
    if (old === undefined) st.size++
    else {
      index.delete(old)
      evicted = old
    }
    index.set(key, s)
    keys[s] = key
  }
  st.vals[s] = value
  st.exp[s] = ttl === undefined ? Infinity : now + ttl
  const m = prev[LRU]!
  next[m] = s
  prev[s] = m
  next[s] = LRU
  prev[LRU] = s
  return evicted
}

/** `remove` on the root: whether an entry was removed. */
const opRemove = <V>(st: State<V>, key: string, rec: boolean): boolean => {
  const s = st.index.get(key)
  if (s === undefined) return false
  dropSlot(st, s, rec)
  return true
}

/** The state of `self`, re-rooting first if needed. */
const rooted = <V>(self: LruTtl<V>): State<V> => {
  const v = self as unknown as Version<V>
  const st = v.c.st
  if (st.rc !== v.c || st.rp !== v.i) rerootTo(st, v.c, v.i)
  return st
}

const asVersion = <V>(v: Version<V>): LruTtl<V> => v as unknown as LruTtl<V>

/** After an operation with `rec` on the root `self`: `self` if nothing changed, else the new root. */
const result = <V>(st: State<V>, self: LruTtl<V>): LruTtl<V> => {
  const v = self as unknown as Version<V>
  return st.rp === v.i && st.rc === v.c ? self : asVersion<V>({ c: st.rc, i: st.rp })
}

const normalize = (maxSize: number): number => (maxSize > 0 && maxSize < Infinity ? Math.floor(maxSize) : 0)

const chunkCapacityFor = (maxSize: number): number =>
  maxSize === 0 ? MAX_CHUNK : Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * maxSize))

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An empty structure that holds at most `maxSize` entries; `0` means unbounded. `maxSize` should be an integer
 * `>= 0` (a cache's config codec checks it); a fractional value is rounded down, and a negative, `NaN` or
 * infinite value means unbounded. Slots are allocated as they are needed (doubling), not up front.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const t = LruTtl.empty<number>(100)
 * assert.deepStrictEqual(LruTtl.size(t), 0)
 * assert.deepStrictEqual(LruTtl.maxSize(t), 100)
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty = <V = never>(maxSize: number): LruTtl<V> => {
  const n = normalize(maxSize)
  return asVersion(makeFamily<V>(n, chunkCapacityFor(n)))
}

/**
 * `empty` with a chosen number of diffs per chunk, so that tests can cross chunk boundaries often.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const emptyWithChunkCapacity = <V = never>(maxSize: number, chunkCapacity: number): LruTtl<V> =>
  asVersion(makeFamily<V>(normalize(maxSize), Math.max(1, Math.floor(chunkCapacity))))

// -------------------------------------------------------------------------------------
// internal data-first implementations
// -------------------------------------------------------------------------------------

/**
 * Data-first `get`, without the dual dispatch: for a store's hot path, e.g.
 * `ref.modify((t) => LruTtl.getImpl(t, key, now))`. The `...Impl` functions below are the same operations.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const getImpl = <V>(self: LruTtl<V>, key: string, now: number): readonly [Option<V>, LruTtl<V>] => {
  const st = rooted(self)
  const r = opGet(st, key, now, true)
  return [r === MISS ? O.none : O.some(r as V), result(st, self)]
}

/**
 * Data-first `set`, without the dual dispatch: for a store's hot path.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const setImpl = <V>(
  self: LruTtl<V>,
  key: string,
  value: V,
  now: number,
  ttl?: number
): readonly [Option<readonly [string, V]>, LruTtl<V>] => {
  const st = rooted(self)
  const k = opSet(st, key, value, now, ttl, true)
  const t = result(st, self)
  if (k === undefined) return [O.none, t]
  // the eviction's undo diff, the last one recorded, holds the evicted value
  return [O.some([k, st.rc.kv![2 * st.rp - 1] as V]), t]
}

/**
 * Data-first `remove`, without the dual dispatch.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const removeImpl = <V>(self: LruTtl<V>, key: string): readonly [boolean, LruTtl<V>] => {
  const st = rooted(self)
  const removed = opRemove(st, key, true)
  return [removed, result(st, self)]
}

/**
 * Data-first `purge`, without the dual dispatch.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const purgeImpl = <V>(self: LruTtl<V>, now: number): readonly [number, LruTtl<V>] => {
  const st = rooted(self)
  let removed = 0
  let s = st.next[LRU]!
  while (s !== LRU) {
    const q = st.next[s]!
    if (!(st.exp[s]! > now)) {
      // one diff per removed entry; the intermediate versions are never handed out
      dropSlot(st, s, true)
      removed++
    }
    s = q
  }
  return [removed, result(st, self)]
}

/**
 * Data-first `peek`, without the dual dispatch.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const peekImpl = <V>(self: LruTtl<V>, key: string, now: number): Option<V> => {
  const st = rooted(self)
  const s = st.index.get(key)
  return s !== undefined && st.exp[s]! > now ? O.some(st.vals[s] as V) : O.none
}

/**
 * Data-first `has`, without the dual dispatch.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const hasImpl = <V>(self: LruTtl<V>, key: string, now: number): boolean => {
  const st = rooted(self)
  const s = st.index.get(key)
  return s !== undefined && st.exp[s]! > now
}

/**
 * Data-first `entries`, without the dual dispatch.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const entriesImpl = <V>(self: LruTtl<V>, now: number): ReadonlyArray<readonly [string, V]> => {
  const st = rooted(self)
  const out: Array<readonly [string, V]> = []
  for (let s = st.prev[LRU]!; s !== LRU; s = st.prev[s]!) {
    if (st.exp[s]! > now) out.push([st.keys[s]!, st.vals[s] as V])
  }
  return out
}

// -------------------------------------------------------------------------------------
// the owning cell (internal: a store's hot path)
// -------------------------------------------------------------------------------------

/**
 * What an owning cell holds a chunk with, to learn when the collector has taken it: a `WeakRef` by default.
 *
 * @internal
 * @category model
 * @since 0.1.0
 */
export interface Weak {
  deref(): object | undefined
}

/**
 * A ref cell that owns a family of versions ("functional but in place"). It is a `Ref<LruTtl<V>>`: `get` hands out
 * the current version and `modify(f)` hands it to `f` and keeps what `f` returns, with the laws of `Ref` up to
 * equality of versions (`get` answers a version equal to the one kept, not the same object). The
 * functions `ownGet`, `ownSet`, `ownRemove`, `ownClear` and `ownSize` are `modify` with the pure `get`, `set`,
 * `remove`, `clear` and `size` (they answer alike and leave the cell holding the same entries in the same order),
 * but make no version object, no tuple and no `Option`; and while no version the cell handed out can still be
 * reached, they change the family's state in place and record no diff.
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
 * @category model
 * @since 0.1.0
 */
export type OwnRef<V> = Ref<LruTtl<V>>

/**
 * Options of `ownRef`.
 *
 * @internal
 * @category model
 * @since 0.1.0
 */
export interface OwnRefOptions {
  /** Holds a chunk weakly: `(o) => new WeakRef(o)` by default; tests simulate a collector with their own. */
  readonly weak?: (o: object) => Weak
  /** Shared operations between two looks at the tracked chunks: 1024 by default. */
  readonly checkEvery?: number
  /** Diffs per chunk, as in `emptyWithChunkCapacity`. */
  readonly chunkCapacity?: number
}

interface Own<V> extends OwnRef<V> {
  /** The family's state. */
  st: State<V>
  /** Whether a version the cell handed out may still be reachable. */
  shared: boolean
  /** While shared: the cell's version, position `i` of chunk `c`. */
  c: Chunk<V>
  i: number
  /** While shared: the chunk of the version last handed out or adopted, held weakly (I2). */
  last: Weak | null
  countdown: number
  readonly weak: (o: object) => Weak
  readonly every: number
}

const newWeakRef = (o: object): Weak => new WeakRef(o)

/** Leaves chunk `c` (the cell's position, the root) for a new small chunk attached to it, at the same state. */
const moveOff = <V>(o: Own<V>, st: State<V>, c: Chunk<V>): void => {
  o.last = o.weak(c)
  o.c = makeRoom(st, true)
  o.i = 0
}

/** Hands out the cell's current version. */
const handOut = <V>(o: Own<V>): LruTtl<V> => {
  const st = o.st
  if (!o.shared) {
    o.shared = true
    o.c = st.rc
    o.i = st.rp
    o.countdown = o.every
  } else if (st.rc !== o.c || st.rp !== o.i) rerootTo(st, o.c, o.i)
  const v: Version<V> = { c: o.c, i: o.i }
  moveOff(o, st, o.c)
  return asVersion(v)
}

/** Makes the cell hold `t`, a version that someone else may hold too. The cell is shared. */
const adopt = <V>(o: Own<V>, t: LruTtl<V>): void => {
  const v = t as unknown as Version<V>
  const st = v.c.st
  o.st = st
  if (st.rc !== v.c || st.rp !== v.i) rerootTo(st, v.c, v.i)
  moveOff(o, st, v.c)
}

/** Before a shared operation: the state, rooted at the cell's version. */
const enter = <V>(o: Own<V>): State<V> => {
  const st = o.st
  if (st.rc !== o.c || st.rp !== o.i) rerootTo(st, o.c, o.i)
  return st
}

/** After a shared operation: the cell's version is the new root; now and then, look at the tracked chunks. */
const leave = <V>(o: Own<V>, st: State<V>): void => {
  o.c = st.rc
  o.i = st.rp
  if (--o.countdown <= 0) check(o)
}

/** Becomes owned if the last chunk handed out or adopted has been collected (then nothing else can be reached). */
const check = <V>(o: Own<V>): void => {
  o.countdown = o.every
  if (o.last !== null && o.last.deref() !== undefined) return
  const st = o.st
  const c = makeChunk(st, Math.min(SMALL_CAPACITY, st.chunkCapacity))
  st.rc = c
  st.rp = 0
  o.shared = false
  o.last = null
  o.c = c
  o.i = 0
}

/**
 * A new owning cell holding an empty structure of at most `maxSize` entries (as `empty`).
 *
 * @internal
 * @category constructors
 * @since 0.1.0
 */
export const ownRef = <V = never>(maxSize: number, options: OwnRefOptions = {}): OwnRef<V> => {
  const n = normalize(maxSize)
  const cap = options.chunkCapacity === undefined ? chunkCapacityFor(n) : Math.max(1, Math.floor(options.chunkCapacity))
  const every = Math.max(1, Math.floor(options.checkEvery ?? 1024))
  const v = makeFamily<V>(n, cap)
  const o: Own<V> = {
    get: () => handOut(o),
    modify:
      <B>(f: (t: LruTtl<V>) => readonly [B, LruTtl<V>]) =>
      (): B => {
        const t = handOut(o)
        const [b, r] = f(t)
        if (r !== t) adopt(o, r)
        return b
      },
    st: v.c.st,
    shared: false,
    c: v.c,
    i: 0,
    last: null,
    countdown: every,
    weak: options.weak ?? newWeakRef,
    every
  }
  return o
}

/**
 * `modify` with `get(key, now)`: the value of a live hit, else `MISS`.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const ownGet = <V>(ref: OwnRef<V>, key: string, now: number): V | Miss => {
  const o = ref as Own<V>
  if (!o.shared) return opGet(o.st, key, now, false)
  const st = enter(o)
  const r = opGet(st, key, now, true)
  leave(o, st)
  return r
}

/**
 * `modify` with `set(key, value, now, ttl)`: the evicted key, if any.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const ownSet = <V>(
  ref: OwnRef<V>,
  key: string,
  value: V,
  now: number,
  ttl: number | undefined
): string | undefined => {
  const o = ref as Own<V>
  if (!o.shared) return opSet(o.st, key, value, now, ttl, false)
  const st = enter(o)
  const k = opSet(st, key, value, now, ttl, true)
  leave(o, st)
  return k
}

/**
 * `modify` with `remove(key)`: whether an entry was removed.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const ownRemove = <V>(ref: OwnRef<V>, key: string): boolean => {
  const o = ref as Own<V>
  if (!o.shared) return opRemove(o.st, key, false)
  const st = enter(o)
  const r = opRemove(st, key, true)
  leave(o, st)
  return r
}

/**
 * `modify` with `clear`: the cell holds an empty structure of a new family, its own.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const ownClear = <V>(ref: OwnRef<V>): void => {
  const o = ref as Own<V>
  const old = o.st
  const v = makeFamily<V>(old.maxSize, old.chunkCapacity)
  o.st = v.c.st
  o.shared = false
  o.last = null
  o.c = v.c
  o.i = 0
}

/**
 * `size` of the cell's version, without handing it out.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const ownSize = <V>(ref: OwnRef<V>): number => {
  const o = ref as Own<V>
  return o.shared ? enter(o).size : o.st.size
}

/**
 * Whether the cell is owned (changes its state in place) now.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const isOwned = <V>(ref: OwnRef<V>): boolean => !(ref as Own<V>).shared

/**
 * The chunks that version `t` keeps alive: its own, those on its way to the root chunk, and the root chunk (through
 * the family's state). Tests use it to simulate a collector.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const retainedChunks = <V>(t: LruTtl<V>): ReadonlyArray<object> => {
  const v = t as unknown as Version<V>
  return chainOf(v.c)
}

/**
 * The chunks that an owning cell keeps alive, as `retainedChunks`.
 *
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const cellRetainedChunks = <V>(ref: OwnRef<V>): ReadonlyArray<object> => {
  const o = ref as Own<V>
  return chainOf(o.shared ? o.c : o.st.rc)
}

const chainOf = <V>(c0: Chunk<V>): ReadonlyArray<object> => {
  const out: Array<object> = []
  for (let c: Chunk<V> | null = c0; c !== null; c = c.nxt) out.push(c)
  out.push(c0.st.rc)
  return out
}

// Data-first when the first argument is a version (an object): keys are strings and times are numbers. fp-ts
// 2.16's `dual` is internal to it (absent from its typings) and copies `arguments` on every call, so each
// operation dispatches by hand with fixed parameters.
const isVersion = (u: unknown): boolean => typeof u === 'object' && u !== null

/** Data-first `impl(self, a)` and data-last `impl(a)(self)` in one function (no `arguments`, unlike fp-ts's). */
const dual1 =
  (impl: (self: never, a: never) => unknown) =>
  (a: unknown, b?: unknown): unknown => {
    const f = impl as (self: unknown, a: unknown) => unknown
    return isVersion(a) ? f(a, b) : (self: unknown) => f(self, a)
  }

/** Data-first `impl(self, a, b)` and data-last `impl(a, b)(self)` in one function. */
const dual2 =
  (impl: (self: never, a: never, b: never) => unknown) =>
  (a: unknown, b: unknown, c?: unknown): unknown => {
    const f = impl as (self: unknown, a: unknown, b: unknown) => unknown
    return isVersion(a) ? f(a, b, c) : (self: unknown) => f(self, a, b)
  }

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Looks `key` up at time `now`. A live hit returns its value and a version in which the entry is the most
 * recently used. An expired entry (`now >= expiresAt`) is a miss and is removed from the returned version. A miss
 * or a hit on the most recently used entry returns the same version. Data-first or data-last; the result plugs
 * into a ref cell: `ref.modify(LruTtl.get(key, now))`.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(10), 'a', 1, 0, 1000)
 * const [hit] = pipe(t1, LruTtl.get('a', 999))
 * assert.deepStrictEqual(hit, O.some(1))
 * const [miss, t2] = LruTtl.get(t1, 'a', 1000)
 * assert.deepStrictEqual(miss, O.none)
 * assert.deepStrictEqual(LruTtl.size(t2), 0)
 * assert.deepStrictEqual(LruTtl.size(t1), 1)
 *
 * @category combinators
 * @since 0.1.0
 */
export const get: {
  (key: string, now: number): <V>(self: LruTtl<V>) => readonly [Option<V>, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string, now: number): readonly [Option<V>, LruTtl<V>]
} = /*#__PURE__*/ dual2(getImpl) as typeof get

/**
 * Inserts or overwrites `key` at time `now`; the entry becomes the most recently used and its expiry is reset to
 * `now + ttl` (no `ttl`: it never expires). When inserting a new key pushes the size over `maxSize`, the least
 * recently used entry is evicted and returned (whether or not it had expired). A `ttl <= 0` (or `NaN`) stores
 * nothing and removes the key's old entry, if any.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t1] = pipe(LruTtl.empty<number>(2), LruTtl.set('a', 1, 0))
 * const [, t2] = pipe(t1, LruTtl.set('b', 2, 0))
 * const [evicted, t3] = pipe(t2, LruTtl.set('c', 3, 0))
 * assert.deepStrictEqual(evicted, O.some(['a', 1]))
 * assert.deepStrictEqual(LruTtl.keys(t3), ['c', 'b'])
 * assert.deepStrictEqual(LruTtl.keys(t2), ['b', 'a'])
 *
 * @category combinators
 * @since 0.1.0
 */
export const set: {
  <V>(key: string, value: V, now: number, ttl?: number): (
    self: LruTtl<V>
  ) => readonly [Option<readonly [string, V]>, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string, value: V, now: number, ttl?: number): readonly [
    Option<readonly [string, V]>,
    LruTtl<V>
  ]
} = function (a: unknown, b: unknown, c: unknown, d?: unknown, e?: unknown): unknown {
  return isVersion(a)
    ? setImpl(a as LruTtl<unknown>, b as string, c, d as number, e as number | undefined)
    : (self: LruTtl<unknown>) => setImpl(self, a as string, b, c as number, d as number | undefined)
} as typeof set

/**
 * Removes `key`. The boolean is `true` iff an entry (live or expired) was removed; otherwise the same version is
 * returned.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<string>(0), 'a', 'x', 0)
 * const [removed, t2] = LruTtl.remove(t1, 'a')
 * assert.deepStrictEqual(removed, true)
 * assert.deepStrictEqual(LruTtl.keys(t2), [])
 * assert.deepStrictEqual(LruTtl.remove(t2, 'a')[0], false)
 *
 * @category combinators
 * @since 0.1.0
 */
export const remove: {
  (key: string): <V>(self: LruTtl<V>) => readonly [boolean, LruTtl<V>]
  <V>(self: LruTtl<V>, key: string): readonly [boolean, LruTtl<V>]
} = /*#__PURE__*/ dual1(removeImpl) as typeof remove

/**
 * Removes every entry that has expired at `now` and returns how many it removed (`0`: the same version).
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 10)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * const [removed, t3] = LruTtl.purge(t2, 10)
 * assert.deepStrictEqual(removed, 1)
 * assert.deepStrictEqual(LruTtl.keys(t3), ['b'])
 *
 * @category combinators
 * @since 0.1.0
 */
export const purge: {
  (now: number): <V>(self: LruTtl<V>) => readonly [number, LruTtl<V>]
  <V>(self: LruTtl<V>, now: number): readonly [number, LruTtl<V>]
} = /*#__PURE__*/ dual1(purgeImpl) as typeof purge

/**
 * An empty version with the same `maxSize`. The version it is given is unchanged.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(3), 'a', 1, 0)
 * const t2 = LruTtl.clear(t1)
 * assert.deepStrictEqual([LruTtl.size(t2), LruTtl.maxSize(t2)], [0, 3])
 * assert.deepStrictEqual(LruTtl.size(t1), 1)
 *
 * @category combinators
 * @since 0.1.0
 */
export const clear = <V>(self: LruTtl<V>): LruTtl<V> => {
  const st = (self as unknown as Version<V>).c.st
  return asVersion(makeFamily<V>(st.maxSize, st.chunkCapacity))
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The most entries a version may hold; `0` means unbounded.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(LruTtl.maxSize(LruTtl.empty(5)), 5)
 *
 * @category utils
 * @since 0.1.0
 */
export const maxSize = <V>(self: LruTtl<V>): number => (self as unknown as Version<V>).c.st.maxSize

/**
 * The number of entries physically held, including expired ones that nothing has removed yet.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(LruTtl.size(t), 1)
 *
 * @category utils
 * @since 0.1.0
 */
export const size = <V>(self: LruTtl<V>): number => rooted(self).size

/**
 * Reads `key` at time `now` without touching recency and without making a version.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as O from 'fp-ts/Option'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(pipe(t, LruTtl.peek('a', 4)), O.some(1))
 * assert.deepStrictEqual(LruTtl.peek(t, 'a', 5), O.none)
 *
 * @category utils
 * @since 0.1.0
 */
export const peek: {
  (key: string, now: number): <V>(self: LruTtl<V>) => Option<V>
  <V>(self: LruTtl<V>, key: string, now: number): Option<V>
} = /*#__PURE__*/ dual2(peekImpl) as typeof peek

/**
 * Whether `key` has a live entry at time `now`; does not touch recency.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * assert.deepStrictEqual(LruTtl.has(t, 'a', 4), true)
 * assert.deepStrictEqual(LruTtl.has('a', 5)(t), false)
 *
 * @category utils
 * @since 0.1.0
 */
export const has: {
  (key: string, now: number): <V>(self: LruTtl<V>) => boolean
  <V>(self: LruTtl<V>, key: string, now: number): boolean
} = /*#__PURE__*/ dual2(hasImpl) as typeof has

/**
 * The keys of every entry physically held (expired ones included), most recently used first.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * const [, t3] = LruTtl.get(t2, 'a', 0)
 * assert.deepStrictEqual(LruTtl.keys(t3), ['a', 'b'])
 * assert.deepStrictEqual(LruTtl.keys(t2), ['b', 'a'])
 *
 * @category utils
 * @since 0.1.0
 */
export const keys = <V>(self: LruTtl<V>): ReadonlyArray<string> => {
  const st = rooted(self)
  const out: Array<string> = []
  for (let s = st.prev[LRU]!; s !== LRU; s = st.prev[s]!) out.push(st.keys[s]!)
  return out
}

/**
 * The live entries at time `now` as `[key, value]` pairs, most recently used first.
 *
 * @example
 * import { LruTtl } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as assert from 'assert'
 *
 * const [, t1] = LruTtl.set(LruTtl.empty<number>(0), 'a', 1, 0, 5)
 * const [, t2] = LruTtl.set(t1, 'b', 2, 0)
 * assert.deepStrictEqual(pipe(t2, LruTtl.entries(0)), [['b', 2], ['a', 1]])
 * assert.deepStrictEqual(LruTtl.entries(t2, 5), [['b', 2]])
 *
 * @category utils
 * @since 0.1.0
 */
export const entries: {
  (now: number): <V>(self: LruTtl<V>) => ReadonlyArray<readonly [string, V]>
  <V>(self: LruTtl<V>, now: number): ReadonlyArray<readonly [string, V]>
} = /*#__PURE__*/ dual1(entriesImpl) as typeof entries
