/**
 * LruTtl against a naive model (an array of entries, most recently used first, copied per version). Commands run
 * on the newest version or on a random older one, so histories branch; every result and state is compared as it
 * goes, and at the end every version ever made is compared with its model again (full persistence). Clock steps
 * and ttls come from small sets so that reads land exactly on expiry boundaries. No timers, no sleeping.
 *
 * The owning cell (`OwnRef`) runs against the same model, with a simulated collector: a chunk is collected when no
 * version the test still holds retains it, so snapshots can die on cue and the cell can go back to working in place.
 */
import * as assert from 'assert'
import * as fc from 'fast-check'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as v8 from 'v8'
import * as vm from 'vm'
import * as _ from '../lib/LruTtl'
import { MISS } from '../lib/internal/miss'
import * as cells from '../lib/internal/ownedCell'
import { makeFamily, normalizeMaxSize, SWEEP_STEP } from '../lib/internal/versionDiffs'
import * as Ref from '../lib/Ref'

/** `empty` with a chosen number of diffs per chunk, so that operations cross chunk boundaries often. */
const emptyWithChunkCapacity = <V>(maxSize: number, chunkCapacity: number): _.LruTtl<V> =>
  makeFamily<V>(normalizeMaxSize(maxSize), chunkCapacity) as unknown as _.LruTtl<V>

// -------------------------------------------------------------------------------------
// model: an array of entries, most recently used first, copied for every version
// -------------------------------------------------------------------------------------

interface Entry {
  readonly key: string
  readonly value: number
  readonly exp: number
}

interface Model {
  readonly maxSize: number
  readonly entries: ReadonlyArray<Entry>
}

const live = (e: Entry, now: number): boolean => now < e.exp

const without = (m: Model, key: string): Model => ({
  ...m,
  entries: m.entries.filter((e) => e.key !== key)
})

const M = {
  get: (m: Model, key: string, now: number): readonly [O.Option<number>, Model] => {
    const e = m.entries.find((x) => x.key === key)
    if (e === undefined) return [O.none, m]
    if (!live(e, now)) return [O.none, without(m, key)]
    return [O.some(e.value), { ...m, entries: [e, ...m.entries.filter((x) => x !== e)] }]
  },
  set: (
    m: Model,
    key: string,
    value: number,
    now: number,
    ttl: number | undefined
  ): readonly [O.Option<readonly [string, number]>, Model] => {
    if (ttl !== undefined && !(ttl > 0)) return [O.none, without(m, key)]
    const e: Entry = {
      key,
      value,
      exp: ttl === undefined ? Infinity : now + ttl
    }
    const rest = m.entries.filter((x) => x.key !== key)
    if (rest.length === m.entries.length && m.maxSize > 0 && rest.length >= m.maxSize) {
      const lru = rest[rest.length - 1]!
      return [O.some([lru.key, lru.value]), { ...m, entries: [e, ...rest.slice(0, -1)] }]
    }
    return [O.none, { ...m, entries: [e, ...rest] }]
  },
  remove: (m: Model, key: string): readonly [boolean, Model] => {
    const n = without(m, key)
    return [n.entries.length !== m.entries.length, n]
  },
  purge: (m: Model, now: number): readonly [number, Model] => {
    const entries = m.entries.filter((e) => live(e, now))
    return [m.entries.length - entries.length, { ...m, entries }]
  },
  peek: (m: Model, key: string, now: number): O.Option<number> => {
    const e = m.entries.find((x) => x.key === key)
    return e !== undefined && live(e, now) ? O.some(e.value) : O.none
  }
}

/**
 * `M.set` after the Reclaim law: the structure's `set` may first remove up to `SWEEP_STEP` expired entries,
 * which it does not report; which ones depends on its slots, so the model learns them from the keys the structure
 * holds after the set (`keysAfter`), and checks that each of them had expired.
 */
const modelSet = (
  m: Model,
  key: string,
  value: number,
  now: number,
  ttl: number | undefined,
  keysAfter: ReadonlyArray<string>,
  evicted: O.Option<readonly [string, number]>
): readonly [O.Option<readonly [string, number]>, Model] => {
  const held = new Set(keysAfter)
  const evictedKey = O.isSome(evicted) ? evicted.value[0] : undefined
  const reclaimed = m.entries.filter((e) => e.key !== key && e.key !== evictedKey && !held.has(e.key))
  if (ttl !== undefined && !(ttl > 0)) assert.deepStrictEqual(reclaimed, [], 'a set that stores nothing reclaims nothing')
  assert.ok(reclaimed.length <= SWEEP_STEP, `reclaimed ${reclaimed.length} entries`)
  for (const e of reclaimed) assert.ok(!live(e, now), `reclaimed ${e.key}, which is live`)
  return M.set({ ...m, entries: m.entries.filter((e) => !reclaimed.includes(e)) }, key, value, now, ttl)
}

