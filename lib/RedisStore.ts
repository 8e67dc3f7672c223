/**
 * A `Store` in Redis, shared by every process that uses the same Redis and cache name: `best-simple-cache/redis`.
 *
 * - Values are encoded with the cache's entity codec, as JSON, with a fingerprint of the codec; a read decodes
 *   (validates) them. An entry that is not valid JSON, does not pass the codec, or was written by another schema is
 *   a `DecodeFailure`: the cache reports it, deletes it, and loads again (law 9).
 * - Single flight across processes (`Store.Flight`): after a miss, one process leads the load of a key under a
 *   lease (renewed while it runs); the others wait for its fill, woken by pub/sub when a subscriber connection is
 *   given, else by a timer on the lease left. A killed leader delays the others by at most the lease.
 * - Fenced writes by generation (law 7 across processes): a load that began before a `delete`, a `set` or a
 *   `clear` of its key (in any process), or before Redis lost its data, never writes its value back. One Lua
 *   script per read-modify-write; no `KEYS`, no `SCAN`.
 * - A deadline on every call (250 ms by default) and a circuit breaker: with Redis down, slow, paused or cut off, a
 *   call answers a `StoreTimeout` or a `StoreUnavailable` within the deadline, and at once while the breaker is
 *   open. A cache then calls the loader (fail-open, the default) or answers the error (`storeFailure: 'closed'` in
 *   its config). Reconnecting is the client's: no restart is needed.
 * - Soft expiry (`getEntry`) from `PTTL`, so freshness windows work across processes without comparing clocks.
 *
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from './CacheError'
import type { CacheError } from './CacheError'
import * as Clock from './Clock'
import type { RedisPort } from './RedisPort'
import type { StoreFactory } from './Store'
import * as Guard from './internal/redis/guard'
import * as Options from './internal/redis/options'
import * as RedisStoreInternal from './internal/redis/store'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The options of a Redis store.
 *
 * @category model
 * @since 0.3.0
 */
export interface RedisStoreOptions {
  /** The client, through its adapter (`RedisPort.ioredis`, `RedisPort.ioredisCluster`, `RedisPort.nodeRedis`). */
  readonly port: RedisPort
  /**
   * Prefixes every key and channel, default `bsc:`. No braces: the cache's name is the keys' hash tag (a Cluster
   * keeps a cache on one slot and spreads caches over its masters).
   */
  readonly prefix?: string
  /** The most any Redis call may take, in ms; default 250. */
  readonly deadline?: number
  /** How long a load's lease lasts before others may take it over, in ms; renewed every third of it. Default 5000. */
  readonly lease?: number
  /** The longest a load may keep its lease (and its tombstone lives), in ms; default 60000. */
  readonly maxLoad?: number
  /** How long the circuit breaker stays open before one probe, in ms; default 1000. */
  readonly cooldown?: number
  /** A version of the entity's schema, kept in each entry's fingerprint with the codec's name; default `''`. */
  readonly schema?: string
  /** Times the deadline, the breaker and the lease renewals; default `Clock.system`. */
  readonly clock?: Clock.Clock
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a Redis store factory (give it as a cache's `store`), or an `InvalidConfig` naming each bad option: a
 * client option that would let a call hang (an offline queue, unbounded retries, no command timeout) is named as
 * `port.<option>`.
 *
 * @example
 * import { RedisPort, RedisStore } from 'best-simple-cache/redis'
 * import { Redis } from 'ioredis'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const client = new Redis({ lazyConnect: true })
 * const store = RedisStore.make({ port: RedisPort.ioredis(client), deadline: 0 })
 * assert.ok(E.isLeft(store))
 * assert.deepStrictEqual(
 *   store.left._tag === 'InvalidConfig' ? store.left.fields.map((f) => f.field) : [],
 *   ['port.enableOfflineQueue', 'port.maxRetriesPerRequest', 'port.commandTimeout', 'deadline']
 * )
 *
 * @category constructors
 * @since 0.3.0
 */
export const make = (options: RedisStoreOptions): Either<CacheError, StoreFactory> => {
  const o = options as unknown as Record<string, unknown>
  const fields: Array<Options.Field> = []
  const port = Options.port(o, fields)
  const deadline = Options.positive(o, 'deadline', 250, fields)
  const lease = Options.positive(o, 'lease', 5000, fields)
  const maxLoad = Options.positive(o, 'maxLoad', 60000, fields)
  const cooldown = Options.positive(o, 'cooldown', 1000, fields)
  const prefix = Options.text(o, 'prefix', 'bsc:', fields)
  if (/[{}]/.test(prefix)) fields.push({ field: 'prefix', message: `must not hold { or }: the cache's name is its keys' hash tag, got ${JSON.stringify(prefix)}` })
  const schema = Options.text(o, 'schema', '', fields)
  const clock = options.clock ?? Clock.system
  const timer = Options.timer(clock, 'the deadline and the lease renewals', fields)
  if (maxLoad < lease) fields.push({ field: 'maxLoad', message: `must be at least the lease (${lease} ms), got ${maxLoad}` })
  if (fields.length > 0 || port === undefined || timer === undefined) return E.left(CE.invalidConfig('redis store', fields))
  const { guard } = Guard.make({ deadline, cooldown, clock, timer, isReplyError: port.isReplyError })
  return E.right(RedisStoreInternal.factory({ port, prefix, lease, maxLoad, schema, guard, timer }))
}
