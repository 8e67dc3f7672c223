/**
 * The per-key state machine of single flight: one map from key to the state of that key's load, and a generation
 * per load that says whether it may still store its result.
 *
 * ```
 *   (idle) --begin--> Loading { generation } --settle--> (idle)
 *                      |
 *                      +--fence (invalidate, set, clear)--> (idle); the load goes on, its result is not stored
 * ```
 *
 * An idle key has no entry (law 8). A cache with freshness windows uses `Fetching` instead of `Loading`: the same
 * machine, where the state may also hold a value its callers can have at once while a background refresh runs
 * (stale-while-revalidate, refresh-ahead), with the same generation rule.
 *
 * Laws:
 * 1. Single flight: while a key is `Loading`, every caller shares that load's promise; nobody begins another.
 * 7. Fenced invalidation: after `fence(key)` (or `fenceAll`), `isCurrent(key, g)` is false for the generation `g` of
 *    every load that began before it, so that load stores nothing; a load that begins later has a new generation.
 * 8. Hygiene: `settle` (called by a load when it is done) and `fence` remove the key's state, so when every load
 *    has settled `size()` is 0.
 *
 * Decision (queueing behind a fenced load): a caller that arrives after `fence(key)` starts a new load at once
 * instead of waiting for the fenced one. Measured with a 100 ms loader invalidated 50 ms into its load, a caller
 * arriving just after the invalidation had its (fresh) value after 101 ms; 0.1, which queued it behind the fenced
 * load on the key's semaphore, took 151-153 ms, for a value that could not be stored anyway. Two loads of one key
 * can then run at once, but only the newest may store (the generation check), and the writes of one key reach the
 * store one at a time (`storeAccess`), so the older can never overwrite the newer. The keyed semaphore stays the
 * tool for that: it orders the store's writes per key, not the loads.
 *
 * @internal
 * @since 0.2.0
 */
import type { Either } from 'fp-ts/Either'

/**
 * A load of the key is in flight. Its callers share one promise: `result` (an `Either`, for the `TaskEither` API)
 * or `value` (the value or the rejection, for the `Promise` API), whichever the first caller needed; the other is
 * made from it, once, when a caller of the other kind joins.
 */
export interface Loading {
  readonly _tag: 'Loading'
  readonly generation: number
  result: Promise<Either<unknown, unknown>> | undefined
  value: Promise<unknown> | undefined
}

/**
 * The state of a key of a cache with freshness windows (`internal/fresh`): a lookup, a load or a background
 * refresh is in flight. Callers that arrive share `answer`, unless a value they may have at once is held: while
 * `now < servableUntil`, `held` is answered (a hit while `now < freshUntil`, else stale) and nobody waits.
 */
export interface Fetching {
  readonly _tag: 'Fetching'
  readonly generation: number
  answer: Promise<unknown>
  held: unknown
  freshUntil: number
  servableUntil: number
  /** The stale value a failed (or, past `timeout.soft`, a slow) load answers instead, if any. */
  fallback: unknown
}

/** What a key is doing now; an idle key has no state. */
export type KeyState = Loading | Fetching

export interface KeyStates<S extends KeyState> {
  /** The state of a key that is loading. */
  readonly get: (key: string) => S | undefined
  /** Starts a load of an idle key: a new generation, and the state `make` builds with it. */
  readonly begin: <T extends S>(key: string, make: (generation: number) => T) => T
  /** Whether the load of that generation may still store: no fence happened since it began. */
  readonly isCurrent: (key: string, generation: number) => boolean
  /** Called by a load when it is done: the key becomes idle unless a newer load holds it. */
  readonly settle: (key: string, generation: number) => void
  /** Keeps every load of `key` in flight from storing; the next caller starts a new load. */
  readonly fence: (key: string) => void
  /** `fence` for every key. */
  readonly fenceAll: () => void
  /** How many keys are loading. */
  readonly size: () => number
}

/** The state of a load that has just begun (the plain path). */
export const loading = (generation: number): Loading => ({ _tag: 'Loading', generation, result: undefined, value: undefined })

export const make = <S extends KeyState>(): KeyStates<S> => {
  const states = new Map<string, S>()
  let generations = 0
  return {
    get: (key) => states.get(key),
    begin: (key, make) => {
      const state = make(++generations)
      states.set(key, state)
      return state
    },
    isCurrent: (key, generation) => states.get(key)?.generation === generation,
    settle: (key, generation) => {
      if (states.get(key)?.generation === generation) states.delete(key)
    },
    fence: (key) => {
      states.delete(key)
    },
    fenceAll: () => states.clear(),
    size: () => states.size
  }
}
