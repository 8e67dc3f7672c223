/**
 * Renders a bench run (bench/results/latest.json) as docs/benchmarks.md and the chart docs/benchmarks.svg.
 * `npm run bench` calls it after a full run; `npx ts-node --transpile-only bench/report.ts` re-renders the docs
 * from latest.json without measuring anything.
 */
import * as fs from 'fs'
import * as path from 'path'
import { fmtNs, fmtOps, fmtRatio } from './harness'
import type { GoalResult, MeasureResult, RunResult } from './model'

const SHORT: Record<string, string> = {
  G1: 'get-hit',
  G2: 'set + evict',
  G3: 'mixed zipf 90/10',
  G4: 'hit, Promise fn',
  G5: 'hit, TaskEither fn',
  G6: 'miss',
  G7: '1000 callers, 1 key',
  G8: 'bytes per entry',
  G9: 'fresh hit, SWR set'
}

const status = (g: GoalResult): string => (g.met === null ? 'n/a' : g.met ? 'MET' : 'NOT MET')

const goalValue = (g: GoalResult): string =>
  g.value === undefined
    ? 'not measured'
    : g.kind === 'ratio'
    ? `${g.value.toFixed(2)}x`
    : `${g.value.toFixed(0)} ns/caller`

const goalThreshold = (g: GoalResult): string =>
  g.kind === 'ratio' ? `<= ${g.threshold.toFixed(2)}x` : `<= ${g.threshold} ns/caller`

// -------------------------------------------------------------------------------------
// chart
// -------------------------------------------------------------------------------------

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

interface Bar {
  readonly label: string
  readonly title: string
  /** ours / peer */
  readonly ratio: number | undefined
  /** the goal, as a ratio to the same peer */
  readonly goal: number | undefined
  readonly met: boolean | null
  readonly valueText: string
}

/** A short name for a chart label: no parenthetical, and our Promise case named as such. */
const shortName = (name: string): string =>
  name.startsWith('ours: withCacheAsync') ? 'our Promise fn' : name.replace(/\s*\(.*\)\s*$/, '')

const barsOf = (r: RunResult): Array<Bar> =>
  r.goals.map((g) => {
    const what = SHORT[g.measure] ?? g.measure
    if (g.kind === 'ratio') {
      return {
        label: `${g.id}  ${what}  vs ${shortName(g.versus ?? '-')}`,
        title: `${g.id}: ${g.text}`,
        ratio: g.value,
        goal: g.threshold,
        met: g.met,
        valueText: g.value === undefined ? 'n/a' : `${g.value.toFixed(2)}x`
      }
    }
    // an absolute goal (G7: ns per caller): drawn as a ratio to the goal itself, so its tick is at 1.0
    return {
      label: `${g.id}  ${what}  vs goal ${g.threshold} ns`,
      title: `${g.id}: ${g.text}`,
      ratio: g.value === undefined ? undefined : g.value / g.threshold,
      goal: 1,
      met: g.met,
      valueText:
        g.value === undefined ? 'n/a' : `${(g.value / g.threshold).toFixed(2)}x (${g.value.toFixed(0)} ns/caller)`
    }
  })

