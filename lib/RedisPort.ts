/**
 * The Redis client of a Redis store, through a small port: what the store needs of a client, and adapters for the
 * two clients people use, ioredis (a client, or a `Cluster`) and node-redis. The library depends on neither (both
 * are optional peers); an adapter only calls the client it is given.
 *
 * A port answers promises; the store races each call against its own deadline, so a client whose call hangs (an
 * offline queue, a paused server) cannot make a cached function hang. A port also says which of the client's
 * options would break that promise (`problems`), and the store refuses such a client when it is made, naming the
 * option.
 *
 * @since 0.3.0
 */
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a Redis store asks of a client.
 *
 * @category model
 * @since 0.3.0
 */
export interface RedisPort {
  /** `MGET keys`: a value (or `null`) per key. */
  readonly mget: (keys: ReadonlyArray<string>) => Promise<ReadonlyArray<string | null>>
  /** Runs a Lua script with `EVALSHA`, loading it first (and again after `NOSCRIPT`, as after a restart). */
  readonly run: (script: Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string>) => Promise<unknown>
  /**
   * Subscribes `onMessage` to `channel` on the subscriber connection, if the port has one (`undefined`: waiters in
   * this process fall back on timers).
   */
  readonly subscribe: ((channel: string, onMessage: (message: string) => void) => Promise<void>) | undefined
  /**
   * Hears the subscriber connection's state, if the port has one: `false` as soon as the connection is lost,
   * `true` once it is back and every channel given to `subscribe` is subscribed again (the SUBSCRIBE answered).
   * Answers how to stop hearing it.
   */
  readonly onSubscriber: ((listener: (subscribed: boolean) => void) => () => void) | undefined
  /** `PUBLISH channel message`, on the client (not the subscriber). */
  readonly publish: (channel: string, message: string) => Promise<void>
  /** Whether an error is the server's reply (the call failed; the connection is fine). */
  readonly isReplyError: (error: unknown) => boolean
  /** The client options that would let a call hang or queue while the server is away, each with why. */
  readonly problems: ReadonlyArray<{ readonly field: string; readonly message: string }>
}

/**
 * A Lua script of the store, by name; a port loads it once (`SCRIPT LOAD`) and runs it by its SHA.
 *
 * @category model
 * @since 0.3.0
 */
export interface Script {
  readonly name: string
  readonly lua: string
}

/**
 * The part of an ioredis client (`Redis`, version 5.3 or later) that the adapter uses.
 *
 * @category model
 * @since 0.3.0
 */
export interface IORedisClient {
  readonly status: string
  readonly options: {
    readonly enableOfflineQueue?: boolean | undefined
    readonly maxRetriesPerRequest?: number | null | undefined
    readonly commandTimeout?: number | undefined
  }
  mget(...keys: Array<string>): Promise<Array<string | null>>
  evalsha(sha: string, numberOfKeys: number, ...keysAndArgs: Array<string>): Promise<unknown>
  script(subcommand: 'LOAD', lua: string): Promise<unknown>
  publish(channel: string, message: string): Promise<unknown>
  subscribe(...channels: Array<string>): Promise<unknown>
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  on(event: 'ready' | 'close' | 'end', listener: () => void): unknown
}

/**
 * The part of an ioredis `Cluster` (version 5.3 or later) that the adapter uses.
 *
 * @category model
 * @since 0.3.0
 */
export interface IORedisCluster {
  readonly options: {
    readonly enableOfflineQueue?: boolean | undefined
    readonly redisOptions?:
      | {
          readonly maxRetriesPerRequest?: number | null | undefined
          readonly commandTimeout?: number | undefined
        }
      | undefined
  }
  mget(...keys: Array<string>): Promise<Array<string | null>>
  evalsha(sha: string, numberOfKeys: number, ...keysAndArgs: Array<string>): Promise<unknown>
  eval(lua: string, numberOfKeys: number, ...keysAndArgs: Array<string>): Promise<unknown>
  script(subcommand: 'LOAD', lua: string): Promise<unknown>
  readonly status: string
  publish(channel: string, message: string): Promise<unknown>
  subscribe(...channels: Array<string>): Promise<unknown>
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  on(event: 'ready' | 'close' | 'end', listener: () => void): unknown
}

/**
 * The part of a node-redis client (`createClient` of `redis`, version 5 or later) that the adapter uses.
 *
 * @category model
 * @since 0.3.0
 */
