/**
 * Real `redis-server` processes for the Redis suites: find the binary, decide whether a suite runs, skips or fails,
 * and start throwaway servers on free loopback ports (no persistence, data in a temporary folder removed on stop).
 *
 * - `describeRedis(name, fn)` runs a suite when the binary is there; without it the suite is skipped with the
 *   reason in its name and a warning, or fails with that reason when `REQUIRE_REDIS=1` (CI sets it).
 * - `startServer()` starts a server of a test's own (fault tests kill, restart and pause theirs); suites that only
 *   need a plain server use the shared one the jest global setup started: `sharedRedis()`.
 *
 * The harness talks to servers with its own tiny RESP client (`respClient.ts`), so it never depends on the
 * behaviour of the clients under test.
 */
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawn } from 'node:child_process'
import { respCommand } from './respClient'

// -------------------------------------------------------------------------------------
// availability
// -------------------------------------------------------------------------------------

export type RedisAvailability = { readonly ok: true; readonly binary: string } | { readonly ok: false; readonly reason: string }

/** Set by the global setup when the shared server could not start: every Redis suite then reports this reason. */
export const UNAVAILABLE_ENV = 'REDIS_UNAVAILABLE'

/** The executable `name` on `env.PATH`, or `undefined`. */
export const findExecutable = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  (env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, name))
    .find(isExecutable)

/** The `redis-server` binary on `env.PATH`, or `undefined`. */
export const findRedisServer = (env: NodeJS.ProcessEnv = process.env): string | undefined => findExecutable('redis-server', env)

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** Whether Redis suites can run here, and why not. */
export const redisAvailability = (env: NodeJS.ProcessEnv = process.env): RedisAvailability => {
  const binary = findRedisServer(env)
  if (binary === undefined) {
    return { ok: false, reason: 'redis-server is not on PATH (Debian: apt-get install -y redis-server)' }
  }
  const setupFailure = env[UNAVAILABLE_ENV]
  return setupFailure === undefined || setupFailure === '' ? { ok: true, binary } : { ok: false, reason: setupFailure }
}

/** `REQUIRE_REDIS=1` turns a skipped Redis suite into a failed one. */
export const isRedisRequired = (env: NodeJS.ProcessEnv = process.env): boolean => env['REQUIRE_REDIS'] === '1'

export type RedisSuiteMode =
  | { readonly mode: 'run' }
  | { readonly mode: 'skip'; readonly reason: string }
  | { readonly mode: 'fail'; readonly reason: string }

/** What a Redis suite does given the availability and `REQUIRE_REDIS`. */
export const redisSuiteMode = (availability: RedisAvailability, required: boolean): RedisSuiteMode =>
  availability.ok ? { mode: 'run' } : { mode: required ? 'fail' : 'skip', reason: availability.reason }

/**
 * `describe` for a suite that needs a real server: runs it, skips it with the reason in its name (and a
 * warning), or, with `REQUIRE_REDIS=1`, replaces it with one failing test that states the reason.
 */
export const describeRedis = (name: string, fn: () => void, env: NodeJS.ProcessEnv = process.env): void =>
  describeNeeding(redisAvailability(env), name, fn, env)

/** `describeRedis` for a suite that needs more than `redis-server` (the cluster suites: `redis-cli` too). */
export const describeNeeding = (availability: RedisAvailability, name: string, fn: () => void, env: NodeJS.ProcessEnv = process.env): void => {
  const suite = redisSuiteMode(availability, isRedisRequired(env))
  switch (suite.mode) {
    case 'run':
      return describe(name, fn)
    case 'skip':
      console.warn(`${name}: skipped, ${suite.reason} (REQUIRE_REDIS=1 makes this a failure)`)
      return describe.skip(`${name} (skipped: ${suite.reason})`, fn)
    case 'fail':
      return describe(name, () => {
        test('a redis-server is available (REQUIRE_REDIS=1)', () => {
          throw new Error(`REQUIRE_REDIS=1 and ${suite.reason}`)
        })
      })
  }
}

