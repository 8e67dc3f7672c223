/**
 * The timing loop. A small one of our own rather than mitata or tinybench, because of one hard requirement:
 * the contenders of a measure must run **interleaved** in the same process (A B C, B C A, C A B, ... one batch
 * each per sample), so that a slow patch of the machine (another process, a GC, CPU frequency) falls on every
 * contender alike and the ratios stay honest. Both libraries run one task to completion before the next
 * (tinybench: all iterations of task A, then of task B; mitata: likewise per `bench`), which turns machine drift
 * into a bias between contenders. What this loop does:
 *
 * - **calibration**: the batch size (operations per timed call) is found per contender by doubling until one batch
 *   takes about `batchMs`, then once more after the warm-up, when the code is optimised;
 * - **warm-up**: `warmup` interleaved rounds that are not recorded;
 * - **samples**: `samples` interleaved rounds, the order rotated each round; one sample is one batch's
 *   `process.hrtime.bigint()` time divided by its operations; the untimed `setup` of a contender runs before its
 *   batch, and when the process has `--expose-gc` a minor GC runs before each batch too, so that one contender's
 *   garbage is not collected on another's time;
 * - **medians**, never means.
 *
 * A contender's `run(n)` performs `n` operations in its own loop (so each is optimised on its own and the harness
 * adds one call per batch, not per operation) and may return a promise, which is awaited inside the timing.
 */

export type Role = 'ours' | 'peer' | 'floor' | 'info'

export interface Case {
  readonly name: string
  readonly role: Role
  /** Performs `n` units of work (each `opsPerUnit` operations); may return a promise. */
  readonly run: (n: number) => unknown
  /** Untimed, before every batch of `n` units (for example a fresh cache for the miss path). */
  readonly setup?: (n: number) => unknown
  /** Operations in one unit (for example 100 waiters in one contended round); default 1. */
  readonly opsPerUnit?: number
  /** The largest batch, in units (for example the number of fresh keys there are). */
  readonly maxBatch?: number
}

export interface SampleOptions {
  readonly samples: number
  readonly warmup: number
  readonly batchMs: number
  /** A fixed batch size: no calibration (the smoke run). */
  readonly fixedBatch?: number
}

export interface CaseSamples {
  readonly batch: number
  /** ns per operation, one per sample */
  readonly samples: Array<number>
}

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void
const gcFn: Gc | undefined = (globalThis as { gc?: Gc }).gc

/** True when the process runs with `--expose-gc`. */
export const gcExposed = (): boolean => gcFn !== undefined

/** A full collection (twice, so that finalisation and weak references settle); throws without `--expose-gc`. */
export const fullGc = (): void => {
  if (gcFn === undefined) throw new Error('run node with --expose-gc')
  gcFn()
  gcFn()
}

const minorGc = (): void => {
  if (gcFn !== undefined) gcFn({ type: 'minor' })
}

const isThenable = (u: unknown): u is PromiseLike<unknown> =>
  typeof u === 'object' && u !== null && typeof (u as { then?: unknown }).then === 'function'

/** Runs one batch of `n` units; returns its duration in ns (setup and GC excluded). */
const timeBatch = async (c: Case, n: number): Promise<number> => {
  if (c.setup !== undefined) {
    const s = c.setup(n)
    if (isThenable(s)) await s
  }
  minorGc()
  const t0 = process.hrtime.bigint()
  const r = c.run(n)
  if (isThenable(r)) await r
  const t1 = process.hrtime.bigint()
  return Number(t1 - t0)
}

const calibrate = async (c: Case, targetNs: number, start: number): Promise<number> => {
  const max = c.maxBatch ?? 10_000_000
  let n = Math.max(1, Math.min(start, max))
  for (;;) {
    const t = await timeBatch(c, n)
    if (t >= targetNs / 2 || n >= max) return Math.max(1, Math.min(max, Math.round((n * targetNs) / Math.max(t, 1))))
    n = Math.min(max, n * 2)
  }
}

/** Samples every case, interleaved; returns ns/op samples per case, in the order of `cases`. */
export const sampleCases = async (cases: ReadonlyArray<Case>, options: SampleOptions): Promise<Array<CaseSamples>> => {
  const k = cases.length
  const targetNs = options.batchMs * 1e6
  const batches: Array<number> = []
  for (const c of cases) {
    batches.push(options.fixedBatch ?? (await calibrate(c, targetNs, 1)))
  }
  for (let r = 0; r < options.warmup; r++) {
    for (let i = 0; i < k; i++) {
      const j = (i + r) % k
      await timeBatch(cases[j]!, batches[j]!)
    }
  }
  if (options.fixedBatch === undefined && options.warmup > 0) {
    for (let j = 0; j < k; j++) batches[j] = await calibrate(cases[j]!, targetNs, batches[j]!)
  }
  const samples: Array<Array<number>> = cases.map(() => [])
  for (let r = 0; r < options.samples; r++) {
    for (let i = 0; i < k; i++) {
      const j = (i + r) % k
      const c = cases[j]!
      const n = batches[j]!
      const ns = await timeBatch(c, n)
      samples[j]!.push(ns / (n * (c.opsPerUnit ?? 1)))
    }
  }
  return cases.map((_, j) => ({ batch: batches[j]!, samples: samples[j]! }))
}

// -------------------------------------------------------------------------------------
// statistics and formatting
// -------------------------------------------------------------------------------------

export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export const quantile = (xs: ReadonlyArray<number>, q: number): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

export const fmtNs = (ns: number): string =>
  !Number.isFinite(ns)
    ? 'n/a'
    : ns >= 10_000
    ? Math.round(ns).toLocaleString('en-US')
    : ns >= 100
    ? ns.toFixed(0)
    : ns.toFixed(1)

export const fmtOps = (ops: number): string =>
  !Number.isFinite(ops)
    ? 'n/a'
    : ops >= 1e6
    ? `${(ops / 1e6).toFixed(2)}M`
    : ops >= 1e3
    ? `${(ops / 1e3).toFixed(1)}k`
    : ops.toFixed(0)

export const fmtRatio = (r: number | undefined): string =>
  r === undefined || !Number.isFinite(r) ? '-' : `${r.toFixed(2)}x`

/** Sink for results, so that no loop's work can be optimised away. */
export const blackhole = { value: 0 }
