/**
 * An invalidation bus over Redis pub/sub (`Bus`), for the memory tiers of several processes that share a Redis:
 * `best-simple-cache/redis`.
 *
 * - A message is one line on one channel (`bsc:bus` by default), `Bus.encode(origin, message)`: invalidations,
 *   never values. A bus skips the lines of its own origin (a random id per bus by default) and the lines that are
 *   not messages.
 * - It subscribes on the port's subscriber connection, once, when the first listener subscribes. `subscribed()` is
 *   true only while that connection is subscribed to the channel. When the connection is lost (the server closed
 *   it, restarted, or the network failed) every listener hears `reset(false)` at once; when the client has
 *   reconnected and the channel's SUBSCRIBE is answered again, `reset(true)`. Messages published in between are
 *   lost, which is why a listener drops its copies on both.
 * - A publish goes through the port's client and answers within the deadline (250 ms by default): a
 *   `StoreTimeout` or a `StoreUnavailable` (operation `publish`) when Redis is away, never a hang and never a
 *   rejection.
 *
 * Each process makes one bus and gives it to every store that keeps copies; each listener picks the messages of
 * its own cache (`message.cache`).
 *
 * @since 0.4.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { Bus } from './Bus'
import * as CE from './CacheError'
import type { CacheError } from './CacheError'
import * as Clock from './Clock'
import type { RedisPort } from './RedisPort'
import * as BusInternal from './internal/redis/bus'
import * as Options from './internal/redis/options'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The options of a Redis bus.
 *
 * @category model
 * @since 0.4.0
 */
export interface RedisBusOptions {
  /** The clients, through their adapter; the port must have a subscriber connection (`RedisPort.ioredis(client, subscriber)`). */
  readonly port: RedisPort
  /** The channel of every process's bus, default `bsc:bus`. */
  readonly channel?: string
  /** This bus's id, whose lines it skips; default a random id. Give each process's bus its own. */
  readonly origin?: string
  /** The most a publish may take, in ms; default 250. */
  readonly deadline?: number
  /** Times the deadline; default `Clock.system`. */
  readonly clock?: Clock.Clock
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const randomOrigin = (): string => {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  return typeof crypto?.randomUUID === 'function' ? crypto.randomUUID() : `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
}

const isBusPort = (port: RedisPort): port is BusInternal.BusPort =>
  typeof port.subscribe === 'function' && typeof port.onSubscriber === 'function' && typeof port.publish === 'function'

/**
 * Makes a Redis bus, or an `InvalidConfig` naming each bad option: a port without a subscriber connection is named
 * `port`, a client option that would let a publish hang `port.<option>`.
 *
 * @example
 * import { RedisBus, RedisPort } from 'best-simple-cache/redis'
 * import { Redis } from 'ioredis'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 }
 * const client = new Redis(options)
 * const bus = RedisBus.make({ port: RedisPort.ioredis(client, client.duplicate()), channel: 'app:bus' })
 * assert.ok(E.isRight(bus))
 * assert.strictEqual(bus.right.subscribed(), false) // nothing is subscribed before a listener is
 *
 * const wrong = RedisBus.make({ port: RedisPort.ioredis(client), deadline: 0 })
 * assert.deepStrictEqual(
 *   E.isLeft(wrong) && wrong.left._tag === 'InvalidConfig' ? wrong.left.fields.map((f) => f.field) : [],
 *   ['port', 'deadline']
 * )
 *
 * @category constructors
 * @since 0.4.0
 */
export const make = (options: RedisBusOptions): Either<CacheError, Bus> => {
  const o = options as unknown as Record<string, unknown>
  const fields: Array<Options.Field> = []
  const port = Options.port(o, fields)
  if (port !== undefined && !isBusPort(port)) {
    fields.push({ field: 'port', message: 'expected a RedisPort with a subscriber connection (RedisPort.ioredis(client, subscriber))' })
  }
  const channel = Options.text(o, 'channel', 'bsc:bus', fields, true)
  const origin = Options.text(o, 'origin', '', fields, true)
  const deadline = Options.positive(o, 'deadline', 250, fields)
  const timer = Options.timer(options.clock ?? Clock.system, 'the deadline of a publish', fields)
  if (fields.length > 0 || port === undefined || !isBusPort(port) || timer === undefined) return E.left(CE.invalidConfig('redis bus', fields))
  return E.right(BusInternal.make({ port, channel, origin: origin === '' ? randomOrigin() : origin, deadline, timer }))
}
