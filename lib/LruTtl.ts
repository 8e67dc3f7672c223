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
  for (let s = old + 2; s < len; s++) {
    st.keys.push(undefined)
    st.vals.push(undefined)
    prev[s] = s - 1
    next[s - 1] = s
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
 * Makes `v` the root of its family. If its chunk is not the root chunk, first reverses the chunk pointers on the
 * path to the root chunk, walking through each chunk from where the state enters it to where it leaves. Iterative:
 * a history of any length is fine.
 */
const reroot = <V>(v: Version<V>): void => {
  const target = v.c
  const st = target.st
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
  walk(st, target, st.rp, v.i)
  st.rp = v.i
}

/**
 * Called when the root chunk cannot take one more diff at the root position: the root is not the chunk's last
 * version (a branch) or the chunk is full. Starts a new root chunk at the root and returns it: full-size when it
 * continues a linear history (likely to go on), small for a branch.
 */
const makeRoom = <V>(st: State<V>): Chunk<V> => {
  const c = st.rc
  const j = st.rp
  const n = makeChunk(st, j === c.len ? st.chunkCapacity : Math.min(SMALL_CAPACITY, st.chunkCapacity))
  c.nxt = n
  c.from = j
  c.at = 0
  st.rc = n
  st.rp = 0
  return n
}

/**
 * Records the undo of a change to slot `s`: before it, the slot held `key`/`val`/`exp` just after `anchor`
 * (`key === undefined`: it was free). Returns the new root version.
 */
const recordSwap = <V>(
  st: State<V>,
  s: number,
  anchor: number,
  key: string | undefined,
  val: V | undefined,
  exp: number
): Version<V> => {
  let c = st.rc
  let j = st.rp
  if (j !== c.len || j === c.cap) {
    c = makeRoom(st)
    j = 0
  }
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
  return { c, i: j + 1 }
}

/** Removes the entry in slot `s` of the root; returns the new root. */
const removeSlot = <V>(st: State<V>, s: number): Version<V> => {
  const { next, prev } = st
  const k = st.keys[s]!
  const p = prev[s]!
  const q = next[s]!
  const r = recordSwap(st, s, p, k, st.vals[s], st.exp[s]!)
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
  return r
}

/** The state of `self`, re-rooting first if needed. */
const rooted = <V>(self: LruTtl<V>): State<V> => {
  const v = self as unknown as Version<V>
  const st = v.c.st
  if (st.rc !== v.c || st.rp !== v.i) reroot(v)
  return st
}

const asVersion = <V>(v: Version<V>): LruTtl<V> => v as unknown as LruTtl<V>

const normalize = (maxSize: number): number => (maxSize > 0 && maxSize < Infinity ? Math.floor(maxSize) : 0)

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
  return asVersion(makeFamily<V>(n, n === 0 ? MAX_CHUNK : Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * n))))
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
  const v = self as unknown as Version<V>
  let c = v.c
  let j = v.i
  const st = c.st
  if (st.rc !== c || st.rp !== j) reroot(v)
  const s = st.index.get(key)
  if (s === undefined) return [O.none, self]
  if (!(st.exp[s]! > now)) return [O.none, asVersion(removeSlot(st, s))]
  const val = st.vals[s] as V
  const prev = st.prev
  if (prev[LRU] === s) return [O.some(val), self]
  // record the undo, a MOVE of s back after p, in the root chunk (c, with the root at j)
  const next = st.next
  const p = prev[s]!
  if (j !== c.len || j === c.cap) {
    c = makeRoom(st)
    j = 0
  }
  const sa = c.sa
  sa[2 * j] = s
  sa[2 * j + 1] = p
  c.len = st.rp = ++j
  // move s to the most recently used end
  const q = next[s]!
  next[p] = q
  prev[q] = p
  const m = prev[LRU]!
  next[m] = s
  prev[s] = m
  next[s] = LRU
  prev[LRU] = s
  return [O.some(val), asVersion({ c, i: j })]
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
  let s = st.index.get(key)
  if (ttl !== undefined && !(ttl > 0)) {
    return [O.none, s === undefined ? self : asVersion(removeSlot(st, s))]
  }
  // a new key, no free slot and not full: only an unbounded or still-growing state gets here
  if (s === undefined && st.next[FREE] === FREE && st.size !== st.maxSize) grow(st)
  const next = st.next
  const prev = st.prev
  let r: Version<V>
  let evicted: Option<readonly [string, V]> = O.none
  if (s !== undefined) {
    // overwrite in place
    const p = prev[s]!
    const q = next[s]!
    r = recordSwap(st, s, p, key, st.vals[s], st.exp[s]!)
    next[p] = q
    prev[q] = p
  } else if (next[FREE] !== FREE) {
    // insert into a free slot
    s = next[FREE]!
    r = recordSwap(st, s, FREE, undefined, undefined, 0)
    const q = next[s]!
    next[FREE] = q
    prev[q] = FREE
    st.index.set(key, s)
    st.keys[s] = key
    st.size++
  } else {
    // full: reuse the least recently used entry's slot
    s = next[LRU]!
    const k = st.keys[s]!
    const v = st.vals[s] as V
    r = recordSwap(st, s, LRU, k, v, st.exp[s]!)
    evicted = O.some([k, v])
    const q = next[s]!
    next[LRU] = q
    prev[q] = LRU
    st.index.delete(k)
    st.index.set(key, s)
    st.keys[s] = key
  }
  st.vals[s] = value
  st.exp[s] = ttl === undefined ? Infinity : now + ttl
  const m = prev[LRU]!
  next[m] = s
  prev[s] = m
  next[s] = LRU
  prev[LRU] = s
  return [evicted, asVersion(r)]
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
  const s = st.index.get(key)
  return s === undefined ? [false, self] : [true, asVersion(removeSlot(st, s))]
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
  let t = self
  let removed = 0
  let s = st.next[LRU]!
  while (s !== LRU) {
    const q = st.next[s]!
    if (!(st.exp[s]! > now)) {
      // one diff per removed entry; the intermediate versions are never handed out
      t = asVersion(removeSlot(st, s))
      removed++
    }
    s = q
  }
  return [removed, t]
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

