/**
 * The Redis bus (issue 10) on real servers: two buses hear each other and never themselves; the subscription's
 * resets after `CLIENT KILL TYPE pubsub` and after a server restart, through both adapters; a publish while Redis
 * is away answers within the deadline; and the delivery latency between two processes (a child running the built
 * package answers pings on the bus; the parent times each round trip on its own clock).
 *
 * Tests wait for what the bus tells (a reset, a message), never for time to pass. The figures are printed; the
 * tests assert only bounds far from them (a shared machine is noisy).
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import * as E from 'fp-ts/Either'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import type { Bus, Listener, Message } from '../../lib/Bus'
import * as Clock from '../../lib/Clock'
import { RedisBus, RedisPort } from '../../lib/redis'
import type { RedisBusOptions } from '../../lib/RedisBus'
import { builtEntry } from '../util/builtPackage'
import { clients } from '../util/redisClients'
import { describeRedis, freePort, sharedRedis, startServer } from '../util/redisServer'
import type { RedisServer } from '../util/redisServer'
import { connectResp, respCommand } from '../util/respClient'

const ROOT = path.join(__dirname, '..', '..')
const quantile = (xs: ReadonlyArray<number>, q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}
const ms = (x: number): string => `${x.toFixed(2)} ms`

let channels = 0
/** A channel no other bus of this test run uses. */
const freshChannel = (): string => `bsc:test:${process.pid}.${++channels}:bus`

// -------------------------------------------------------------------------------------
// buses and what their listeners hear
// -------------------------------------------------------------------------------------

type Heard =
  | { readonly kind: 'message'; readonly message: Message; readonly at: number }
  | { readonly kind: 'reset'; readonly subscribed: boolean; readonly at: number; readonly busSaid: boolean }

/** A listener that keeps what it hears, and waits for what it has not heard yet. */
const recorder = (bus: Bus) => {
  const heard: Array<Heard> = []
  const waiting: Array<{ readonly from: number; readonly test: (h: Heard) => boolean; readonly resolve: (h: Heard) => void }> = []
  const push = (h: Heard): void => {
    heard.push(h)
    for (const w of [...waiting]) {
      if (w.test(h)) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve(h)
      }
    }
  }
  const listener: Listener = {
    message: (message) => push({ kind: 'message', message, at: performance.now() }),
    reset: (subscribed) => push({ kind: 'reset', subscribed, at: performance.now(), busSaid: bus.subscribed() })
  }
  /** The first thing heard from index `from` on that passes `test` (what is heard later included). */
  const until = (test: (h: Heard) => boolean, from = 0, what = 'an event'): Promise<Heard> => {
    const found = heard.slice(from).find(test)
    if (found !== undefined) return Promise.resolve(found)
    return new Promise<Heard>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not heard within 5 s: ${what}; heard ${JSON.stringify(heard)}`)), 5000)
      waiting.push({ from, test, resolve: (h) => (clearTimeout(timer), resolve(h)) })
    })
  }
  return {
    listener,
    heard,
    messages: (): ReadonlyArray<Message> => heard.flatMap((h) => (h.kind === 'message' ? [h.message] : [])),
    resets: (): ReadonlyArray<boolean> => heard.flatMap((h) => (h.kind === 'reset' ? [h.subscribed] : [])),
    mark: (): number => heard.length,
    reset: (subscribed: boolean, from = 0) => until((h) => h.kind === 'reset' && h.subscribed === subscribed, from, `reset(${subscribed})`),
    message: (test: (m: Message) => boolean, from = 0) => until((h) => h.kind === 'message' && test(h.message), from, 'a message')
  }
}

const made = (options: RedisBusOptions): Bus => {
  const bus = RedisBus.make(options)
  if (E.isLeft(bus)) throw new Error(`RedisBus.make: ${JSON.stringify(bus.left)}`)
  return bus.right
}

interface OpenBus {
  readonly bus: Bus
  /** Publishes on the channel with the bus's client, bypassing the bus (a line of anyone's). */
  readonly raw: (line: string) => Promise<unknown>
  readonly close: () => Promise<void>
}

const ioredisBus = async (port: number, options: Partial<RedisBusOptions> = {}, wait = true): Promise<OpenBus> => {
  const c = await clients(port, wait)
  const bus = made({ port: c.port, ...options })
  return { bus, raw: (line) => c.client.publish(options.channel ?? 'bsc:bus', line), close: async () => c.close() }
}

const nodeRedisBus = async (port: number, options: Partial<RedisBusOptions> = {}, wait = true): Promise<OpenBus> => {
  const clientOptions = {
    url: `redis://127.0.0.1:${port}`,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(10 * retries, 100) }
  }
  const client = createClient(clientOptions)
  const subscriber = createClient(clientOptions)
  client.on('error', () => undefined)
  subscriber.on('error', () => undefined)
  const connecting = Promise.all([client.connect(), subscriber.connect()])
  if (wait) await connecting
  else connecting.catch(() => undefined) // closed before it ever connected
  const bus = made({ port: RedisPort.nodeRedis(client as never, subscriber as never), ...options })
  return {
    bus,
    raw: (line) => client.publish(options.channel ?? 'bsc:bus', line),
    close: async () => {
      client.destroy()
      subscriber.destroy()
    }
  }
}

