import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import * as Clock from '../../lib/Clock'

// The core runs on Node, Bun, Deno and in browsers (scripts/test-runtimes.sh runs the built package on each). The
// host-specific calls on its path are the `unref`s of the clocks' timers (the coarse clock's, and `timer` for loader
// timeouts), feature-detected in lib/Clock.ts: these tests give them the timers of each kind of host, and keep
// Node-only APIs out of lib/.

/** What `setTimeout` and `clearTimeout` were called with while `withTimer` ran its body. */
interface TimerCalls {
  readonly started: number
  readonly cleared: Array<unknown>
}

/** Runs `body` with `setTimeout` answering `timer` and the process clock stubbed to a fixed time. */
const withTimer = (timer: unknown, body: () => void): TimerCalls => {
  const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout').mockImplementation((() => timer) as never)
  const clearTimeoutSpy = jest.spyOn(globalThis, 'clearTimeout').mockImplementation(() => undefined)
  const nowSpy = jest.spyOn(performance, 'now').mockImplementation(() => 1000)
  try {
    body()
    return { started: setTimeoutSpy.mock.calls.length, cleared: clearTimeoutSpy.mock.calls.map(([t]) => t) }
  } finally {
    setTimeoutSpy.mockRestore()
    clearTimeoutSpy.mockRestore()
    nowSpy.mockRestore()
  }
}

/** Two reads within the resolution: the second caches the time and starts the timer that drops it. */
const twoReads = (): Array<number> => {
  const clock = Clock.coarse(10)
  return [clock.now(), clock.now()]
}

/** A loader-timeout timer of the system clock, cancelled. */
const timerCancelled = (): void => {
  const cancel = Clock.system.timer?.(50, () => undefined)
  cancel?.()
}

describe('the core on hosts other than Node', () => {
  it('Clock.coarse works where setTimeout returns a number (browsers), and still starts its timer', () => {
    let reads: Array<number> = []
    const calls = withTimer(42, () => {
      reads = twoReads()
    })
    expect(reads).toEqual([1000, 1000])
    expect(calls.started).toBe(1)
  })

  it('Clock.coarse works where the timer is an object without unref', () => {
    let reads: Array<number> = []
    withTimer({}, () => {
      reads = twoReads()
    })
    expect(reads).toEqual([1000, 1000])
  })

  it('Clock.coarse unrefs its timer where the host has unref (Node, Bun, Deno npm modules)', () => {
    const unref = jest.fn()
    withTimer({ unref }, twoReads)
    expect(unref).toHaveBeenCalledTimes(1)
  })

  it('Clock.system.timer starts and cancels a numeric timer (browsers)', () => {
    expect(withTimer(42, timerCancelled)).toEqual({ started: 1, cleared: [42] })
  })

  it('Clock.system.timer unrefs its timer where the host has unref, and cancels it', () => {
    const timer = { unref: jest.fn() }
    expect(withTimer(timer, timerCancelled)).toEqual({ started: 1, cleared: [timer] })
    expect(timer.unref).toHaveBeenCalledTimes(1)
  })

  it('lib/ calls no Node-only API: no node: import, perf_hooks, process, Buffer, setImmediate or require', () => {
    const nodeOnly = /\bfrom\s+['"]node:|['"]perf_hooks['"]|\bprocess\.|\bBuffer\b|\bsetImmediate\b|\brequire\(/
    const found: Array<string> = []
    for (const file of sources(path.join(__dirname, '../../lib'))) {
      withoutComments(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          if (nodeOnly.test(line)) found.push(`${path.relative(process.cwd(), file)}:${i + 1}: ${line.trim()}`)
        })
    }
    expect(found).toEqual([])
  })
})

/** Every .ts file under `dir`. */
const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(file)
    return entry.name.endsWith('.ts') ? [file] : []
  })

/** The source with its comments blanked out, line breaks kept (a `//` inside a string would blank the rest of its line). */
const withoutComments = (source: string): string =>
  source.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '')
