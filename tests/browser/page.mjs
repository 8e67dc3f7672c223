// The page tests/browser/run.mjs bundles (esbuild, for the browser) and opens in headless Chromium. It caches a
// `fetch` of the local test server's users API with the package as a consumer installs it, checks a miss, a hit,
// another key and single flight against the server's own count of requests, and POSTs the results to /results
// (the page's HTML reports an uncaught error there too).
/* global fetch, navigator */
import * as t from 'io-ts'
import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'

const User = t.type({ id: t.number, name: t.string })
const users = Cache.unsafeMake({
  name: 'user',
  codec: User,
  key: KeyCodec.struct({ id: KeyCodec.int }),
  config: { ttl: 60_000, maxSize: 100 }
})

const getUser = withCacheAsync(users)(async ({ id }) => {
  const response = await fetch(`/users/${id}`)
  if (!response.ok) throw new Error(`GET /users/${id}: ${response.status}`)
  return response.json()
})

/** How many requests the server has had for each user id. */
const requests = async () => (await fetch('/requests')).json()

const expectEqual = (actual, expected, what) => {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)]
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

const checks = [
  [
    'a miss fetches the user once',
    async () => {
      expectEqual(await getUser({ id: 1 }), { id: 1, name: 'user 1' }, 'getUser(1)')
      expectEqual(await requests(), { 1: 1 }, 'requests')
    }
  ],
  [
    'a hit answers from the cache, with no request',
    async () => {
      expectEqual(await getUser({ id: 1 }), { id: 1, name: 'user 1' }, 'getUser(1) again')
      expectEqual(await requests(), { 1: 1 }, 'requests')
    }
  ],
  [
    'another key is a miss of its own',
    async () => {
      expectEqual(await getUser({ id: 2 }), { id: 2, name: 'user 2' }, 'getUser(2)')
      expectEqual(await requests(), { 1: 1, 2: 1 }, 'requests')
    }
  ],
  [
    'single flight: 10 concurrent calls for a missing key make one request, and all get its user',
    async () => {
      const all = await Promise.all(Array.from({ length: 10 }, () => getUser({ id: 3 })))
      expectEqual(all, Array.from({ length: 10 }, () => ({ id: 3, name: 'user 3' })), '10 x getUser(3)')
      expectEqual(await requests(), { 1: 1, 2: 1, 3: 1 }, 'requests')
    }
  ],
  [
    'the stats count 1 hit and 3 loads',
    async () => {
      const { hits, loads } = await users.stats()
      expectEqual({ hits, loads }, { hits: 1, loads: 3 }, 'stats')
    }
  ]
]

const report = (body) => fetch('/results', { method: 'POST', body: JSON.stringify(body) })

const main = async () => {
  const results = []
  for (const [name, check] of checks) {
    try {
      await check()
      results.push({ name, ok: true })
    } catch (e) {
      results.push({ name, ok: false, detail: String(e && e.stack ? e.stack : e) })
    }
  }
  await report({ userAgent: navigator.userAgent, results })
}

void main()