const adapters = [
  ['ioredis', ioredisBus],
  ['node-redis', nodeRedisBus]
] as const

/** Subscribes a recorder and resolves once the bus is subscribed. */
const listening = async (bus: Bus) => {
  const r = recorder(bus)
  bus.subscribe(r.listener)
  await r.reset(true)
  return r
}

const invalidated = (cache: string, keys: ReadonlyArray<string>): Message => ({ _tag: 'Invalidated', cache, keys })
const isKey = (key: string) => (m: Message) => m._tag === 'Invalidated' && m.keys.includes(key)

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('RedisBus.make: options', () => {
  const lazy = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250 }
  const fieldsOf = (options: RedisBusOptions): ReadonlyArray<string> => {
    const bus = RedisBus.make(options)
    return E.isLeft(bus) && bus.left._tag === 'InvalidConfig' ? bus.left.fields.map((f) => f.field) : []
  }

  it('names each bad option', () => {
    const client = new Redis(lazy)
    const port = RedisPort.ioredis(client, client.duplicate())
    expect(E.isRight(RedisBus.make({ port }))).toBe(true)
    expect(fieldsOf({ port: RedisPort.ioredis(client) })).toEqual(['port']) // no subscriber connection
    expect(fieldsOf({ port: {} as never })).toEqual(['port'])
    expect(fieldsOf({ port: RedisPort.ioredis(new Redis({ lazyConnect: true }), client) })).toEqual([
      'port.enableOfflineQueue',
      'port.maxRetriesPerRequest',
      'port.commandTimeout'
    ])
    expect(fieldsOf({ port, channel: '', origin: 7 as never, deadline: Infinity, clock: { now: () => 0 } })).toEqual([
      'channel',
      'origin',
      'deadline',
      'clock'
    ])
  })
})

