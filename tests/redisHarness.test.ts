/**
 * The Redis test harness itself (tests/util/redisServer.ts, tcpProxy.ts, respClient.ts): the suite decisions
 * without a binary, then servers that start, stop, crash, restart and pause, and a proxy that forwards, holds and
 * cuts, all against real `redis-server` processes. Nothing here sleeps: waits are on a real server's I/O.
 */
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { RespClient } from './util/respClient'
import { connectResp, encodeCommand, parseReply, respCommand } from './util/respClient'
import type { RedisServer } from './util/redisServer'
import {
  UNAVAILABLE_ENV,
  describeRedis,
  findRedisServer,
  isAlive,
  isRedisRequired,
  redisAvailability,
  redisSuiteMode,
  sharedRedis,
  startServer
} from './util/redisServer'
import { DIST_ENTRY, isDistStale } from './util/builtPackage'
import { redisSuitesToRun } from './util/globalSetup'
import type { TcpProxy } from './util/tcpProxy'
import { startProxy } from './util/tcpProxy'

describe('redisAvailability and the suite decision', () => {
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-no-redis-'))
  const stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-stub-redis-'))
  const stub = path.join(stubDir, 'redis-server')
  fs.writeFileSync(stub, '#!/bin/sh\n', { mode: 0o755 })
  afterAll(() => {
    fs.rmSync(emptyDir, { recursive: true, force: true })
    fs.rmSync(stubDir, { recursive: true, force: true })
  })

  test('without a binary on PATH: not available, with a reason; skipped, or failed when REQUIRE_REDIS=1', () => {
    const availability = redisAvailability({ PATH: emptyDir })
    expect(availability).toEqual({ ok: false, reason: expect.stringContaining('redis-server is not on PATH') })
    expect(findRedisServer({ PATH: emptyDir })).toBeUndefined()
    expect(isRedisRequired({ PATH: emptyDir })).toBe(false)
    expect(isRedisRequired({ REQUIRE_REDIS: '1' })).toBe(true)
    expect(redisSuiteMode(availability, false)).toEqual({ mode: 'skip', reason: expect.stringContaining('not on PATH') })
    expect(redisSuiteMode(availability, true)).toEqual({ mode: 'fail', reason: expect.stringContaining('not on PATH') })
  })

  test('an executable named redis-server on PATH is found, and the suites run', () => {
    const availability = redisAvailability({ PATH: [emptyDir, stubDir].join(path.delimiter) })
    expect(availability).toEqual({ ok: true, binary: stub })
    expect(redisSuiteMode(availability, true)).toEqual({ mode: 'run' })
  })

  test('a file that is not executable is not a binary', () => {
    fs.chmodSync(stub, 0o644)
    try {
      expect(findRedisServer({ PATH: stubDir })).toBeUndefined()
    } finally {
      fs.chmodSync(stub, 0o755)
    }
  })

  test('a shared server that did not start makes the suites report why', () => {
    const env = { PATH: stubDir, [UNAVAILABLE_ENV]: 'the shared redis-server did not start: boom' }
    expect(redisAvailability(env)).toEqual({ ok: false, reason: 'the shared redis-server did not start: boom' })
  })

  test('sharedRedis names the global setup when REDIS_URL is missing', () => {
    expect(() => sharedRedis({})).toThrow(/global setup/)
    expect(sharedRedis({ REDIS_URL: 'redis://127.0.0.1:6390' })).toEqual({ url: 'redis://127.0.0.1:6390', port: 6390 })
  })
})

describe('the global setup', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-setup-'))
  const write = (file: string, text: string, mtime?: Date): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
    if (mtime !== undefined) fs.utimesSync(path.join(root, file), mtime, mtime)
  }
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  test('finds the Redis suites among the files the path patterns select', () => {
    write('tests/a.test.ts', "describeRedis('a', () => {})")
    write('tests/deep/b.test.ts', "describeRedis('b', () => {})")
    write('tests/plain.test.ts', "describe('plain', () => {})")
    write('tests/util/helper.ts', "describeRedis('not a test file', () => {})")
    const tests = path.join(root, 'tests')
    const found = (patterns: Array<string>): Array<string> =>
      redisSuitesToRun([tests], patterns).map((f) => path.relative(tests, f)).sort()
    expect(found([])).toEqual(['a.test.ts', path.join('deep', 'b.test.ts')])
    expect(found(['plain'])).toEqual([])
    expect(found(['DEEP/'])).toEqual([path.join('deep', 'b.test.ts')])
  })

  test('the dist is stale when missing or older than the newest file under lib/', () => {
    write('lib/internal/x.ts', '', new Date(2000, 0, 2))
    expect(isDistStale(root)).toBe(true)
    write(DIST_ENTRY, '', new Date(2000, 0, 3))
    expect(isDistStale(root)).toBe(false)
    write('lib/internal/x.ts', '', new Date(2000, 0, 4))
    expect(isDistStale(root)).toBe(true)
  })
})

