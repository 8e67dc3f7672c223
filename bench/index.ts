/**
 * `npm run bench`: our library and its peers side by side, in one process, interleaved. See harness.ts for the
 * timing loop and docs/benchmarks.md for the latest results.
 *
 *   npm run bench                 full run: 7 passes, each in a fresh child process (so JIT and GC luck is not
 *                                 shared between passes), a few minutes; writes bench/results/<date>.json,
 *                                 bench/results/latest.json, docs/benchmarks.md and docs/benchmarks.svg
 *   npm run bench -- --quick      one short pass in this process, smaller sizes (< 1 min); writes
 *                                 bench/results/<date>-quick.json only
 *   npm run bench -- --smoke      every case for a few iterations (seconds), to check that the bench starts;
 *                                 renders the report in memory and writes nothing
 *   npm run bench -- --only G1,G4 only the listed measures; never written to latest.json or docs/
 *                                 (R1-R6 and T1-T4 start a redis-server of their own; without the binary they
 *                                 are skipped; T3 forks a second process)
 *   npm run bench -- --in-process the full run's passes in this process instead of child processes
 *   npm run bench -- --no-write   print only
 */
import { execFileSync, spawnSync } from 'child_process'
import { createHash } from 'crypto'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import { blackhole, fmtNs, fmtOps, fmtRatio, gcExposed, median, quantile } from './harness'
import { freshnessMeasures } from './measures/freshness'
import { g8 } from './measures/memory'
import { memoMeasures } from './measures/memo'
import { redisMeasures } from './measures/redis'
import { semaphoreMeasures } from './measures/semaphore'
import { storeMeasures } from './measures/store'
import { tieredMeasures } from './measures/tiered'
import type {
  Config,
  GoalResult,
  MeasureData,
  MeasureResult,
  MeasureSpec,
  Mode,
  PassRow,
  RowResult,
  RunResult,
  Runner
} from './model'
import type { Peers } from './peers'
import { loadPeers } from './peers'
import { renderMarkdown, renderSvg, writeReport } from './report'

const modeConfig = (mode: Mode, only: ReadonlyArray<string>, inProcess: boolean): Config => {
  const base = { mode, only, flightCallers: 1000, flightDelayMs: 10 }
  switch (mode) {
    case 'full':
      return {
        ...base,
        passes: 7,
        processPerPass: !inProcess,
        samples: 25,
        warmup: 10,
        batchMs: 10,
        fixedBatch: undefined,
        mixedKeys: 500_000,
        mixedOps: 1_000_000,
        missMaxBatch: 50_000,
        heapEntries: 100_000,
        heapSamples: 3,
        waiters: 100
      }
    case 'quick':
      return {
        ...base,
        passes: 1,
        processPerPass: false,
        samples: 15,
        warmup: 10,
        batchMs: 5,
        fixedBatch: undefined,
        mixedKeys: 200_000,
        mixedOps: 300_000,
        missMaxBatch: 20_000,
        heapEntries: 50_000,
        heapSamples: 2,
        waiters: 100
      }
    case 'smoke':
      return {
        ...base,
        passes: 1,
        processPerPass: false,
        samples: 1,
        warmup: 0,
        batchMs: 1,
        fixedBatch: 20,
        mixedKeys: 20_000,
        mixedOps: 20_000,
        missMaxBatch: 1_000,
        heapEntries: 5_000,
        heapSamples: 1,
        waiters: 10
      }
  }
}

/** The commit measured, and whether lib/ differed from it (uncommitted changes were measured too). */
const gitState = (repo: string): { commit: string | undefined; libDirty: boolean | undefined } => {
  const git = (...args: Array<string>) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      libDirty: git('status', '--porcelain', '--', 'lib').length > 0
    }
  } catch {
    return { commit: undefined, libDirty: undefined }
  }
}

