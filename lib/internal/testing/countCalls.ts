/**
 * The loader counter of the test kit (`countCalls` in `testing.ts`, where its behaviour is documented).
 *
 * @internal
 * @since 0.2.0
 */
import type { CallCount, Counted } from '../../testing'
import { named } from '../run'

const isThenable = (u: unknown): u is PromiseLike<unknown> =>
  (typeof u === 'object' || typeof u === 'function') && u !== null && typeof (u as { then?: unknown }).then === 'function'

const isLeft = (u: unknown): boolean => typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'Left'

/** @internal */
export const countCalls = <Args extends ReadonlyArray<unknown>, R>(f: (...args: Args) => R): Counted<Args, R> => {
  const calledWith: Array<Args> = []
  let inFlight = 0
  let settled = 0
  let failed = 0
  const settle = (failure: boolean): void => {
    inFlight--
    settled++
    if (failure) failed++
  }
  /** Tracks a result until it settles; a `Left` fails only a task's result. */
  const track = (result: PromiseLike<unknown>, leftFails: boolean): void => {
    result.then(
      (a) => settle(leftFails && isLeft(a)),
      () => settle(true)
    )
  }
  /** A task that settles its call the first time it is run and settles. */
  const counting = (task: () => unknown): (() => unknown) => {
    let ran = false
    return () => {
      if (ran) return task()
      ran = true
      try {
        const p = task()
        if (isThenable(p)) track(p, true)
        else settle(isLeft(p))
        return p
      } catch (e) {
        settle(true)
        throw e
      }
    }
  }
  const counted = (...args: Args): R => {
    calledWith.push(args)
    inFlight++
    let result: R
    try {
      result = f(...args)
    } catch (e) {
      settle(true)
      throw e
    }
    if (isThenable(result)) track(result, false)
    else if (typeof result === 'function') return counting(result as () => unknown) as R
    else settle(false)
    return result
  }
  const count = (): CallCount => ({ calls: calledWith.length, inFlight, settled, failed })
  return Object.assign(named(f, counted), { count, args: (): ReadonlyArray<Args> => calledWith.slice() })
}
