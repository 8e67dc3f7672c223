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
import type { EntityCodec } from '../Store'
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
}

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
export const accept = <A>(ctx: LoadContext<A>, key: string, generation: number, value: A): CacheError | undefined | Promise<undefined> => {
  const { states, report, access } = ctx
  if (!ctx.codec.is(value)) return report.rejected(key, value)
  if (!states.isCurrent(key, generation)) return report.fenced(key)
  const ttl = ctx.ttlOf === undefined ? ctx.ttl : ctx.ttlOf(value)
  if (ttl === 0) return undefined
  if (typeof ttl === 'object') return ttl
  if (access.writeNow !== undefined) return stored(report, key, access.writeNow(key, value, ttl))
  return settled(access.write(key, value, ttl, () => states.isCurrent(key, generation)), (w) => stored(report, key, w))
}