/** A fingerprint of lib/*.ts: the bench checks that the code it measured did not change during the run. */
const libHash = (repo: string): string => {
  const h = createHash('sha256')
  const dir = path.join(repo, 'lib')
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.ts')) continue
    h.update(f)
    h.update(fs.readFileSync(path.join(dir, f)))
  }
  return h.digest('hex').slice(0, 12)
}
// taken when this module loads, right after lib/ was imported (and compiled) above
const LIB_AT_LOAD = libHash(path.join(__dirname, '..'))

const parseArgs = (argv: ReadonlyArray<string>) => {
  const has = (flag: string) => argv.includes(flag)
  if (has('--help') || has('-h')) {
    console.log('usage: npm run bench [-- --quick | --smoke] [--only G1,G4,...] [--in-process] [--no-write]')
    process.exit(0)
  }
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const mode: Mode = has('--smoke') ? 'smoke' : has('--quick') ? 'quick' : 'full'
  const only = (value('--only') ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '')
  return { mode, only, write: !has('--no-write'), inProcess: has('--in-process'), child: value('--child') }
}

// -------------------------------------------------------------------------------------
// aggregation
// -------------------------------------------------------------------------------------

const aggregate = (
  spec: MeasureSpec,
  passes: ReadonlyArray<ReadonlyArray<PassRow>>,
  data: ReadonlyArray<MeasureData>
): MeasureResult => {
  const names = passes[0]!.map((r) => r.name)
  const rowIn = (p: ReadonlyArray<PassRow>, name: string) => p.find((r) => r.name === name)
  const passRatio = (name: string, versus: string): Array<number> =>
    passes.flatMap((p) => {
      const a = rowIn(p, name)
      const b = rowIn(p, versus)
      return a === undefined || b === undefined ? [] : [median(a.samples) / median(b.samples)]
    })
  const isTime = spec.unit.startsWith('ns')
  const rows: Array<RowResult> = names.map((name) => {
    const first = rowIn(passes[0]!, name)!
    const samples = passes.flatMap((p) => rowIn(p, name)?.samples ?? [])
    const m = median(samples)
    const pr = spec.reference !== undefined && names.includes(spec.reference) ? passRatio(name, spec.reference) : []
    return {
      name,
      role: first.role,
      batch: first.batch,
      samples,
      median: m,
      p25: quantile(samples, 0.25),
      p75: quantile(samples, 0.75),
      opsPerSec: isTime ? 1e9 / m : undefined,
      ratio: pr.length > 0 ? median(pr) : undefined,
      passRatios: pr
    }
  })
  const goals: Array<GoalResult> = spec.goals.map((g) => {
    const oursPresent = names.includes(g.ours)
    const versusPresent = g.versus !== undefined && names.includes(g.versus)
    const req = g.requires?.(data)
    const base = {
      id: g.id,
      measure: spec.id,
      text: g.text,
      ours: g.ours,
      versus: g.versus,
      kind: g.kind,
      threshold: g.threshold
    }
    if (g.kind === 'ratio') {
      if (!oursPresent || !versusPresent) {
        return {
          ...base,
          value: undefined,
          passValues: [],
          versusValue: undefined,
          met: null,
          detail: `${g.versus} unavailable`
        }
      }
      const pv = passRatio(g.ours, g.versus!)
      const value = median(pv)
      return {
        ...base,
        value,
        passValues: pv,
        versusValue: value,
        met: value <= g.threshold && (req?.ok ?? true),
        detail: req === undefined ? undefined : `${req.ok ? 'ok' : 'FAILED'}: ${req.detail}`
      }
    }
    const ours = rows.find((r) => r.name === g.ours)
    const value = ours?.median
    const pv = passes.flatMap((p) => {
      const a = rowIn(p, g.ours)
      return a === undefined ? [] : [median(a.samples)]
    })
    const vs = versusPresent ? rows.find((r) => r.name === g.versus) : undefined
    return {
      ...base,
      value,
      passValues: pv,
      versusValue: value !== undefined && vs !== undefined ? value / vs.median : undefined,
      met: value === undefined ? null : value <= g.threshold && (req?.ok ?? true),
      detail: req === undefined ? undefined : `${req.ok ? 'ok' : 'FAILED'}: ${req.detail}`
    }
  })
  return {
    id: spec.id,
    title: spec.title,
    unit: spec.unit,
    reference: spec.reference,
    rows,
    goals,
    notes: spec.notes,
    facts: spec.summarize?.(data) ?? [],
    data
  }
}

