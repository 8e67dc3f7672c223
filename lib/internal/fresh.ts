/**
 * The loads of a cache with freshness windows, a ttl computed from the value, or an error policy (the plain path,
 * `load`, serves every other cache). Each read finds the entry's phase (`Freshness.phase`) from the life the store
 * says it has left, then:
 *
 * - `Fresh`: a hit.
 * - `RefreshAhead`, `Stale`: the value at once, and one background refresh unless a load of the key is in flight.
 *   While it runs, the key's state holds the value, so every reader gets it without waiting or asking the store.
 * - `StaleIfError`, or no entry: a load the caller waits for, shared by every caller of the key; when it fails, the
 *   error policy decides the answer: the stale value (`serveStale`), a remembered failure (`cacheFor`), or the error.
 *
 * A background refresh is a load like any other: it has a generation, so an invalidation, a `set` or a `clear`
 * during it keeps its result out of the store (law 7), and it leaves no state behind when it settles (law 8). Its
 * promise never rejects. One answer (`Settled`) is made per load or lookup and shared by its callers; each caller's
 * own outcome and shape (an `Either` or a value, with or without the outcome) are made from it.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import type { Outcome } from '../CacheEvent'
import type { Clock } from '../Clock'
import * as ErrorPolicy from '../ErrorPolicy'
import * as Freshness from '../Freshness'
import { accept, argsOf, dropTicket, lead, sinceOf } from './accept'
import type { LoadContext } from './accept'
import type { Fetching, KeyState } from './keyState'
import { MISS } from './miss'
import type { Miss } from './miss'
import type { Negatives } from './negatives'
import { aborted, settledOf } from './settled'
import type { Settled } from './settled'
import * as Wait from './wait'

/**
 * An API's side of a call: how its function runs (as an `Either` that never rejects), and what a caller gets, made
 * from the value and its outcome, or from the error.
 */
export interface Shape<A, B> {
  /** Runs `f` for `x`; an abortable API hands `signal`, the load's own, to its loader. */
  readonly run: (f: never, x: unknown, signal: AbortSignal | undefined) => Promise<Either<unknown, A>>
  /** Whether its loads can be aborted: each has an `AbortController`, aborted when every waiting caller has left. */
  readonly abortable: boolean
  /** Whether its calls hand the argument list even to a cache of one argument (the plain ones hand the argument). */
  readonly listed: boolean
  readonly ok: (outcome: Outcome, value: A) => B
  /** `own`: the error is the cache's (an `InvalidValue`, say), not the loader's. */
  readonly fail: (error: unknown, own: boolean) => B | Promise<B>
}

export interface FreshContext<A> extends LoadContext<A> {
  readonly windows: Freshness.Windows
  readonly policy: ErrorPolicy.ErrorPolicy
  readonly clock: Clock
  readonly negatives: Negatives
  /** `0`: no such timeout; with any, `clock.timer` is defined. */
  readonly timeout: { readonly soft: number; readonly hard: number }
}

/** A run of the loader, as an `Either` that never rejects, and whether it takes a signal. */
interface Start<A> {
  readonly run: (signal: AbortSignal | undefined) => Promise<Either<unknown, A>>
  readonly abortable: boolean
  /** The call's argument list, for the cache's `tags` (`undefined` when it has none). */
  readonly args: ReadonlyArray<unknown> | undefined
}

export interface FreshLoads<A> {
  /**
   * A cached call for the API of `shape` (one function per API, made once). `signal`: the caller's own; when it
   * aborts, the caller leaves with an `Aborted` at once.
   */
  readonly fetchFor: <B>(shape: Shape<A, B>) => (key: string, f: unknown, x: unknown, signal?: AbortSignal) => Promise<B>
}

const fetching = (generation: number): Fetching => ({
  _tag: 'Fetching',
  generation,
  answer: undefined as unknown as Promise<unknown>, // set by the caller that began it, in the same turn
  held: MISS,
  freshUntil: -Infinity,
  servableUntil: -Infinity,
  fallback: MISS,
  waiters: 0,
  controller: undefined
})