export interface NodeRedisClient {
  readonly isReady: boolean
  readonly options?:
    | {
        readonly disableOfflineQueue?: boolean | undefined
        readonly socket?: { readonly reconnectStrategy?: unknown } | undefined
      }
    | undefined
  mGet(keys: Array<string>): Promise<Array<string | null>>
  evalSha(sha: string, options: { keys: Array<string>; arguments: Array<string> }): Promise<unknown>
  scriptLoad(lua: string): Promise<string>
  publish(channel: string, message: string): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  on(event: 'ready' | 'reconnecting' | 'end', listener: () => void): unknown
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const isNoScript = (e: unknown): boolean => e instanceof Error && e.message.startsWith('NOSCRIPT')

type Call = (shaOrLua: string, keys: Array<string>, args: Array<string>) => Promise<unknown>

/**
 * `EVALSHA` of each script, loaded once per client. A server that has not got it (`NOSCRIPT`: restarted, or in a
 * Cluster another node than the one `SCRIPT LOAD` went to) gets it again: by `EVAL` when one is given (routed by the
 * script's keys, it loads the script on the node that runs it), else by loading it again.
 */
const scripts = (load: (lua: string) => Promise<string>, evalsha: Call, evalLua?: Call) => {
  const shas = new Map<string, Promise<string>>()
  const shaOf = (script: Script): Promise<string> => {
    let sha = shas.get(script.name)
    if (sha === undefined) {
      sha = load(script.lua)
      shas.set(script.name, sha)
      sha.catch(() => shas.delete(script.name)) // a failed load is tried again by the next call
    }
    return sha
  }
  const again = (script: Script, keys: Array<string>, args: Array<string>): Promise<unknown> => {
    if (evalLua !== undefined) return evalLua(script.lua, keys, args)
    shas.delete(script.name)
    return shaOf(script).then((sha) => evalsha(sha, keys, args))
  }
  return (script: Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string>): Promise<unknown> => {
    const [k, a] = [[...keys], [...args]]
    return shaOf(script).then(
      (sha) => evalsha(sha, k, a).catch((e: unknown) => (isNoScript(e) ? again(script, k, a) : Promise.reject(e))),
      // in a Cluster, SCRIPT LOAD goes to any node, maybe one that is down: the script's own node may be up
      (e: unknown) => (evalLua === undefined ? Promise.reject(e) : evalLua(script.lua, k, a))
    )
  }
}

type Subscriber = Pick<RedisPort, 'subscribe' | 'onSubscriber'>

/** How many times a SUBSCRIBE that failed on a live connection is sent again (20 command timeouts: 5 s at 250 ms). */
const RESUBSCRIBES = 20

/**
 * What both adapters do on the subscriber connection: the channels asked for and their handlers, and the
 * connection's state for `onSubscriber`. `send` subscribes one channel (again: Redis answers a SUBSCRIBE of a
 * channel already subscribed as it answers the first); a SUBSCRIBE that failed while the connection is still up
 * (the server was slow to answer it) is sent again, so a channel does not stay unsubscribed on a live connection.
 * `lost` and `back` are the client's events: `back`, a new connection, subscribes every channel again and says
 * `true` once all are answered.
 */
const subscriberSide = (options: {
  readonly send: (channel: string) => Promise<unknown>
  readonly isUp: () => boolean
  readonly isReplyError: (error: unknown) => boolean
}) => {
  const { send, isUp, isReplyError } = options
  const handlers = new Map<string, Set<(message: string) => void>>()
  const states = new Set<(subscribed: boolean) => void>()
  const tell = (subscribed: boolean): void => states.forEach((f) => f(subscribed))
  // at most RESUBSCRIBES in a row, so that a failure that comes at once (not a timeout) cannot spin
  const subscribeOn = (channel: string, left = RESUBSCRIBES): Promise<unknown> =>
    send(channel).catch((e: unknown) => (left > 0 && isUp() && !isReplyError(e) ? subscribeOn(channel, left - 1) : Promise.reject(e)))
  return {
    deliver: (channel: string, message: string): void => handlers.get(channel)?.forEach((f) => f(message)),
    lost: (): void => tell(false),
    back: (): void => {
      if (handlers.size === 0) return
      Promise.all([...handlers.keys()].map((channel) => subscribeOn(channel))).then(
        () => tell(true),
        () => undefined // the connection is gone again: its close says so
      )
    },
    subscribe: (channel: string, onMessage: (message: string) => void): Promise<void> => {
      const known = handlers.get(channel) ?? new Set()
      handlers.set(channel, known.add(onMessage))
      return subscribeOn(channel).then(() => undefined)
    },
    onSubscriber: (listener: (subscribed: boolean) => void): (() => void) => {
      const own = (subscribed: boolean): void => listener(subscribed)
      states.add(own)
      return () => void states.delete(own)
    }
  }
}

const subscriberProblems = (problems: RedisPort['problems']): RedisPort['problems'] =>
  problems.map(({ field, message }) => ({ field: `subscriber.${field}`, message }))

const isIORedisReplyError = (e: unknown): boolean => e instanceof Error && e.name === 'ReplyError'

const ioredisProblems = (options: IORedisClient['options'], connection = ''): RedisPort['problems'] => {
  const { enableOfflineQueue, maxRetriesPerRequest, commandTimeout } = options
  const problems: Array<{ field: string; message: string }> = []
  if (enableOfflineQueue !== false) {
    problems.push({ field: 'enableOfflineQueue', message: 'must be false: with an offline queue, calls wait while Redis is down' })
  }
  if (maxRetriesPerRequest === null || maxRetriesPerRequest === undefined || maxRetriesPerRequest > 1) {
    problems.push({ field: `${connection}maxRetriesPerRequest`, message: `must be 0 or 1, got ${String(maxRetriesPerRequest)}: retries outlast the deadline` })
  }
  if (commandTimeout === undefined || !(commandTimeout > 0)) {
    problems.push({ field: `${connection}commandTimeout`, message: 'must be set (ms), so that a command the server never answers is not kept pending' })
  }
  return problems
}

/**
 * A port over an ioredis client, and optionally a second client for pub/sub (`client.duplicate()`; a subscribed
 * connection can send no other command). Without it, waiting processes wake on timers only. The clients must be
 * made with `enableOfflineQueue: false`, `maxRetriesPerRequest` 0 or 1, and a `commandTimeout`.
 *
 * @example
 * import { RedisPort } from 'best-simple-cache/redis'
 * import { Redis } from 'ioredis'
 * import * as assert from 'assert'
 *
 * const client = new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 })
 * assert.deepStrictEqual(RedisPort.ioredis(client).problems, [])
 * assert.deepStrictEqual(
 *   RedisPort.ioredis(new Redis({ lazyConnect: true })).problems.map((p) => p.field),
 *   ['enableOfflineQueue', 'maxRetriesPerRequest', 'commandTimeout']
 * )
 *
 * @category constructors
 * @since 0.3.0
 */
export const ioredis = (client: IORedisClient, subscriber?: IORedisClient): RedisPort => {
  const side = subscriber === undefined ? undefined : ioredisSubscriber(subscriber)
  return {
    mget: (keys) => client.mget(...keys),
    run: scripts(
      (lua) => client.script('LOAD', lua) as Promise<string>,
      (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args)
    ),
    subscribe: side?.subscribe,
    onSubscriber: side?.onSubscriber,
    publish: (channel, message) => client.publish(channel, message).then(() => undefined),
    isReplyError: isIORedisReplyError,
    problems: [...ioredisProblems(client.options), ...(subscriber === undefined ? [] : subscriberProblems(ioredisProblems(subscriber.options)))]
  }
}

/**
 * A port over an ioredis `Cluster`. Every key of a cache shares one hash tag, so each call of the store goes to
 * the one master that serves the cache's slot (different caches spread over the masters). A script is run by
 * `EVALSHA` on the key's node, and by `EVAL` there when that node has not got it yet (`SCRIPT LOAD` goes to any
 * node). Waiters are woken through the subscriber connection that the Cluster keeps by itself (on any node: a
 * `PUBLISH` reaches every node), so no second client is needed. The Cluster must be made with
 * `enableOfflineQueue: false`, and `redisOptions` with `maxRetriesPerRequest` 0 or 1 and a `commandTimeout`.
 *
 * @example
 * import { RedisPort } from 'best-simple-cache/redis'
 * import { Cluster } from 'ioredis'
 * import * as assert from 'assert'
 *
 * const nodes = [{ host: '127.0.0.1', port: 7000 }]
 * const cluster = new Cluster(nodes, {
 *   lazyConnect: true,
 *   enableOfflineQueue: false,
 *   redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 250 }
 * })
 * assert.deepStrictEqual(RedisPort.ioredisCluster(cluster).problems, [])
 * assert.deepStrictEqual(
 *   RedisPort.ioredisCluster(new Cluster(nodes, { lazyConnect: true })).problems.map((p) => p.field),
 *   ['enableOfflineQueue', 'redisOptions.maxRetriesPerRequest', 'redisOptions.commandTimeout']
 * )
 *
 * @category constructors
 * @since 0.3.0
 */
export const ioredisCluster = (cluster: IORedisCluster): RedisPort => {
  const side = ioredisSubscriber(cluster)
  return {
    mget: (keys) => cluster.mget(...keys),
    run: scripts(
      (lua) => cluster.script('LOAD', lua) as Promise<string>,
      (sha, keys, args) => cluster.evalsha(sha, keys.length, ...keys, ...args),
      (lua, keys, args) => cluster.eval(lua, keys.length, ...keys, ...args)
    ),
    subscribe: side.subscribe,
    onSubscriber: side.onSubscriber,
    publish: (channel, message) => cluster.publish(channel, message).then(() => undefined),
    isReplyError: isIORedisReplyError,
    problems: ioredisProblems({ enableOfflineQueue: cluster.options.enableOfflineQueue, ...cluster.options.redisOptions }, 'redisOptions.')
  }
}

/**
 * The subscriber connection of an ioredis port. ioredis subscribes again by itself on a new connection, before it
 * says `ready`; the SUBSCRIBE sent on `ready` is answered after that one, so its answer means subscribed (it also
 * subscribes a channel whose first SUBSCRIBE failed, as one sent while the connection was down does).
 */
const ioredisSubscriber = (subscriber: Pick<IORedisClient, 'subscribe' | 'on' | 'status'>): Subscriber => {
  const side = subscriberSide({
    send: (channel) => subscriber.subscribe(channel),
    isUp: () => subscriber.status === 'ready',
    isReplyError: isIORedisReplyError
  })
  subscriber.on('message', side.deliver)
  subscriber.on('close', side.lost)
  subscriber.on('end', side.lost)
  subscriber.on('ready', side.back)
  return side
}

const isNodeRedisReplyError = (e: unknown): boolean => e instanceof Error && e.constructor.name === 'ErrorReply'

const nodeRedisProblems = (client: NodeRedisClient): RedisPort['problems'] => {
  const problems: Array<{ field: string; message: string }> = []
  if (client.options?.disableOfflineQueue !== true) {
    problems.push({ field: 'disableOfflineQueue', message: 'must be true: with an offline queue, calls wait while Redis is down' })
  }
  if (typeof client.options?.socket?.reconnectStrategy !== 'function') {
    problems.push({
      field: 'socket.reconnectStrategy',
      message: 'must be a function that always answers a delay: the default one gives up after a socket timeout, and the client stays closed'
    })
  }
  return problems
}

/**
 * A port over a node-redis client, and optionally a second client for pub/sub (`client.duplicate()`, connected).
 * The clients must be made with `disableOfflineQueue: true` and a `socket.reconnectStrategy` function that always
 * answers a delay (so that the client reconnects after a socket timeout, which the default strategy does not).
 *
 * @example
 * import { RedisPort } from 'best-simple-cache/redis'
 * import { createClient } from 'redis'
 * import * as assert from 'assert'
 *
 * const client = createClient({ disableOfflineQueue: true, socket: { reconnectStrategy: (retries: number) => Math.min(50 * retries, 1000) } })
 * assert.deepStrictEqual(RedisPort.nodeRedis(client).problems, [])
 *
 * @category constructors
 * @since 0.3.0
 */
export const nodeRedis = (client: NodeRedisClient, subscriber?: NodeRedisClient): RedisPort => {
  const side = subscriber === undefined ? undefined : nodeRedisSubscriber(subscriber)
  return {
    mget: (keys) => client.mGet([...keys]),
    run: scripts(
      (lua) => client.scriptLoad(lua),
      (sha, keys, args) => client.evalSha(sha, { keys, arguments: args })
    ),
    subscribe: side?.subscribe,
    onSubscriber: side?.onSubscriber,
    publish: (channel, message) => client.publish(channel, message).then(() => undefined),
    isReplyError: isNodeRedisReplyError,
    problems: [...nodeRedisProblems(client), ...(subscriber === undefined ? [] : subscriberProblems(nodeRedisProblems(subscriber)))]
  }
}

/**
 * The subscriber connection of a node-redis port. node-redis subscribes again by itself on a new connection and
 * says `ready` once that is answered; a SUBSCRIBE of a channel it knows then answers at once, and one it does not
 * know (its first SUBSCRIBE failed) is sent. It says `reconnecting` when the connection is lost (the
 * `reconnectStrategy` it must have always answers a delay) and `end` when it is closed.
 */
const nodeRedisSubscriber = (subscriber: NodeRedisClient): Subscriber => {
  const dispatchers = new Map<string, (message: string) => void>()
  const dispatcher = (channel: string): ((message: string) => void) => {
    const known = dispatchers.get(channel)
    if (known !== undefined) return known
    const made = (message: string): void => side.deliver(channel, message)
    dispatchers.set(channel, made)
    return made
  }
  const side = subscriberSide({
    send: (channel) => subscriber.subscribe(channel, dispatcher(channel)),
    isUp: () => subscriber.isReady,
    isReplyError: isNodeRedisReplyError
  })
  subscriber.on('reconnecting', side.lost)
  subscriber.on('end', side.lost)
  subscriber.on('ready', side.back)
  return side
}