// -------------------------------------------------------------------------------------
// console output
// -------------------------------------------------------------------------------------

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length))
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s)

const goalLine = (g: GoalResult): string => {
  const status = g.met === null ? 'n/a' : g.met ? 'MET' : 'NOT MET'
  const value =
    g.value === undefined
      ? 'not measured'
      : g.kind === 'ratio'
      ? `${g.value.toFixed(2)}x (passes: ${g.passValues.map((v) => v.toFixed(2)).join(' ')})`
      : `${g.value.toFixed(0)} ns`
  return `${g.id}: ${g.text} -> ${value}  ${status}${g.detail === undefined ? '' : `  [${g.detail}]`}`
}

const printMeasure = (m: MeasureResult): void => {
  const isTime = m.unit.startsWith('ns')
  console.log(`\n${m.id}  ${m.title}`)
  console.log(`    ratio column: x ${m.reference ?? '(no reference)'}`)
  const w = Math.max(24, ...m.rows.map((r) => r.name.length)) + 2
  console.log(
    `    ${pad('contender', w)}${lpad(m.unit, 10)}${lpad('p25-p75', 16)}${isTime ? lpad('ops/s', 10) : ''}${lpad(
      'ratio',
      8
    )}`
  )
  for (const r of m.rows) {
    console.log(
      `    ${pad(r.name, w)}${lpad(fmtNs(r.median), 10)}${lpad(`${fmtNs(r.p25)}-${fmtNs(r.p75)}`, 16)}${
        isTime ? lpad(fmtOps(r.opsPerSec!), 10) : ''
      }${lpad(fmtRatio(r.ratio), 8)}`
    )
  }
  for (const f of m.facts) console.log(`    . ${f}`)
  for (const g of m.goals) console.log(`    goal ${goalLine(g)}`)
}

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/**
 * Every measure this run asks for, in order; one that cannot run here is left out and reported with its reason: G8
 * without --expose-gc, the R and T rows without a redis-server binary.
 */
const declare = (cfg: Config, peers: Peers): { specs: Array<MeasureSpec>; skipped: Array<string> } => {
  const all: Array<[string, MeasureSpec | string]> = [
    ...storeMeasures(cfg, peers).map((m): [string, MeasureSpec] => [m.id, m]),
    ...memoMeasures(cfg, peers).map((m): [string, MeasureSpec] => [m.id, m]),
    // after G4-G7, so that no cache with freshness windows has run in the process when they are timed
    ...freshnessMeasures(cfg, peers).map((m): [string, MeasureSpec] => [m.id, m]),
    ['G8', g8(cfg, peers) ?? 'needs node --expose-gc'],
    ...semaphoreMeasures(cfg).map((m): [string, MeasureSpec] => [m.id, m]),
    ...redisMeasures(cfg, peers),
    ...tieredMeasures(cfg)
  ]
  const specs: Array<MeasureSpec> = []
  const skipped: Array<string> = []
  for (const [id, m] of all) {
    if (cfg.only.length > 0 && !cfg.only.includes(id.toUpperCase())) continue
    if (typeof m === 'string') skipped.push(`${id}: ${m}`)
    else specs.push(m)
  }
  return { specs, skipped }
}

interface ChildOutput {
  /** lib/ as this process loaded it, and as it was when the process ended */
  readonly lib: ReadonlyArray<string>
  readonly measures: ReadonlyArray<{
    readonly id: string
    readonly rows: ReadonlyArray<PassRow>
    readonly data: MeasureData
  }>
}

/**
 * Runs `passes` passes in this process. With one pass each measure is built, run and dropped before the next, so
 * no measure's structures sit in the heap while another is timed.
 */