/** Compares a version with its model: size, physical order, every entry's value and exact expiry, live entries. */
const check = (t: _.LruTtl<number>, m: Model, now: number): void => {
  assert.deepStrictEqual(_.size(t), m.entries.length)
  assert.deepStrictEqual(
    _.keys(t),
    m.entries.map((e) => e.key)
  )
  assert.deepStrictEqual(_.maxSize(t), m.maxSize)
  for (const e of m.entries) {
    const before = e.exp === Infinity ? 1e15 : e.exp - 0.5
    assert.deepStrictEqual(_.peek(t, e.key, before), O.some(e.value))
    if (e.exp !== Infinity) {
      assert.deepStrictEqual(_.has(t, e.key, e.exp), false)
      assert.deepStrictEqual(_.peek(t, e.key, e.exp), O.none)
    }
  }
  assert.deepStrictEqual(
    _.entries(t, now),
    m.entries.filter((e) => live(e, now)).map((e) => [e.key, e.value])
  )
}

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

type Cmd =
  | {
      readonly op: 'get' | 'remove' | 'peek' | 'has'
      readonly v: number
      readonly key: string
    }
  | {
      readonly op: 'set'
      readonly v: number
      readonly key: string
      readonly ttl: number | undefined
    }
  | { readonly op: 'purge' | 'clear'; readonly v: number }
  | { readonly op: 'advance'; readonly dt: number }

/** -1 picks the newest version; any other number picks an older one (so histories branch). */
const versionArb = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat() })
const ttlArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 5) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, NaN) }
)

const cmdArb = (keyArb: fc.Arbitrary<string>): fc.Arbitrary<Cmd> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant('get' as const),
        v: versionArb,
        key: keyArb
      })
    },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('set' as const),
        v: versionArb,
        key: keyArb,
        ttl: ttlArb
      })
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('remove' as const),
        v: versionArb,
        key: keyArb
      })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('purge' as const),
        v: versionArb
      })
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constantFrom('peek' as const, 'has' as const),
        v: versionArb,
        key: keyArb
      })
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('advance' as const),
        dt: fc.constantFrom(0, 1, 1, 2, 3, 5)
      })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('clear' as const),
        v: versionArb
      })
    }
  )

/** Diffs per chunk: tiny chunks make every few operations cross a chunk boundary; 0 uses `empty`'s default. */
const chunkArb = fc.constantFrom(0, 1, 2, 3, 8, 256)

interface Pair {
  readonly t: _.LruTtl<number>
  readonly m: Model
}

/** Runs the commands against the structure and the model, checking every result and state as it goes. */
const run = (maxSize: number, chunkCapacity: number, cmds: ReadonlyArray<Cmd>): void => {
  const t0 = chunkCapacity === 0 ? _.empty<number>(maxSize) : emptyWithChunkCapacity<number>(maxSize, chunkCapacity)
  const versions: Array<Pair> = [{ t: t0, m: { maxSize, entries: [] } }]
  let now = 0
  cmds.forEach((c, step) => {
    if (c.op === 'advance') {
      now += c.dt
      return
    }
    const src = versions[c.v < 0 ? versions.length - 1 : c.v % versions.length]!
    let next: Pair | undefined
    switch (c.op) {
      case 'get': {
        const [r, t] = _.get(src.t, c.key, now)
        const [mr, m] = M.get(src.m, c.key, now)
        assert.deepStrictEqual(r, mr)
        next = { t, m }
        break
      }
      case 'set': {
        const [r, t] = _.set(src.t, c.key, step, now, c.ttl)
        const [mr, m] = modelSet(src.m, c.key, step, now, c.ttl, _.keys(t), r)
        assert.deepStrictEqual(r, mr)
        // what a set does depends only on the version it is given (law 6): the same set again makes the same
        const [r2, t2] = _.set(src.t, c.key, step, now, c.ttl)
        assert.deepStrictEqual([r2, _.keys(t2)], [r, _.keys(t)])
        next = { t, m }
        break
      }
      case 'remove': {
        const [r, t] = _.remove(src.t, c.key)
        const [mr, m] = M.remove(src.m, c.key)
        assert.deepStrictEqual(r, mr)
        next = { t, m }
        break
      }
      case 'purge': {
        const [r, t] = _.purge(src.t, now)
        const [mr, m] = M.purge(src.m, now)
        assert.deepStrictEqual(r, mr)
        next = { t, m }
        break
      }
      case 'clear':
        next = { t: _.clear(src.t), m: { maxSize, entries: [] } }
        break
      case 'peek':
        assert.deepStrictEqual(_.peek(src.t, c.key, now), M.peek(src.m, c.key, now))
        break
      case 'has':
        assert.deepStrictEqual(_.has(src.t, c.key, now), O.isSome(M.peek(src.m, c.key, now)))
        break
    }
    if (next !== undefined) {
      check(next.t, next.m, now)
      assert.ok(maxSize === 0 || _.size(next.t) <= maxSize)
      versions.push(next)
      // the version operated on still answers as before (this re-roots back and forth)
      check(src.t, src.m, now)
    }
  })
  // full persistence: every retained version, visited newest first and then in a scattered order
  for (let i = versions.length - 1; i >= 0; i--) check(versions[i]!.t, versions[i]!.m, now)
  for (let i = 0; i < versions.length; i++) {
    const p = versions[(i * 7919) % versions.length]!
    check(p.t, p.m, now)
  }
}

