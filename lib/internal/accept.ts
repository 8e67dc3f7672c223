/**
 * What every load shares: its context (`LoadContext`), and what happens to a loaded value (`accept`): it is
 * checked against the codec, then stored unless the load was fenced.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { CacheError } from '../CacheError'
import * as CE from '../CacheError'
import type { EntityCodec, Lead, Tagged } from '../Store'
import type { Events } from './events'
import type { KeyState, KeyStates } from './keyState'
import type { Report } from './report'
import type { Answer, StoreAccess } from './storeAccess'

export interface LoadContext<A> {
  readonly codec: EntityCodec<A>
  /** How long the store keeps an entry, when that is a constant (`0`: nothing is stored). */
  readonly ttl: number | undefined
  /** How long the store keeps `value` (or why it cannot be stored), when that depends on the value. */
  readonly ttlOf: ((value: A) => number | CacheError) | undefined
  readonly disabled: boolean
  readonly states: KeyStates<KeyState>
  readonly access: StoreAccess<A>
  readonly report: Report<A>
  readonly events: Events
  /**
   * For a store with single flight across processes (`access.flight`): the ticket of each load that leads, by its
   * generation. A load without one (its lead failed: the store is away) stores nothing.
   */
  readonly tickets: Map<number, unknown> | undefined
  /** `storeFailure: 'closed'`: a call whose store cannot be read answers the store's error. */
  readonly failClosed: boolean
  /** The cache's `tags` option, over the argument list of a call (`undefined`: entries have no tags). */
  readonly tagsOf: ((value: A, args: ReadonlyArray<unknown>) => ReadonlyArray<string>) | undefined
  /** Whether the cache's functions take one argument: its plain calls then hand the argument, not a list of it. */
  readonly single: boolean
}

/**
 * The tag clock as a load begins, for a cache with tags on a store without single flight (on one with it, the
 * ticket holds it): a load hands it to `accept`, with its value's tags. `undefined` when the entries have no tags.
 */
export const sinceOf = <A>(ctx: LoadContext<A>): Since => {
  const tags = ctx.tagsOf === undefined || ctx.tickets !== undefined ? undefined : ctx.access.tags
  if (tags === undefined) return undefined
  return tags.clockSync !== undefined ? { since: tags.clockSync() } : tags.clock()
}

/** A load's tag clock: read at once, on its way, or none. */
export type Since = { readonly since: unknown } | Promise<Either<CacheError, unknown>> | undefined

const settled = <B, C>(answer: Answer<B>, then: (r: Either<CacheError, B>) => C): C | Promise<C> =>
  answer instanceof Promise ? answer.then(then) : then(answer)

/** What a load's write answered, reported (a store failure does not fail the load). */
export const stored = <A>(report: Report<A>, key: string, w: Either<CacheError, boolean>): undefined => {
  const reported = report.written(key, w)
  if (E.isLeft(reported)) report.storeFailed(reported.left)
  return undefined
}

/**
 * A loaded value: checked against the codec (the `InvalidValue` of one that fails it is answered), then stored
 * unless the load was fenced. Answers at once when the store does. A store that writes at once is written
 * straight after the generation check (nothing runs in between, so there is nothing to ask again): this runs once
 * per load, after the loader's wait, when little of the cache is in the CPU's caches, so it touches little.
 */
export const accept = <A>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  value: A,
  args?: ReadonlyArray<unknown>,
  since?: Since
): CacheError | undefined | Promise<undefined> => {
  const { states, report, access } = ctx
  if (!ctx.codec.is(value)) return dropped(ctx, key, generation, report.rejected(key, value))
  if (!states.isCurrent(key, generation)) return dropped(ctx, key, generation, report.fenced(key))
  const ttl = ctx.ttlOf === undefined ? ctx.ttl : ctx.ttlOf(value)
  if (ttl === 0) return dropped(ctx, key, generation, undefined)
  if (typeof ttl === 'object') return dropped(ctx, key, generation, ttl)
  const tags = tagsOfValue(ctx, key, value, args)
  if (E.isLeft(tags)) {
    ctx.report.storeFailed(tags.left) // the cache's tags function threw: the value is answered, not stored
    return dropped(ctx, key, generation, undefined)
  }
  if (ctx.tickets !== undefined) return fillShared(ctx, key, generation, value, ttl, tags.right)
  if (tags.right !== undefined) return writeTagged(ctx, key, generation, value, ttl, tags.right, since)
  if (access.writeNow !== undefined) return stored(report, key, access.writeNow(key, value, ttl))
  return settled(access.write(key, value, ttl, () => states.isCurrent(key, generation)), (w) => stored(report, key, w))
}