/** The shared server the jest global setup started (`REDIS_URL`); throws when there is none. */
export const sharedRedis = (env: NodeJS.ProcessEnv = process.env): { readonly url: string; readonly port: number } => {
  const url = env['REDIS_URL']
  if (url === undefined || url === '') {
    throw new Error('REDIS_URL is not set: the jest global setup (tests/util/globalSetup.ts) starts the shared server')
  }
  return { url, port: Number(new URL(url).port) }
}

// -------------------------------------------------------------------------------------
// servers
// -------------------------------------------------------------------------------------

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** The process id of the server now running (it changes on `restart`). */
  readonly pid: number
  /** `SHUTDOWN NOSAVE`, SIGKILL when it hangs or is still alive after 2 s; removes the temporary folder. Safe to call twice. */
  readonly stop: () => Promise<void>
  /** SIGKILL, as a crash; resolves when the process is gone. `restart` brings it back. */
  readonly kill: () => Promise<void>
  /** Stops the server if it runs and starts a new one on the same port, with no data. */
  readonly restart: () => Promise<void>
  /** `CLIENT PAUSE <ms> ALL` from a connection of its own: every client's commands wait `ms`. */
  readonly pause: (ms: number) => Promise<void>
}

export interface StartOptions {
  /** Defaults to `findRedisServer()`. */
  readonly binary?: string
  /** Defaults to a free loopback port. */
  readonly port?: number
  /** More `redis-server` arguments, e.g. `['--maxmemory', '1mb']`. */
  readonly args?: ReadonlyArray<string>
}

/** How long a server has to answer PING after it was launched. */
const READY_WITHIN_MS = 2000
/** How long `stop` waits for SHUTDOWN before it sends SIGKILL. */
const EXIT_WITHIN_MS = 2000
/** How long SHUTDOWN may go unanswered (a paused server never answers) before `stop` sends SIGKILL. */
const SHUTDOWN_REPLY_MS = 500
/** Tries with another free port when another process took the one picked. */
const PORT_ATTEMPTS = 3

/** Starts a server; resolves once it answers PING. */
export const startServer = async (options: StartOptions = {}): Promise<RedisServer> => {
  const binary = options.binary ?? findRedisServer()
  if (binary === undefined) throw new Error('redis-server is not on PATH')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-redis-'))
  const launch = (port: number): Promise<number> => launchServer(binary, port, dir, options.args ?? [])
  try {
    const { port, pid } = await launchOnPort(launch, options.port)
    return serverHandle(port, pid, dir, launch)
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

const launchOnPort = async (
  launch: (port: number) => Promise<number>,
  fixedPort: number | undefined
): Promise<{ port: number; pid: number }> => {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort())
    try {
      return { port, pid: await launch(port) }
    } catch (error) {
      const taken = error instanceof Error && /already in use/i.test(error.message)
      if (!taken || fixedPort !== undefined || attempt >= PORT_ATTEMPTS) throw error
    }
  }
}

const serverHandle = (
  port: number,
  firstPid: number,
  dir: string,
  launch: (port: number) => Promise<number>
): RedisServer => {
  let pid: number | undefined = firstPid
  let untrack = trackUntilExit(firstPid)
  const terminate = async (how: 'shutdown' | 'kill'): Promise<void> => {
    if (pid === undefined) return
    const running = pid
    pid = undefined
    if (how === 'shutdown') await shutdown(port, running)
    else await killAndWait(running)
    untrack()
  }
  let stopped = false
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      if (pid === undefined) throw new Error(`the redis-server on port ${port} is not running`)
      return pid
    },
    stop: async () => {
      await terminate('shutdown')
      if (!stopped) fs.rmSync(dir, { recursive: true, force: true })
      stopped = true
    },
    kill: () => terminate('kill'),
    restart: async () => {
      if (stopped) throw new Error('restart after stop: start a new server instead')
      await terminate('shutdown')
      const started = await launch(port)
      pid = started
      untrack = trackUntilExit(started)
    },
    pause: async (ms) => {
      await respCommand(port, ['CLIENT', 'PAUSE', ms, 'ALL'])
    }
  }
}