// -------------------------------------------------------------------------------------
// the owning cell: commands, a simulated collector, and the run
// -------------------------------------------------------------------------------------

type Inner = 'get' | 'set' | 'remove'

type CellCmd =
  | { readonly op: 'get' | 'remove'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly ttl: number | undefined }
  | { readonly op: 'size' | 'clear' | 'snapshot' | 'adoptClear' | 'purge' }
  | {
      readonly op: 'modify'
      readonly inner: Inner
      readonly key: string
      readonly ttl: number | undefined
      readonly keepIn: boolean
      readonly keepOut: boolean
    }
  | {
      readonly op: 'branch'
      readonly v: number
      readonly inner: Inner
      readonly key: string
      readonly ttl: number | undefined
      readonly killSource: boolean
    }
  | { readonly op: 'kill' | 'read' | 'adopt'; readonly v: number }
  | { readonly op: 'advance'; readonly dt: number }

const cellCmdArb = (keyArb: fc.Arbitrary<string>): fc.Arbitrary<CellCmd> => {
  const inner = fc.constantFrom<Inner>('get', 'set', 'set', 'remove')
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), key: keyArb }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, ttl: ttlArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), key: keyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('size' as const, 'clear' as const, 'purge' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('adoptClear' as const) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('snapshot' as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('modify' as const),
        inner,
        key: keyArb,
        ttl: ttlArb,
        keepIn: fc.boolean(),
        keepOut: fc.boolean()
      })
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('branch' as const),
        v: fc.nat(),
        inner,
        key: keyArb,
        ttl: ttlArb,
        killSource: fc.boolean()
      })
    },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('kill' as const), v: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('read' as const, 'adopt' as const), v: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), dt: fc.constantFrom(0, 1, 1, 2, 3, 5) }) }
  )
}

/** A pure operation on a version and on its model; the results are compared, the new pair returned. */
const pureStep = (p: Pair, inner: Inner, key: string, value: number, ttl: number | undefined, now: number): Pair => {
  switch (inner) {
    case 'get': {
      const [r, t] = _.get(p.t, key, now)
      const [mr, m] = M.get(p.m, key, now)
      assert.deepStrictEqual(r, mr)
      return { t, m }
    }
    case 'set': {
      const [r, t] = _.set(p.t, key, value, now, ttl)
      const [mr, m] = modelSet(p.m, key, value, now, ttl, _.keys(t), r)
      assert.deepStrictEqual(r, mr)
      return { t, m }
    }
    case 'remove': {
      const [r, t] = _.remove(p.t, key)
      const [mr, m] = M.remove(p.m, key)
      assert.deepStrictEqual(r, mr)
      return { t, m }
    }
  }
}

/**
 * Runs the commands on an owning cell whose collector is simulated: a chunk is alive while a version in `live`
 * retains it (a killed version is forgotten by the test, as a program drops a snapshot). Checks every answer as it
 * goes and, at the end, every live version and the cell's own state. Answers how often the cell went back to working
 * in place and how many operations it did in place.
 */
