/**
 * A caller's wait for a load of the freshness path, with its deadlines and its way out. Past `timeout.soft` the
 * caller gets the stale value the load would replace, if there is one; past `timeout.hard`, a `LoadTimeout`; when
 * its `AbortSignal` aborts, an `Aborted` at once. Leaving never stops the load, except when the last caller waiting
 * for an abortable load leaves by aborting: then the load's own signal aborts too, and the key goes idle. The
 * timers and the abort listener end with the wait, so none outlives it.
 *
 * @internal
 * @since 0.2.0
 */
import * as CE from '../CacheError'
import type { Clock } from '../Clock'
import type { Events } from './events'
import type { Fetching, KeyState, KeyStates } from './keyState'
import { MISS } from './miss'
import { aborted } from './settled'
import type { Settled } from './settled'

export interface WaitContext {
  readonly states: KeyStates<KeyState>
  readonly events: Events
  readonly clock: Clock
  /** `0`: no such timeout. */
  readonly timeout: { readonly soft: number; readonly hard: number }
}

/**
 * Every caller of an abortable load has left: its signal aborts, and the key is idle again, so the next caller
 * starts a load of its own rather than join this one (which can no longer store: its generation is not current).
 */
const abandon = (states: KeyStates<KeyState>, key: string, state: Fetching, reason: unknown): void => {
  ;(state.controller ??= new AbortController()).abort(reason)
  states.settle(key, state.generation)
}

export const make = (ctx: WaitContext) => {
  const { states, events, clock } = ctx
  const timedOut = (key: string, kind: 'soft' | 'hard'): void => {
    events.counters.timeouts++
    events.emit({ _tag: 'Timeout', key, kind })
  }
  const left = (key: string): void => {
    events.counters.aborted++
    events.emit({ _tag: 'Aborted', key })
  }
  /** `answer` for a caller of `state`, or what it gets when it stops waiting first. */
  return <A>(key: string, state: KeyState, answer: Promise<Settled<A>>, signal: AbortSignal | undefined): Promise<Settled<A>> => {
    const fetching = state._tag === 'Fetching' ? state : undefined
    if (fetching !== undefined) fetching.waiters++
    const { soft, hard } = ctx.timeout
    if (soft === 0 && hard === 0 && signal === undefined) return answer
    return new Promise((resolve) => {
      const ends: Array<() => void> = []
      let waiting = true
      const done = (s: Settled<A>): void => {
        if (!waiting) return
        waiting = false
        for (const end of ends) end()
        resolve(s)
      }
      const leave = (s: Settled<A>, byAbort: boolean): void => {
        if (!waiting) return
        done(s)
        if (fetching !== undefined && --fetching.waiters === 0 && byAbort) abandon(states, key, fetching, signal?.reason)
      }
      const timer = clock.timer
      if (soft > 0 && timer !== undefined && fetching !== undefined) {
        ends.push(timer(soft, () => {
          if (fetching.fallback === MISS) return
          timedOut(key, 'soft')
          leave({ ok: true, value: fetching.fallback as A, outcome: 'Stale' }, false)
        }))
      }
      if (hard > 0 && timer !== undefined) {
        ends.push(timer(hard, () => {
          timedOut(key, 'hard')
          leave({ ok: false, error: CE.loadTimeout(key, hard), own: true, outcome: 'Miss' }, false)
        }))
      }
      if (signal !== undefined) {
        const onAbort = (): void => {
          left(key)
          leave(aborted(key, signal), true)
        }
        signal.addEventListener('abort', onAbort, { once: true })
        ends.push(() => signal.removeEventListener('abort', onAbort))
      }
      void answer.then(done)
    })
  }
}