describeRedis('RedisBus on the shared server', () => {
  let a: OpenBus
  let b: OpenBus
  let channel: string
  beforeEach(async () => {
    channel = freshChannel()
    a = await ioredisBus(sharedRedis().port, { channel, origin: 'a' })
    b = await ioredisBus(sharedRedis().port, { channel, origin: 'b' })
  })
  afterEach(async () => {
    await a.close()
    await b.close()
  })

  it('two buses hear each other, never themselves; every kind of message round-trips', async () => {
    const [ra, rb] = await Promise.all([listening(a.bus), listening(b.bus)])
    expect([a.bus.subscribed(), b.bus.subscribed()]).toEqual([true, true])
    const sent: ReadonlyArray<Message> = [
      invalidated('users', ['42', 'a "quoted" key', '']),
      { _tag: 'TagsInvalidated', cache: 'users', tags: ['team:7', 'prefix:u'] },
      { _tag: 'Cleared', cache: 'orders' }
    ]
    for (const m of sent) expect(await a.bus.publish(m)()).toEqual(E.right(undefined))
    await rb.message((m) => m._tag === 'Cleared')
    expect(rb.messages()).toEqual(sent)

    expect(await b.bus.publish(invalidated('users', ['from b']))()).toEqual(E.right(undefined))
    await ra.message(isKey('from b'))
    // a's own three came to its subscriber before b's (one server, in order): it skipped them
    expect(ra.messages()).toEqual([invalidated('users', ['from b'])])
    expect(rb.messages()).toEqual(sent)
    expect([ra.resets(), rb.resets()]).toEqual([[true], [true]])
  })

  it('two buses of one process on one port, with their default origins, hear each other', async () => {
    const c = await clients(sharedRedis().port)
    try {
      const [x, y] = [made({ port: c.port, channel }), made({ port: c.port, channel })]
      const [rx, ry] = await Promise.all([listening(x), listening(y)])
      await x.publish(invalidated('users', ['from x']))()
      await y.publish(invalidated('users', ['from y']))()
      await Promise.all([rx.message(isKey('from y')), ry.message(isKey('from x'))])
      // one subscriber connection: each line went to both buses at once, so each has seen both lines by now
      expect([rx.messages(), ry.messages()]).toEqual([[invalidated('users', ['from y'])], [invalidated('users', ['from x'])]])
    } finally {
      c.close()
    }
  })

  it('a line that is not a message is skipped', async () => {
    const ra = await listening(a.bus)
    for (const line of ['garbage', '[]', '["x","?","users",[]]', '["x","i","users",[1]]', '{"origin":"x"}']) await b.raw(line)
    await b.bus.publish(invalidated('users', ['after']))()
    await ra.message(isKey('after'))
    expect(ra.messages()).toEqual([invalidated('users', ['after'])])
  })

  it('an unsubscribed listener hears nothing more; a throwing listener stops no other', async () => {
    const first = await listening(a.bus)
    const second = recorder(a.bus)
    const throwing: Listener = {
      message: () => {
        throw new Error('listener failed')
      },
      reset: () => undefined
    }
    const unsubscribe = a.bus.subscribe(throwing)
    a.bus.subscribe(second.listener)
    await b.bus.publish(invalidated('users', ['1']))()
    await Promise.all([first.message(isKey('1')), second.message(isKey('1'))])
    unsubscribe()
    const stop = a.bus.subscribe({ message: () => undefined, reset: () => undefined })
    stop()
    const firstCount = first.messages().length
    await b.bus.publish(invalidated('users', ['2']))()
    await Promise.all([first.message(isKey('2')), second.message(isKey('2'))])
    expect(first.messages().length).toBe(firstCount + 1)
    expect(second.messages()).toEqual([invalidated('users', ['1']), invalidated('users', ['2'])])
  })
})

