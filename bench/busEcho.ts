/**
 * The other process of T3 (bench/measures/tiered.ts), forked by the bench with its own Node options (ts-node, so
 * lib/ is the source the bench measures, no build needed): a Redis bus on ioredis clients of its own that answers
 * every `ping` message with a `pong` of the same keys, so that the parent times each round trip on its own clock.
 *
 *   argv: <redis port> <channel>
 *   child -> parent: 'ready' once its bus is subscribed; the parent ends it with 'close' (or by going away).
 *
 * On the bus: `Invalidated { cache: 'ping', keys }` in, `Invalidated { cache: 'pong', keys }` out.
 */
import * as E from 'fp-ts/Either'
import { Redis } from 'ioredis'
import { RedisBus, RedisPort } from '../lib/redis'
import { clientOptions } from './measures/redis'

const [port, channel] = [Number(process.argv[2]), process.argv[3]!]
const client = new Redis(clientOptions(port))
const subscriber = new Redis(clientOptions(port))
for (const c of [client, subscriber]) c.on('error', () => undefined) // a lost connection shows as a late pong

const close = (): void => {
  client.disconnect()
  subscriber.disconnect()
  process.exit(0)
}
process.on('message', (m) => m === 'close' && close())
process.on('disconnect', close) // the parent went away: leave no process behind

// ioredis types its options as `boolean | undefined`, which the port's optional fields refuse (as in redis.ts)
const clients = [client, subscriber] as unknown as [RedisPort.IORedisClient, RedisPort.IORedisClient]
const made = RedisBus.make({ port: RedisPort.ioredis(...clients), channel, origin: `echo-${process.pid}` })
if (E.isLeft(made)) throw new Error(`RedisBus.make: ${JSON.stringify(made.left)}`)
const bus = made.right
let told = false
bus.subscribe({
  message: (message) => {
    if (message._tag === 'Invalidated' && message.cache === 'ping') {
      void bus.publish({ _tag: 'Invalidated', cache: 'pong', keys: message.keys })()
    }
  },
  reset: (subscribed) => {
    if (subscribed && !told) {
      told = true
      process.send?.('ready')
    }
  }
})
