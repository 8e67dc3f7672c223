/**
 * Every store we ship, and the test stores, run the test kit's store contract suite (`storeLaws` of
 * lib/testing.ts, registered with jest by `describeLaws`, as a user runs it against a store of their own), and the
 * fast-check properties of the same laws (tests/util/storeProperties.ts). The JSON store runs in order, and with a
 * latency of its own that completes its operations out of order; the kit adds its own reordering and failures on
 * top (the `reordered` and `failing store` laws). The store of the "writing a store" guide runs the suite too.
 */
import { readFileSync } from 'fs'
import * as path from 'path'
import * as MemoryStore from '../lib/MemoryStore'
import type { StoreFactory } from '../lib/Store'
import { describeLaws, storeLaws } from '../lib/testing'
import { jsonStore, latentJsonStore } from './util/jsonStore'
import { mapStore } from './util/mapStore'
import { describeStoreProperties } from './util/storeProperties'

const subjects: ReadonlyArray<readonly [string, StoreFactory]> = [
  ['MemoryStore', MemoryStore.make],
  ['JSON store, in order', jsonStore()],
  ['JSON store with latency and reordering', latentJsonStore(7)],
  ['the store of the "writing a store" guide', mapStore]
]

for (const [name, factory] of subjects) describeLaws(`store laws (test kit): ${name}`, storeLaws(factory), { describe, it })

describeStoreProperties({ name: 'MemoryStore', factory: () => MemoryStore.make, latent: false })
describeStoreProperties({ name: 'JSON store, in order', factory: () => jsonStore(), latent: false })
describeStoreProperties({
  name: 'JSON store with latency and reordering',
  factory: (latency) => jsonStore(latency === undefined ? {} : { latency }),
  latent: true
})

describe('the "writing a store" guide', () => {
  it('shows the store that runs the laws here, line for line', () => {
    const between = (text: string, begin: string, end: string): string => {
      const from = text.indexOf(begin)
      const to = text.indexOf(end, from)
      if (from < 0 || to < 0) throw new Error(`no ${begin} ... ${end}`)
      return text.slice(from + begin.length, to).trim()
    }
    const code = between(readFileSync(path.join(__dirname, 'util', 'mapStore.ts'), 'utf8'), '// guide:begin', '// guide:end')
    const guide = readFileSync(path.join(__dirname, '..', 'docs', 'guides', 'writing-a-store.md'), 'utf8')
    expect(code.length).toBeGreaterThan(500)
    expect(guide).toContain(code)
  })
})
