/**
 * The quick start of the README, runnable with `npm start`: the Python package's example in TypeScript.
 * A slow `getUser` is cached; `updateUser` invalidates its entry; `renameUser` refreshes it.
 */
import * as t from 'io-ts'
import {
  Cache,
  KeyCodec,
  invalidateAfterAsync,
  refreshAfterByAsync,
  withCacheAsync
} from '../lib'

// 1. The entity, as an io-ts codec: cached values are checked against it.
const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>

// 2. The key: which arguments identify a user.
const UserKey = KeyCodec.struct({ userId: KeyCodec.int })

// 3. The cache: 60 s ttl, at most 1000 users, in memory.
const users = Cache.unsafeMake({
  name: 'user',
  codec: User,
  key: UserKey,
  config: { ttl: 60_000, maxSize: 1000 }
})

// A pretend database behind a slow API (300 ms a call), counting its calls.
const db = new Map<number, User>([
  [42, { id: 42, name: 'Alice' }],
  [7, { id: 7, name: 'Bo' }]
])
let apiCalls = 0
const slowly = <A>(answer: () => A): Promise<A> => {
  apiCalls++
  return new Promise((resolve) => setTimeout(resolve, 300)).then(answer)
}
const api = {
  fetchUser: (id: number): Promise<User> =>
    slowly(() => {
      const user = db.get(id)
      if (user === undefined) throw new Error(`no user ${id}`)
      return user
    }),
  saveUser: (id: number, name: string): Promise<void> => slowly(() => void db.set(id, { id, name }))
}

// 4. Cache the reader.
const getUser = withCacheAsync(users)(({ userId }: { userId: number }): Promise<User> => api.fetchUser(userId))

// 5. Writers: one drops the entry, the other reloads it through getUser.
const updateUser = invalidateAfterAsync(users)(({ userId, name }: { userId: number; name: string }) =>
  api.saveUser(userId, name)
)
const renameUser = refreshAfterByAsync(users, getUser)(({ userId, name }: { userId: number; name: string }) =>
  api.saveUser(userId, name)
)

/** Runs one step and prints one line: what it did, how long it took, how many API calls it made, and its answer. */
const step = async <A>(label: string, run: () => Promise<A>): Promise<void> => {
  const calls = apiCalls
  const start = performance.now()
  const answer = await run().then(
    (a) => (a === undefined ? 'done' : typeof a === 'string' ? a : JSON.stringify(a)),
    (e: Error) => `failed: ${e.message}`
  )
  const ms = (performance.now() - start).toFixed(1).padStart(6)
  const made = apiCalls - calls
  console.log(`${label.padEnd(44)} ${ms} ms  ${made} API call${made === 1 ? ' ' : 's'}  ${answer}`)
}

async function main(): Promise<void> {
  await step('getUser(42): a miss, loaded', () => getUser({ userId: 42 }))
  await step('getUser(42): a hit', () => getUser({ userId: 42 }))
  await step('10 concurrent getUser(7): single flight', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, () => getUser({ userId: 7 })))
    return `${all.length} x ${JSON.stringify(all[0])}`
  })
  await step('getUser(99): an error', () => getUser({ userId: 99 }))
  await step('getUser(99) again: errors are not cached', () => getUser({ userId: 99 }))
  await step('updateUser(42, "Alicia"): saves, invalidates', () => updateUser({ userId: 42, name: 'Alicia' }))
  await step('getUser(42): a miss, loads the new name', () => getUser({ userId: 42 }))
  await step('renameUser(42, "Ally"): saves, reloads', () => renameUser({ userId: 42, name: 'Ally' }))
  await step('getUser(42): a hit, the refreshed name', () => getUser({ userId: 42 }))
  const stats = await users.stats()
  // the counters that moved (every counter is in `stats`; see the CacheEvent module)
  const moved = Object.entries(stats).filter(([, n]) => n !== 0)
  console.log(`stats: ${moved.map(([name, n]) => `${name} ${n}`).join(', ')}`)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