describe('the RESP client', () => {
  test('encodes a command as an array of bulk strings', () => {
    expect(encodeCommand(['SET', 'k', 'é', 1]).toString()).toBe('*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n$1\r\n1\r\n')
  })

  test('parses each reply type, and asks for more bytes on a partial one', () => {
    const reply = Buffer.from('*4\r\n+OK\r\n:42\r\n$-1\r\n$5\r\nhe\r\nl\r\n-ERR nope\r\n')
    expect(parseReply(reply, 0)).toEqual({ value: ['OK', 42, null, 'he\r\nl'], next: 30 })
    expect(parseReply(reply, 30)).toEqual({ value: new Error('ERR nope'), next: reply.length })
    for (let end = 1; end < 30; end++) expect(parseReply(reply.subarray(0, end), 0)).toBeUndefined()
  })
})

/** Resolves once `condition` holds, yielding to I/O in between (no timer); fails after `withinMs` of turns. */
const untilTrue = async (condition: () => boolean, withinMs = 2000): Promise<void> => {
  const giveUpAt = performance.now() + withinMs
  while (!condition() && performance.now() < giveUpAt) await new Promise((resolve) => setImmediate(resolve))
  expect(condition()).toBe(true)
}

/** Tracks a promise's settling, so that a test can check a reply has not come yet. */
const tracked = <A>(promise: Promise<A>): { readonly promise: Promise<A>; readonly settled: () => boolean } => {
  let settled = false
  const p = promise.finally(() => {
    settled = true
  })
  return { promise: p, settled: () => settled }
}

const refused = (port: number): Promise<string> =>
  respCommand(port, ['PING']).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code ?? error.message
  )

