/**
 * The example, end to end, against the PostgreSQL that run.sh started (PG* environment variables): seeds the
 * table, starts the cached HTTP service on a free port, runs the bounded load test against it, checks the cache
 * against the table, and prints the figures. Exits non-zero on any stale read, error or mismatch.
 */
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { setTimeout } from 'node:timers'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { finalCheck } from './load/load.js'
import { report } from './load/report.js'
import * as db from './service/db.js'
import { makeItems } from './service/items.js'
import { mistakes } from './service/mistakes.js'
import { makeServer } from './service/server.js'

const usage = `usage: bash run.sh [options]
  --seconds N        how long the load runs (default 3)
  --concurrency N    clients, each with one request in flight (default 32)
  --rows N           rows seeded (default 100000)
  --writes F         share of requests that are writes (default 0.05)
  --zipf S           exponent of the zipf law of the ids (default 1)
  --cache-size N     at most N items in the cache (default 10000)
  --no-cache         the same service with the cache disabled: every request queries PostgreSQL
  --mistake NAME     a wrong writer, to watch the test catch it (it exits non-zero): skip-invalidation
                     (the UPDATE only) or invalidate-first (invalidate, then UPDATE)
  --serve            no load test: keep the service up (try it with curl) until Ctrl-C`

const options = {
  seconds: { type: 'string', default: '3' },
  concurrency: { type: 'string', default: '32' },
  rows: { type: 'string', default: '100000' },
  writes: { type: 'string', default: '0.05' },
  zipf: { type: 'string', default: '1' },
  'cache-size': { type: 'string', default: '10000' },
  'no-cache': { type: 'boolean', default: false },
  mistake: { type: 'string' },
  serve: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false }
}

const positive = (name, text) => {
  const n = Number(text)
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`--${name}: expected a positive number, got ${text}`)
  return n
}

const parse = () => {
  const { values } = parseArgs({ options, strict: true })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const writeShare = Number(values.writes)
  if (!(writeShare >= 0 && writeShare <= 1))
    throw new Error(`--writes: expected a share from 0 to 1, got ${values.writes}`)
  if (values.mistake !== undefined && !Object.hasOwn(mistakes, values.mistake))
    throw new Error(`--mistake: expected one of ${Object.keys(mistakes).join(', ')}, got ${values.mistake}`)
  return {
    seconds: positive('seconds', values.seconds),
    concurrency: Math.ceil(positive('concurrency', values.concurrency)),
    rows: Math.ceil(positive('rows', values.rows)),
    writeShare,
    exponent: positive('zipf', values.zipf),
    maxSize: Math.ceil(positive('cache-size', values['cache-size'])),
    disabled: values['no-cache'],
    mistake: values.mistake,
    serve: values.serve
  }
}

const runLoadInWorker = async (options) => {
  const worker = new Worker(new URL('./load/worker.js', import.meta.url), { workerData: options })
  const [result] = await Promise.race([
    once(worker, 'message'),
    once(worker, 'exit').then(([code]) =>
      Promise.reject(new Error(`the load worker exited (${code}) without a result`))
    )
  ])
  return result
}

const serve = (url) => {
  console.log(`try:  curl ${url}/items/42`)
  console.log(`      curl -X PUT -d '{"price": 1234}' ${url}/items/42`)
  console.log(`      curl ${url}/stats`)
  console.log('Ctrl-C stops the service and PostgreSQL')
  return new Promise(() => {}) // until a signal ends the process
}

const loadAndCheck = async (config, url, pool, items, issuedByService) => {
  // However the load goes, the run ends: a hung server or database is an error, not a hung CI step.
  setTimeout(() => {
    console.error('the run took over a minute more than --seconds: stopping')
    process.exit(3)
  }, (config.seconds + 60) * 1000).unref()
  const load = await runLoadInWorker({ url, ...config })
  const issued = { ...issuedByService } // before the final check adds its own
  const stats = { ...(await items.cache.stats()), fenced: items.fenced.count }
  const mismatches = await finalCheck(url, load.written, await db.versions(pool, load.written))
  return report({ config, load, issued, stats, mismatches })
}

const main = async () => {
  const config = parse()

  const pool = db.connect(16)
  const seeding = performance.now()
  await db.seed(pool, config.rows)
  const seeded = Math.round(performance.now() - seeding)
  console.log(`PostgreSQL ${await db.serverVersion(pool)}: ${config.rows} rows seeded in ${seeded} ms`)

  const queries = db.items(pool)
  const items = makeItems(queries, config)
  const server = makeServer(items, queries.issued).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${server.address().port}`
  console.log(`service on ${url} (GET /items/:id, PUT /items/:id, GET /stats)`)

  try {
    if (config.serve) await serve(url)
    console.log(`load for ${config.seconds} s...`)
    const ok = await loadAndCheck(config, url, pool, items, queries.issued)
    process.exitCode = ok ? 0 : 1
  } finally {
    server.close()
    await pool.end()
  }
}

// Exit codes: 0 passed, 1 the checks failed (stale reads, errors, mismatches), 2 the run could not be made, 3 timeout.
main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 2
})