describeRedis('RedisBus when its subscriber connection is lost', () => {
  let server: RedisServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(() => server.stop())

  /** How many subscribers the server has on `channel` now. */
  const subscribers = async (channel: string): Promise<number> => {
    const reply = await respCommand(server.port, ['PUBSUB', 'NUMSUB', channel])
    return Array.isArray(reply) ? Number(reply[1]) : NaN
  }

  it.each(adapters)('%s: CLIENT KILL TYPE pubsub: reset(false), then reset(true) once subscribed again; messages flow after', async (name, open) => {
    const channel = freshChannel()
    const a = await open(server.port, { channel, origin: 'a' })
    const b = await ioredisBus(server.port, { channel, origin: 'b' }) // publishes only: it never subscribes
    try {
      const r = await listening(a.bus)
      const from = r.mark()
      const killedAt = performance.now()
      await respCommand(server.port, ['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      const lost = await r.reset(false, from)
      const back = await r.reset(true, from)
      expect(await subscribers(channel)).toBe(1) // true came after the SUBSCRIBE was answered
      expect(r.resets()).toEqual([true, false, true])
      expect([lost, back].map((h) => h.kind === 'reset' && h.busSaid)).toEqual([false, true]) // subscribed() follows
      expect(a.bus.subscribed()).toBe(true)
      await b.bus.publish(invalidated('users', ['after']))()
      await r.message(isKey('after'))
      console.log(
        `bus ${name}, CLIENT KILL TYPE pubsub: reset(false) ${ms(lost.at - killedAt)} after the kill, ` +
          `reset(true) ${ms(back.at - killedAt)} after it (subscribed again)`
      )
    } finally {
      await a.close()
      await b.close()
    }
  })

  // RESP2 and no ready check: ioredis says ready as soon as it is connected, before any answer from the server
  it.each([
    ['its own resubscribe answered within the command timeout', 300, { commandTimeout: 1000 }],
    ['no resubscribe of its own, and a SUBSCRIBE that times out (sent again)', 400, { autoResubscribe: false }]
  ] as const)('ioredis says ready at once, %s: reset(true) waits for the SUBSCRIBE to be answered', async (_, pause, extra) => {
    const channel = freshChannel()
    const c = await clients(server.port, true, { enableReadyCheck: false, protocol: 2, ...extra })
    try {
      const r = await listening(made({ port: c.port, channel }))
      const from = r.mark()
      const readyAgain = new Promise<number>((resolve) => c.subscriber.once('ready', () => resolve(performance.now())))
      const admin = await connectResp(server.port)
      const killedAt = performance.now()
      // back to back on one connection: the subscriber reconnects at once, and its SUBSCRIBE waits out the pause
      await Promise.all([admin.send('CLIENT', 'KILL', 'TYPE', 'pubsub'), admin.send('CLIENT', 'PAUSE', pause, 'ALL')])
      admin.close()
      await r.reset(false, from)
      const back = await r.reset(true, from)
      const ready = await readyAgain
      console.log(
        `bus ioredis (RESP2, no ready check${'autoResubscribe' in extra ? ', no autoResubscribe' : ''}), CLIENT KILL then CLIENT PAUSE ${pause}: ` +
          `'ready' ${ms(ready - killedAt)} after the kill, reset(true) ${ms(back.at - killedAt)} after it`
      )
      expect(back.at - killedAt).toBeGreaterThanOrEqual(pause - 10) // the answer came after the pause (ready, before it)
      expect(await subscribers(channel)).toBe(1)
    } finally {
      c.close()
    }
  })

  it.each(adapters)('%s: server killed and restarted: reset(false), reset(true) after the restart, also to a listener that came meanwhile', async (name, open) => {
    const channel = freshChannel()
    const a = await open(server.port, { channel, origin: 'a' })
    try {
      const r = await listening(a.bus)
      const killedAt = performance.now()
      await server.kill()
      const lost = await r.reset(false)
      expect(a.bus.subscribed()).toBe(false)
      const late = recorder(a.bus) // subscribed while the bus is down
      a.bus.subscribe(late.listener)
      const restartAt = performance.now()
      await server.restart()
      const up = performance.now()
      const back = await r.reset(true, 2)
      await late.reset(true)
      expect(late.resets()).toEqual([true])
      expect(r.resets()).toEqual([true, false, true])
      expect(await subscribers(channel)).toBe(1)
      const b = await ioredisBus(server.port, { channel, origin: 'b' })
      try {
        await b.bus.publish(invalidated('users', ['after']))()
        await Promise.all([r.message(isKey('after')), late.message(isKey('after'))])
      } finally {
        await b.close()
      }
      console.log(
        `bus ${name}, server SIGKILLed: reset(false) ${ms(lost.at - killedAt)} after the kill; restart took ` +
          `${ms(up - restartAt)}; reset(true) ${ms(back.at - up)} after the server answered PING`
      )
    } finally {
      await a.close()
    }
  })
})

describeRedis('RedisBus publish while Redis is away', () => {
  it.each([
    ['nothing listening', 'ioredis'],
    ['nothing listening', 'node-redis']
  ] as const)('%s (%s): a Left at once, never a rejection', async (_, adapter) => {
    const port = await freePort()
    const bus = adapter === 'ioredis' ? await ioredisBus(port, {}, false) : await nodeRedisBus(port, {}, false)
    try {
      const started = performance.now()
      const r = await bus.bus.publish(invalidated('users', ['1']))()
      const took = performance.now() - started
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'StoreUnavailable', operation: 'publish', reason: 'Disconnected' })
      expect(took).toBeLessThan(250)
      console.log(`bus ${adapter}, nothing listening: publish answered ${r._tag} ${(E.isLeft(r) && r.left._tag) || ''} in ${ms(took)}`)
    } finally {
      await bus.close()
    }
  })

  it('a paused server: the publish answers StoreTimeout when the injected clock reaches the deadline', async () => {
    const server = await startServer()
    const clock = Clock.manual()
    const a = await ioredisBus(server.port, { deadline: 100, clock })
    try {
      await server.pause(1000)
      let answer: E.Either<unknown, void> | undefined
      const publishing = a.bus.publish(invalidated('users', ['1']))().then((r) => (answer = r))
      await new Promise((resolve) => setImmediate(resolve))
      expect(answer).toBeUndefined() // the server holds it
      clock.advance(99)()
      await Promise.resolve()
      expect(answer).toBeUndefined()
      clock.advance(1)()
      await publishing
      expect(answer !== undefined && E.isLeft(answer) && answer.left).toEqual({ _tag: 'StoreTimeout', operation: 'publish', ms: 100 })
    } finally {
      await a.close()
      await server.stop()
    }
  })
})

