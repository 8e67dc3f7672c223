/**
 * The bounded load test: `concurrency` clients, each sending one request at a time for `seconds`, to zipf-drawn
 * ids; a share `writeShare` of them are writes (PUT: UPDATE, then invalidate), the rest reads (GET).
 *
 * Stale reads. Every write bumps the row's version, and its response (sent once the UPDATE has committed and the
 * invalidation has returned) carries the new version. The test keeps, per id, the newest version acknowledged so
 * far. A read is stale when it returns a version older than the one acknowledged before that read was sent: the
 * service then answered with a row that a committed, invalidated write had already replaced. Acknowledged writes
 * are a subset of committed ones, so the count has no false alarms; `finalCheck` then compares what the service
 * returns for every written id with the table itself.
 */
import * as http from 'node:http'
import { Buffer } from 'node:buffer'
import { performance } from 'node:perf_hooks'
import { zipf } from './zipf.js'

/**
 * @param {{ url: string, seconds: number, concurrency: number, rows: number, writeShare: number,
 *   exponent: number }} options
 */
export const runLoad = async ({ url, seconds, concurrency, rows, writeShare, exponent }) => {
  const nextId = zipf(rows, exponent, Math.random)
  const client = httpClient(url, concurrency)
  const acknowledged = new Int32Array(rows + 1).fill(1) // the seed's version
  const written = new Set()
  const tally = { reads: [], writes: [], stale: 0, staleExamples: [], errors: 0, errorExamples: [] }

  const read = async (id) => {
    const floor = acknowledged[id]
    const item = await client.send('GET', `/items/${id}`)
    if (item.version < floor) {
      tally.stale++
      if (tally.staleExamples.length < 5)
        tally.staleExamples.push(`item ${id}: read version ${item.version} after version ${floor} was acknowledged`)
    }
  }
  const write = async (id) => {
    written.add(id) // before the request: a write that times out may still have committed
    const { version } = await client.send('PUT', `/items/${id}`, { price: 100 + Math.floor(Math.random() * 9900) })
    if (version > acknowledged[id]) acknowledged[id] = version
  }
  const oneClient = async (deadline) => {
    while (performance.now() < deadline) {
      const id = nextId()
      const isWrite = Math.random() < writeShare
      const start = performance.now()
      try {
        await (isWrite ? write(id) : read(id))
        ;(isWrite ? tally.writes : tally.reads).push(performance.now() - start)
      } catch (e) {
        tally.errors++
        if (tally.errorExamples.length < 5) tally.errorExamples.push(String(e instanceof Error ? e.message : e))
      }
    }
  }

  const start = performance.now()
  const deadline = start + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, () => oneClient(deadline)))
  const elapsed = (performance.now() - start) / 1000
  client.close()
  return { ...tally, elapsed, written: [...written] }
}

/**
 * After the load: every written id, read through the service, must have the version the table has.
 *
 * @param {string} url the service
 * @param {ReadonlyArray<number>} ids
 * @param {Map<number, number>} inTable the versions read from the table
 */
export const finalCheck = async (url, ids, inTable) => {
  const client = httpClient(url, 16)
  const mismatches = []
  const queue = [...ids]
  const worker = async () => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      const item = await client.send('GET', `/items/${id}`)
      if (item.version !== inTable.get(id))
        mismatches.push(`item ${id}: service ${item.version}, table ${inTable.get(id)}`)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker)).finally(client.close)
  return mismatches
}

/**
 * A keep-alive HTTP/1.1 client for JSON; a non-2xx answer or no answer within 5 s is an error.
 *
 * @param {string} base
 * @param {number} sockets
 */
const httpClient = (base, sockets) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  const send = (method, path, body) =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body)
      const headers =
        text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
      const req = http.request(new URL(path, base), { method, agent, headers, timeout: 5_000 }, (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (data += chunk))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve(JSON.parse(data))
          else reject(new Error(`${method} ${path}: HTTP ${status} ${data}`))
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)))
      req.on('error', reject)
      req.end(text)
    })
  return { send, close: () => agent.destroy() }
}
