/**
 * The cache laws that must hold whatever store is behind a cache (1 single flight, 3 errors are not cached, 7
 * fenced invalidation, 8 lock hygiene, 9 validation), as laws of the test kit over any `StoreFactory`. The
 * drawn ones run over the store as it is, then through `faultyStore` (operations completing out of order, and
 * failing), so a store that only ever runs in order is still checked under reordering.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import * as t from 'io-ts'
import * as Cache from '../../Cache'
import * as Clock from '../../Clock'
import * as KC from '../../KeyCodec'
import type { StoreFactory } from '../../Store'
import type { Law } from '../../testing'
import { withCache, withCacheAsync } from '../../withCache'
import { expectEqual, expectThat, show } from './check'
import { countCalls } from './countCalls'
import { faultyStore } from './faultyStore'
import { drawn, once } from './law'
import type { Settings } from './law'
import type { Random } from './random'
import { turns } from './turns'

const cacheOver = (store: StoreFactory) =>
  Cache.unsafeMake({ name: 'laws', codec: t.number, key: KC.int, store, clock: Clock.manual() })

type Through = (random: Random) => StoreFactory

const asIs =
  (factory: StoreFactory): Through =>
  () =>
    factory

/** Through a `faultyStore` whose schedule is drawn from the scenario's `random`. */
const reordered =
  (factory: StoreFactory, failureRate = 0): Through =>
  (random) =>
    faultyStore(factory, { seed: random.int(0, 2 ** 31 - 1), maxDelay: 8, failureRate }).factory

const expectNothingInFlight = (cache: { readonly inFlight: () => number }, when: string): void =>
  expectEqual(`loads in flight ${when} (law 8)`, cache.inFlight(), 0)

const singleFlight = (id: string, through: Through, settings: Settings): Law =>
  drawn(id, 'concurrent callers of a missing key run the loader once and all get its value; nothing is held afterwards', settings, async (random, n) => {
    const cache = cacheOver(through(random))
    const callers = random.int(1, 8)
    const delay = random.int(0, 8)
    const loader = countCalls((k: number) => turns(delay).then(() => k * 10))
    // the Promise API and the TaskEither API take turns
    const results =
      n % 2 === 0
        ? await Promise.all(Array.from({ length: callers }, () => withCacheAsync(cache)(loader)(3)))
        : await Promise.all(Array.from({ length: callers }, () => withCache(cache)((k: number) => () => loader(k).then(E.right))(3)()))
    const expected = n % 2 === 0 ? 30 : E.right(30)
    expectEqual(`the results of ${callers} concurrent callers`, results, Array(callers).fill(expected))
    expectEqual(`loader calls for ${callers} concurrent callers of one key`, loader.count().calls, 1)
    expectNothingInFlight(cache, 'once every caller has its value')
  })

const failuresNotCached = (factory: StoreFactory): Law =>
  once('law 3', 'a failed load (a Left, a rejection or a throw) stores nothing, and the next call loads again', async () => {
    const cache = cacheOver(factory)
    const thrown = (): never => {
      throw new Error('down')
    }
    const failures: ReadonlyArray<readonly [string, (k: number) => Promise<number>]> = [
      ['a rejection', () => Promise.reject(new Error('down'))],
      ['a throw', thrown]
    ]
    for (const [i, [how, fail]] of failures.entries()) {
      let calls = 0
      const f = withCacheAsync(cache)((k: number) => (++calls === 1 ? fail(k) : k))
      const first = await f(i).then(
        () => 'a value',
        () => 'a rejection'
      )
      expectEqual(`a cached function whose loader failed with ${how}`, first, 'a rejection')
      expectEqual(`the entry after a load that failed with ${how}`, await cache.get(i)(), E.right(O.none))
      expectEqual(`the next call after ${how}`, await f(i), i)
      expectEqual(`loader calls after ${how}, then a success`, calls, 2)
    }
    let calls = 0
    const g = withCache(cache)((k: number) => () => Promise.resolve(++calls === 1 ? E.left('down') : E.right(k)))
    expectEqual('a cached TaskEither function whose loader answered a Left', await g(7)(), E.left('down'))
    expectEqual('the entry after a load that answered a Left', await cache.get(7)(), E.right(O.none))
    expectEqual('the next call after a Left', await g(7)(), E.right(7))
    expectNothingInFlight(cache, 'after failed loads')
  })

