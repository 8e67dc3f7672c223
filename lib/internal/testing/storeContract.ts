/**
 * The store contract of `Store.ts` (C1 to C6, and C9 for a store with tags) as laws of the test kit, over any `StoreFactory`. Each law makes
 * fresh stores with a manual clock. The optional members a store may have are checked where they apply: `getSync`
 * and `setSync` agree with `get` and `set`, `size` counts what the store holds, `purge` keeps live entries.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import type { CacheError } from '../../CacheError'
import * as Clock from '../../Clock'
import type { EntityCodec, Store, StoreFactory } from '../../Store'
import type { Law } from '../../testing'
import { expectEqual, expectThat, fail, show } from './check'
import { drawn, once } from './law'
import type { Settings } from './law'
import type { Random } from './random'

const Item = t.type({ id: t.number, name: t.string })
type Item = t.TypeOf<typeof Item>

/** A codec whose stored form differs from its values: a store that forgets to encode or decode fails with it. */
const BigIntFromString = new t.Type<bigint, string, unknown>(
  'BigIntFromString',
  (u): u is bigint => typeof u === 'bigint',
  (u, c) => (typeof u === 'string' && /^-?\d+$/.test(u) ? t.success(BigInt(u)) : t.failure(u, c)),
  (b) => b.toString()
)

/** A store made by `factory` for the laws, with its manual clock and the keys it reported evicted. */
const storeOf = <A>(factory: StoreFactory, codec: EntityCodec<A>, maxSize = 0) => {
  const clock = Clock.manual(1000)
  const evicted: Array<string> = []
  const store = factory({ name: 'laws', codec, maxSize, clock, onEvict: (key) => void evicted.push(key) })
  return { store, clock, evicted }
}

/** Runs a store's task; a throw or a rejection breaks C6 and fails the law. */
const run = async <B>(what: string, task: () => TaskEither<CacheError, B>): Promise<Either<CacheError, B>> => {
  try {
    return await task()()
  } catch (e) {
    return fail(`${what} threw or rejected (C6: a failure is a Left): ${show(e)}`)
  }
}

/** Runs a task that must succeed, and answers its value. */
const right = async <B>(what: string, task: () => TaskEither<CacheError, B>): Promise<B> => {
  const r = await run(what, task)
  return E.isRight(r) ? r.right : fail(`${what}: expected a Right, got ${show(r)}`)
}

/**
 * `get(key)` answers `expected`, and so does `getSync` where the store has it; `getEntry` and `getEntrySync`
 * (contract C7) answer the same value with `expiresIn`, the milliseconds it has left (`undefined`: no ttl).
 */
const expectEntry = async <A>(store: Store<A>, key: string, expected: Option<A>, when: string, expiresIn?: number): Promise<void> => {
  const what = `get(${show(key)}) ${when}`
  expectEqual(what, await right(what, () => store.get(key)), expected)
  if (store.getSync !== undefined) expectEqual(`getSync(${show(key)}) ${when}`, store.getSync(key), expected)
  const entry = O.map((value: A) => ({ value, expiresIn }))(expected)
  const { getEntry, getEntrySync } = store
  if (getEntry !== undefined) expectEqual(`getEntry(${show(key)}) ${when} (C7)`, await right(`getEntry(${show(key)}) ${when}`, () => getEntry(key)), entry)
  if (getEntrySync !== undefined) expectEqual(`getEntrySync(${show(key)}) ${when} (C7)`, getEntrySync(key), entry)
}

const expectSize = async <A>(store: Store<A>, expected: number, when: string): Promise<void> => {
  const { size } = store
  if (size !== undefined) expectEqual(`size ${when}`, await right(`size ${when}`, () => size), expected)
}

const c1 = (factory: StoreFactory): Law =>
  once('C1', 'get after set answers the value, until the entry is deleted or cleared', async () => {
    const { store } = storeOf(factory, Item)
    const a: Item = { id: 1, name: 'a' }
    const b: Item = { id: 2, name: 'b' }
    await expectEntry(store, 'k', O.none, 'of a key never set')
    await right(`set("k", ${show(a)})`, () => store.set('k', a))
    await expectEntry(store, 'k', O.some(a), 'after set("k", a)')
    await right('set("k", b)', () => store.set('k', b))
    await expectEntry(store, 'k', O.some(b), 'after set("k", b) over a')
    await right('set("j", a)', () => store.set('j', a))
    await expectSize(store, 2, 'after setting "k" and "j"')
    await right('delete("k")', () => store.delete('k'))
    await expectEntry(store, 'k', O.none, 'after delete("k")')
    await expectEntry(store, 'j', O.some(a), 'after delete("k")')
    await expectSize(store, 1, 'after delete("k")')
    if (store.setSync !== undefined) {
      store.setSync('s', b)
      await expectEntry(store, 's', O.some(b), 'after setSync("s", b)')
    }
    await right('clear', () => store.clear)
    await expectEntry(store, 'j', O.none, 'after clear')
    await expectEntry(store, 's', O.none, 'after clear')
    await expectSize(store, 0, 'after clear')
    const numbers = storeOf(factory, BigIntFromString).store
    const n = 12345678901234567890n
    await right(`set("n", ${show(n)}) with a codec that encodes to a string`, () => numbers.set('n', n))
    await expectEntry(numbers, 'n', O.some(n), 'of a value whose codec encodes it to a string')
  })

