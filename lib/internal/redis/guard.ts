/**
 * Every call of the Redis store goes through a guard: it races the call against a deadline, and a circuit breaker
 * keeps calls from going out while the server is known to be away.
 *
 * ```
 *   Closed --timeout or connection error--> Open(until now + cooldown)
 *   Open --a call after the cooldown--> HalfOpen (that call is the probe; the others fail at once)
 *   HalfOpen --probe answers--> Closed;  --probe fails--> Open(until now + cooldown)
 * ```
 *
 * A reply error (a script's error, a wrong type) is the server answering: it fails the call and does not open the
 * breaker. The guard never rejects: it answers a `Left` of `StoreTimeout`, `StoreUnavailable` or `StoreFailure`.
 * A late reply after the deadline is dropped (and any rejection it brings is caught).
 *
 * @internal
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../../CacheError'
import type { CacheError, StoreOperation } from '../../CacheError'
import type { Clock } from '../../Clock'

export interface GuardOptions {
  /** The most a call may take, in ms. */
  readonly deadline: number
  /** How long the breaker stays open before a probe, in ms. */
  readonly cooldown: number
  readonly clock: Clock
  /** The clock's timers (`clock.timer`): `unref`'d, so a pending deadline never keeps the process alive. */
  readonly timer: (ms: number, f: () => void) => () => void
  /** Whether an error is the server answering (the call failed, the connection is fine). */
  readonly isReplyError: (error: unknown) => boolean
}

export type Guard = <B>(operation: StoreOperation, key: string | undefined, call: () => Promise<B>) => Promise<Either<CacheError, B>>

export interface Breaker {
  readonly state: () => 'Closed' | 'Open' | 'HalfOpen'
}

/** What a raced call came to: its answer, or whether it failed by the connection (`down`: the breaker trips). */
export type Outcome<B> = { readonly either: Either<CacheError, B>; readonly down: boolean }

/**
 * Races one call against the deadline, with no breaker: a `StoreTimeout` (down), a `StoreFailure` for a reply
 * error, a `StoreUnavailable` (down) for any other rejection. Never rejects; a late reply is dropped.
 */
export const race = <B>(
  options: Pick<GuardOptions, 'deadline' | 'timer' | 'isReplyError'>,
  operation: StoreOperation,
  key: string | undefined,
  call: () => Promise<B>
): Promise<Outcome<B>> => {
  const { deadline, timer, isReplyError } = options
  return new Promise<Outcome<B>>((resolve) => {
    let done = false
    const settle = (outcome: Outcome<B>): void => {
      if (done) return
      done = true
      cancel()
      resolve(outcome)
    }
    const cancel = timer(deadline, () => settle({ either: E.left(CE.storeTimeout(operation, deadline, key)), down: true }))
    let p: Promise<B>
    try {
      p = call()
    } catch (e) {
      p = Promise.reject(e)
    }
    p.then(
      (b) => settle({ either: E.right(b), down: false }),
      (e: unknown) =>
        settle(
          isReplyError(e)
            ? { either: E.left(CE.storeFailure(operation, e, key)), down: false }
            : { either: E.left(CE.storeUnavailable(operation, 'Disconnected', key, e)), down: true }
        )
    )
  })
}

export const make = (options: GuardOptions): { readonly guard: Guard; readonly breaker: Breaker } => {
  const { cooldown, clock } = options
  let openUntil = -Infinity // Closed while -Infinity
  let probing = false
  const trip = (): void => {
    openUntil = clock.now() + cooldown
    probing = false
  }
  const recovered = (): void => {
    openUntil = -Infinity
    probing = false
  }
  const guard: Guard = <B>(operation: StoreOperation, key: string | undefined, call: () => Promise<B>) => {
    if (openUntil !== -Infinity) {
      if (probing || clock.now() < openUntil) return Promise.resolve(E.left(CE.storeUnavailable(operation, 'BreakerOpen', key)))
      probing = true // this call is the probe
    }
    return race(options, operation, key, call).then(({ either, down }) => {
      if (down) trip()
      else if (openUntil !== -Infinity) recovered()
      return either
    })
  }
  const breaker: Breaker = {
    state: () => (openUntil === -Infinity ? 'Closed' : probing || clock.now() >= openUntil ? 'HalfOpen' : 'Open')
  }
  return { guard, breaker }
}