const validation = (factory: StoreFactory): Law =>
  once('law 9', 'a stored value that fails the codec never reaches a caller; validatedBy is the codec or absent', async () => {
    const cache = cacheOver(factory)
    const { validatedBy } = cache.store
    expectThat(validatedBy === undefined || validatedBy === cache.codec, () => `validatedBy: expected the cache's codec or none, got ${show(validatedBy)}`)
    // a store may keep it out (InvalidValue), or keep it: then the cache must find it on the read
    await cache.store.set('1', 'not a number' as unknown as number)()
    const f = withCacheAsync(cache)((k: number) => k + 100)
    expectEqual('a cached call over an entry that fails the codec', await f(1), 101)
    expectEqual('the entry after that call', await cache.get(1)(), E.right(O.some(101)))
  })

type Op = 'load' | 'read' | 'invalidate' | 'set' | 'clear'
const OPS: ReadonlyArray<Op> = ['load', 'load', 'read', 'invalidate', 'set', 'clear']

/** A law-7 scenario, drawn before it runs: the operations, when each starts, how long each load takes. */
const scenarioOf = (random: Random) => {
  const ops = Array.from({ length: random.int(1, 16) }, () => ({ op: random.pick(OPS), start: random.int(0, 12) }))
  const loadDelays = ops.map(() => random.int(0, 8))
  return { ops, loadDelays, describe: () => ops.map(({ op, start }) => `${op}@${start}`).join(' ') }
}

/**
 * One scenario of law 7 over `store`. The "database" is a version number that every write bumps; a load answers
 * the version it read. `floor` is the version of the newest write whose invalidation (or set, or clear) has
 * completed: no read or load that starts later may answer less. With `failing`, a write whose cache operation
 * failed does not raise the floor, and failures are not violations.
 */
const fencingScenario = async (store: StoreFactory, random: Random, failing: boolean): Promise<void> => {
  const cache = cacheOver(store)
  const scenario = scenarioOf(random)
  const violations: Array<string> = []
  let version = 0
  let floor = 0
  let loads = 0
  const load = withCache(cache)((_k: number) => () => {
    const read = version
    return turns(scenario.loadDelays[loads++ % scenario.loadDelays.length] ?? 0).then(() => E.right(read))
  })
  const check = (what: string, r: Either<unknown, number | Option<number>>, least: number): void => {
    if (E.isLeft(r)) return void (failing || violations.push(`${what} answered ${show(r)}`))
    const v = typeof r.right === 'number' ? r.right : O.isSome(r.right) ? r.right.value : undefined
    if (v !== undefined && v < least) violations.push(`${what} answered version ${v}, older than version ${least}, whose invalidation had completed`)
  }
  const step = async (op: Op, i: number): Promise<void> => {
    const least = floor
    if (op === 'load') return check(`load #${i}`, await load(0)(), least)
    if (op === 'read') return check(`read #${i}`, await cache.get(0)(), least)
    const written = ++version
    const r = await (op === 'invalidate' ? cache.invalidate(0)() : op === 'set' ? cache.set(written, 0)() : cache.clear())
    if (E.isRight(r)) floor = Math.max(floor, written)
    else if (!failing) violations.push(`${op} #${i} answered ${show(r)}`)
  }
  await Promise.all(
    scenario.ops.map(({ op, start }, i) =>
      turns(start)
        .then(() => step(op, i))
        .then(undefined, (e: unknown) => void violations.push(`${op} #${i} rejected: ${show(e)}`))
    )
  )
  check('a read after every operation completed', await cache.get(0)(), floor)
  if (cache.inFlight() !== 0) violations.push(`${cache.inFlight()} loads still in flight once every call settled (law 8)`)
  if (violations.length > 0) throw new Error(`${violations.join('; ')} [operations@start turn: ${scenario.describe()}]`)
}

const fencing = (id: string, through: Through, settings: Settings, failing = false): Law =>
  drawn(
    id,
    failing
      ? 'with a store that fails at random, no read or load after a successful invalidate, set or clear answers an older value, and nothing is held'
      : 'whatever order the store completes in, no read or load after an invalidate, set or clear answers an older value',
    settings,
    (random) => fencingScenario(through(random), random, failing)
  )

/** The cache laws over `factory`, as it is and through the faulty store. @internal */
export const cacheLaws = (factory: StoreFactory, settings: Settings): ReadonlyArray<Law> => [
  singleFlight('law 1', asIs(factory), settings),
  failuresNotCached(factory),
  fencing('law 7', asIs(factory), settings),
  validation(factory),
  singleFlight('law 1, reordered', reordered(factory), settings),
  fencing('law 7, reordered', reordered(factory), settings),
  fencing('law 7, failing store', reordered(factory, 0.2), settings, true)
]
