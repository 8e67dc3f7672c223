/**
 * LruTtl against a naive model (an array of entries, most recently used first, copied per version). Commands run
 * on the newest version or on a random older one, so histories branch; every result and state is compared as it
 * goes, and at the end every version ever made is compared with its model again (full persistence). Clock steps
 * and ttls come from small sets so that reads land exactly on expiry boundaries. No timers, no sleeping.
 */
import * as assert from 'assert'
import * as fc from 'fast-check'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as _ from '../lib/LruTtl'

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
  const t0 = chunkCapacity === 0 ? _.empty<number>(maxSize) : _.emptyWithChunkCapacity<number>(maxSize, chunkCapacity)
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
        const [mr, m] = M.set(src.m, c.key, step, now, c.ttl)
        assert.deepStrictEqual(r, mr)
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

  describe('TTL', () => {
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

  describe('LRU', () => {
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

  describe('persistence', () => {
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
})