// -------------------------------------------------------------------------------------
// two processes
// -------------------------------------------------------------------------------------

/** The worker of the latency test: a child process that answers pings on the bus (busWorker.cjs). */
const pinger = async (port: number, channel: string): Promise<{ readonly child: ChildProcess; readonly stop: () => Promise<void> }> => {
  const config = { redis: builtEntry(ROOT), port, channel }
  const child = fork(path.join(__dirname, 'busWorker.cjs'), [JSON.stringify(config)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    void exited.then(() => reject(new Error(`the bus worker exited (${child.exitCode ?? child.signalCode})`)))
  })
  const stop = async (): Promise<void> => {
    if (child.connected) child.send({ close: true })
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000)
    await exited
    clearTimeout(timer)
  }
  return { child, stop }
}

describeRedis('RedisBus between two processes (built package, a child process)', () => {
  it('delivery latency: round trips of ping and pong on the bus, timed on one clock', async () => {
    const channel = freshChannel()
    const worker = await pinger(sharedRedis().port, channel)
    const a = await ioredisBus(sharedRedis().port, { channel, origin: 'parent' })
    try {
      const r = await listening(a.bus)
      const N = 300
      const WARMUP = 20
      const trips: Array<number> = []
      for (let i = 0; i < WARMUP + N; i++) {
        const key = String(i)
        const from = r.mark()
        const started = process.hrtime.bigint()
        const sent = await a.bus.publish(invalidated('ping', [key]))()
        expect(E.isRight(sent)).toBe(true)
        await r.message((m) => m._tag === 'Invalidated' && m.cache === 'pong' && m.keys[0] === key, from)
        if (i >= WARMUP) trips.push(Number(process.hrtime.bigint() - started) / 1e6)
      }
      const [p50, p99] = [quantile(trips, 0.5), quantile(trips, 0.99)]
      console.log(
        `bus latency between two processes (ioredis, ${N} ping-pong round trips): round trip p50 ${ms(p50)}, p99 ${ms(p99)}, ` +
          `max ${ms(Math.max(...trips))}; one way (half a round trip) p50 ${ms(p50 / 2)}, p99 ${ms(p99 / 2)}`
      )
      expect(trips).toHaveLength(N)
      expect(p99).toBeLessThan(250) // generous: two deliveries and two publishes on a shared machine
    } finally {
      await a.close()
      await worker.stop()
    }
  })
})