export const renderSvg = (r: RunResult): string => {
  const bars = barsOf(r)
  const rowH = 30
  const left = 330
  const plotW = 400
  const right = 170
  const top = 54
  const W = left + plotW + right
  const H = top + bars.length * rowH + 46
  // goal ticks always fit; bars longer than 4x are cut (and marked with '>')
  const maxSeen = Math.max(
    1.5,
    ...bars.map((b) => Math.min(b.ratio ?? 0, 4) * 1.1),
    ...bars.map((b) => (b.goal ?? 0) * 1.1)
  )
  const xMax = Math.ceil(maxSeen * 2) / 2
  const x = (v: number) => left + (Math.min(v, xMax) / xMax) * plotW
  const out: Array<string> = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`
  )
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`)
  out.push(
    `<text x="12" y="20" font-size="14" font-weight="bold">best-simple-cache vs peers: our time (or bytes) as a ratio to the peer; lower is better</text>`
  )
  out.push(
    `<text x="12" y="38" fill="#555">${esc(
      `${r.meta.date.slice(0, 10)}, ${r.meta.mode} run, Node ${r.meta.node}, ${r.meta.cpu} x ${
        r.meta.cores
      }; black tick = goal, dashed = parity`
    )}</text>`
  )
  // grid
  const step = xMax > 3 ? 1 : 0.5
  for (let v = 0; v <= xMax + 1e-9; v += step) {
    const gx = x(v)
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + bars.length * rowH}" stroke="#e5e5e5"/>`)
    out.push(
      `<text x="${gx}" y="${top + bars.length * rowH + 16}" text-anchor="middle" fill="#555">${v.toFixed(1)}x</text>`
    )
  }
  out.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${
      top + bars.length * rowH
    }" stroke="#888" stroke-dasharray="4 3"/>`
  )
  bars.forEach((b, i) => {
    const y = top + i * rowH
    const color = b.met === null ? '#9e9e9e' : b.met ? '#2e7d32' : '#c62828'
    out.push(`<g><title>${esc(b.title)}</title>`)
    out.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`)
    if (b.ratio !== undefined) {
      out.push(
        `<rect x="${left}" y="${y + 7}" width="${Math.max(1, x(b.ratio) - left).toFixed(1)}" height="${
          rowH - 14
        }" fill="${color}"/>`
      )
      const clipped = b.ratio > xMax ? ' >' : ''
      const tx = Math.max(x(b.ratio), b.goal === undefined ? 0 : x(b.goal)) + 6
      out.push(`<text x="${tx}" y="${y + rowH / 2 + 4}" fill="${color}">${esc(b.valueText + clipped)}</text>`)
    } else {
      out.push(`<text x="${left + 6}" y="${y + rowH / 2 + 4}" fill="#9e9e9e">not measured</text>`)
    }
    if (b.goal !== undefined) {
      const gx = x(b.goal)
      out.push(`<line x1="${gx}" y1="${y + 3}" x2="${gx}" y2="${y + rowH - 3}" stroke="#000" stroke-width="2.5"/>`)
    }
    out.push('</g>')
  })
  const ly = top + bars.length * rowH + 34
  out.push(`<rect x="${left}" y="${ly - 10}" width="12" height="12" fill="#2e7d32"/>`)
  out.push(`<text x="${left + 18}" y="${ly}">met</text>`)
  out.push(`<rect x="${left + 60}" y="${ly - 10}" width="12" height="12" fill="#c62828"/>`)
  out.push(`<text x="${left + 78}" y="${ly}">not met</text>`)
  out.push(`<rect x="${left + 140}" y="${ly - 10}" width="12" height="12" fill="#9e9e9e"/>`)
  out.push(`<text x="${left + 158}" y="${ly}">not decided (peer missing)</text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}

// -------------------------------------------------------------------------------------
// markdown
// -------------------------------------------------------------------------------------

const cell = (s: string): string => s.replace(/\|/g, '\\|')

const measureTable = (m: MeasureResult): Array<string> => {
  const isTime = m.unit.startsWith('ns')
  const out: Array<string> = []
  out.push(`### ${m.id}: ${m.title}`, '')
  out.push(
    `| contender | ${m.unit} (median) | p25 - p75 |${isTime ? ' ops/s |' : ''} x ${cell(m.reference ?? 'n/a')} |`,
    `|---|--:|--:|${isTime ? '--:|' : ''}--:|`
  )
  for (const r of m.rows) {
    const name = r.role === 'ours' ? `**${cell(r.name)}**` : cell(r.name)
    out.push(
      `| ${name} | ${fmtNs(r.median)} | ${fmtNs(r.p25)} - ${fmtNs(r.p75)} |${
        isTime ? ` ${fmtOps(r.opsPerSec!)} |` : ''
      } ${fmtRatio(r.ratio)} |`
    )
  }
  out.push('')
  for (const g of m.goals) {
    const passes =
      g.kind === 'ratio' && g.passValues.length > 1
        ? ` (per pass: ${g.passValues.map((v) => v.toFixed(2)).join(', ')})`
        : ''
    out.push(
      `Goal ${g.id}, ${cell(g.text)}: **${goalValue(g)}${passes}, ${status(g)}**${
        g.detail === undefined ? '' : ` (${cell(g.detail)})`
      }.`,
      ''
    )
  }
  for (const f of m.facts) out.push(`- ${cell(f)}`)
  for (const n of m.notes) out.push(`- ${n}`)
  out.push('')
  return out
}

