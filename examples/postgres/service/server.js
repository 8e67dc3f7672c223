/**
 * The HTTP side of the service, node:http only: `GET /items/:id`, `PUT /items/:id` (a JSON body `{ "price": n }`),
 * and `GET /stats` (the cache's counters and the queries sent to PostgreSQL).
 */
import { Buffer } from 'node:buffer'
import * as http from 'node:http'
import { NotFound } from './items.js'

/** A request the service refuses, with its status. */
class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

const statusOf = (e) => (e instanceof HttpError ? e.status : e instanceof NotFound ? 404 : 500)

/**
 * The HTTP server of the service.
 *
 * @param {ReturnType<typeof import('./items.js').makeItems>} items
 * @param {ReturnType<typeof import('./db.js').items>['issued']} issued
 */
export const makeServer = (items, issued) =>
  http.createServer((req, res) => {
    route(req, items, issued).then(
      (body) => reply(res, 200, body),
      (e) => reply(res, statusOf(e), { error: e instanceof Error ? e.message : String(e) })
    )
  })

const itemPath = /^\/items\/([1-9][0-9]{0,8})$/

const route = async (req, { cache, getItem, repriceItem, fenced }, issued) => {
  const match = itemPath.exec(req.url ?? '')
  if (match !== null && req.method === 'GET') return getItem({ id: Number(match[1]) })
  if (match !== null && req.method === 'PUT') {
    const price = (await readJson(req))?.price
    if (!Number.isInteger(price)) throw new HttpError(400, 'price: expected an integer')
    return repriceItem({ id: Number(match[1]), price })
  }
  if (req.url === '/stats' && req.method === 'GET')
    return { cache: await cache.stats(), fenced: fenced.count, queries: issued }
  throw new HttpError(404, `no route ${req.method} ${req.url}`)
}

/** @param {http.IncomingMessage} req */
const readJson = (req) =>
  new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      body += chunk
      if (body.length > 10_000) req.destroy(new HttpError(413, 'body too large'))
    })
    req.on('end', () => {
      try {
        resolve(JSON.parse(body))
      } catch {
        reject(new HttpError(400, 'the body is not JSON'))
      }
    })
    req.on('error', reject)
  })

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
const reply = (res, status, body) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