const runCell = (
  maxSize: number,
  chunkCapacity: number,
  checkEvery: number,
  cmds: ReadonlyArray<CellCmd>
): { backToOwned: number; ownedOps: number } => {
  // what the test holds, each with the id of its family
  const live: Array<Pair & { readonly family: number }> = []
  const collected = new Set<object>()
  const weak = (o: object): cells.Weak => ({
    deref: () => {
      if (collected.has(o)) return undefined
      if (cells.cellRetainedChunks(cell).includes(o)) return o
      for (const p of live) if (cells.retainedChunks(p.t).includes(o)) return o
      collected.add(o) // once collected, always collected
      return undefined
    }
  })
  const cell = cells.ownRef<number>(
    maxSize,
    chunkCapacity === 0 ? { weak, checkEvery } : { weak, checkEvery, chunkCapacity }
  )
  let cm: Model = { maxSize, entries: [] }
  let now = 0
  let backToOwned = 0
  let ownedOps = 0
  // shared operations on the cell since the test last held a version of the cell's family
  let sinceAllDead = 0
  let family = 0
  let families = 0
  const pick = (v: number): number => v % live.length
  cmds.forEach((c, step) => {
    const wasOwned = cells.isOwned(cell)
    let cellOp = false
    switch (c.op) {
      case 'advance':
        now += c.dt
        break
      case 'get': {
        const r = cells.ownGet(cell, c.key, now)
        const [mr, m] = M.get(cm, c.key, now)
        assert.deepStrictEqual(r === MISS ? O.none : O.some(r), mr)
        cm = m
        cellOp = true
        break
      }
      case 'set': {
        const r = cells.ownSet(cell, c.key, step, now, c.ttl)
        const keysAfter = cells.ownKeys(cell)
        const evicted = cm.entries.find((e) => e.key === r)
        const [mr, m] = modelSet(
          cm,
          c.key,
          step,
          now,
          c.ttl,
          keysAfter,
          evicted === undefined ? O.none : O.some([evicted.key, evicted.value] as const)
        )
        assert.deepStrictEqual(r, O.isSome(mr) ? mr.value[0] : undefined)
        cm = m
        cellOp = true
        break
      }
      case 'purge': {
        const r = cells.ownPurge(cell, now)
        const [mr, m] = M.purge(cm, now)
        assert.deepStrictEqual(r, mr)
        cm = m
        cellOp = true
        break
      }
      case 'remove': {
        const r = cells.ownRemove(cell, c.key)
        const [mr, m] = M.remove(cm, c.key)
        assert.deepStrictEqual(r, mr)
        cm = m
        cellOp = true
        break
      }
      case 'size':
        assert.deepStrictEqual(cells.ownSize(cell), cm.entries.length)
        break
      case 'clear':
        cells.ownClear(cell)
        cm = { maxSize, entries: [] }
        family = ++families
        break
      case 'adoptClear':
        Ref.update(cell, _.clear)()
        cm = { maxSize, entries: [] }
        family = ++families
        break
      case 'snapshot': {
        const t = cell.get()
        check(t, cm, now)
        live.push({ t, m: cm, family })
        break
      }
      case 'modify': {
        let input: Pair | undefined
        let output: Pair | undefined
        const r = cell.modify((t) => {
          input = { t, m: cm }
          output = pureStep(input, c.inner, c.key, step, c.ttl, now)
          return [true, output.t]
        })()
        assert.strictEqual(r, true)
        cm = output!.m
        if (c.keepIn) live.push({ ...input!, family })
        if (c.keepOut) live.push({ ...output!, family })
        break
      }
      case 'branch': {
        if (live.length === 0) break
        const i = pick(c.v)
        const src = live[i]!
        const next = pureStep(src, c.inner, c.key, step, c.ttl, now)
        if (c.killSource) live.splice(i, 1)
        live.push({ ...next, family: src.family })
        break
      }
      case 'kill':
        if (live.length > 0) live.splice(pick(c.v), 1)
        break
      case 'read':
        if (live.length > 0) check(live[pick(c.v)]!.t, live[pick(c.v)]!.m, now)
        break
      case 'adopt': {
        // the cell takes a version the test holds: of its family, or of one it left with a clear
        if (live.length === 0) break
        const p = live[pick(c.v)]!
        Ref.set(cell, p.t)()
        cm = p.m
        family = p.family
        break
      }
    }
    if (cellOp && wasOwned) ownedOps++
    if (!wasOwned && cells.isOwned(cell)) backToOwned++
    // the cell goes back to working in place at the latest `checkEvery` shared operations after the test stops
    // holding versions of its family
    if (live.some((p) => p.family === family)) sinceAllDead = 0
    else if (cellOp && !wasOwned) sinceAllDead++
    if (sinceAllDead >= checkEvery) assert.strictEqual(cells.isOwned(cell), true, 'still keeping versions')
    if (cells.isOwned(cell)) sinceAllDead = 0
  })
  // every version still held answers as its model, in a scattered order, and so does the cell
  for (let i = 0; i < live.length; i++) {
    const p = live[(i * 7919) % live.length]!
    check(p.t, p.m, now)
  }
  assert.deepStrictEqual(cells.ownSize(cell), cm.entries.length)
  check(cell.get(), cm, now)
  for (const p of live) check(p.t, p.m, now)
  return { backToOwned, ownedOps }
}