/** How a call's loader runs, for its API's shape. */
const startOf = <A>(ctx: LoadContext<A>, shape: Shape<A, unknown>, f: unknown, x: unknown): Start<A> => ({
  run: (signal) => shape.run(f as never, x, signal),
  abortable: shape.abortable,
  args: argsOf(ctx, x, shape.listed)
})

/** The counters and events of what callers were answered. */
const tally = <A>(ctx: FreshContext<A>) => {
  const { counters, emit, listening } = ctx.events
  return (key: string, outcome: Outcome): void => {
    switch (outcome) {
      case 'Hit':
        counters.hits++
        if (listening()) emit({ _tag: 'Hit', key })
        return
      case 'Stale':
        counters.stale++
        if (listening()) emit({ _tag: 'Stale', key })
        return
      case 'Deduped':
        counters.deduped++
        return
      case 'NegativeHit':
        counters.negativeHits++
        if (listening()) emit({ _tag: 'NegativeHit', key })
        return
      default: // a miss is counted when its load begins
    }
  }
}

/** Runs the loader of a load that has begun (`state`), stores its value, or lets the policy answer its failure. */
const loads = <A>(ctx: FreshContext<A>) => {
  const { states, report, events, policy, clock, negatives } = ctx
  const failed = (key: string, state: Fetching, error: unknown, stale: A | Miss, staleUntil: number, background: boolean): Settled<A> => {
    const current = states.isCurrent(key, state.generation)
    dropTicket(ctx, key, state.generation)
    states.settle(key, state.generation)
    report.loadFailed(key, error)
    if (background) {
      events.counters.refreshFailures++
      events.emit({ _tag: 'RefreshFailure', key, error })
    }
    const now = clock.now()
    const decision = ErrorPolicy.decide(policy, error, stale !== MISS && now < staleUntil)
    if (decision._tag === 'ServeStale') return { ok: true, value: stale as A, outcome: 'Stale' }
    if (decision._tag === 'Remember' && current) negatives.remember(key, error, now + decision.ms, now)
    return { ok: false, error, own: false, outcome: 'Miss' }
  }
  const succeeded = (key: string, state: Fetching, value: A, refreshed: boolean, refused: CacheError | undefined): Settled<A> => {
    if (states.isCurrent(key, state.generation)) negatives.forget(key)
    states.settle(key, state.generation)
    if (refused !== undefined) return { ok: false, error: refused, own: true, outcome: 'Miss' }
    return { ok: true, value, outcome: refreshed ? 'Refreshed' : 'Miss' }
  }
  /** `stale` (servable on failure until `staleUntil`) is the entry this load replaces, if any. */
  const run = (key: string, state: Fetching, start: Start<A>, stale: A | Miss, staleUntil: number, background: boolean): Promise<Settled<A>> => {
    const started = report.loaded()
    // a load whose callers all left while it was looked up starts with its signal aborted
    const controller = start.abortable ? (state.controller ??= new AbortController()) : undefined
    const since = sinceOf(ctx)
    const ran = since instanceof Promise ? since.then(() => start.run(controller?.signal)) : start.run(controller?.signal)
    return ran.then((r) => {
      report.ended(key, started, E.isRight(r))
      if (E.isLeft(r)) return failed(key, state, r.left, stale, staleUntil, background)
      const value = r.right
      const accepted = accept(ctx, key, state.generation, value, start.args, since)
      return accepted instanceof Promise
        ? accepted.then(() => succeeded(key, state, value, stale !== MISS, undefined))
        : succeeded(key, state, value, stale !== MISS, accepted)
    })
  }
  /**
   * On a store shared by processes, a load (or a refresh) is led across processes first: the entry another process
   * filled meanwhile is the answer, and a refresh another process runs is left to it. A store that fails is passed
   * over (the load runs, and stores nothing), unless the cache fails closed.
   */
  const leadThenRun = (key: string, state: Fetching, start: Start<A>, stale: A | Miss, staleUntil: number, background: boolean): Promise<Settled<A>> =>
    lead(ctx, key, state.generation, background).then((r): Settled<A> | Promise<Settled<A>> => {
      const led = E.isRight(r) && r.right === undefined
      if (led || (E.isLeft(r) && !ctx.failClosed && !background)) return run(key, state, start, stale, staleUntil, background)
      states.settle(key, state.generation)
      if (E.isLeft(r)) return background ? { ok: true, value: stale as A, outcome: 'Stale' } : { ok: false, error: r.left, own: true, outcome: 'Miss' }
      const found = r.right as Exclude<typeof r.right, undefined>
      if (found._tag === 'Found') return { ok: true, value: found.entry.value, outcome: 'Deduped' }
      return { ok: true, value: stale as A, outcome: 'Stale' } // Busy: another process refreshes it
    })
  return ctx.tickets === undefined ? run : leadThenRun
}

