/**
 * A throwaway `redis-server` for the R rows: Debian's binary, daemonized on a free loopback port, with no
 * persistence and its files in a temporary folder of its own. It is stopped when the measure closes, and, as a
 * safety net, when the process exits for any reason (an error, `process.exit`, SIGINT or SIGTERM), so a failed
 * run leaves no server behind.
 */
import { spawnSync } from 'child_process'
import * as fs from 'fs'
import * as net from 'net'
import * as os from 'os'
import * as path from 'path'

export interface RedisServer {
  readonly port: number
  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and removes its folder; safe to call twice. */
  readonly stop: () => Promise<void>
}

/** The `redis-server` binary on PATH, or why there is none. */
export const findRedisServer = (): { readonly binary: string } | { readonly reason: string } => {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const file = path.join(dir, 'redis-server')
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return { binary: file }
    } catch {
      // not here
    }
  }
  return { reason: 'redis-server is not on PATH (Debian: apt-get install -y redis-server)' }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })

/** Whether the server on `port` answers PING (one raw RESP command, no client library). */
const pings = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(200, () => done(false))
    socket.once('error', () => done(false))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.once('connect', () => socket.write('PING\r\n'))
  })

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const pidIn = (file: string): number | undefined => {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Servers not stopped yet, by folder: what the exit hook stops. */
const running = new Map<string, { pidFile: string }>()

/** Synchronous, for the exit hook: SIGKILL the server (no data to keep) and remove its folder. */
const killNow = (dir: string, pidFile: string): void => {
  const pid = pidIn(pidFile)
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
  running.delete(dir)
}

let hooked = false
const hookExit = (): void => {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const [dir, { pidFile }] of running) killNow(dir, pidFile)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const [dir, { pidFile }] of running) killNow(dir, pidFile)
      process.kill(process.pid, signal)
    })
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `ok` every 10 ms until it holds or `ms` have passed. */
const waitFor = async (ok: () => boolean | Promise<boolean>, ms: number): Promise<boolean> => {
  const until = Date.now() + ms
  for (;;) {
    if (await ok()) return true
    if (Date.now() >= until) return false
    await sleep(10)
  }
}

/** Starts a server and waits (at most 2 s) until it answers PING. */
export const startRedisServer = async (binary: string): Promise<RedisServer> => {
  hookExit()
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'best-simple-cache-bench-redis-'))
  const pidFile = path.join(dir, 'redis.pid')
  running.set(dir, { pidFile })
  // with --daemonize yes, the process we spawn exits once the server has forked
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'yes']
  const started = spawnSync(binary, [...args, '--dir', dir, '--pidfile', pidFile, '--logfile', path.join(dir, 'redis.log')], {
    stdio: 'ignore',
    timeout: 5_000
  })
  if (started.status !== 0 || !(await waitFor(() => pings(port), 2_000))) {
    killNow(dir, pidFile)
    throw new Error(`redis-server did not start on port ${port} (exit status ${started.status})`)
  }
  const stop = async (): Promise<void> => {
    if (!running.has(dir)) return
    const pid = pidIn(pidFile)
    if (pid !== undefined && alive(pid)) {
      process.kill(pid, 'SIGTERM')
      await waitFor(() => !alive(pid), 2_000)
    }
    killNow(dir, pidFile)
  }
  return { port, stop }
}
