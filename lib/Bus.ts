/**
 * An invalidation bus: how the memory tiers of several processes hear that an entry changed in the shared tier.
 * A bus ships invalidations (these keys, these tags, everything), never values, so two processes that write one
 * key at once cannot leave each other holding the other's value: each of them drops its copy and reads the
 * shared tier again.
 *
 * A bus may lose messages (pub/sub delivers to whoever is subscribed at the moment). It says so: `reset(false)`
 * when its subscription is lost, `reset(true)` when it is back. A listener that keeps copies (a `Tiered` store)
 * drops them all on both, and keeps none in between, so a lost message costs a read of the shared tier, never a
 * stale value. Each copy is also kept for at most `l1MaxTtl`, which bounds the staleness of a message lost without
 * a reset.
 *
 * The Redis bus (`RedisBus` of `best-simple-cache/redis`) is one implementation; any transport that delivers
 * messages to the other processes and reports its resets can be another.
 *
 * @since 0.4.0
 */
import type { IO } from 'fp-ts/IO'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { CacheError } from './CacheError'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An invalidation of the cache named `cache`: of some keys, of the entries carrying some tags, or of every entry.
 *
 * @category model
 * @since 0.4.0
 */
export type Message =
  | { readonly _tag: 'Invalidated'; readonly cache: string; readonly keys: ReadonlyArray<string> }
  | { readonly _tag: 'TagsInvalidated'; readonly cache: string; readonly tags: ReadonlyArray<string> }
  | { readonly _tag: 'Cleared'; readonly cache: string }

/**
 * What a subscriber hears: the messages of the other processes (never its own), and the bus's resets.
 *
 * @category model
 * @since 0.4.0
 */
export interface Listener {
  readonly message: (message: Message) => void
  /**
   * The subscription was lost (`false`) or is back (`true`): messages sent meanwhile may be lost, so whatever was
   * copied before may be stale.
   */
  readonly reset: (subscribed: boolean) => void
}

/**
 * A bus: `publish` reaches every other process's subscribers; `subscribe` answers how to unsubscribe.
 * `subscribed` tells whether messages reach this process now (a listener keeps no copies while they do not).
 *
 * @category model
 * @since 0.4.0
 */
export interface Bus {
  readonly publish: (message: Message) => TaskEither<CacheError, void>
  readonly subscribe: (listener: Listener) => IO<void>
  readonly subscribed: IO<boolean>
}

// -------------------------------------------------------------------------------------
// codec
// -------------------------------------------------------------------------------------

/**
 * A message as one line of text, with the id of the process that sent it (`origin`), for a bus whose transport
 * carries strings.
 *
 * @example
 * import { Bus } from 'best-simple-cache'
 * import * as assert from 'assert'
 * const line = Bus.encode('p1', { _tag: 'Invalidated', cache: 'users', keys: ['42'] })
 * assert.deepStrictEqual(Bus.decode(line), { origin: 'p1', message: { _tag: 'Invalidated', cache: 'users', keys: ['42'] } })
 * assert.strictEqual(Bus.decode('not a message'), undefined)
 *
 * @category codec
 * @since 0.4.0
 */
export const encode = (origin: string, message: Message): string => {
  switch (message._tag) {
    case 'Invalidated':
      return JSON.stringify([origin, 'i', message.cache, message.keys])
    case 'TagsInvalidated':
      return JSON.stringify([origin, 't', message.cache, message.tags])
    case 'Cleared':
      return JSON.stringify([origin, 'c', message.cache])
  }
}

const isStrings = (u: unknown): u is ReadonlyArray<string> => Array.isArray(u) && u.every((s) => typeof s === 'string')

/**
 * The origin and message of a line made by `encode`; `undefined` for anything else.
 *
 * @category codec
 * @since 0.4.0
 */
export const decode = (line: string): { readonly origin: string; readonly message: Message } | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[2] !== 'string') return undefined
  const [origin, kind, cache, list] = parsed as [string, unknown, string, unknown]
  if (kind === 'c') return { origin, message: { _tag: 'Cleared', cache } }
  if (!isStrings(list)) return undefined
  if (kind === 'i') return { origin, message: { _tag: 'Invalidated', cache, keys: list } }
  if (kind === 't') return { origin, message: { _tag: 'TagsInvalidated', cache, tags: list } }
  return undefined
}