/** A loopback port nothing listens on now (bound to port 0, then released). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })

/** Launches a daemonized server on `port` and resolves with its pid once it answers PING. */
const launchServer = async (binary: string, port: number, dir: string, args: ReadonlyArray<string>): Promise<number> => {
  const pidfile = path.join(dir, `redis-${port}.pid`)
  const logfile = path.join(dir, `redis-${port}.log`)
  fs.rmSync(pidfile, { force: true })
  fs.writeFileSync(logfile, '')
  const argv = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'yes',
    '--pidfile', pidfile,
    '--logfile', logfile,
    '--dir', dir,
    ...args
  ] // prettier-ignore
  const code = await exitCode(spawn(binary, argv, { stdio: 'ignore' }))
  if (code !== 0) throw new Error(`redis-server exited with ${code}: ${tail(logfile)}`)
  return awaitReady(port, pidfile, logfile)
}

const exitCode = (child: ReturnType<typeof spawn>): Promise<number | string> =>
  new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })

/** Polls PING (this is I/O on a real server, not a sleep in a test) until it answers or READY_WITHIN_MS passes. */
const awaitReady = async (port: number, pidfile: string, logfile: string): Promise<number> => {
  const giveUpAt = Date.now() + READY_WITHIN_MS
  let lastError = 'no answer'
  while (Date.now() < giveUpAt) {
    const failure = /already in use|# Fatal|# Failed|FATAL/i.exec(tail(logfile))
    if (failure !== null) throw new Error(`redis-server on port ${port} failed: ${tail(logfile)}`)
    const pid = readPid(pidfile)
    if (pid !== undefined) {
      try {
        if ((await respCommand(port, ['PING'], { timeout: 200 })) === 'PONG') return pid
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error)
      }
    }
    await pollInterval()
  }
  const pid = readPid(pidfile)
  if (pid !== undefined) await killAndWait(pid)
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_WITHIN_MS} ms (${lastError}): ${tail(logfile)}`)
}

const pollInterval = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))

const readPid = (pidfile: string): number | undefined => {
  try {
    const pid = Number(fs.readFileSync(pidfile, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

const tail = (logfile: string): string => {
  try {
    return fs.readFileSync(logfile, 'utf8').trim().split('\n').slice(-3).join(' | ')
  } catch {
    return '(no log)'
  }
}

// -------------------------------------------------------------------------------------
// processes
// -------------------------------------------------------------------------------------

/**
 * Whether `pid` runs. A zombie whose threads have all exited counts as gone: nothing here reaps a daemon (it was
 * adopted by init), but its sockets are closed. A zombie main thread whose other threads still exit does not.
 */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.charAt(stat.lastIndexOf(')') + 2)
    return state !== 'Z' || fs.readdirSync(`/proc/${pid}/task`).length > 1
  } catch {
    return true // no procfs: trust kill(0)
  }
}

const waitExit = async (pid: number, withinMs: number): Promise<boolean> => {
  const giveUpAt = Date.now() + withinMs
  while (isAlive(pid)) {
    if (Date.now() >= giveUpAt) return false
    await pollInterval()
  }
  return true
}

const killAndWait = async (pid: number): Promise<void> => {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return // already gone
  }
  if (!(await waitExit(pid, EXIT_WITHIN_MS))) throw new Error(`redis-server ${pid} survived SIGKILL`)
}

/** `SHUTDOWN NOSAVE`, then SIGKILL if the server is still alive after EXIT_WITHIN_MS. */
const shutdown = async (port: number, pid: number): Promise<void> => {
  // the server closes the connection instead of answering; no reply at all means it is paused or hung
  const hung = await respCommand(port, ['SHUTDOWN', 'NOSAVE'], { timeout: SHUTDOWN_REPLY_MS }).then(
    () => false,
    (error: Error) => /no reply within/.test(error.message)
  )
  if (hung || !(await waitExit(pid, EXIT_WITHIN_MS))) await killAndWait(pid)
}

/** A safety net: a server still running when this process exits (a test forgot `stop`) is killed with it. */
const trackUntilExit = (pid: number): (() => void) => {
  const onExit = (): void => {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.on('exit', onExit)
  return () => {
    process.off('exit', onExit)
  }
}
