/**
 * The figures of a run, as a few aligned lines; answers whether the run passed (no stale read, no error, no
 * mismatch, at least one request).
 */

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const latencies = (xs) => {
  const sorted = Float64Array.from(xs).sort()
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}

const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`
const n = (x) => x.toLocaleString('en-US')
const percent = (part, whole) => `${whole === 0 ? 0 : ((100 * part) / whole).toFixed(1)}%`
const line = (label, ...parts) => console.log(`${label.padEnd(13)} ${parts.join('')}`)
const listed = (label, examples) => {
  for (const e of examples) console.log(`  ${label}: ${e}`)
}

export const report = ({ config, load, issued, stats, mismatches }) => {
  const { reads, writes, errors } = load
  const requests = reads.length + writes.length + errors
  const queries = issued.select + issued.update
  const saved = requests - queries
  const all = latencies([...reads, ...writes])
  const cache = config.disabled ? 'cache disabled' : `cache of ${n(config.maxSize)} items`
  const joined = reads.length - stats.hits - stats.misses

  console.log()
  line('load', `${load.elapsed.toFixed(1)} s, ${config.concurrency} clients, zipf ${config.exponent} over `,
    `${n(config.rows)} ids, ${percent(1 - config.writeShare, 1)} reads, ${cache}`)
  line('requests', `${n(requests)} (${n(reads.length)} reads, ${n(writes.length)} writes): `,
    `${n(Math.round(requests / load.elapsed))} req/s`)
  line('latency', `p50 ${ms(all.p50)}, p99 ${ms(all.p99)} `,
    `(reads p99 ${ms(latencies(reads).p99)}, writes p99 ${ms(latencies(writes).p99)})`)
  line('db queries', `${n(queries)} (${n(issued.select)} SELECT, ${n(issued.update)} UPDATE) for ${n(requests)} `,
    `requests: ${n(saved)} saved by the cache (${percent(saved, requests)})`)
  if (config.disabled) line('cache', 'disabled: every read ran its SELECT')
  else
    line('cache', `${n(stats.hits)} hits, ${n(stats.misses)} misses, ${n(joined)} joined a load in flight; `,
      `${n(stats.invalidations)} invalidations, ${n(stats.fenced)} loads fenced, ${n(stats.evictions)} evictions`)
  line('stale reads', `${load.stale} (a read older than a write acknowledged before the read was sent)`)
  listed('stale', load.staleExamples)
  line('final check', `${n(load.written.length)} written ids read through the service: `,
    `${mismatches.length} differ from the table`)
  listed('differs', mismatches.slice(0, 5))
  line('errors', `${errors}`)
  listed('error', load.errorExamples)

  const ok = load.stale === 0 && errors === 0 && mismatches.length === 0 && requests > 0
  console.log(ok ? 'ok: no stale read, no error' : 'FAILED: stale reads, errors or mismatches (see above)')
  return ok
}
