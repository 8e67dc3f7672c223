/**
 * App processes for the multi-process tests: each a child process (`worker.cjs`) running the BUILT package on the
 * Redis store, driven over IPC. `appProcesses()` starts them and stops every one it started (`stopAll`, for an
 * `afterEach`), so that no test leaves a process behind.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { builtEntry } from '../util/builtPackage'

const WORKER = path.join(__dirname, 'worker.cjs')
const ROOT = path.join(__dirname, '..', '..')

/** A loader's answer: which load (the version it read at its start, its process) made the value. */
export interface Value {
  readonly key: string
  readonly version: string
  readonly pid: number
}

/** What a process answers to `go`: its callers' values, its loads, and when things happened (see `now`). */
export interface Done {
  readonly values: ReadonlyArray<Value>
  /** The callers that got a rejection (none, in these tests), as text. */
  readonly errors: ReadonlyArray<string>
  readonly loads: number
  readonly ms: number
  readonly answeredAt: ReadonlyArray<number>
  readonly loadEndedAt?: number
  /** The `_tag`s of the store failures the cache reported (each would make it load fail-open). */
  readonly failures: ReadonlyArray<string>
}

export interface AppOptions {
  readonly port: number
  readonly prefix: string
  /** The store's lease, ms. */
  readonly lease: number
  /** How long the loader takes, ms. */
  readonly loadMs: number
}

export interface AppProcess {
  readonly pid: number
  /** Runs `callers` concurrent calls of the cached loader on `key`. */
  readonly go: (key: string, callers: number) => Promise<Done>
  /** Resolves when a load in this process has started (a message sent before now counts). */
  readonly loading: () => Promise<void>
  /** Resolves once the process's clients are connected (again, after a restart). */
  readonly connected: () => Promise<void>
  /** `cache.invalidate(key)` in this process. */
  readonly invalidate: (key: string) => Promise<void>
  /** SIGKILL; resolves once the process is gone. */
  readonly kill: () => Promise<void>
  /** Asks the process to close its clients and exit; SIGKILL after 1 s. Resolves once it is gone. */
  readonly stop: () => Promise<void>
}

/** Wall-clock ms comparable across processes (the workers report times the same way). */
export const now = (): number => performance.timeOrigin + performance.now()

type Message = { readonly [kind: string]: unknown }

/** The messages of one process, by kind (`ready`, `loading`, `done`, ...), each taken once, in order. */
const mailbox = (child: ChildProcess, stderr: () => string) => {
  const queued = new Map<string, Array<unknown>>()
  const waiting = new Map<string, Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }>>()
  let gone: Error | undefined
  child.on('message', (message: Message) => {
    for (const [kind, body] of Object.entries(message)) {
      const waiter = waiting.get(kind)?.shift()
      if (waiter !== undefined) waiter.resolve(body)
      else queued.set(kind, [...(queued.get(kind) ?? []), body])
    }
  })
  child.once('exit', (code, signal) => {
    gone = new Error(`worker ${child.pid} exited (${code ?? signal}) ${stderr()}`.trim())
    for (const waiters of waiting.values()) waiters.splice(0).forEach((w) => w.reject(gone as Error))
  })
  return <A>(kind: string): Promise<A> => {
    const body = queued.get(kind)?.shift()
    if (body !== undefined) return Promise.resolve(body as A)
    if (gone !== undefined) return Promise.reject(gone)
    return new Promise<A>((resolve, reject) => {
      waiting.set(kind, [...(waiting.get(kind) ?? []), { resolve: resolve as (m: unknown) => void, reject }])
    })
  }
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

const start = async (options: AppOptions): Promise<AppProcess> => {
  const redis = builtEntry(ROOT)
  const config = { ...options, redis, index: path.join(path.dirname(redis), 'index.cjs') }
  const child = fork(WORKER, [JSON.stringify(config)], { execArgv: [], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const next = mailbox(child, () => stderr)
  const kill = (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    return exited(child)
  }
  const app: AppProcess = {
    pid: child.pid as number,
    go: (key, callers) => {
      child.send({ go: { key, callers } })
      return next<Done>('done')
    },
    loading: () => next<true>('loading').then(() => undefined),
    connected: () => {
      child.send({ connected: true })
      return next<true>('connected').then(() => undefined)
    },
    invalidate: async (key) => {
      child.send({ invalidate: key })
      if ((await next<boolean>('invalidated')) !== true) throw new Error(`invalidate failed in worker ${child.pid}`)
    },
    kill,
    stop: () => {
      if (child.connected) child.send({ close: true })
      const timer = setTimeout(() => void kill(), 1000)
      return exited(child).finally(() => clearTimeout(timer))
    }
  }
  await next('ready').catch(async (error: unknown) => {
    await kill()
    throw error
  })
  return app
}

/** Starts app processes and remembers them, so that `stopAll` stops each one (killed ones too). */
export const appProcesses = () => {
  const started: Array<AppProcess> = []
  return {
    start: async (options: AppOptions): Promise<AppProcess> => {
      const app = await start(options)
      started.push(app)
      return app
    },
    stopAll: (): Promise<void> => Promise.all(started.splice(0).map((app) => app.stop())).then(() => undefined)
  }
}