describe('LruTtl', () => {
  describe('model-based', () => {
    it('small keys and sizes: every version matches the model', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 5 }),
          chunkArb,
          fc.array(cmdArb(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')), {
            minLength: 10,
            maxLength: 80,
            size: 'max'
          }),
          run
        ),
        { numRuns: 2000 }
      )
    })

    it('more keys than the initial capacity: growth while old versions are alive', () => {
      const keys = Array.from({ length: 40 }, (_x, i) => `k${i}`)
      fc.assert(
        fc.property(
          fc.constantFrom(0, 17, 33),
          chunkArb,
          fc.array(cmdArb(fc.constantFrom(...keys)), {
            minLength: 100,
            maxLength: 300,
            size: 'max'
          }),
          run
        ),
        { numRuns: 200 }
      )
    })
  })

  describe('law 4: TTL', () => {
    it('now == expiresAt is a miss, now just before is a hit', () => {
      const [, t] = _.set(_.empty<string>(0), 'a', 'x', 100, 50)
      assert.deepStrictEqual(_.peek(t, 'a', 149.999), O.some('x'))
      assert.deepStrictEqual(_.has(t, 'a', 150), false)
      assert.deepStrictEqual(_.entries(t, 150), [])
      assert.deepStrictEqual(_.get(t, 'a', 149)[0], O.some('x'))
      const [r, t2] = _.get(t, 'a', 150)
      assert.deepStrictEqual(r, O.none)
      assert.deepStrictEqual(_.size(t2), 0)
      assert.deepStrictEqual(_.purge(t, 150)[0], 1)
      assert.deepStrictEqual(_.purge(t, 149)[0], 0)
      // the expired entry is still held by the older version
      assert.deepStrictEqual(_.keys(t), ['a'])
    })

    it('no ttl never expires; set resets the expiry', () => {
      const [, t1] = _.set(_.empty<number>(0), 'a', 1, 0)
      assert.deepStrictEqual(_.peek(t1, 'a', Number.MAX_VALUE), O.some(1))
      const [, t2] = _.set(t1, 'a', 2, 0, 10)
      const [, t3] = _.set(t2, 'a', 3, 5, 10)
      assert.deepStrictEqual(_.peek(t2, 'a', 12), O.none)
      assert.deepStrictEqual(_.peek(t3, 'a', 12), O.some(3))
      assert.deepStrictEqual(_.peek(t3, 'a', 15), O.none)
    })

    it('ttl <= 0 or NaN stores nothing and removes the old entry', () => {
      for (const ttl of [0, -1, -Infinity, NaN]) {
        const [r0, t0] = _.set(_.empty<number>(3), 'a', 1, 0, ttl)
        assert.deepStrictEqual(r0, O.none)
        assert.deepStrictEqual(_.size(t0), 0)
        const [, t1] = _.set(_.empty<number>(3), 'a', 1, 0)
        const [r2, t2] = _.set(t1, 'a', 2, 0, ttl)
        assert.deepStrictEqual(r2, O.none)
        assert.deepStrictEqual(_.keys(t2), [])
        assert.deepStrictEqual(_.keys(t1), ['a'])
      }
    })
  })

  describe('Reclaim: expired entries do not pile up', () => {
    /** The Reclaim bound when at most one entry expires between two sets. */
    const bound = (live: number, peak: number): number => live + Math.ceil(peak / 8) + 3

    it('property: with one ttl and evenly spread writes, size <= live + ceil(peak / 8) + 3 at every point, pure and in a cell', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(0, 0, 40, 300),
          fc.integer({ min: 50, max: 1500 }),
          fc.constantFrom(0.25, 0.5, 1, 3),
          fc.integer({ min: 1, max: 120 }),
          fc.constantFrom(0, 3, 10),
          fc.boolean(),
          fc.integer({ min: 0, max: 1000 }),
          (maxSize, n, dt, ttl, readEvery, snapshots, seed) => {
            let t = _.empty<number>(maxSize)
            const cell = cells.ownRef<number>(maxSize, { checkEvery: 7 })
            const kept: Array<_.LruTtl<number>> = []
            let peak = 0
            const checkAt = (now: number): void => {
              const size = _.size(t)
              assert.strictEqual(cells.ownSize(cell), size, 'the cell holds what the pure structure holds')
              const live = _.entries(t, now).length
              assert.ok(size <= bound(live, peak), `size ${size}, live ${live}, peak ${peak}`)
            }
            for (let i = 0; i < n; i++) {
              const now = i * dt
              checkAt(now)
              // mostly new keys, now and then a key written a little earlier
              const key = (i * 7 + seed) % 11 === 0 && i > 5 ? `k${i - 5}` : `k${i}`
              t = _.set(t, key, i, now, ttl)[1]
              const evicted = cells.ownSet(cell, key, i, now, ttl)
              assert.ok(evicted === undefined || maxSize > 0)
              if (readEvery > 0 && i % readEvery === 0) {
                const k = `k${Math.max(0, i - ((i * 13 + seed) % 40))}`
                t = _.get(t, k, now)[1]
                cells.ownGet(cell, k, now)
              }
              if (snapshots && (i + seed) % 97 === 0) kept.push(cell.get())
              peak = Math.max(peak, _.size(t))
              checkAt(now)
            }
          }
        ),
        { numRuns: 40 }
      )
    })

    it('1,000,000 distinct keys over 100 s with ttl 1 s: bounded at every point, pure and in a cell', () => {
      const n = 1_000_000
      const ttl = 1000
      const dt = 0.1
      let t = _.empty<number>(0)
      const cell = cells.ownRef<number>(0)
      let peak = 0
      let worst = 0
      // entries lo .. i - 1 are live at `now`: key j was written at j * dt and expires at j * dt + ttl
      let lo = 0
      for (let i = 0; i < n; i++) {
        const now = i * dt
        while (lo < i && !(lo * dt + ttl > now)) lo++
        const key = `k${i}`
        t = _.set(t, key, i, now, ttl)[1]
        cells.ownSet(cell, key, i, now, ttl)
        const size = _.size(t)
        if (size > peak) peak = size
        const live = i + 1 - lo
        if (size > bound(live, peak) || cells.ownSize(cell) !== size) {
          assert.fail(`at ${now} ms: size ${size} (cell ${cells.ownSize(cell)}), live ${live}, peak ${peak}`)
        }
        worst = Math.max(worst, size - live)
      }
      // 10,000 live at a time; the slack stays a small fraction of it
      assert.ok(peak <= 11_300, `peak ${peak}`)
      assert.ok(worst <= 1_300, `worst slack ${worst}`)
    })

    it('expired entries removed by a set are not evictions; purge removes the rest', () => {
      const [, t1] = _.set(_.empty<number>(2), 'a', 1, 0, 1)
      const [, t2] = _.set(t1, 'b', 2, 0)
      // the store is full, but 'a' has expired: the set reclaims it instead of evicting 'b'
      const [evicted, t3] = _.set(t2, 'c', 3, 5)
      assert.deepStrictEqual(evicted, O.none)
      assert.deepStrictEqual(_.keys(t3), ['c', 'b'])
      assert.deepStrictEqual(_.keys(t2), ['b', 'a'])
      const cell = cells.ownRef<number>(2)
      cells.ownSet(cell, 'a', 1, 0, 1)
      cells.ownSet(cell, 'b', 2, 0, undefined)
      assert.strictEqual(cells.ownSet(cell, 'c', 3, 5, undefined), undefined)
      assert.strictEqual(cells.ownSet(cell, 'd', 4, 5, undefined), 'b')
      assert.deepStrictEqual(cells.ownKeys(cell), ['d', 'c'])
      // ownPurge: the cell's purge, answering how many it removed
      const big = cells.ownRef<number>(0)
      for (let i = 0; i < 100; i++) cells.ownSet(big, `k${i}`, i, 0, i % 2 === 0 ? 10 : undefined)
      assert.strictEqual(cells.ownPurge(big, 10), 50)
      assert.strictEqual(cells.ownSize(big), 50)
      assert.strictEqual(cells.ownPurge(big, 10), 0)
    })
  })

  describe('law 5: LRU', () => {
    it('a read changes the eviction order; peek and has do not', () => {
      let t = _.empty<number>(3)
      for (const [k, v] of [
        ['a', 1],
        ['b', 2],
        ['c', 3]
      ] as const)
        t = _.set(t, k, v, 0)[1]
      t = _.get(t, 'a', 0)[1]
      assert.deepStrictEqual(_.peek(t, 'b', 0), O.some(2))
      assert.deepStrictEqual(_.has(t, 'b', 0), true)
      const [evicted, t2] = _.set(t, 'd', 4, 0)
      assert.deepStrictEqual(evicted, O.some(['b', 2]))
      assert.deepStrictEqual(_.keys(t2), ['d', 'a', 'c'])
      const [evicted2, t3] = _.set(t2, 'e', 5, 0)
      assert.deepStrictEqual(evicted2, O.some(['c', 3]))
      assert.deepStrictEqual(_.keys(t3), ['e', 'd', 'a'])
    })

    it('overwriting a key does not evict and makes it most recent', () => {
      let t = _.empty<number>(2)
      t = _.set(t, 'a', 1, 0)[1]
      t = _.set(t, 'b', 2, 0)[1]
      const [evicted, t2] = _.set(t, 'a', 10, 0)
      assert.deepStrictEqual(evicted, O.none)
      assert.deepStrictEqual(_.entries(t2, 0), [
        ['a', 10],
        ['b', 2]
      ])
    })

    it('maxSize 1 evicts on every new key', () => {
      const [, t1] = _.set(_.empty<number>(1), 'a', 1, 0)
      const [e, t2] = _.set(t1, 'b', 2, 0)
      assert.deepStrictEqual(e, O.some(['a', 1]))
      assert.deepStrictEqual(_.keys(t2), ['b'])
      assert.deepStrictEqual(_.keys(t1), ['a'])
    })

    it('growth when the highest slot is not the most recently used keeps the order (regression)', () => {
      // growing used to relink the highest old slot into the new free ring, dropping its LRU neighbour later
      let t = _.empty<number>(0)
      for (let i = 1; i <= 16; i++) t = _.set(t, `k${i}`, i, 0)[1]
      t = _.get(t, 'k1', 0)[1]
      t = _.set(t, 'k17', 17, 0)[1]
      t = _.get(t, 'k16', 0)[1]
      assert.deepStrictEqual(_.size(t), 17)
      assert.deepStrictEqual(_.keys(t).slice(0, 3), ['k16', 'k17', 'k1'])
      const cell = cells.ownRef<number>(20)
      for (let i = 1; i <= 16; i++) cells.ownSet(cell, `k${i}`, i, 0, undefined)
      cells.ownGet(cell, 'k1', 0)
      cells.ownSet(cell, 'k17', 17, 0, undefined)
      cells.ownGet(cell, 'k16', 0)
      assert.deepStrictEqual(_.keys(cell.get()).slice(0, 3), ['k16', 'k17', 'k1'])
      assert.deepStrictEqual(cells.ownSize(cell), 17)
    })

    it('unbounded growth past the initial capacity, and a deep history re-roots without recursion', () => {
      const n = 100_000
      let t = _.empty<number>(0)
      let early: _.LruTtl<number> = t
      for (let i = 0; i < n; i++) {
        t = _.set(t, `k${i}`, i, 0)[1]
        if (i === 9) early = t
      }
      assert.deepStrictEqual(_.size(t), n)
      assert.deepStrictEqual(_.peek(t, 'k0', 0), O.some(0))
      assert.deepStrictEqual(_.keys(t)[0], `k${n - 1}`)
      // ~100k diffs back and forth
      assert.deepStrictEqual(_.keys(early), ['k9', 'k8', 'k7', 'k6', 'k5', 'k4', 'k3', 'k2', 'k1', 'k0'])
      assert.deepStrictEqual(_.size(t), n)
      assert.deepStrictEqual(_.peek(t, `k${n - 1}`, 0), O.some(n - 1))
    })
  })

  describe('law 6: persistence', () => {
    it('what the versions made from a version answer does not depend on what other branches of the family did', () => {
      type Op = { readonly key: number; readonly dt: number; readonly ttl: number }
      const op = fc.record({
        key: fc.integer({ min: 0, max: 40 }),
        dt: fc.integer({ min: 0, max: 30 }),
        ttl: fc.integer({ min: 1, max: 100 })
      })
      const build = (ops: ReadonlyArray<Op>) =>
        ops.reduce((v, o, i) => _.set(v, `k${o.key}`, o.key, i, o.ttl)[1], _.empty<number>(0))
      /** The live entries after each set: what every read answers (size and keys also count expired entries). */
      const answers = (v0: _.LruTtl<number>, ops: ReadonlyArray<Op>) => {
        let v = v0
        let t = 1000
        return ops.map((o) => {
          t += o.dt
          v = _.set(v, `k${o.key}`, o.key, t, o.ttl)[1]
          return _.entries(v, t)
        })
      }
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), fc.array(op, { maxLength: 80 }), fc.nat(300), (prefix, suffix, grow) => {
          const alone = answers(build(prefix), suffix)
          const v = build(prefix)
          let other = v
          for (let i = 0; i < grow; i++) other = _.set(other, `w${i}`, i, 0)[1] // another branch grows the family
          expect(answers(v, suffix)).toEqual(alone)
        }),
        { numRuns: 300 }
      )
    })

    it('a snapshot taken before a write answers as before', () => {
      const [, t1] = _.set(_.empty<string>(2), 'a', 'A', 0, 10)
      const [, t2] = _.set(t1, 'b', 'B', 0)
      const snapshot = t2
      const [, t3] = _.set(t2, 'c', 'C', 1)
      const [, t4] = _.get(t3, 'b', 2)
      const [, t5] = _.remove(t4, 'c')
      assert.deepStrictEqual(_.entries(snapshot, 0), [
        ['b', 'B'],
        ['a', 'A']
      ])
      assert.deepStrictEqual(_.entries(t5, 0), [['b', 'B']])
      // branch from the snapshot: its own eviction order, independent of t3..t5
      const [, b1] = _.get(snapshot, 'a', 3)
      const [evicted, b2] = _.set(b1, 'x', 'X', 3)
      assert.deepStrictEqual(evicted, O.some(['b', 'B']))
      assert.deepStrictEqual(_.keys(b2), ['x', 'a'])
      assert.deepStrictEqual(_.keys(t5), ['b'])
      assert.deepStrictEqual(_.keys(t3), ['c', 'b'])
      assert.deepStrictEqual(_.keys(snapshot), ['b', 'a'])
      assert.deepStrictEqual(_.has(snapshot, 'a', 10), false)
    })

    it('a miss and a hit on the most recent entry return the same version', () => {
      const [, t1] = _.set(_.empty<number>(2), 'a', 1, 0)
      assert.strictEqual(_.get(t1, 'z', 0)[1], t1)
      assert.strictEqual(_.get(t1, 'a', 0)[1], t1)
      assert.strictEqual(_.remove(t1, 'z')[1], t1)
      assert.strictEqual(_.purge(t1, 0)[1], t1)
    })

    it('clear makes an empty version with the same maxSize', () => {
      const [, t1] = _.set(_.empty<number>(4), 'a', 1, 0)
      const t2 = _.clear(t1)
      assert.deepStrictEqual([_.size(t2), _.maxSize(t2), _.keys(t1)], [0, 4, ['a']])
    })
  })

  describe('API shape', () => {
    it('data-last forms agree with data-first forms', () => {
      const [, t1] = _.set(_.empty<number>(3), 'a', 1, 0, 5)
      const [e, t2] = pipe(t1, _.set('b', 2, 0))
      assert.deepStrictEqual(e, O.none)
      assert.deepStrictEqual(pipe(t2, _.get('a', 1))[0], O.some(1))
      assert.deepStrictEqual(pipe(t2, _.peek('a', 5)), O.none)
      assert.deepStrictEqual(pipe(t2, _.has('b', 5)), true)
      assert.deepStrictEqual(pipe(t2, _.entries(5)), [['b', 2]])
      assert.deepStrictEqual(pipe(t2, _.purge(5))[0], 1)
      assert.deepStrictEqual(pipe(t2, _.remove('a'))[0], true)
    })

    it('maxSize is normalised', () => {
      assert.deepStrictEqual(
        [3.7, -1, NaN, Infinity, 0].map((n) => _.maxSize(_.empty(n))),
        [3, 0, 0, 0, 0]
      )
    })
  })

  describe('OwnRef, the owning cell', () => {
    it('model-based: snapshots kept, branched and killed at random; every live version and the cell match', () => {
      let backToOwned = 0
      let ownedOps = 0
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 5 }),
          chunkArb,
          fc.constantFrom(1, 2, 3, 7),
          fc.array(cellCmdArb(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')), {
            minLength: 10,
            maxLength: 120,
            size: 'max'
          }),
          (maxSize, chunkCapacity, checkEvery, cmds) => {
            const stats = runCell(maxSize, chunkCapacity, checkEvery, cmds)
            backToOwned += stats.backToOwned
            ownedOps += stats.ownedOps
          }
        ),
        { numRuns: 3000 }
      )
      // the runs did exercise the way back to working in place, and in-place operations after it
      assert.ok(backToOwned > 1000, `back to owned ${backToOwned} times`)
      assert.ok(ownedOps > 3000, `${ownedOps} in-place operations`)
    })

    it('model-based: more keys than the initial capacity, long histories', () => {
      const keys = Array.from({ length: 40 }, (_x, i) => `k${i}`)
      fc.assert(
        fc.property(
          fc.constantFrom(0, 17, 33),
          chunkArb,
          fc.constantFrom(1, 5, 64),
          fc.array(cellCmdArb(fc.constantFrom(...keys)), { minLength: 100, maxLength: 400, size: 'max' }),
          (maxSize, chunkCapacity, checkEvery, cmds) => {
            runCell(maxSize, chunkCapacity, checkEvery, cmds)
          }
        ),
        { numRuns: 300 }
      )
    })

    it('is a Ref: modify returns the first component and keeps the second; get hands out an unchanging snapshot', () => {
      const cell = cells.ownRef<number>(3)
      cells.ownSet(cell, 'a', 1, 0, undefined)
      const s1 = cell.get()
      assert.deepStrictEqual(cell.modify((t) => _.set(t, 'b', 2, 0))(), O.none)
      Ref.update(cell, (t) => _.set(t, 'c', 3, 0)[1])()
      assert.deepStrictEqual(cells.ownGet(cell, 'a', 0), 1)
      assert.deepStrictEqual(_.keys(cell.get()), ['a', 'c', 'b'])
      assert.deepStrictEqual(_.keys(s1), ['a'])
      Ref.set(cell, s1)()
      assert.deepStrictEqual(_.keys(cell.get()), ['a'])
      assert.deepStrictEqual(cells.ownSet(cell, 'x', 9, 0, undefined), undefined)
      assert.deepStrictEqual(_.keys(s1), ['a'])
      // a version of another family
      Ref.update(cell, _.clear)()
      cells.ownSet(cell, 'y', 1, 0, undefined)
      assert.deepStrictEqual(_.keys(cell.get()), ['y'])
      assert.deepStrictEqual(_.keys(s1), ['a'])
      cells.ownClear(cell)
      assert.strictEqual(cells.isOwned(cell), true)
      assert.deepStrictEqual(cells.ownSize(cell), 0)
    })

    it('with a real collector: back in place once every snapshot is gone, and not before', async () => {
      v8.setFlagsFromString('--expose-gc')
      const gc = vm.runInNewContext('gc') as () => void
      const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
      const cell = cells.ownRef<number>(100, { checkEvery: 16 })
      for (let i = 0; i < 50; i++) cells.ownSet(cell, `k${i}`, i, 0, undefined)
      let kept: _.LruTtl<number> | undefined = cell.get()
      let dropped: _.LruTtl<number> | undefined = cell.get()
      for (let i = 0; i < 100; i++) cells.ownSet(cell, `n${i}`, i, 0, undefined)
      dropped = _.set(dropped, 'z', 0, 0)[1]
      dropped = undefined
      await tick()
      gc()
      for (let i = 0; i < 64; i++) cells.ownGet(cell, `n${i}`, 0)
      // `kept` (the older snapshot) is alive: the cell must still keep versions
      assert.strictEqual(cells.isOwned(cell), false)
      assert.deepStrictEqual(_.size(kept), 50)
      assert.deepStrictEqual(_.peek(kept, 'n0', 0), O.none)
      kept = undefined
      // reading `kept` made it the family's root, which the family's state holds: one operation moves the root back
      cells.ownGet(cell, 'n0', 0)
      await tick()
      gc()
      for (let i = 0; i < 64; i++) cells.ownGet(cell, `n${i}`, 0)
      assert.strictEqual(cells.isOwned(cell), true)
      assert.deepStrictEqual(cells.ownSize(cell), 100)
      assert.deepStrictEqual(kept, undefined)
    })
  })
})
