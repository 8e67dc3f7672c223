/**
 * Batch loads: one call for many keys. Every key of a batch is decided at once, in the call's own turn: a key that
 * is loading (by a single-key call or by another batch) is joined; else a hit answers it; else this batch begins
 * its load (a key state like any single-key load's, so a single-key caller that comes meanwhile joins it). Only
 * then does anything wait: the store is asked for every key it began in one round trip (`lookupMany`), and the
 * loader runs once, for the misses only. Each loaded value goes through `accept` as a single load's does (codec,
 * fence, ttl, tags with the tag clock read before the loader began, the shared store's ticket); the cache's `tags`
 * function is handed the value and its id, as for a single-key call of that id.
 *
 * No deadlock: a batch's loader call never waits for a key it joined (joined keys are awaited after), and a batch
 * began its keys before any later call could join them, so two batches never wait on each other. On a store
 * shared by processes, a batch leads its misses without waiting (`lead(..., wait: false)`): a key another process
 * loads now (`Busy`) is left out of the batch's loader call and waited for on its own, holding no ticket, so two
 * processes' batches never hold tickets the other waits for.
 *
 * @internal
 * @since 0.4.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import { accept, argsOf, dropTicket, lead, sinceOf } from './accept'
import type { LoadContext } from './accept'
import { loading } from './keyState'
import { joiner } from './load'
import type { KeyState } from './keyState'
import { MISS } from './miss'
import { unwrap } from './run'
import { describe } from './validation'

/** How a batch's callers are answered: a cache's own error as they get it, and a key that is loading, joined. */
export interface Shape {
  readonly own: (error: CacheError) => unknown
  readonly join: (state: KeyState) => Promise<Either<unknown, unknown>>
}

/** The shapes of the two APIs: the `TaskEither` one (an `Either`, the cache's own errors as they are) and the `Promise` one. */
export const shapes = (counters: { deduped: number }): { readonly result: Shape; readonly value: Shape } => {
  const { joinResult, joinValue } = joiner(counters)
  return {
    result: { own: (error) => error, join: joinResult },
    value: { own: CE.toError, join: (state) => joinValue(state).then(E.right, E.left) }
  }
}

/** A batch's loader, run as an `Either` that never rejects. */
export type RunMany<K, A> = (ids: ReadonlyArray<K>) => Promise<Either<unknown, ReadonlyArray<A>>>

/** A key this batch loads: its id, the generation of its state, and how its callers (joiners too) are answered. */
interface Led<A> {
  readonly key: string
  readonly id: unknown
  readonly generation: number
  readonly answer: (r: Either<unknown, A>) => void
}

type Pending<A> = Promise<Either<unknown, A>>

/** One batch call of a cache: the answer per id, in order, or the first failure among them. */
export type FetchBatch<A> = <K>(shape: Shape, keys: ReadonlyArray<string>, ids: ReadonlyArray<K>, run: RunMany<K, A>) => Pending<ReadonlyArray<A>>

/** The state of a key this batch loads, whose answer joiners share as `result`. */
const begin = <A>(ctx: LoadContext<A>, key: string, id: unknown): { led: Led<A>; pending: Pending<A> } => {
  const state = ctx.states.begin(key, loading)
  let answer: (r: Either<unknown, A>) => void = () => undefined
  const pending = new Promise<Either<unknown, A>>((resolve) => (answer = resolve))
  state.result = pending
  return { led: { key, id, generation: state.generation, answer }, pending }
}

const finish = <A>(ctx: LoadContext<A>, led: Led<A>, r: Either<unknown, A>): void => {
  ctx.states.settle(led.key, led.generation)
  led.answer(r)
}

