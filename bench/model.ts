/**
 * The shapes shared by the bench: run modes, what a measure declares, and the JSON written to bench/results/.
 */
import type { Role } from './harness'
import type { PeerStatus } from './peers'

export type Mode = 'full' | 'quick' | 'smoke'

export interface Config {
  readonly mode: Mode
  /** Passes over every measure; a goal's ratio is the median of its per-pass ratios. */
  readonly passes: number
  /** Run each pass in a fresh child process (so JIT luck is not shared between passes). */
  readonly processPerPass: boolean
  /** Interleaved samples per contender and pass. */
  readonly samples: number
  readonly warmup: number
  /** Target duration of one timed batch. */
  readonly batchMs: number
  /** Smoke: a fixed, tiny batch and no calibration. */
  readonly fixedBatch: number | undefined
  /** G3: keys, stream length. */
  readonly mixedKeys: number
  readonly mixedOps: number
  /** G6: the most fresh keys one batch may use. */
  readonly missMaxBatch: number
  /** G7: concurrent callers, and how long the function takes. */
  readonly flightCallers: number
  readonly flightDelayMs: number
  /** G8: entries, and heap samples per contender and pass. */
  readonly heapEntries: number
  readonly heapSamples: number
  /** Semaphore, contended: waiters per round. */
  readonly waiters: number
  /** Only the measures whose id is listed (all when empty). */
  readonly only: ReadonlyArray<string>
}

/** One contender's samples in one pass. */
export interface PassRow {
  readonly name: string
  readonly role: Role
  readonly batch?: number
  readonly samples: ReadonlyArray<number>
}

/** What a measure records besides its timings (counts, hit ratios), as JSON; one per process that ran it. */
export type MeasureData = Record<string, unknown>

export interface GoalSpec {
  /** 'G1', 'G4a', ... */
  readonly id: string
  /** What the goal says, for a reader. */
  readonly text: string
  /** Our row. */
  readonly ours: string
  /** The row the ratio is taken against (`kind: 'ratio'`). */
  readonly versus?: string
  readonly kind: 'ratio' | 'absolute'
  readonly threshold: number
  /** A further condition (an exact call count, an identical hit ratio), checked on the data of every process. */
  readonly requires?: (data: ReadonlyArray<MeasureData>) => { readonly ok: boolean; readonly detail: string }
}

/** A measure as it is declared: cheap to make (the parent process only reads this part). */
export interface MeasureSpec {
  readonly id: string
  readonly title: string
  readonly unit: string
  /** The row the ratio column of the table is taken against. */
  readonly reference: string | undefined
  readonly goals: ReadonlyArray<GoalSpec>
  readonly notes: ReadonlyArray<string>
  /** Facts drawn from the data of every process (hit ratios, call counts), printed under the table. */
  readonly summarize?: (data: ReadonlyArray<MeasureData>) => ReadonlyArray<string>
  /** Makes the structures, caches and inputs (the expensive part), in the process that measures. */
  readonly build: () => Promise<Runner> | Runner
}

export interface Runner {
  /** Runs one pass and returns every contender's samples. */
  readonly pass: () => Promise<ReadonlyArray<PassRow>>
  /** What was recorded so far in this process. */
  readonly data?: () => MeasureData
  /** Ends what the measure holds outside the heap (connections, a server), once its passes are done. */
  readonly close?: () => Promise<void>
}

// -------------------------------------------------------------------------------------
// results (the JSON)
// -------------------------------------------------------------------------------------

export interface RowResult {
  readonly name: string
  readonly role: Role
  readonly batch: number | undefined
  /** All samples of all passes, in `unit`. */
  readonly samples: ReadonlyArray<number>
  readonly median: number
  readonly p25: number
  readonly p75: number
  /** 1e9 / median, for time units. */
  readonly opsPerSec: number | undefined
  /** Median over passes of (this row's pass median / the reference row's pass median). */
  readonly ratio: number | undefined
  readonly passRatios: ReadonlyArray<number>
}

export interface GoalResult {
  readonly id: string
  readonly measure: string
  readonly text: string
  readonly ours: string
  readonly versus: string | undefined
  readonly kind: 'ratio' | 'absolute'
  readonly threshold: number
  /** The ratio (kind 'ratio') or our median (kind 'absolute'); undefined when it could not be measured. */
  readonly value: number | undefined
  readonly passValues: ReadonlyArray<number>
  /** For an absolute goal: our median divided by the first peer's, for the chart. */
  readonly versusValue: number | undefined
  /** null: could not be decided (a peer is missing). */
  readonly met: boolean | null
  readonly detail: string | undefined
}

export interface MeasureResult {
  readonly id: string
  readonly title: string
  readonly unit: string
  readonly reference: string | undefined
  readonly rows: ReadonlyArray<RowResult>
  readonly goals: ReadonlyArray<GoalResult>
  readonly notes: ReadonlyArray<string>
  readonly facts: ReadonlyArray<string>
  /** One entry per process that ran the measure. */
  readonly data: ReadonlyArray<MeasureData>
}

export interface RunResult {
  readonly meta: {
    readonly date: string
    readonly mode: Mode
    /** The git commit measured, and whether lib/ had uncommitted changes (which were measured too). */
    readonly commit: string | undefined
    readonly libDirty: boolean | undefined
    /** A fingerprint of lib/*.ts when the run started; libChanged: it was not the same in every pass. */
    readonly libHash: string
    readonly libChanged: boolean
    readonly node: string
    readonly v8: string
    readonly platform: string
    readonly cpu: string
    readonly cores: number
    readonly memoryGiB: number
    /** os.loadavg() (1, 5, 15 min) when the run started, and when it ended */
    readonly loadAverageStart: ReadonlyArray<number>
    readonly loadAverage: ReadonlyArray<number>
    readonly gcExposed: boolean
    readonly passes: number
    readonly samples: number
    readonly warmup: number
    readonly batchMs: number
    readonly durationSec: number
    readonly config: Config
  }
  readonly peers: ReadonlyArray<PeerStatus>
  readonly measures: ReadonlyArray<MeasureResult>
  readonly goals: ReadonlyArray<GoalResult>
  readonly skipped: ReadonlyArray<string>
}

export const HOUR = 3_600_000
