// Runs the package in headless Chromium. Bundles tests/browser/page.mjs with esbuild (for the browser, resolving
// `best-simple-cache`, fp-ts and io-ts from a consumer folder where the packed package is installed), serves it from
// a node:http server on 127.0.0.1 next to a tiny users API that counts its requests, opens it in Chromium (Debian's
// `chromium` on the PATH) and prints one `ok - ...` / `not ok - ...` line per check the page reports.
// Usage: node tests/browser/run.mjs <consumer folder> (scripts/test-runtimes.sh makes one).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { clearTimeout, setTimeout } from 'node:timers'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The longest the page may take to report, Chromium's start included (it reports in about a second). */
const REPORT_TIMEOUT_MS = 30000

const consumer = process.argv[2]
if (!consumer) {
  console.error('usage: node tests/browser/run.mjs <consumer folder>')
  process.exit(2)
}

const bundle = async () => {
  const page = fileURLToPath(new URL('page.mjs', import.meta.url))
  const result = await build({
    stdin: { contents: readFileSync(page, 'utf8'), resolveDir: path.resolve(consumer), sourcefile: 'page.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent'
  })
  return result.outputFiles[0].text
}

// A classic script ahead of the module reports an error of any kind, even one thrown while the bundle loads.
const reportErrors = `
  const report = (error) => fetch('/results', { method: 'POST', body: JSON.stringify({ error: String(error) }) })
  addEventListener('error', (event) => report(event.error ?? event.message))
  addEventListener('unhandledrejection', (event) => report(event.reason))`
const html = `<!doctype html><meta charset="utf-8"><title>best-simple-cache</title>
<script>${reportErrors}</script>
<script type="module" src="/page.js"></script>`

/** The test server: the page, its bundle, GET /users/:id, GET /requests (counts per id), POST /results. */
const serve = (script, onReport) => {
  const requests = {}
  const send = (res, type, body) => res.writeHead(200, { 'content-type': type }).end(body)
  return http.createServer((req, res) => {
    const user = /^\/users\/(\d+)$/.exec(req.url)
    if (req.method === 'POST' && req.url === '/results') {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        res.end()
        onReport(JSON.parse(body))
      })
    } else if (user) {
      const id = Number(user[1])
      requests[id] = (requests[id] ?? 0) + 1
      send(res, 'application/json', JSON.stringify({ id, name: `user ${id}` }))
    } else if (req.url === '/requests') send(res, 'application/json', JSON.stringify(requests))
    else if (req.url === '/page.js') send(res, 'text/javascript', script)
    else if (req.url === '/') send(res, 'text/html', html)
    else res.writeHead(404).end()
  })
}

const chromiumFlags = (profile) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--user-data-dir=${profile}`
]

/** Starts Chromium on `url` in its own process group, so that stopping it stops its child processes too. */
const openChromium = (url, profile) => {
  const child = spawn('chromium', [...chromiumFlags(profile), url], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM')
    await exited
  }
  return { stop, exited, stderr: () => stderr }
}

const print = (report) => {
  if (report.error) return console.log(`not ok - the page ran without an uncaught error\n    ${report.error}`)
  console.log(`# ${report.userAgent}`)
  for (const { name, ok, detail } of report.results) {
    console.log(`${ok ? 'ok' : 'not ok'} - ${name}`)
    if (detail) console.log(detail.replace(/^/gm, '    '))
  }
}

const main = async () => {
  let script
  try {
    script = await bundle()
    console.log(`ok - esbuild bundles the package for the browser (${(script.length / 1024).toFixed(1)} KB, not minified)`)
  } catch (e) {
    console.log(`not ok - esbuild bundles the package for the browser\n${String(e.message).replace(/^/gm, '    ')}`)
    process.exitCode = 1
    return
  }
  let reported
  const report = new Promise((resolve) => (reported = resolve))
  const server = serve(script, (body) => reported(body))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const profile = mkdtempSync(path.join(tmpdir(), 'best-simple-cache-chromium-'))
  const chromium = openChromium(`http://127.0.0.1:${server.address().port}/`, profile)
  let timer
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, REPORT_TIMEOUT_MS, 'timeout')))
  const outcome = await Promise.race([report, timeout, chromium.exited.then(() => 'exited')])
  clearTimeout(timer)
  await chromium.stop()
  server.close()
  rmSync(profile, { recursive: true, force: true })
  if (typeof outcome === 'object') return print(outcome)
  const why = outcome === 'timeout' ? `no report within ${REPORT_TIMEOUT_MS} ms` : 'Chromium exited before the page reported'
  console.log(`not ok - the page reports its results (${why})\n${chromium.stderr().replace(/^/gm, '    ')}`)
}

main().catch((e) => {
  console.log(`not ok - tests/browser/run.mjs\n    ${e && e.stack ? e.stack : e}`)
  process.exitCode = 1
})