/** The loaded values of `led` (one loader call), each accepted as a single load's is; every one of them answered. */
const loadLed = <K, A>(ctx: LoadContext<A>, shape: Shape, led: ReadonlyArray<Led<A>>, run: RunMany<K, A>): void => {
  const { report } = ctx
  let started = NaN
  for (let j = 0; j < led.length; j++) started = report.loaded()
  const failed = (error: unknown): void => {
    for (const l of led) {
      report.ended(l.key, started, false)
      report.loadFailed(l.key, error)
      dropTicket(ctx, l.key, l.generation)
      finish(ctx, l, E.left(error))
    }
  }
  const since = sinceOf(ctx)
  const ids = led.map((l) => l.id as K)
  // a tag clock on its way is read before the loader begins, as for a single load
  void (since instanceof Promise ? since.then(() => run(ids)) : run(ids)).then((r) => {
    if (E.isLeft(r)) return failed(r.left)
    const values = r.right
    if (!Array.isArray(values) || values.length !== led.length) return failed(shape.own(wrongLength(values, led.length)))
    led.forEach((l, j) => {
      const value = values[j] as A
      report.ended(l.key, started, true)
      const accepted = accept(ctx, l.key, l.generation, value, argsOf(ctx, [l.id], true), since)
      if (accepted instanceof Promise) void accepted.then(() => finish(ctx, l, E.right(value)))
      else finish(ctx, l, accepted === undefined ? E.right(value) : E.left(shape.own(accepted)))
    })
  })
}

const wrongLength = (values: unknown, ids: number): CacheError =>
  CE.unexpectedError(
    new RangeError(
      Array.isArray(values)
        ? `the batch loader answered ${values.length} values for ${ids} ids (one value per id, in order)`
        : `the batch loader answered ${describe(values)}, not an array of one value per id`
    )
  )

/** For a store that cannot answer at once: every key this batch began, looked up in one round trip. */
const lookupThenLoad = <K, A>(ctx: LoadContext<A>, shape: Shape, led: ReadonlyArray<Led<A>>, run: RunMany<K, A>): void => {
  const { report } = ctx
  void ctx.access.lookupMany(led.map((l) => l.key)).then((rs) => {
    const misses: Array<Led<A>> = []
    rs.forEach((r, j) => {
      const l = led[j] as Led<A>
      if (E.isLeft(r)) {
        report.storeFailed(r.left)
        if (ctx.failClosed) finish(ctx, l, E.left(shape.own(r.left)))
        else misses.push(l) // fail-open: loaded
      } else if (report.found(l.key, r.right) !== MISS) finish(ctx, l, E.right(r.right as A))
      else misses.push(l)
    })
    if (misses.length === 0) return
    if (ctx.tickets === undefined) loadLed(ctx, shape, misses, run)
    else leadThenLoad(ctx, shape, misses, run)
  })
}

/**
 * For a store shared by processes: the misses are led across processes, none waiting; the led ones (and, failing
 * open, those whose lead failed: loaded, not stored) go in one loader call, a key another process loads is waited
 * for on its own (`awaitOther`).
 */
const leadThenLoad = <K, A>(ctx: LoadContext<A>, shape: Shape, misses: ReadonlyArray<Led<A>>, run: RunMany<K, A>): void => {
  void Promise.all(misses.map((l) => lead(ctx, l.key, l.generation, false, false))).then((rs) => {
    const mine: Array<Led<A>> = []
    rs.forEach((r, j) => {
      const l = misses[j] as Led<A>
      if (E.isLeft(r)) {
        if (ctx.failClosed) finish(ctx, l, E.left(shape.own(r.left)))
        else mine.push(l)
      } else if (r.right === undefined) mine.push(l)
      else if (r.right._tag === 'Found') {
        ctx.events.counters.deduped++ // another process loaded it
        finish(ctx, l, E.right(r.right.entry.value))
      } else awaitOther(ctx, shape, l, run)
    })
    if (mine.length > 0) loadLed(ctx, shape, mine, run)
  })
}

/** A key another process is loading: led again, waiting this time, and loaded alone if that load left it missing. */
const awaitOther = <K, A>(ctx: LoadContext<A>, shape: Shape, l: Led<A>, run: RunMany<K, A>): void => {
  void lead(ctx, l.key, l.generation, false).then((r) => {
    if (E.isLeft(r) && ctx.failClosed) return finish(ctx, l, E.left(shape.own(r.left)))
    if (E.isRight(r) && r.right?._tag === 'Found') {
      ctx.events.counters.deduped++
      return finish(ctx, l, E.right(r.right.entry.value))
    }
    loadLed(ctx, shape, [l], run)
  })
}

