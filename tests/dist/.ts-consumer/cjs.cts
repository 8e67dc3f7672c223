// A CommonJS consumer under `moduleResolution: node16`: it must find dist/cjs/index.d.cts through the
// `require` condition. fp-ts is imported as CommonJS code usually does (`fp-ts/Either`).
import { Cache, KeyCodec, withCache } from 'best-simple-cache'
import { CacheError } from 'best-simple-cache'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'

const key = KeyCodec.tuple(KeyCodec.string, KeyCodec.int)
export const encoded: E.Either<CacheError.KeyEncodeFailure, string> = key.encode(['a', 1])
export const isKey: boolean = E.isRight(encoded)

// @ts-expect-error the tuple's component types are kept
key.encode([1, 'a'])

// @ts-expect-error `unsafeEncode` is @internal and stripped from the declarations
export const hidden = KeyCodec.int.unsafeEncode

const squares = Cache.unsafeMake({ name: 'square', codec: t.number, key: KeyCodec.int })
export const square: (n: number) => TE.TaskEither<CacheError.CacheError, number> = withCache(squares)((n: number) =>
  TE.right(n * n)
)

// `CacheError` is the namespace and the error type at once, from the package root
export const describeError = (e: CacheError): string => CacheError.message(e)
