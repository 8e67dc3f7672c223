/**
 * Type-level tests: this file must compile (ts-jest type-checks it), and each `@ts-expect-error` must be an error.
 */
import type { Either } from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import * as Cache from '../lib/Cache'
import type { CacheError } from '../lib/CacheError'
import * as KC from '../lib/KeyCodec'
import { invalidateAfter, invalidateAfterAsync } from '../lib/invalidateAfter'
import { refreshAfterBy, refreshAfterByAsync } from '../lib/refreshAfterBy'
import { withCache, withCacheAsync } from '../lib/withCache'

type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false
const assertType = <T extends true>(): T => true as T

const User = t.type({ id: t.number, name: t.string })
type User = t.TypeOf<typeof User>
const byObject = Cache.unsafeMake({ name: 'u', codec: User, key: KC.struct({ userId: KC.int }) })
const byArgs = Cache.unsafeMake({ name: 'u', codec: User, args: KC.tuple(KC.int, KC.string) })

// withCache keeps the parameters and adds CacheError to the error type
const getTE = withCache(byObject)((_: { userId: number }) => TE.left<'NotFound', User>('NotFound'))
assertType<Equals<typeof getTE, (_: { userId: number }) => TaskEither<'NotFound' | CacheError, User>>>()
const getP = withCacheAsync(byArgs)(async (id: number, region: string) => ({ id, name: region }))
assertType<Equals<typeof getP, (id: number, region: string) => Promise<User>>>()
const getSync = withCacheAsync(byArgs)((id: number, region: string): User => ({ id, name: region }))
assertType<Equals<ReturnType<typeof getSync>, Promise<User>>>()

// @ts-expect-error the result must be the cache's entity
withCacheAsync(byObject)(async (_: { userId: number }) => 42)
// @ts-expect-error the arguments must be what the key codec encodes
withCacheAsync(byObject)(async (_: { id: number }) => ({ id: 1, name: 'x' }))
// @ts-expect-error withCache does not allow arguments the key would not see
withCacheAsync(byArgs)(async (id: number, region: string, _extra: boolean) => ({ id, name: region }))

// write-side combinators accept more than the key: the patch after the id, more fields in the object
const rename = invalidateAfter(byArgs)((_id: number, _region: string, _name: string) => TE.right(1 as const))
assertType<Equals<typeof rename, (_id: number, _region: string, _name: string) => TaskEither<CacheError, 1>>>()
const renameP = invalidateAfterAsync(byObject)(async (_: { userId: number; name: string }) => 'done')
assertType<Equals<typeof renameP, (_: { userId: number; name: string }) => Promise<string>>>()
const refresh = refreshAfterBy(byObject, getTE)((_: { userId: number; name: string }) => TE.right(true))
assertType<Equals<typeof refresh, (_: { userId: number; name: string }) => TaskEither<CacheError, boolean>>>()
const refreshP = refreshAfterByAsync(byArgs, getP)(async (_id: number, _region: string, _patch: object) => 0)
assertType<Equals<typeof refreshP, (_id: number, _region: string, _patch: object) => Promise<number>>>()
// @ts-expect-error a write must start with the key's arguments
invalidateAfterAsync(byArgs)(async (_region: string) => 0)

// key codecs infer their types; optional fields may be left out
const k = KC.struct({ id: KC.int, lang: KC.optional(KC.string) })
assertType<Equals<KC.TypeOf<typeof k>, { readonly id: number } & { readonly lang?: string | undefined }>>()
k.encode({ id: 1 })
// cache operations take the same arguments
assertType<Equals<ReturnType<typeof byArgs.keyOf>, Either<import('../lib/CacheError').KeyEncodeFailure, string>>>()
// @ts-expect-error positional cache operations take positional arguments
byArgs.get({ id: 1 })

describe('types', () => {
  it('compile (the assertions above are checked by the type checker)', () => {
    expect(typeof getTE).toBe('function')
  })
})
