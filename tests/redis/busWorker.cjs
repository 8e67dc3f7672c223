/**
 * The other process of the bus latency test (tests/redis/bus.test.ts), started with `child_process.fork`. It loads
 * the BUILT package (the path comes from the parent; the bench's T3 forks it too, with ts-node and lib/'s source), makes a `RedisBus` with its own ioredis client and subscriber,
 * and answers every `ping` message on the bus with a `pong` of the same keys, so that the parent times a round trip
 * on its own clock.
 *
 *   parent -> worker                 worker -> parent
 *   (start)                          { ready: true } once its bus is subscribed
 *   { close: true }                  (closes its clients and exits)
 *
 * On the bus: `Invalidated { cache: 'ping', keys }` in, `Invalidated { cache: 'pong', keys }` out.
 */
'use strict'
const config = JSON.parse(process.argv[2]) // { redis, port, channel }
const { RedisBus, RedisPort } = require(config.redis)
const { clients } = require('./workerClients.cjs')

const { client, subscriber } = clients(config.port)

const made = RedisBus.make({ port: RedisPort.ioredis(client, subscriber), channel: config.channel, origin: `worker-${process.pid}` })
if (made._tag === 'Left') throw new Error(`RedisBus.make: ${JSON.stringify(made.left)}`)
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
      process.send({ ready: true })
    }
  }
})

const close = () => {
  client.disconnect()
  subscriber.disconnect()
  process.exit(0)
}
process.on('message', (message) => {
  if (message.close !== undefined) close()
})
// the parent went away (a failed or killed test run): leave no process behind
process.on('disconnect', close)