// Data-first when the first argument is a version (an object): keys are strings and times are numbers. fp-ts
// 2.16's `dual` is internal to it (absent from its typings) and copies `arguments` on every call, so each
// operation dispatches by hand with fixed parameters.
const isVersion = (u: unknown): boolean => typeof u === 'object' && u !== null

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
} = function (a: unknown, b: unknown, c?: unknown): unknown {
  return isVersion(a)
    ? getImpl(a as LruTtl<unknown>, b as string, c as number)
    : (self: LruTtl<unknown>) => getImpl(self, a as string, b as number)
} as typeof get

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
} = function (a: unknown, b?: unknown): unknown {
  return isVersion(a)
    ? removeImpl(a as LruTtl<unknown>, b as string)
    : (self: LruTtl<unknown>) => removeImpl(self, a as string)
} as typeof remove

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
} = function (a: unknown, b?: unknown): unknown {
  return isVersion(a)
    ? purgeImpl(a as LruTtl<unknown>, b as number)
    : (self: LruTtl<unknown>) => purgeImpl(self, a as number)
} as typeof purge

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
} = function (a: unknown, b: unknown, c?: unknown): unknown {
  return isVersion(a)
    ? peekImpl(a as LruTtl<unknown>, b as string, c as number)
    : (self: LruTtl<unknown>) => peekImpl(self, a as string, b as number)
} as typeof peek

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
} = function (a: unknown, b: unknown, c?: unknown): unknown {
  return isVersion(a)
    ? hasImpl(a as LruTtl<unknown>, b as string, c as number)
    : (self: LruTtl<unknown>) => hasImpl(self, a as string, b as number)
} as typeof has

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
} = function (a: unknown, b?: unknown): unknown {
  return isVersion(a)
    ? entriesImpl(a as LruTtl<unknown>, b as number)
    : (self: LruTtl<unknown>) => entriesImpl(self, a as number)
} as typeof entries