export const renderMarkdown = (r: RunResult): string => {
  const m = r.meta
  const out: Array<string> = []
  out.push('---', 'title: Benchmarks', 'nav_order: 3', '---', '')
  out.push('# Benchmarks', '')
  out.push(
    '_Generated by `npm run bench` (bench/report.ts) from `bench/results/latest.json`; do not edit by hand, except the section of separate runs at the end (kept between its markers when the page is rendered again). Each measure and its goals are defined in bench/measures/._',
    ''
  )
  out.push(
    `Run of ${m.date} (${m.mode}), commit ${m.commit ?? 'unknown'}${
      m.libDirty === true ? ' with uncommitted changes in lib/' : ''
    } (lib/ fingerprint ${m.libHash}, ${m.libChanged ? 'CHANGED' : 'unchanged'} during the run): Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.cpu} x ${m.cores}, ${
      m.memoryGiB
    } GiB; load average (1/5/15 min) ${m.loadAverageStart.join(' / ')} at the start, ${m.loadAverage.join(
      ' / '
    )} at the end. ` +
      `${m.passes} pass${m.passes === 1 ? '' : 'es'} x ${m.samples} interleaved samples per contender, ${
        m.warmup
      } warm-up rounds, ~${m.batchMs} ms batches; ${m.durationSec} s in all.` +
      (m.gcExposed ? '' : ' Run without --expose-gc: G8 was skipped.'),
    ''
  )
  if (m.libChanged) {
    out.push(
      '**Warning: lib/ changed while this run was measuring, so some passes measured other code; these numbers are not to be trusted. Run the bench again on a quiet tree.**',
      ''
    )
  }
  const met = r.goals.filter((g) => g.met === true).length
  out.push(`## Goals: ${met} of ${r.goals.length} met`, '')
  out.push('![Each goal as a ratio of our time (or bytes) to the peer, with the goal marked](benchmarks.svg)', '')
  out.push('| goal | measure | result | goal | status |', '|---|---|--:|--:|---|')
  for (const g of r.goals) {
    const measure = r.measures.find((x) => x.id === g.measure)
    out.push(
      `| ${g.id} | ${cell(measure?.title ?? g.measure)}: ${cell(g.text)} | ${goalValue(g)} | ${goalThreshold(
        g
      )} | ${status(g)}${g.detail !== undefined && g.detail.startsWith('FAILED') ? ` (${cell(g.detail)})` : ''} |`
    )
  }
  out.push('')
  out.push(
    "A ratio is our median divided by the peer's median in the same pass; the goal's figure is the median of those per-pass ratios. The per-pass ratios (below) show how far a ratio moves from pass to pass on this shared 2-core machine: treat differences smaller than that spread as ties.",
    ''
  )
  out.push('## Results by measure', '')
  for (const x of r.measures) out.push(...measureTable(x))
  out.push('## Peers', '')
  out.push('| package | version | status |', '|---|---|---|')
  for (const p of r.peers)
    out.push(
      `| ${p.name} | ${p.version ?? '?'} | ${p.error === undefined ? 'ran' : `could not run: ${cell(p.error)}`} |`
    )
  out.push('')
  out.push(
    '- p-memoize is pinned at 8.0.0: its 9.0.0 requires Node >= 22, and these machines run Node 20.',
    "- effect is 4.x (its current release); figures for Effect `Cache.get` measured with an older major version may differ.",
    "- mnemonist's LRUMap has no TTL; it is shown for the structure measures as a second exact-LRU peer.",
    ''
  )
  if (r.skipped.length > 0) {
    out.push('Skipped in this run:', '')
    for (const s of r.skipped) out.push(`- ${cell(s)}`)
    out.push('')
  }
  out.push('## Method', '')
  out.push(
    '- **Same process, interleaved.** Every contender of a measure runs in one Node process; each sample is one batch of every contender in turn (A B C, then B C A, ...), so machine drift, other processes and CPU frequency fall on all of them alike. The timing loop is our own (bench/harness.ts) because mitata and tinybench run one task to completion before the next.',
    "- **Batches.** A contender's batch size is calibrated so that one batch takes about the batch time (again after warm-up); each contender has its own loop, written out, so no call site is shared between contenders. A minor GC runs (untimed) before each batch, so one contender's garbage is not collected on another's time.",
    "- **Passes.** A full run makes several passes, each in a fresh child process (all measures, one after the other), so that one process's JIT decisions and heap state do not decide the result. ns/op figures are medians of all samples of all passes; a ratio is taken per pass (our median / the peer's median), and the figure shown is the median of those per-pass ratios.",
    '- **Keys** are made before timing (V8 then caches their hashes), the same strings for every contender, so the structure measures compare the structures themselves; a key built per call (as a KeyCodec does) costs every contender about the same extra time.',
    '- **Time in the structure measures.** lru-cache reads its clock at most once per millisecond; our LruTtl takes `now` as an argument, which the goal rows read once per batch. G1 has an informational row that reads `Clock.system.now()` per get, as MemoryStore does.',
    '- **G3 hit ratio.** Before timing, each contender runs the whole zipf stream once from empty; an exact LRU gets the same hits as lru-cache.',
    "- **G7.** Added time per caller = (time from the first call until all work the callers queued has run + time from f's return until every caller has its value) / callers: f's real duration (10 ms plus timer lateness) is taken out as measured. The nominal (total - 10 ms) / callers is also in the JSON.",
    '- **G8.** `heapUsed + arrayBuffers` after two full GCs, before and after building the structure; keys are made beforehand and not counted.',
    '- Not measured here: anything over a network, and a cache with event listeners attached (our caches here have none).',
    ''
  )
  out.push('## Running it', '')
  out.push(
    '```sh',
    'npm run bench              # full run (7 passes, each in its own process; a few minutes): bench/results/<date>.json, latest.json, this page and its chart',
    'npm run bench -- --quick   # under a minute, fewer samples and smaller sizes; writes bench/results/<date>-quick.json only',
    'npm run bench -- --smoke   # every case for a few iterations, to check that the bench starts; writes nothing',
    'npx ts-node --transpile-only bench/report.ts   # re-render this page from bench/results/latest.json',
    '```',
    ''
  )
  return out.join('\n')
}

