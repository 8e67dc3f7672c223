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

// A pretend database behind a slow API.
const db = new Map<number, User>([
  [42, { id: 42, name: 'Alice' }],
  [7, { id: 7, name: 'Bo' }]
])
let apiCalls = 0
const slowly = <A>(a: A): Promise<A> => new Promise((resolve) => setTimeout(() => resolve(a), 300))

// 4. Cache the reader.
const getUser = withCacheAsync(users)(async ({ userId }: { userId: number }): Promise<User> => {
  apiCalls++
  const user = db.get(userId)
  if (user === undefined) throw new Error(`no user ${userId}`)
  return slowly(user)
})

// 5. Writers: one drops the entry, the other reloads it.
const updateUser = invalidateAfterAsync(users)(async ({ userId, name }: { userId: number; name: string }) => {
  db.set(userId, { id: userId, name })
  return slowly(undefined)
})
const renameUser = refreshAfterByAsync(users, getUser)(async ({ userId, name }: { userId: number; name: string }) => {
  db.set(userId, { id: userId, name })
})

const timed = async <A>(label: string, run: () => Promise<A>): Promise<A> => {
  const start = performance.now()
  const a = await run()
  console.log(`${label.padEnd(34)} ${(performance.now() - start).toFixed(1).padStart(7)} ms  ${typeof a === 'string' ? a : JSON.stringify(a)}`)
  return a
}

async function main(): Promise<void> {
  await timed('getUser(42), first call (miss)', () => getUser({ userId: 42 }))
  await timed('getUser(42), second call (hit)', () => getUser({ userId: 42 }))
  const before = apiCalls
  await timed('10 concurrent getUser(7)', async () => {
    const all = await Promise.all(Array.from({ length: 10 }, () => getUser({ userId: 7 })))
    return `${all.length} x ${JSON.stringify(all[0])}, ${apiCalls - before} call to the API`
  })
  await timed('getUser(99), no such user', () => getUser({ userId: 99 }).catch((e: Error) => e.message))
  await timed('getUser(99) again (not cached)', () => getUser({ userId: 99 }).catch((e: Error) => e.message))
  await timed('updateUser(42, "Alicia")', () => updateUser({ userId: 42, name: 'Alicia' }))
  await timed('getUser(42) after the update', () => getUser({ userId: 42 }))
  await timed('renameUser(42, "Ally")', () => renameUser({ userId: 42, name: 'Ally' }))
  await timed('getUser(42) after the rename (hit)', () => getUser({ userId: 42 }))
  console.log('stats:', await users.stats())
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
