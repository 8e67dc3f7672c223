// An ES module consumer under `moduleResolution: node16`: it must find dist/esm/index.d.mts through the
// `import` condition, and fp-ts's types by the same files the package's declarations use.
import { Cache, KeyCodec, withCacheAsync } from 'best-simple-cache'
import { CacheError } from 'best-simple-cache'
import type { Either } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

const key = KeyCodec.struct({ userId: KeyCodec.int })
export const encoded: Either<CacheError.KeyEncodeFailure, string> = key.encode({ userId: 1 })

// @ts-expect-error the key codec's input type is kept: a string is not a `{ userId: number }`
key.encode('1')

// @ts-expect-error `unsafeEncode` is @internal and stripped from the declarations
export const hidden = KeyCodec.int.unsafeEncode

const User = t.type({ id: t.number, name: t.string })
const users = Cache.unsafeMake({ name: 'user', codec: User, key })
export const getUser: (args: { userId: number }) => Promise<{ id: number; name: string }> = withCacheAsync(users)(
  async ({ userId }: { userId: number }) => ({ id: userId, name: 'Ann' })
)

// `CacheError` is the namespace and the error type at once, from the package root
export const describeError = (e: CacheError): string => CacheError.message(e)
