/**
 * ioredis clients and Redis stores for the Redis suites: the client options the store requires (no offline queue,
 * at most one retry, a command timeout), a fresh key prefix per store so that tests never see each other's keys,
 * and one `close` for everything a test opened.
 */
import Redis, { Cluster } from 'ioredis'
import * as E from 'fp-ts/Either'
import type { StoreFactory } from '../../lib/Store'
import { RedisPort, RedisStore } from '../../lib/redis'
import type { RedisStoreOptions } from '../../lib/RedisStore'

type Options = Record<string, unknown>

export const clientOptions = (port: number, extra: Options = {}): Options => ({
  host: '127.0.0.1',
  port,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 250,
  // reconnect quickly, so that a restarted server is found again within a test's patience
  retryStrategy: (times: number) => Math.min(10 * times, 100),
  ...extra
})

/** Resolves when the client is ready (or at once when it already is). */
export const ready = (client: Redis): Promise<void> =>
  client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve()))

let prefixes = 0
/** A key prefix no other store of this test run uses. */
export const freshPrefix = (): string => `t${process.pid}.${++prefixes}:`

export interface Clients {
  readonly client: Redis
  readonly subscriber: Redis
  readonly port: RedisPort.RedisPort
  /** A store factory over these clients; every call of `store()` has its own prefix unless one is given. */
  readonly store: (options?: Partial<RedisStoreOptions>) => StoreFactory
  readonly close: () => void
}

/** A client and a subscriber on `port`; `wait`: resolve only once both are ready. */
export const clients = async (port: number, wait = true, extra: Options = {}): Promise<Clients> => {
  const client = new Redis(clientOptions(port, extra) as never)
  const subscriber = new Redis(clientOptions(port, extra) as never)
  // a client whose server is away reports errors as events; they are expected here
  client.on('error', () => undefined)
  subscriber.on('error', () => undefined)
  if (wait) await Promise.all([ready(client), ready(subscriber)])
  const redisPort = RedisPort.ioredis(client, subscriber)
  return {
    client,
    subscriber,
    port: redisPort,
    store: storesOn(redisPort),
    close: () => {
      client.disconnect()
      subscriber.disconnect()
    }
  }
}

/** Store factories over `port`, each with a prefix of its own unless the options give one. */
export const storesOn =
  (port: RedisPort.RedisPort) =>
  (options: Partial<RedisStoreOptions> = {}): StoreFactory => {
    const made = RedisStore.make({ port, prefix: freshPrefix(), ...options })
    if (E.isLeft(made)) throw new Error(`RedisStore.make: ${JSON.stringify(made.left)}`)
    return made.right
  }

export interface ClusterClients {
  readonly cluster: Cluster
  readonly port: RedisPort.RedisPort
  /** A store factory over the Cluster; every call of `store()` has its own prefix unless one is given. */
  readonly store: (options?: Partial<RedisStoreOptions>) => StoreFactory
  readonly close: () => void
}

/** An ioredis `Cluster` with the options the store requires, given the nodes' ports; resolves once it is ready. */
export const clusterClients = async (ports: ReadonlyArray<number>): Promise<ClusterClients> => {
  const cluster = new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 250 } }
  )
  cluster.on('error', () => undefined) // a node that is away reports errors as events; they are expected here
  if (cluster.status !== 'ready') await new Promise<void>((resolve) => cluster.once('ready', () => resolve()))
  const port = RedisPort.ioredisCluster(cluster)
  return { cluster, port, store: storesOn(port), close: () => cluster.disconnect() }
}

/** A factory whose every store has its own prefix (the test kit's laws make many stores with one cache name). */
export const freshStores = (c: Pick<Clients, 'store'>, options: Partial<RedisStoreOptions> = {}): StoreFactory => (context) => c.store(options)(context)