/** What an entry's phase decides: a hit, the value and a background refresh, or a load the caller waits for. */
const routes = <A>(ctx: FreshContext<A>) => {
  const { states, report, events, windows, policy, clock, negatives } = ctx
  const load = loads(ctx)

  /** Makes `state` hold `value`, an entry with `life` ms left, for the readers that come while it refreshes. */
  const hold = (state: Fetching, value: A, life: number, now: number): void => {
    state.held = value
    state.servableUntil = now + life - windows.staleIfError
    state.freshUntil = state.servableUntil - windows.staleWhileRevalidate
  }

  /** A background refresh of `value` (unless a remembered failure holds it back); `state` is the key's, begun. */
  const refresh = (key: string, state: Fetching, value: A, life: number, start: Start<A>, now: number): void => {
    hold(state, value, life, now)
    events.counters.refreshes++
    if (events.listening()) events.emit({ _tag: 'RefreshStarted', key })
    state.answer = load(key, state, start, value, now + life, true)
  }

  /** A load the caller waits for (no entry, or one past its stale window), or the remembered failure instead. */
  const foreground = (key: string, state: Fetching, start: Start<A>, stale: A | Miss, staleUntil: number, now: number): Settled<A> | Promise<Settled<A>> => {
    if (state.controller?.signal.aborted === true) {
      return { ok: false, error: CE.aborted(key, state.controller.signal.reason), own: true, outcome: 'Miss' } // all left: no load
    }
    const remembered = negatives.get(key, now)
    if (remembered === undefined) {
      report.found(key, MISS) // a miss, counted
      state.fallback = stale
      return load(key, state, start, stale, staleUntil, false)
    }
    states.settle(key, state.generation)
    const decision = ErrorPolicy.decide(policy, remembered.error, stale !== MISS && now < staleUntil)
    return decision._tag === 'ServeStale'
      ? { ok: true, value: stale as A, outcome: 'Stale' }
      : { ok: false, error: remembered.error, own: false, outcome: 'NegativeHit' }
  }

  /** What a lookup found decides, for a key whose state (`state`) was begun for it. */
  const route = (key: string, state: Fetching, found: A | Miss, life: number, start: Start<A>): Settled<A> | Promise<Settled<A>> => {
    const now = clock.now()
    if (found === MISS) return foreground(key, state, start, MISS, now, now)
    const phase = Freshness.phase(windows, life)
    if (phase === 'StaleIfError') return foreground(key, state, start, found, now + life, now)
    if (phase === 'Fresh' || negatives.get(key, now) !== undefined) states.settle(key, state.generation)
    else refresh(key, state, found, life, start, now)
    return { ok: true, value: found, outcome: phase === 'Stale' ? 'Stale' : 'Hit' }
  }
  return route
}