/** The markers of the hand-written section of `--only` runs, which a full run does not replace. */
const SEPARATE = ['<!-- separate runs: kept by bench/report.ts -->', '<!-- /separate runs -->'] as const

/** The section between the markers in `page` (the markers included), or '' when it has none. */
const separateRuns = (page: string): string => {
  const from = page.indexOf(SEPARATE[0])
  const to = page.indexOf(SEPARATE[1], from)
  return from < 0 || to < 0 ? '' : page.slice(from, to + SEPARATE[1].length)
}

export const writeReport = (r: RunResult, repo: string): void => {
  const docs = path.join(repo, 'docs')
  fs.mkdirSync(docs, { recursive: true })
  const file = path.join(docs, 'benchmarks.md')
  const kept = fs.existsSync(file) ? separateRuns(fs.readFileSync(file, 'utf8')) : ''
  fs.writeFileSync(file, renderMarkdown(r) + (kept === '' ? '' : `\n${kept}\n`))
  fs.writeFileSync(path.join(docs, 'benchmarks.svg'), renderSvg(r))
}

if (require.main === module) {
  const repo = path.join(__dirname, '..')
  const latest = path.join(__dirname, 'results', 'latest.json')
  if (!fs.existsSync(latest)) {
    console.error('no bench/results/latest.json yet: run npm run bench first')
    process.exit(1)
  }
  writeReport(JSON.parse(fs.readFileSync(latest, 'utf8')) as RunResult, repo)
  console.log('wrote docs/benchmarks.md and docs/benchmarks.svg from bench/results/latest.json')
}