/**
 * The tags of a value, from the cache's `tags` function over the call's argument list (a write by key hands none);
 * `undefined` for a cache without tags; a `StoreFailure` when the function threw.
 */
export const tagsOfValue = <A>(
  ctx: LoadContext<A>,
  key: string,
  value: A,
  args: ReadonlyArray<unknown> | undefined
): Either<CacheError, ReadonlyArray<string> | undefined> => {
  if (ctx.tagsOf === undefined) return E.right(undefined)
  try {
    return E.right(ctx.tagsOf(value, args ?? []))
  } catch (e) {
    return E.left(CE.storeFailure('set', e, key))
  }
}

/** The argument list of a call whose loader was handed `x`: `x` itself, unless a plain call of one argument handed the argument. */
export const argsOf = <A>(ctx: LoadContext<A>, x: unknown, listed: boolean): ReadonlyArray<unknown> | undefined =>
  ctx.tagsOf === undefined ? undefined : listed || !ctx.single ? (x as ReadonlyArray<unknown>) : [x]

/** The write of a tagged value, with the tag clock its load began at (once it is read, for a store that is away). */
const writeTagged = <A>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  value: A,
  ttl: number | undefined,
  tags: ReadonlyArray<string>,
  since: Since
): undefined | Promise<undefined> => {
  const { states, report, access } = ctx
  const write = (tagged: Tagged): undefined | Promise<undefined> =>
    settled(access.write(key, value, ttl, () => states.isCurrent(key, generation), tagged), (w) => stored(report, key, w))
  if (!(since instanceof Promise)) return write({ tags, since: since?.since })
  return since.then((s) => {
    if (E.isRight(s)) return write({ tags, since: s.right })
    report.storeFailed(s.left) // the clock could not be read: nothing is stored
    return undefined
  })
}

/** A load ended without storing: its ticket, if it had one, is given up, so other processes need not wait. */
export const dropTicket = <A>(ctx: LoadContext<A>, key: string, generation: number): void => {
  const { tickets } = ctx
  if (tickets === undefined) return
  const ticket = tickets.get(generation)
  if (ticket === undefined) return
  tickets.delete(generation)
  ctx.access.flight?.release(key, ticket)
}

const dropped = <A, R>(ctx: LoadContext<A>, key: string, generation: number, answer: R): R => {
  dropTicket(ctx, key, generation)
  return answer
}

/** The write of a store shared by processes: a fill with the load's ticket; without one (its lead failed), none. */
const fillShared = <A>(
  ctx: LoadContext<A>,
  key: string,
  generation: number,
  value: A,
  ttl: number | undefined,
  tags: ReadonlyArray<string> | undefined
): undefined | Promise<undefined> => {
  const { states, report, access } = ctx
  const tickets = ctx.tickets as Map<number, unknown>
  const ticket = tickets.get(generation)
  if (ticket === undefined) return undefined
  tickets.delete(generation)
  const fill = (access.flight as NonNullable<typeof access.flight>).fill(key, ticket, value, ttl, () => states.isCurrent(key, generation), tags)
  return fill.then((w) => stored(report, key, w))
}

/**
 * Before a load runs on a store shared by processes: leads it across processes. Answers the entry another process
 * filled meanwhile, `Busy` (a refresh another process runs), or the store's error; on `Leader`, the ticket is kept
 * for `accept` and `undefined` answered (the load goes on). `wait: false` (a batch): `Busy` instead of waiting for
 * another process's load.
 */
export const lead = <A>(ctx: LoadContext<A>, key: string, generation: number, refresh: boolean, wait = true): Promise<Either<CacheError, Lead<A> | undefined>> =>
  (ctx.access.flight as NonNullable<LoadContext<A>['access']['flight']>).lead(key, refresh, wait).then((r) => {
    if (E.isLeft(r)) {
      ctx.report.storeFailed(r.left)
      return r
    }
    if (r.right._tag !== 'Leader') return r
    ;(ctx.tickets as Map<number, unknown>).set(generation, r.right.ticket)
    return E.right(undefined)
  })