/** The answers of every id, once each is known: the first failure, in id order, fails the call. */
const collect = <A>(values: Array<A>, waits: ReadonlyArray<Pending<A> | undefined>): Pending<ReadonlyArray<A>> => {
  const at: Array<number> = []
  const pending: Array<Pending<A>> = []
  waits.forEach((p, i) => {
    if (p === undefined) return
    at.push(i)
    pending.push(p)
  })
  return Promise.all(pending).then((rs) => {
    for (let j = 0; j < rs.length; j++) {
      const r = rs[j] as Either<unknown, A>
      if (E.isLeft(r)) return r
      values[at[j] as number] = r.right
    }
    return E.right(values)
  })
}

/** A batch of a disabled cache: the loader runs for every id, nothing is stored, every value is checked. */
const uncached = <K, A>(ctx: LoadContext<A>, shape: Shape, keys: ReadonlyArray<string>, ids: ReadonlyArray<K>, run: RunMany<K, A>): Pending<ReadonlyArray<A>> => {
  const { report } = ctx
  for (let j = 0; j < ids.length; j++) report.loaded()
  return run(ids).then((r) => {
    if (E.isLeft(r)) return r
    const values = r.right
    if (!Array.isArray(values) || values.length !== ids.length) return E.left(shape.own(wrongLength(values, ids.length)))
    const bad = values.findIndex((v) => !ctx.codec.is(v))
    return bad < 0 ? r : E.left(shape.own(report.rejected(keys[bad] as string, values[bad])))
  })
}

export const make =
  <A>(ctx: LoadContext<A>): FetchBatch<A> =>
  <K>(shape: Shape, keys: ReadonlyArray<string>, ids: ReadonlyArray<K>, run: RunMany<K, A>): Pending<ReadonlyArray<A>> => {
    if (ctx.disabled) return uncached(ctx, shape, keys, ids, run)
    const { states, report } = ctx
    const { read, peek } = ctx.access
    const values: Array<A> = new Array(keys.length)
    let waits: Array<Pending<A> | undefined> | undefined
    let mine: Map<string, Pending<A>> | undefined // the keys this batch began, for an id given twice
    let led: Array<Led<A>> | undefined
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      const state = states.size() === 0 ? undefined : states.get(key)
      const joined = mine?.get(key) ?? (state === undefined ? undefined : (shape.join(state) as Pending<A>))
      if (joined !== undefined) {
        ;(waits ??= [])[i] = joined
        continue
      }
      const hit = peek === undefined ? MISS : peek(key) // the store in this process, or a copy of its entry here
      if (hit !== MISS) {
        values[i] = report.found(key, hit) as A
        continue
      }
      if (read !== undefined) report.found(key, MISS) // a miss, counted (elsewhere the lookup counts it)
      const begun = begin(ctx, key, ids[i])
      ;(mine ??= new Map()).set(key, begun.pending)
      ;(waits ??= [])[i] = begun.pending
      ;(led ??= []).push(begun.led)
    }
    if (led !== undefined) {
      if (read !== undefined) loadLed(ctx, shape, led, run)
      else lookupThenLoad(ctx, shape, led, run)
    }
    return waits === undefined ? Promise.resolve(E.right(values)) : collect(values, waits)
  }

/** The batch calls of a cache, for the `TaskEither` API (an `Either`) and the `Promise` API (a value or a rejection). */
export interface Batches<A> {
  readonly result: <K>(keys: ReadonlyArray<string>, ids: ReadonlyArray<K>, run: RunMany<K, A>) => Pending<ReadonlyArray<A>>
  readonly value: <K>(keys: ReadonlyArray<string>, ids: ReadonlyArray<K>, run: RunMany<K, A>) => Promise<ReadonlyArray<A>>
}

export const batches = <A>(ctx: LoadContext<A>): Batches<A> => {
  const fetch = make(ctx)
  const { result, value } = shapes(ctx.events.counters)
  return {
    result: (keys, ids, run) => fetch(result, keys, ids, run),
    value: (keys, ids, run) => fetch(value, keys, ids, run).then(unwrap)
  }
}
