// A consumer of the test kit, `best-simple-cache/testing`, under `moduleResolution: node16`: as an ES module, and
// as CommonJS (scripts/test-dist.sh copies it to testing.cts). It is compiled with declarations
// (tsconfig.testing.json): every export's type is inferred, so this also checks that TypeScript can name the kit's
// types from the entry (no TS2742 "cannot be named" error).
import { Cache, KeyCodec, MemoryStore, withCacheAsync } from 'best-simple-cache'
import { countCalls, describeLaws, faultyStore, manualClock, storeLaws } from 'best-simple-cache/testing'
import type { Law, TestFramework } from 'best-simple-cache/testing'
import * as t from 'io-ts'

export const clock = manualClock(0)
export const faults = faultyStore(MemoryStore.make, { seed: 1, maxDelay: 2, failOn: ['set'] })
export const factory = faults.factory
export const operations = faults.operations()
export const loader = countCalls(async (id: number) => ({ id, name: 'Ann' }))
export const counts = loader.count()

const User = t.type({ id: t.number, name: t.string })
const users = Cache.unsafeMake({ name: 'user', codec: User, key: KeyCodec.int, clock, store: factory })
export const getUser: (id: number) => Promise<{ id: number; name: string }> = withCacheAsync(users)(loader)

export const laws: ReadonlyArray<Law> = storeLaws(MemoryStore.make, { seed: 3, runs: 5 })
export const first = laws[0]
const framework: TestFramework = { describe: (_name, body) => body(), it: () => undefined }
describeLaws('MemoryStore', laws, framework)

// @ts-expect-error a fault names an operation a store has
faultyStore(MemoryStore.make, { seed: 1, failOn: ['fetch'] })