const runHere = async (
  specs: ReadonlyArray<MeasureSpec>,
  passes: number
): Promise<Array<{ rows: Array<ReadonlyArray<PassRow>>; data: Array<MeasureData> }>> => {
  const out = specs.map(() => ({ rows: [] as Array<ReadonlyArray<PassRow>>, data: [] as Array<MeasureData> }))
  if (passes === 1) {
    for (let i = 0; i < specs.length; i++) {
      const runner = await specs[i]!.build()
      try {
        out[i]!.rows.push(await runner.pass())
        out[i]!.data.push(runner.data?.() ?? {})
      } finally {
        await runner.close?.()
      }
    }
    return out
  }
  const runners: Array<Runner> = []
  try {
    for (const s of specs) runners.push(await s.build())
    for (let p = 0; p < passes; p++) {
      const t = Date.now()
      for (let i = 0; i < specs.length; i++) out[i]!.rows.push(await runners[i]!.pass())
      console.log(`pass ${p + 1}/${passes} done in ${((Date.now() - t) / 1000).toFixed(1)} s`)
    }
    runners.forEach((r, i) => out[i]!.data.push(r.data?.() ?? {}))
  } finally {
    for (const r of runners) await r.close?.()
  }
  return out
}

/** Runs each pass in a fresh child process (this script with --child), one after the other. */
const runInChildren = (
  specs: ReadonlyArray<MeasureSpec>,
  cfg: Config,
  argv: ReadonlyArray<string>,
  libSeen: Array<string>
): Array<{ rows: Array<ReadonlyArray<PassRow>>; data: Array<MeasureData> }> => {
  const out = specs.map(() => ({ rows: [] as Array<ReadonlyArray<PassRow>>, data: [] as Array<MeasureData> }))
  for (let p = 0; p < cfg.passes; p++) {
    const t = Date.now()
    const file = path.join(os.tmpdir(), `best-simple-cache-bench-${process.pid}-${p}.json`)
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...argv, '--child', file], {
      stdio: 'inherit'
    })
    if (r.status !== 0 || !fs.existsSync(file)) {
      throw new Error(`pass ${p + 1}: the child process failed (status ${r.status}, signal ${r.signal})`)
    }
    const got = JSON.parse(fs.readFileSync(file, 'utf8')) as ChildOutput
    fs.rmSync(file)
    libSeen.push(...got.lib)
    specs.forEach((s, i) => {
      const m = got.measures.find((x) => x.id === s.id)
      if (m === undefined) throw new Error(`pass ${p + 1}: no result for ${s.id}`)
      out[i]!.rows.push(m.rows)
      out[i]!.data.push(m.data)
    })
    console.log(`pass ${p + 1}/${cfg.passes} (its own process) done in ${((Date.now() - t) / 1000).toFixed(1)} s`)
  }
  return out
}