/** One ttl scenario: an entry set at `t` with `ttl` read at `t + step`, then at `t + ttl`. */
const ttlScenario = async (factory: StoreFactory, ttl: number, step: number): Promise<void> => {
  const { store, clock } = storeOf(factory, t.number)
  const t0 = clock.now()
  const at = (ms: number) => `at t + ${ms} (set at t = ${t0} with ttl ${ttl})`
  await right(`set("k", 1, ${ttl})`, () => store.set('k', 1, ttl))
  await right('set("forever", 2)', () => store.set('forever', 2))
  await right(`set("rewritten", 3, ${ttl})`, () => store.set('rewritten', 3, ttl))
  await right('set("rewritten", 4) without a ttl', () => store.set('rewritten', 4))
  clock.advance(step)()
  await expectEntry(store, 'k', step < ttl ? O.some(1) : O.none, at(step), ttl - step)
  clock.advance(ttl - step)()
  const now = Math.max(step, ttl)
  await expectEntry(store, 'k', O.none, at(now))
  await expectEntry(store, 'forever', O.some(2), `${at(now)}, set without a ttl`)
  await expectEntry(store, 'rewritten', O.some(4), `${at(now)}, set again without a ttl`)
  const { purge } = store
  if (purge !== undefined) {
    const removed = await right(at(now) + ': purge', () => purge)
    expectThat(removed >= 0 && removed <= 1, () => `purge ${at(now)}: expected 0 or 1 entry removed, got ${show(removed)}`)
    await expectEntry(store, 'forever', O.some(2), `after purge ${at(now)}`)
    await expectSize(store, 2, `after purge ${at(now)} (the live entries "forever" and "rewritten")`)
  }
}

const c2 = (factory: StoreFactory, settings: Settings): Law =>
  drawn('C2', 'an entry set at t with ttl d is a hit before t + d and a miss from t + d; without a ttl it never expires', settings, async (random, n) => {
    if (n === 0) {
      const { store } = storeOf(factory, t.number)
      await right('set("zero", 1, 0)', () => store.set('zero', 1, 0))
      await expectEntry(store, 'zero', O.none, 'at once, set with ttl 0')
    }
    const ttl = random.int(1, 1000)
    // the boundaries are where a store is wrong: one before, at, and one after t + d
    const step = random.pick([0, ttl - 1, ttl, ttl + 1, random.int(0, 2 * ttl)])
    await ttlScenario(factory, ttl, step)
  })

const c3 = (factory: StoreFactory): Law =>
  once('C3', 'delete and clear remove entries; deleting a missing key or clearing an empty store is not an error', async () => {
    const { store } = storeOf(factory, t.number)
    await right('delete of a key never set', () => store.delete('nothing'))
    await right('clear of an empty store', () => store.clear)
    await right('set("a", 1)', () => store.set('a', 1))
    await right('set("b", 2)', () => store.set('b', 2))
    await right('delete("a")', () => store.delete('a'))
    await right('delete("a") again', () => store.delete('a'))
    await expectEntry(store, 'a', O.none, 'after delete("a")')
    await expectEntry(store, 'b', O.some(2), 'after delete("a")')
  })

/** Keys a store is likely to get wrong: separators, escapes, normalisation, object prototype names, length. */
const TRICKY_KEYS: ReadonlyArray<string> = [
  ...['', ' ', 'a', 'A', 'a ', ' a', 'a:b', 'a:', ':b', 'laws:a', 'a\u0000b', '\u0000', '\n', '\t', '\r\n'],
  ...['null', 'undefined', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '{}', '[]', '"', "'"],
  ...['\\', '/', '*', '?', '%', '%20', '+', '.', '..', '\u00e9', 'e\u0301', '\u65e5\u672c', '\u{1f600}'],
  'x'.repeat(2000)
]

const CHARACTERS = ['a', 'Z', '0', ':', '|', '{', '}', ',', '"', '\\', ' ', '\u0000', '\u00e9', '\u65e5', '\u{1f600}']

