// The checks both smoke tests run against the built package, given the package as loaded (by `import` or by
// `require`) and io-ts and fp-ts's Either as the consumer loaded them. Only exports that exist are relied on.
'use strict'

const assert = require('node:assert/strict')

/** The names the package's root exports (compare `Object.keys` of either build). */
const publicNames = [
  'Cache',
  'CacheError',
  'CacheEvent',
  'Clock',
  'Config',
  'ErrorPolicy',
  'Freshness',
  'KeyCodec',
  'KeyedSemaphore',
  'LruTtl',
  'MemoryStore',
  'Ref',
  'Store',
  'Tiered',
  'Bus',
  'invalidateAfter',
  'invalidateAfterAsync',
  'refreshAfterBy',
  'refreshAfterByAsync',
  'withCache',
  'withCacheAsync',
  'withCacheOutcome',
  'withCacheAsyncOutcome',
  'withCacheAbortable',
  'withCacheAsyncAbortable',
  'withCacheBatch',
  'withCacheBatchAsync',
  'writeThrough',
  'writeThroughAsync'
]

const checks = (pkg, { t, E }) => [
  [
    'the root exports every public name',
    () => {
      const missing = publicNames.filter((name) => !(name in pkg))
      assert.deepEqual(missing, [])
    }
  ],
  [
    'KeyCodec.struct encodes in the codec order (fp-ts Either from the peer)',
    () => {
      const key = pkg.KeyCodec.struct({ id: pkg.KeyCodec.int, region: pkg.KeyCodec.string })
      const encoded = key.encode({ region: 'eu', id: 7 })
      assert.ok(E.isRight(encoded))
      assert.equal(encoded.right, '{id:7,region:2:eu}')
      assert.ok(E.isLeft(key.encode({ id: 1.5, region: 'eu' })))
    }
  ],
  [
    'Clock.manual and Ref work',
    () => {
      const clock = pkg.Clock.manual(10)
      clock.advance(5)()
      assert.equal(clock.now(), 15)
      const ref = pkg.Ref.make(1)
      assert.equal(ref.modify((n) => [n, n + 1])(), 1)
      assert.equal(ref.get(), 2)
    }
  ],
  [
    'withCacheAsync runs the function once for two calls (io-ts codec from the consumer)',
    async () => {
      const User = t.type({ id: t.number, name: t.string })
      const users = pkg.Cache.unsafeMake({
        name: 'user',
        codec: User,
        key: pkg.KeyCodec.struct({ userId: pkg.KeyCodec.int }),
        config: { ttl: 60000, maxSize: 10 }
      })
      let calls = 0
      const getUser = pkg.withCacheAsync(users)(async ({ userId }) => {
        calls++
        return { id: userId, name: 'Ann' }
      })
      assert.deepEqual(await getUser({ userId: 1 }), { id: 1, name: 'Ann' })
      assert.deepEqual(await getUser({ userId: 1 }), { id: 1, name: 'Ann' })
      assert.equal(calls, 1)
    }
  ],
  [
    'withCacheBatchAsync loads only the misses, in one call',
    async () => {
      const squares = pkg.Cache.unsafeMake({ name: 'square', codec: t.number, key: pkg.KeyCodec.int })
      const asked = []
      const squaresOf = pkg.withCacheBatchAsync(squares)(async (ns) => (asked.push(ns), ns.map((n) => n * n)))
      assert.deepEqual(await squaresOf([2, 3]), [4, 9])
      assert.deepEqual(await squaresOf([3, 4]), [9, 16])
      assert.deepEqual(asked, [[2, 3], [4]])
    }
  ]
]

/**
 * Runs `[name, fn]` checks in order and prints one `ok - ...` / `not ok - ...` line each (scripts/test-dist.sh
 * counts them). Sets a failing exit code when any check fails.
 */
const run = async (label, list) => {
  let failed = 0
  for (const [name, fn] of list) {
    try {
      await fn()
      console.log(`ok - ${label}: ${name}`)
    } catch (e) {
      failed++
      console.log(`not ok - ${label}: ${name}`)
      console.log(String(e && e.stack ? e.stack : e).replace(/^/gm, '    '))
    }
  }
  if (failed > 0) process.exitCode = 1
}

module.exports = { publicNames, checks, run }
