/**
 * The race property of the write-side combinators (law 7 on the write side): loads, reads of the cache and writes
 * of one key under an `fc.scheduler`, against a "database" of one row whose version every commit bumps. A load
 * reads the row at one scheduled point and answers at another; a write commits at one and answers at another, so
 * every interleaving of reads, commits, answers (and, with the latent JSON store, store operations) is tried.
 *
 * What must hold, whatever the order:
 * - once a write's call has returned (a write that committed, and, with `on: 'settled'`, one whose answer was
 *   lost), no read of the cache answers an older version than it wrote;
 * - when everything has settled, the cache holds the row's current version or nothing;
 * - no load and no write is left in flight (law 8).
 */
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../../lib/Cache'
import * as Clock from '../../lib/Clock'
import * as KC from '../../lib/KeyCodec'
import { engineOf } from '../../lib/internal/engine'
import { keysWriting } from '../../lib/internal/writeSide'
import { withCache } from '../../lib/withCache'
import { jsonStore } from './jsonStore'

/** How a write ends: it committed and answered; it committed and its answer was lost; the database refused it. */
export type Outcome = 'ok' | 'lost' | 'refused'

/** The row as one write sees it. */
export interface Row {
  /** Commits (bumps the version) at a scheduled point and answers the version written at another. */
  readonly commit: () => Promise<number>
  /** Answers at a scheduled point without committing. */
  readonly refuse: () => Promise<void>
}

export type NumberCache = Cache.Cache<number, readonly [number]>

/** Makes the wrapped write of the combinator under test, keyed by `0`; `getter` is the cached read. */
export type MakeWrite = (
  cache: NumberCache,
  getter: (k: number) => TaskEither<unknown, number>
) => (outcome: Outcome, row: Row) => Promise<unknown>

type Op = 'load' | 'read' | Outcome

export interface RaceOptions {
  /** The outcomes the writes may have (an outcome the combinator does not cover must not be drawn). */
  readonly outcomes: ReadonlyArray<Outcome>
  /** Whether a write whose answer was lost still raises the floor (it does with `on: 'settled'`). */
  readonly lostIsCovered: boolean
  readonly numRuns?: number
}

const scheduledRow = (s: fc.Scheduler, db: { version: number }, label: string): Row & { committed: number } => {
  const row = {
    committed: 0,
    commit: () =>
      s.schedule(Promise.resolve(), `commit ${label}`).then(() => {
        row.committed = ++db.version
        return s.schedule(Promise.resolve(row.committed), `answer ${label} v${row.committed}`)
      }),
    refuse: () => s.schedule(Promise.resolve(), `refuse ${label}`).then(() => undefined)
  }
  return row
}

export const writeRace = (makeWrite: MakeWrite, options: RaceOptions): Promise<void> =>
  fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.boolean(),
      // the scheduler decides when each op starts, so only how many of each matters: few writes, so that one
      // write alone (not overlapped by another) among loads is common
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.array(fc.constantFrom(...options.outcomes), { minLength: 1, maxLength: 3 }),
      async (s, latent, loads, reads, writes) => {
        const ops: ReadonlyArray<Op> = [...Array<Op>(loads).fill('load'), ...Array<Op>(reads).fill('read'), ...writes]
        const latency = (label: string) => s.schedule(Promise.resolve(), label)
        const store = latent ? jsonStore({ latency }) : undefined
        const cache: NumberCache = Cache.unsafeMake({
          name: 'row',
          codec: t.number,
          args: KC.tuple(KC.int),
          clock: Clock.manual(),
          ...(store === undefined ? {} : { store })
        })
        const db = { version: 0 }
        const getter = withCache(cache)((_k: number) => () =>
          s.schedule(Promise.resolve(), 'load reads').then(() => {
            const read = db.version
            return s.schedule(Promise.resolve(E.right(read)), `load answers v${read}`)
          })
        )
        const write = makeWrite(cache, getter)
        // the version of the newest write whose call has returned: no later read may answer less
        let floor = 0
        const atLeast = (r: E.Either<unknown, O.Option<number>>, least: number) => {
          if (E.isRight(r) && O.isSome(r.right)) expect(r.right.value).toBeGreaterThanOrEqual(least)
        }
        const done = ops.map((op, i) =>
          s.schedule(Promise.resolve(), `${op} ${i}`).then(async () => {
            if (op === 'load') return void (await getter(0)())
            if (op === 'read') {
              const least = floor
              return atLeast(await cache.get(0)(), least)
            }
            const row = scheduledRow(s, db, `${op} ${i}`)
            await write(op, row).catch(() => undefined)
            if (op === 'ok' || options.lostIsCovered) floor = Math.max(floor, row.committed)
          })
        )
        await s.waitFor(Promise.all(done))
        const stored = await s.waitFor(cache.get(0)())
        if (E.isRight(stored) && O.isSome(stored.right)) expect(stored.right.value).toBe(db.version)
        expect(cache.inFlight()).toBe(0)
        expect(keysWriting(engineOf(cache, 'test'))).toBe(0)
      }
    ),
    { numRuns: options.numRuns ?? 200 }
  )

/** A promise and its `resolve`, for a test that decides when a load or a write answers. */
export const deferred = <A>(): { readonly promise: Promise<A>; readonly resolve: (a: A) => void } => {
  let resolve: (a: A) => void = () => undefined
  const promise = new Promise<A>((r) => (resolve = r))
  return { promise, resolve }
}

/** Lets every promise callback queued now (and those they queue, `turns` deep) run. */
export const flush = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await Promise.resolve()
}

/** A write of the row that ends as `outcome`, for the `Promise` API: the version written, or a rejection. */
export const writeRow = (outcome: Outcome, row: Row): Promise<number> =>
  outcome === 'refused'
    ? row.refuse().then(() => Promise.reject(new Error('refused')))
    : row.commit().then((v) => (outcome === 'ok' ? v : Promise.reject(new Error('lost'))))

/** `writeRow`, for the `TaskEither` API. */
export const writeRowTE =
  (outcome: Outcome, row: Row): TaskEither<string, number> =>
  () =>
    writeRow(outcome, row).then(E.right, (e: Error) => E.left(e.message))

/** The ways a `TaskEither` write fails: a `Left`, a throw, a rejected task (named, for `it.each`). */
export const failedTasks: ReadonlyArray<readonly [string, () => TaskEither<string, never>]> = [
  ['a Left', () => () => Promise.resolve(E.left('connection reset'))],
  [
    'a throw',
    () => {
      throw new Error('bug')
    }
  ],
  ['a rejected task', () => () => Promise.reject(new Error('socket hang up'))]
]