const randomKey = (random: Random): string =>
  Array.from({ length: random.int(0, 12) }, () => random.pick(CHARACTERS)).join('')

const c4 = (factory: StoreFactory, settings: Settings): Law =>
  drawn('C4', 'keys are opaque: every string, the empty one and separators included, is its own key', settings, async (random, n) => {
    const drawnKeys = Array.from({ length: 8 }, () => randomKey(random))
    const keys = [...new Set(n === 0 ? [...TRICKY_KEYS, ...drawnKeys] : drawnKeys)]
    const { store } = storeOf(factory, t.number)
    for (const [i, k] of keys.entries()) await right(`set(${show(k)}, ${i})`, () => store.set(k, i))
    for (const [i, k] of keys.entries()) await expectEntry(store, k, O.some(i), `after setting ${keys.length} distinct keys`)
    await expectSize(store, keys.length, `after setting ${keys.length} distinct keys`)
  })

const c5 = (factory: StoreFactory, settings: Settings): Law =>
  drawn('C5', 'operations of different keys in flight at once each take effect by the time they complete', settings, async (random) => {
    const keys = Array.from({ length: random.int(2, 12) }, (_, i) => `key${i}`)
    const { store } = storeOf(factory, t.number)
    const all = <B>(what: string, task: (k: string, i: number) => TaskEither<CacheError, B>) =>
      Promise.all(keys.map((k, i) => right(`${what}(${show(k)}), ${keys.length} at once`, () => task(k, i))))
    await all('set', (k, i) => store.set(k, i))
    expectEqual('gets after the concurrent sets', await all('get', (k) => store.get(k)), keys.map((_, i) => O.some(i)))
    const deleted = keys.map(() => random.chance(0.5))
    await all('delete or set', (k, i) => (deleted[i] ? store.delete(k) : store.set(k, i + 100)))
    expectEqual(
      'gets after concurrent deletes and sets',
      await all('get', (k) => store.get(k)),
      keys.map((_, i) => (deleted[i] ? O.none : O.some(i + 100)))
    )
  })

const c6 = (factory: StoreFactory): Law =>
  once('C6', 'no task throws or rejects, whatever it is asked', async () => {
    const { store } = storeOf(factory, t.number)
    const { size, purge } = store
    const tasks: ReadonlyArray<readonly [string, () => TaskEither<CacheError, unknown>]> = [
      ['get("")', () => store.get('')],
      ['set("", 1)', () => store.set('', 1)],
      ['set("k", 2, 0)', () => store.set('k', 2, 0)],
      ['set("k", 3, 1e12)', () => store.set('k', 3, 1e12)],
      ['delete("")', () => store.delete('')],
      ['delete("never")', () => store.delete('never')],
      ['clear', () => store.clear],
      ...(size === undefined ? [] : [['size', () => size] as const]),
      ...(purge === undefined ? [] : [['purge', () => purge] as const])
    ]
    for (const [what, task] of tasks) await right(what, task)
  })

const lazy = (factory: StoreFactory): Law =>
  once('lazy', 'a task does nothing until it is run, and does it again each time it is run (a TaskEither)', async () => {
    const { store } = storeOf(factory, t.number)
    const setK = store.set('k', 1)
    const deleteK = store.delete('k')
    await expectEntry(store, 'k', O.none, 'after making set("k", 1) without running it')
    await right('set("k", 1)', () => setK)
    await expectEntry(store, 'k', O.some(1), 'after running set("k", 1)')
    await right('delete("k")', () => deleteK)
    await expectEntry(store, 'k', O.none, 'after running delete("k")')
    await right('set("k", 1), run a second time', () => setK)
    await expectEntry(store, 'k', O.some(1), 'after running the same set("k", 1) task again')
    await right('clear', () => store.clear)
    await right('set("k", 1), run a third time', () => setK)
    await right('clear, run a second time', () => store.clear)
    await expectEntry(store, 'k', O.none, 'after running the same clear task again')
  })