const main = async (): Promise<void> => {
  const started = Date.now()
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100)
  const argv = process.argv.slice(2)
  const args = parseArgs(argv)
  const cfg = modeConfig(args.mode, args.only, args.inProcess)
  const repo = path.join(__dirname, '..')

  if (args.child !== undefined) {
    // one pass of every measure, for the parent process
    const peers = await loadPeers()
    const { specs } = declare(cfg, peers)
    const ran = await runHere(specs, 1)
    const output: ChildOutput = {
      lib: [LIB_AT_LOAD, libHash(repo)],
      measures: specs.map((s, i) => ({ id: s.id, rows: ran[i]!.rows[0]!, data: ran[i]!.data[0]! }))
    }
    fs.writeFileSync(args.child, JSON.stringify(output))
    if (blackhole.value === 0.5) console.log('')
    return
  }

  console.log(`best-simple-cache bench, mode ${cfg.mode}`)
  if (cfg.mode === 'full') {
    console.log(
      `${cfg.passes} passes${cfg.processPerPass ? ', each in its own process,' : ''} x ${
        cfg.samples
      } interleaved samples per contender, ${cfg.batchMs} ms batches`
    )
  } else if (cfg.mode === 'quick') {
    console.log(
      `QUICK MODE: ${cfg.passes} pass x ${cfg.samples} samples, ${
        cfg.batchMs
      } ms batches, smaller sizes (G3 ${cfg.mixedKeys.toLocaleString('en-US')} keys / ${cfg.mixedOps.toLocaleString(
        'en-US'
      )} ops, G8 ${cfg.heapEntries.toLocaleString(
        'en-US'
      )} entries). Noisier than a full run; not written to latest.json or docs/.`
    )
  } else {
    console.log(
      'SMOKE MODE: every case runs a few iterations to check that it starts; the numbers mean nothing and nothing is written.'
    )
  }
  if (!gcExposed()) {
    console.log('note: no --expose-gc: no minor GC between batches, and G8 (heap bytes) is skipped. Use npm run bench.')
  }
  const peers = await loadPeers()
  for (const p of peers.status) {
    console.log(`peer ${p.name}@${p.version ?? '?'}: ${p.error === undefined ? 'ok' : `UNAVAILABLE (${p.error})`}`)
  }
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} x ${os.cpus().length}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  )
  const { specs, skipped } = declare(cfg, peers)
  for (const s of skipped) console.log(`skipped ${s}`)
  for (const p of peers.status) if (p.error !== undefined) skipped.push(`${p.name}: ${p.error}`)

  const libSeen: Array<string> = [LIB_AT_LOAD]
  const ran = cfg.processPerPass ? runInChildren(specs, cfg, argv, libSeen) : await runHere(specs, cfg.passes)
  libSeen.push(libHash(repo))
  const libChanged = new Set(libSeen).size > 1
  if (libChanged) {
    console.log(
      `\nWARNING: lib/ changed while the bench ran (fingerprints ${[...new Set(libSeen)].join(
        ', '
      )}): some passes measured other code. Run it again on a quiet tree.`
    )
  }
  const measures = specs.map((s, i) => aggregate(s, ran[i]!.rows, ran[i]!.data))
  for (const m of measures) printMeasure(m)

  const goals = measures.flatMap((m) => m.goals)
  console.log('\nGoals (defined in bench/measures/):')
  for (const g of goals) console.log(`  ${goalLine(g)}`)
  console.log(`  ${goals.filter((g) => g.met === true).length} of ${goals.length} met`)

  const git = gitState(repo)
  const result: RunResult = {
    meta: {
      date: new Date().toISOString(),
      mode: cfg.mode,
      commit: git.commit,
      libDirty: git.libDirty,
      libHash: LIB_AT_LOAD,
      libChanged,
      node: process.version,
      v8: process.versions.v8,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageStart: loadAtStart,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      gcExposed: gcExposed(),
      passes: cfg.passes,
      samples: cfg.samples,
      warmup: cfg.warmup,
      batchMs: cfg.batchMs,
      durationSec: Math.round((Date.now() - started) / 100) / 10,
      config: cfg
    },
    peers: peers.status,
    measures,
    goals,
    skipped
  }
  // keep every loop's result observable
  if (blackhole.value === 0.5) console.log('')

  if (cfg.mode === 'smoke') {
    renderMarkdown(result) // the report must render; nothing is written
    renderSvg(result)
    console.log(
      `\nsmoke: ${specs.length} measures ran, report rendered, nothing written (${result.meta.durationSec} s)`
    )
    return
  }
  if (!args.write) return
  const dir = path.join(__dirname, 'results')
  fs.mkdirSync(dir, { recursive: true })
  const stamp = result.meta.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')
  const partial = cfg.only.length > 0
  const file = `${stamp}${cfg.mode === 'quick' ? '-quick' : ''}${partial ? '-partial' : ''}.json`
  fs.writeFileSync(path.join(dir, file), JSON.stringify(result, null, 1) + '\n')
  console.log(`\nwrote bench/results/${file}`)
  if (cfg.mode === 'full' && !partial) {
    fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(result, null, 1) + '\n')
    writeReport(result, repo)
    console.log('wrote bench/results/latest.json, docs/benchmarks.md, docs/benchmarks.svg')
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
