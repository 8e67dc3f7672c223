// The checks both smoke tests run against the built test kit, `best-simple-cache/testing`, given the kit and the
// package root as loaded by the same system (`import` or `require`), io-ts as the consumer loaded it, and the
// file the kit resolved to.
'use strict'

const assert = require('node:assert/strict')

/** The names the test kit exports (compare `Object.keys` of either build). */
const testingNames = ['busHub', 'countCalls', 'describeLaws', 'faultyStore', 'manualClock', 'storeLaws']

const testingChecks = (testing, pkg, { t, entry, format }) => [
  [
    `best-simple-cache/testing resolves to dist/${format}/testing`,
    () => assert.match(entry, new RegExp(`[\\\\/]dist[\\\\/]${format}[\\\\/]testing\\.${format === 'esm' ? 'mjs' : 'cjs'}$`))
  ],
  ['the test kit exports every public name', () => assert.deepEqual(Object.keys(testing).filter((k) => k !== '__esModule').sort(), testingNames)],
  ['the test kit shares its modules with the root (manualClock is Clock.manual)', () => assert.equal(testing.manualClock, pkg.Clock.manual)],
  [
    'the store laws hold for MemoryStore, through describeLaws',
    async () => {
      const tests = []
      testing.describeLaws('MemoryStore', testing.storeLaws(pkg.MemoryStore.make, { runs: 3 }), {
        describe: (_name, body) => body(),
        it: (name, run) => tests.push([name, run])
      })
      assert.ok(tests.length >= 10, `${tests.length} laws`)
      for (const [, run] of tests) await run()
    }
  ],
  [
    'a law fails with a descriptive Error on a broken store',
    async () => {
      // a store whose delete does nothing
      const forgetful = (context) => {
        const { get, set, clear } = pkg.MemoryStore.make(context)
        return { get, set, clear, delete: () => () => Promise.resolve({ _tag: 'Right', right: undefined }) }
      }
      const c1 = testing.storeLaws(forgetful).find((law) => law.id === 'C1')
      // a validator function, not a RegExp: runtimes match a RegExp against the message or against String(error)
      await assert.rejects(c1.run(), (e) => e instanceof Error && /^C1: get\("k"\) after delete\("k"\): expected none, got some/.test(e.message))
    }
  ],
  [
    'countCalls and faultyStore work with a cache',
    async () => {
      const store = testing.faultyStore(pkg.MemoryStore.make, { seed: 1, maxDelay: 2 })
      const cache = pkg.Cache.unsafeMake({ name: 'n', codec: t.number, key: pkg.KeyCodec.int, store: store.factory })
      const loader = testing.countCalls(async (n) => n * 2)
      const f = pkg.withCacheAsync(cache)(loader)
      assert.deepEqual(await Promise.all([f(2), f(2)]), [4, 4])
      assert.deepEqual(loader.count(), { calls: 1, inFlight: 0, settled: 1, failed: 0 })
      assert.deepEqual(store.operations().map((o) => o.operation), ['get', 'set'])
    }
  ],
  [
    'busHub keeps two tiered caches coherent (a write in one drops the copy of the other)',
    async () => {
      let shared
      const l2 = (context) => (shared ??= pkg.MemoryStore.make(context))
      const hub = testing.busHub()
      const cacheOn = (bus) => {
        const store = pkg.Tiered.make({ l2, bus, l1MaxTtl: 60000 })
        assert.equal(store._tag, 'Right')
        return pkg.Cache.unsafeMake({ name: 'u', codec: t.string, key: pkg.KeyCodec.int, store: store.right })
      }
      const a = cacheOn(hub.bus())
      const b = cacheOn(hub.bus())
      await a.set('v1', 1)()
      assert.deepEqual(await b.get(1)(), { _tag: 'Right', right: { _tag: 'Some', value: 'v1' } })
      await a.set('v2', 1)()
      assert.deepEqual(await b.get(1)(), { _tag: 'Right', right: { _tag: 'Some', value: 'v2' } })
    }
  ]
]

module.exports = { testingNames, testingChecks }