const maxSize = (factory: StoreFactory, settings: Settings): Law =>
  drawn('maxSize', 'a store given maxSize n holds at most n entries, keeps the newest, and reports each one it evicts', settings, async (random) => {
    const n = random.int(1, 5)
    const keys = Array.from({ length: n + random.int(1, 5) }, (_, i) => `key${i}`)
    const { store, evicted } = storeOf(factory, t.number, n)
    for (const [i, k] of keys.entries()) await right(`set(${show(k)}, ${i}) with maxSize ${n}`, () => store.set(k, i))
    const found = await Promise.all(keys.map((k) => right(`get(${show(k)})`, () => store.get(k))))
    const held = keys.filter((_, i) => O.isSome(found[i] ?? O.none))
    const when = `after writing ${keys.length} keys with maxSize ${n}`
    expectThat(held.length <= n, () => `${when}: expected at most ${n} entries, found ${held.length} (${held.join(', ')})`)
    expectThat(held.includes(keys[keys.length - 1] ?? ''), () => `${when}: the last key written is missing`)
    const gone = keys.filter((k) => !held.includes(k))
    expectEqual(`the keys passed to onEvict ${when} (sorted)`, [...evicted].sort(), [...gone].sort())
    await expectSize(store, held.length, when)
  })

const c9 = (factory: StoreFactory, settings: Settings): Law =>
  drawn('C9', 'after invalidating a tag, no entry carrying it whose load began before is answered, nor stored; later ones are', settings, async (random, n) => {
    const { store } = storeOf(factory, t.number)
    const { tags } = store
    if (tags === undefined) return // a store without tags has nothing to keep here
    const pool = ['a', 'b', 'c', 'd']
    const tagsOfKey = new Map<string, ReadonlyArray<string>>()
    const keys = Array.from({ length: random.int(2, 6) }, (_, i) => `k${n}-${i}`)
    const before = await right('tags.clock', () => tags.clock)
    for (const [i, k] of keys.entries()) {
      const own = pool.filter(() => random.int(0, 1) === 1)
      tagsOfKey.set(k, own)
      await right(`set(${show(k)}, ${i}, tags ${show(own)})`, () => store.set(k, i, undefined, { tags: own, since: before }))
    }
    const gone = pool.filter(() => random.int(0, 2) === 0)
    const late = `k${n}-late`
    const lateSince = await right('tags.clock', () => tags.clock) // a load that begins before the invalidation
    await right(`tags.invalidate(${show(gone)})`, () => tags.invalidate(gone))
    await right(`set(${show(late)}) tagged ${show(pool)}, its load begun before`, () => store.set(late, -1, undefined, { tags: pool, since: lateSince }))
    const when = `after tags.invalidate(${show(gone)})`
    for (const [i, k] of keys.entries()) {
      const hit = !(tagsOfKey.get(k) ?? []).some((tag) => gone.includes(tag))
      await expectEntry(store, k, hit ? O.some(i) : O.none, `${when}, tagged ${show(tagsOfKey.get(k))}`)
    }
    // with no tag invalidated, a store may still keep the write out: one that cannot tell (a tag it has no version
    // of yet, and its clock moved on) keeps it out to be safe
    if (gone.length > 0) await expectEntry(store, late, O.none, `${when}: a write whose load began before it`)
    const after = await right('tags.clock', () => tags.clock)
    const again = keys[0] as string
    await right(`set(${show(again)}) tagged ${show(pool)}, its load begun after`, () => store.set(again, 7, undefined, { tags: pool, since: after }))
    await expectEntry(store, again, O.some(7), `${when}: a write whose load began after it`)
    await right(`set(${show(late)}) tagged ${show(pool)}, written through (no since)`, () => store.set(late, 8, undefined, { tags: pool }))
    await expectEntry(store, late, O.some(8), `${when}: a write through`)
  })

const c10 = (factory: StoreFactory, settings: Settings): Law =>
  drawn('C10', 'getMany answers, for each key in order, what get of that key answers', settings, async (random, n) => {
    const { store } = storeOf(factory, t.number)
    const getMany = store.getMany?.bind(store)
    if (getMany === undefined) return // a store without it is asked get per key
    const keys = Array.from({ length: random.int(1, 8) }, () => (n === 0 ? random.pick(TRICKY_KEYS) : randomKey(random)))
    for (const [i, k] of keys.entries()) if (random.chance(0.6)) await right(`set(${show(k)}, ${i})`, () => store.set(k, i))
    const asked = [...keys, 'never set', ...keys.slice(0, 2)] // a missing key, and keys asked twice
    const many = await right(`getMany(${show(asked)})`, () => getMany(asked))
    const each = await Promise.all(asked.map((k) => right(`get(${show(k)})`, () => store.get(k))))
    expectEqual(`getMany(${show(asked)}) against get of each`, many, each.map(E.right))
  })

/** The store contract's laws over `factory`. @internal */
export const contractLaws = (factory: StoreFactory, settings: Settings): ReadonlyArray<Law> => [
  c1(factory),
  c2(factory, settings),
  c3(factory),
  c4(factory, settings),
  c5(factory, settings),
  c6(factory),
  lazy(factory),
  maxSize(factory, settings),
  c9(factory, settings),
  c10(factory, settings)
]