export const make = <A>(ctx: FreshContext<A>): FreshLoads<A> => {
  const { states, access, report, windows, clock } = ctx
  const { readEntry, expiresIn } = access
  const count = tally(ctx)
  const route = routes(ctx)
  const wait = Wait.make(ctx)

  /** A caller's answer from a shared one: a joiner of a load's value is `Deduped` (of a lookup's hit, a `Hit`). */
  const finish = <B>(key: string, shape: Shape<A, B>, s: Settled<A>, joined: boolean): B | Promise<B> => {
    const outcome = joined && (s.outcome === 'Miss' || s.outcome === 'Refreshed') ? 'Deduped' : s.outcome
    count(key, outcome)
    return s.ok ? shape.ok(outcome, s.value) : shape.fail(s.error, s.own)
  }

  /** A caller of a key whose state is set: the value it holds, while servable, or the answer it waits for. */
  const join = <B>(key: string, state: KeyState, shape: Shape<A, B>, signal: AbortSignal | undefined): Promise<B> => {
    if (state._tag === 'Loading') {
      state.result ??= (state.value as Promise<unknown>).then(E.right, E.left)
      return state.result.then((r) => finish(key, shape, settledOf(r as Either<unknown, A>), true))
    }
    if (state.held !== MISS) {
      const now = clock.now()
      if (now < state.servableUntil) {
        const outcome = now < state.freshUntil ? 'Hit' : 'Stale'
        count(key, outcome)
        return Promise.resolve(shape.ok(outcome, state.held as A))
      }
    }
    return wait(key, state, state.answer as Promise<Settled<A>>, signal).then((s) => finish(key, shape, s, true))
  }

  /** A store that cannot answer at once: one lookup for the burst of callers, who share what it decides. */
  const fetchLater = <B>(key: string, f: unknown, x: unknown, shape: Shape<A, B>, signal: AbortSignal | undefined): Promise<B> => {
    const state = states.begin(key, fetching)
    const answer = access.lookupEntry(key).then((r): Settled<A> | Promise<Settled<A>> => {
      if (E.isLeft(r)) {
        report.storeFailed(r.left)
        if (ctx.failClosed) {
          states.settle(key, state.generation)
          return { ok: false, error: r.left, own: true, outcome: 'Miss' }
        }
      }
      const found = E.isLeft(r) || r.right === MISS ? MISS : r.right
      return route(key, state, found === MISS ? MISS : found.value, found === MISS ? 0 : found.expiresIn, startOf(ctx, shape, f, x))
    })
    state.answer = answer
    return wait(key, state, answer, signal).then((s) => finish(key, shape, s, false))
  }

  const { counters, emit, listening } = ctx.events
  // an entry with more life than this left is `Fresh` (see `Freshness.phase`)
  const freshAbove = windows.staleWhileRevalidate + windows.staleIfError + windows.refreshAhead

  /**
   * A fresh hit answers here, with nothing else on its path (kept small, so that it is inlined into the cached
   * function); everything else goes on in `fetchSlow`.
   */
  const fetchFor =
    <B>(shape: Shape<A, B>) =>
    (key: string, f: unknown, x: unknown, signal?: AbortSignal): Promise<B> => {
      if (readEntry === undefined || signal !== undefined || states.size() !== 0) return fetchSlow(key, f, x, shape, signal)
      const found = readEntry(key)
      if (found === MISS || !((expiresIn[0] as number) > freshAbove)) return routeRead(key, f, x, shape, signal, found)
      counters.hits++
      if (listening()) emit({ _tag: 'Hit', key })
      return Promise.resolve(shape.ok('Hit', found))
    }

  const fetchSlow = <B>(key: string, f: unknown, x: unknown, shape: Shape<A, B>, signal: AbortSignal | undefined): Promise<B> => {
    const state = states.size() === 0 ? undefined : states.get(key)
    if (signal?.aborted === true) return Promise.resolve(finish(key, shape, aborted(key, signal), false))
    if (state !== undefined) return join(key, state, shape, signal)
    if (readEntry === undefined) return fetchLater(key, f, x, shape, signal)
    const found = readEntry(key)
    if (found !== MISS && (expiresIn[0] as number) > freshAbove) {
      count(key, 'Hit')
      return Promise.resolve(shape.ok('Hit', found))
    }
    return routeRead(key, f, x, shape, signal, found)
  }

  /** An idle key whose in-process read found `found` (a miss, or an entry that is not fresh). */
  const routeRead = <B>(key: string, f: unknown, x: unknown, shape: Shape<A, B>, signal: AbortSignal | undefined, found: A | Miss): Promise<B> => {
    const life = found === MISS ? 0 : (expiresIn[0] as number)
    const begun = states.begin(key, fetching)
    const s = route(key, begun, found, life, startOf(ctx, shape, f, x))
    if (s instanceof Promise) {
      begun.answer = s
      return wait(key, begun, s, signal).then((settled) => finish(key, shape, settled, false))
    }
    return Promise.resolve(finish(key, shape, s, false))
  }
  return { fetchFor }
}
