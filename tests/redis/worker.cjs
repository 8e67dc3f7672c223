/**
 * One app process of the multi-process tests (tests/redis/processes.test.ts), started with `child_process.fork`.
 * It loads the BUILT package (the paths come from the parent), makes a cache on the Redis store with its own ioredis
 * client and subscriber, wraps a loader with `withCacheAsync`, and talks to the parent over IPC:
 *
 *   parent -> worker                      worker -> parent
 *   (start)                               { ready: true }
 *   { go: { key, callers } }              { loading: true } when its loader starts, then
 *                                         { done: { values, errors, loads, ms, answeredAt, loadEndedAt, failures } }
 *   { invalidate: key }                   { invalidated: true } or { invalidated: false, error }
 *   { connected: true }                   { connected: true } once both clients are ready (after a restart)
 *   { close: true }                       (closes its clients and exits)
 *
 * The loader reads the version at the start of its load (the Redis key `<prefix>version`, default `v1`), takes
 * `loadMs`, and answers `{ key, version, pid }`: a value says which load, in which process, produced it. Times
 * (`answeredAt`, `loadEndedAt`) are `performance.timeOrigin + performance.now()`, comparable across processes.
 */
'use strict'
const { setTimeout: delay } = require('node:timers/promises')
const { performance } = require('node:perf_hooks')

/** The config from the parent: { index, redis, port, prefix, lease, loadMs, deadline? } */
const config = JSON.parse(process.argv[2])
const { Cache, KeyCodec, withCacheAsync } = require(config.index)
const { RedisPort, RedisStore } = require(config.redis)
const { clients } = require('./workerClients.cjs')
const t = require('io-ts')

const Value = t.type({ key: t.string, version: t.string, pid: t.number })

const { client, subscriber } = clients(config.port)

const now = () => performance.timeOrigin + performance.now()
const send = (message) => process.send(message)

let loads = 0
let loadEndedAt
/** Store failures the cache reported (a timeout would make it load fail-open): the parent prints them. */
const failures = []

const loader = async (key) => {
  loads++
  send({ loading: true })
  const version = (await client.get(`${config.prefix}version`)) ?? 'v1'
  await delay(config.loadMs)
  loadEndedAt = now()
  return { key, version, pid: process.pid }
}

const makeCache = () => {
  const store = RedisStore.make({
    port: RedisPort.ioredis(client, subscriber),
    prefix: config.prefix,
    lease: config.lease,
    ...(config.deadline === undefined ? {} : { deadline: config.deadline })
  })
  if (store._tag === 'Left') throw new Error(`RedisStore.make: ${JSON.stringify(store.left)}`)
  const onEvent = (e) => {
    if (e._tag === 'StoreFailure') failures.push(e.error._tag)
  }
  return Cache.unsafeMake({ name: 'item', codec: Value, key: KeyCodec.string, store: store.right, config: { ttl: 60000 }, onEvent })
}

const cache = makeCache()
const get = withCacheAsync(cache)(loader)

const go = async ({ key, callers }) => {
  loads = 0
  loadEndedAt = undefined
  failures.length = 0
  const started = now()
  const answeredAt = []
  const settled = await Promise.allSettled(
    Array.from({ length: callers }, () =>
      get(key).finally(() => {
        answeredAt.push(now())
      })
    )
  )
  const values = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)
  const errors = settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason))
  send({ done: { values, errors, loads, ms: now() - started, answeredAt, loadEndedAt, failures: [...failures] } })
}

const invalidate = async (key) => {
  const r = await cache.invalidate(key)()
  send(r._tag === 'Right' ? { invalidated: true } : { invalidated: false, error: r.left })
}

const close = () => {
  client.disconnect()
  subscriber.disconnect()
  process.exit(0)
}

const connected = () =>
  Promise.all([client, subscriber].map((c) => (c.status === 'ready' ? undefined : new Promise((resolve) => c.once('ready', resolve)))))

process.on('message', (message) => {
  if (message.go !== undefined) void go(message.go)
  else if (message.invalidate !== undefined) void invalidate(message.invalidate)
  else if (message.connected !== undefined) void connected().then(() => send({ connected: true }))
  else if (message.close !== undefined) close()
})
// the parent went away (a failed or killed test run): leave no process behind
process.on('disconnect', close)

void connected().then(() => send({ ready: true }))
