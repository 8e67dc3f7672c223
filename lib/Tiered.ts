/**
 * Two tiers: copies in this process's memory (L1) in front of a store that processes share (L2, such as the Redis
 * store), kept coherent by a `Bus`. A store combinator: `Tiered.make(options)` is a `StoreFactory` like any other.
 *
 * - A read answers L1's copy, else L2's entry, of which L1 keeps a copy. A write goes to L2, then L1, then the bus.
 * - The bus ships invalidations (keys, tags, clears), never values: a process that hears one drops its copies and
 *   reads L2 again, so two processes that write one key at once cannot keep each other's value.
 * - A copy is kept for at most `l1MaxTtl`, which bounds how long a lost message can leave a copy stale (F8).
 * - When the bus loses its subscription, and again when it has it back, every copy is dropped, and none is kept
 *   or answered in between (messages sent meanwhile are lost to this process).
 * - Single flight, fenced fills, soft expiry and tags are L2's (an entry's remaining life is L2's, from its copy).
 *
 * An invalidation of tags drops every copy of the cache in each process (a copy does not know its tags), and the
 * entries carrying them in L2.
 *
 * @since 0.4.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { Bus } from './Bus'
import * as CE from './CacheError'
import type { CacheError } from './CacheError'
import * as MemoryStore from './MemoryStore'
import type { StoreFactory } from './Store'
import * as Internal from './internal/tiered'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a tiered store is made of.
 *
 * @category model
 * @since 0.4.0
 */
export interface TieredOptions {
  /** The shared store. */
  readonly l2: StoreFactory
  /** The memory tier: a store in this process (with `getSync` and `setSync`); the default is `MemoryStore.make`. It is bounded by the cache's `maxSize`. */
  readonly l1?: StoreFactory
  /** The bus to the other processes; without one, copies go stale for at most `l1MaxTtl` after another process writes. */
  readonly bus?: Bus
  /** The longest a copy is kept, in milliseconds (> 0). */
  readonly l1MaxTtl: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const isFunction = (u: unknown): boolean => typeof u === 'function'

/**
 * A tiered store's factory; a `Left` of `InvalidConfig` naming each bad option.
 *
 * @example
 * import { Cache, KeyCodec, MemoryStore, Tiered } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as O from 'fp-ts/Option'
 * import * as t from 'io-ts'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   // a memory store stands in for the shared one here (use RedisStore.make in production)
 *   const store = Tiered.make({ l2: MemoryStore.make, l1MaxTtl: 5_000 })
 *   if (E.isLeft(store)) throw new Error('invalid options')
 *   const users = Cache.unsafeMake({ name: 'users', codec: t.string, key: KeyCodec.int, store: store.right })
 *   await users.set('Ada', 1)()
 *   assert.deepStrictEqual(await users.get(1)(), E.right(O.some('Ada')))
 *
 *   const bad = Tiered.make({ l2: MemoryStore.make, l1MaxTtl: 0 })
 *   assert.deepStrictEqual(E.isLeft(bad) && bad.left._tag === 'InvalidConfig' ? bad.left.fields.map((f) => f.field) : [], ['l1MaxTtl'])
 * }
 * main()
 *
 * @category constructors
 * @since 0.4.0
 */
export const make = (options: TieredOptions): Either<CacheError, StoreFactory> => {
  const fields: Array<{ field: string; message: string }> = []
  const { l1MaxTtl, bus } = options
  if (!isFunction(options.l2)) fields.push({ field: 'l2', message: 'expected a StoreFactory' })
  if (options.l1 !== undefined && !isFunction(options.l1)) fields.push({ field: 'l1', message: 'expected a StoreFactory' })
  if (typeof l1MaxTtl !== 'number' || !Number.isFinite(l1MaxTtl) || l1MaxTtl <= 0) {
    fields.push({ field: 'l1MaxTtl', message: `expected a finite number of milliseconds > 0, got ${String(l1MaxTtl)}` })
  }
  if (bus !== undefined && !(isFunction(bus.publish) && isFunction(bus.subscribe) && isFunction(bus.subscribed))) {
    fields.push({ field: 'bus', message: 'expected a Bus (publish, subscribe, subscribed)' })
  }
  if (fields.length > 0) return E.left(CE.invalidConfig('tiered', fields))
  return E.right(Internal.factory({ l1: options.l1 ?? MemoryStore.make, l2: options.l2, bus, l1MaxTtl }))
}