describeRedis('redis-server harness', () => {
  const servers: Array<RedisServer> = []
  const pids: Array<number> = []
  const start = async (): Promise<RedisServer> => {
    const server = await startServer()
    servers.push(server)
    pids.push(server.pid)
    return server
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    expect(pids.filter(isAlive)).toEqual([])
  })

  test('the shared server of the global setup answers', async () => {
    expect(await respCommand(sharedRedis().port, ['PING'])).toBe('PONG')
  })

  test('start answers PING on a loopback port; stop shuts it down and removes its folder', async () => {
    const server = await startServer()
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`)
    expect(await respCommand(server.port, ['PING'])).toBe('PONG')
    expect(await respCommand(server.port, ['CONFIG', 'GET', 'save'])).toEqual(['save', ''])
    const [, dir] = (await respCommand(server.port, ['CONFIG', 'GET', 'dir'])) as [string, string]
    expect(fs.existsSync(dir)).toBe(true)
    const pid = server.pid
    expect(isAlive(pid)).toBe(true)
    await server.stop()
    expect(isAlive(pid)).toBe(false)
    expect(fs.existsSync(dir)).toBe(false)
    expect(await refused(server.port)).toBe('ECONNREFUSED')
    expect(() => server.pid).toThrow(/not running/)
    await server.stop() // twice is fine
  })

  test('kill is a crash; restart serves the same port again, with no data', async () => {
    const server = await start()
    expect(await respCommand(server.port, ['SET', 'k', 'v'])).toBe('OK')
    const before = server.pid
    await server.kill()
    expect(isAlive(before)).toBe(false)
    expect(await refused(server.port)).toBe('ECONNREFUSED')
    await server.restart()
    pids.push(server.pid)
    expect(server.pid).not.toBe(before)
    expect(await respCommand(server.port, ['PING'])).toBe('PONG')
    expect(await respCommand(server.port, ['GET', 'k'])).toBeNull()
  })

  test('restart of a running server also empties it', async () => {
    const server = await start()
    await respCommand(server.port, ['SET', 'k', 'v'])
    await server.restart()
    pids.push(server.pid)
    expect(await respCommand(server.port, ['GET', 'k'])).toBeNull()
  })

  test('pause makes a GET wait until the pause is over', async () => {
    const server = await start()
    const client = await connectResp(server.port)
    try {
      await client.send('SET', 'k', 'v')
      const pauseMs = 150
      const pausedAt = performance.now()
      await server.pause(pauseMs)
      const value = await client.send('GET', 'k')
      const waited = performance.now() - pausedAt
      expect(value).toBe('v')
      expect(waited).toBeGreaterThanOrEqual(pauseMs - 2) // the server's millisecond clock may round down
    } finally {
      client.close()
    }
  })

  test('stop of a paused server does not wait out the pause', async () => {
    const server = await start()
    const pid = server.pid
    await server.pause(60_000)
    const stoppingAt = performance.now()
    await server.stop()
    expect(isAlive(pid)).toBe(false)
    expect(performance.now() - stoppingAt).toBeLessThan(10_000)
  })

  describe('the TCP proxy', () => {
    let server: RedisServer
    let proxy: TcpProxy
    const clients: Array<RespClient> = []
    const connect = async (): Promise<RespClient> => {
      const client = await connectResp(proxy.port)
      clients.push(client)
      return client
    }
    beforeAll(async () => {
      server = await start()
    })
    beforeEach(async () => {
      proxy = await startProxy(server.port)
    })
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close()
      await proxy.close()
    })

    test('forwards commands and replies', async () => {
      const client = await connect()
      expect(await client.send('SET', 'p', 'forwarded')).toBe('OK')
      expect(await respCommand(server.port, ['GET', 'p'])).toBe('forwarded')
      expect(await client.send('GET', 'p')).toBe('forwarded')
    })

    test('hold keeps a command from the server until heal, then it is answered', async () => {
      const client = await connect()
      await client.send('SET', 'h', 'before')
      proxy.hold()
      const get = tracked(client.send('GET', 'h'))
      await untilTrue(() => proxy.heldBytes() > 0)
      // the server is up and answers directly, meanwhile; the held GET has not reached it
      expect(await respCommand(server.port, ['SET', 'h', 'after'])).toBe('OK')
      expect(get.settled()).toBe(false)
      expect(proxy.connections()).toBe(1)
      proxy.heal()
      expect(await get.promise).toBe('after')
      expect(proxy.heldBytes()).toBe(0)
    })

    test('hold keeps the server side bytes from the client too', async () => {
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1' })
      let received = ''
      socket.on('data', (chunk) => (received += chunk.toString()))
      try {
        socket.write(encodeCommand(['SUBSCRIBE', 'ch']))
        await untilTrue(() => received.includes('subscribe'))
        proxy.hold()
        expect(await respCommand(server.port, ['PUBLISH', 'ch', 'held message'])).toBe(1)
        await untilTrue(() => proxy.heldBytes() > 0)
        expect(received).not.toContain('held message')
        proxy.heal()
        await untilTrue(() => received.includes('held message'))
      } finally {
        socket.destroy()
      }
    })

    test('cut closes the client side and fails what was waiting; new connections still work', async () => {
      const client = await connect()
      await client.send('PING')
      proxy.hold()
      const get = tracked(client.send('GET', 'c'))
      await untilTrue(() => proxy.heldBytes() > 0)
      const failed = expect(get.promise).rejects.toThrow('connection closed')
      const closed = new Promise((resolve) => client.socket.once('close', resolve))
      proxy.cut()
      await closed
      await failed
      expect(proxy.connections()).toBe(0)
      proxy.heal()
      expect(await (await connect()).send('PING')).toBe('PONG')
    })

    test('a close from the client reaches the server', async () => {
      const client = await connect()
      await client.send('CLIENT', 'SETNAME', 'closing')
      const named = async (): Promise<boolean> =>
        String(await respCommand(server.port, ['CLIENT', 'LIST'])).includes('name=closing')
      expect(await named()).toBe(true)
      client.close()
      await untilTrue(() => proxy.connections() === 0)
      expect(await named()).toBe(false)
    })

    test('close stops listening', async () => {
      const port = proxy.port
      await proxy.close()
      expect(await refused(port)).toBe('ECONNREFUSED')
      proxy = await startProxy(server.port) // for afterEach
    })
  })
})
