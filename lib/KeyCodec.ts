/**
 * Key codecs: encoders from a function's arguments to the string key of a cache entry, built from small
 * combinators in the style of io-ts `Encoder` (`struct`, `tuple`, `array`, `nullable`, `contramap`, ...).
 *
 * Laws (checked by property tests):
 * 1. Deterministic: equal arguments give equal keys, whatever the property order of an object.
 * 2. Injective: different arguments give different keys. Strings are escaped, so no value of one field can
 *    imitate the separators of a `struct`, `tuple` or `array`. `contramap(f)` is injective when `f` is.
 * 3. Total: an argument the codec cannot encode (a runtime value of the wrong type, a `NaN` where an integer is
 *    expected, an invalid `Date`) is a `Left` of `KeyEncodeFailure`, never a thrown error and never a collision.
 *
 * The grammar: numbers, booleans and bigints print as themselves; strings escape the reserved characters
 * `\ , : [ ] { } ~ ? "` with a backslash and the empty string is `""`; `null` is `~` and `undefined` is `?`;
 * a tuple or array is `[a,b]`; a struct is `{name:value,...}` in the codec's property order.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import { keyEncodeFailure } from './CacheError'
import type { KeyEncodeFailure } from './CacheError'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Encodes an `A` to a key string, or fails with a `KeyEncodeFailure`.
 *
 * @category model
 * @since 0.1.0
 */
export interface KeyCodec<A> {
  readonly encode: (a: A) => Either<KeyEncodeFailure, string>
  /** @internal the same encoding, throwing `Failed` on a bad value; the combinators compose this one */
  readonly unsafeEncode?: (a: A, path: string) => string
}

/**
 * The type a key codec encodes.
 *
 * @category utils
 * @since 0.1.0
 */
export type TypeOf<C> = C extends KeyCodec<infer A> ? A : never

/**
 * The object type a `struct` of these property codecs encodes: a property whose codec accepts `undefined`
 * (`optional`) may be left out.
 *
 * @category utils
 * @since 0.1.0
 */
export type StructOf<P> = {
  readonly [K in keyof P as undefined extends TypeOf<P[K]> ? never : K]: TypeOf<P[K]>
} & {
  readonly [K in keyof P as undefined extends TypeOf<P[K]> ? K : never]?: TypeOf<P[K]>
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

/** Thrown inside a codec and caught once by `encode`: keeps the hot path free of `Either` allocations. */
interface Failed {
  readonly failure: KeyEncodeFailure
}

type Unsafe = (a: unknown, path: string) => string

const fail = (path: string, actual: unknown, expected: string): never => {
  const failed: Failed = { failure: keyEncodeFailure(path, actual, expected) }
  throw failed
}

const isFailed = (u: unknown): u is Failed => typeof u === 'object' && u !== null && 'failure' in u

const caught = (a: unknown, e: unknown): KeyEncodeFailure =>
  isFailed(e)
    ? e.failure
    : keyEncodeFailure('$', a, `a value the codec can read (${e instanceof Error ? e.message : String(e)})`)

const fromUnsafe = <A>(unsafeEncode: (a: A, path: string) => string): KeyCodec<A> => ({
  unsafeEncode,
  encode: (a) => {
    try {
      return E.right(unsafeEncode(a, '$'))
    } catch (e) {
      return E.left(caught(a, e))
    }
  }
})

/**
 * `encode` without the `Either`: the key, or the failure. For the hot path of a cache lookup.
 *
 * @internal
 */
export const toKey = <A>(codec: KeyCodec<A>): ((a: A) => string | KeyEncodeFailure) => {
  const enc = unsafe(codec)
  return (a) => {
    try {
      return enc(a, '$')
    } catch (e) {
      return caught(a, e)
    }
  }
}

/** The throwing form of a codec: its own, or one over `encode` for a codec written by hand. */
const unsafe = <A>(codec: KeyCodec<A>): ((a: A, path: string) => string) =>
  codec.unsafeEncode ??
  ((a, path) => {
    const e = codec.encode(a)
    if (E.isRight(e)) return e.right
    const failed: Failed = { failure: { ...e.left, path: path + e.left.path.slice(1) } }
    throw failed
  })

const RESERVED = /[\\,:[\]{}~?"]/
const RESERVED_G = /[\\,:[\]{}~?"]/g

const escape = (s: string): string => (s === '' ? '""' : RESERVED.test(s) ? s.replace(RESERVED_G, '\\$&') : s)

const num = (n: number): string => (n === 0 ? '0' : String(n)) // -0 and 0 are equal arguments

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * Any string, escaped.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(KeyCodec.string.encode('a,b'), E.right('a\\,b'))
 * assert.deepStrictEqual(KeyCodec.string.encode(''), E.right('""'))
 *
 * @category primitives
 * @since 0.1.0
 */
export const string: KeyCodec<string> = /*#__PURE__*/ fromUnsafe((s, path) =>
  typeof s === 'string' ? escape(s) : fail(path, s, 'string')
)

/**
 * Any number; `0` and `-0` give the same key, `NaN` and the infinities are keys of their own.
 *
 * @category primitives
 * @since 0.1.0
 */
export const number: KeyCodec<number> = /*#__PURE__*/ fromUnsafe((n, path) =>
  typeof n === 'number' ? num(n) : fail(path, n, 'number')
)

/**
 * A safe integer (`Number.isSafeInteger`); anything else is a `Left`.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(KeyCodec.int.encode(42), E.right('42'))
 * assert.ok(E.isLeft(KeyCodec.int.encode(1.5)))
 *
 * @category primitives
 * @since 0.1.0
 */
export const int: KeyCodec<number> = /*#__PURE__*/ fromUnsafe((n, path) =>
  Number.isSafeInteger(n) ? num(n) : fail(path, n, 'a safe integer')
)

/**
 * `true` or `false`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const boolean: KeyCodec<boolean> = /*#__PURE__*/ fromUnsafe((b, path) =>
  typeof b === 'boolean' ? (b ? 'true' : 'false') : fail(path, b, 'boolean')
)

/**
 * A bigint, printed with an `n` suffix.
 *
 * @category primitives
 * @since 0.1.0
 */
export const bigint: KeyCodec<bigint> = /*#__PURE__*/ fromUnsafe((b, path) =>
  typeof b === 'bigint' ? `${b}n` : fail(path, b, 'bigint')
)

/**
 * A valid `Date`, as its ISO string; an invalid date is a `Left`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const date: KeyCodec<Date> = /*#__PURE__*/ fromUnsafe((d, path) =>
  d instanceof Date && !Number.isNaN(d.getTime()) ? escape(d.toISOString()) : fail(path, d, 'a valid Date')
)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Encodes an object by the codec's properties, in the codec's order: the input's property order and any
 * property the codec does not name play no part in the key.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.struct({ id: KeyCodec.int, region: KeyCodec.string })
 * assert.deepStrictEqual(key.encode({ region: 'eu', id: 7 }), E.right('{id:7,region:eu}'))
 * assert.deepStrictEqual(key.encode({ id: 7, region: 'eu' }), E.right('{id:7,region:eu}'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const struct = <P extends Readonly<Record<string, KeyCodec<never>>>>(properties: P): KeyCodec<StructOf<P>> => {
  const names = Object.keys(properties)
  const labels = names.map((name, i) => `${i === 0 ? '{' : ','}${escape(name)}:`)
  const codecs = names.map((name) => unsafe(properties[name] as KeyCodec<unknown>))
  const paths = names.map((name) => `.${name}`)
  return fromUnsafe((a, path) => {
    if (typeof a !== 'object' || a === null) return fail(path, a, 'an object')
    let out = names.length === 0 ? '{' : ''
    for (let i = 0; i < names.length; i++) {
      out += (labels[i] as string) + (codecs[i] as Unsafe)((a as Record<string, unknown>)[names[i] as string], path + paths[i])
    }
    return out + '}'
  })
}

/**
 * Encodes a fixed-length tuple, component by component. Elements past the codec's length play no part in the key.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.tuple(KeyCodec.int, KeyCodec.string)
 * assert.deepStrictEqual(key.encode([1, 'a']), E.right('[1,a]'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const tuple = <A extends ReadonlyArray<unknown>>(
  ...components: { readonly [K in keyof A]: KeyCodec<A[K]> }
): KeyCodec<Readonly<A>> => {
  const codecs = (components as ReadonlyArray<KeyCodec<unknown>>).map(unsafe)
  return fromUnsafe((as, path) => {
    if (!Array.isArray(as) || as.length < codecs.length) return fail(path, as, `a tuple of ${codecs.length}`)
    let out = '['
    for (let i = 0; i < codecs.length; i++) {
      if (i > 0) out += ','
      out += (codecs[i] as Unsafe)(as[i], `${path}[${i}]`)
    }
    return out + ']'
  })
}

/**
 * Encodes an array of any length.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.array(KeyCodec.string)
 * assert.deepStrictEqual(key.encode([]), E.right('[]'))
 * assert.deepStrictEqual(key.encode(['']), E.right('[""]'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const array = <A>(item: KeyCodec<A>): KeyCodec<ReadonlyArray<A>> => {
  const enc = unsafe(item)
  return fromUnsafe((as, path) => {
    if (!Array.isArray(as)) return fail(path, as, 'an array')
    let out = '['
    for (let i = 0; i < as.length; i++) {
      if (i > 0) out += ','
      out += enc(as[i], `${path}[${i}]`)
    }
    return out + ']'
  })
}

/**
 * Adds `null` to the values a codec accepts; `null` is `~`.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.nullable(KeyCodec.string)
 * assert.deepStrictEqual(key.encode(null), E.right('~'))
 * assert.deepStrictEqual(key.encode('~'), E.right('\\~'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const nullable = <A>(codec: KeyCodec<A>): KeyCodec<A | null> => {
  const enc = unsafe(codec)
  return fromUnsafe((a, path) => (a === null ? '~' : enc(a, path)))
}

/**
 * Adds `undefined` to the values a codec accepts (an optional field of a `struct`); `undefined` is `?`.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.struct({ id: KeyCodec.int, lang: KeyCodec.optional(KeyCodec.string) })
 * assert.deepStrictEqual(key.encode({ id: 1 }), E.right('{id:1,lang:?}'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const optional = <A>(codec: KeyCodec<A>): KeyCodec<A | undefined> => {
  const enc = unsafe(codec)
  return fromUnsafe((a, path) => (a === undefined ? '?' : enc(a, path)))
}

/**
 * Encodes a `B` by first mapping it to an `A`. The result is injective when `f` is.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * interface User { readonly id: number; readonly name: string }
 * const byId = pipe(KeyCodec.int, KeyCodec.contramap((u: User) => u.id))
 * assert.deepStrictEqual(byId.encode({ id: 3, name: 'Ann' }), E.right('3'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const contramap =
  <A, B>(f: (b: B) => A) =>
  (codec: KeyCodec<A>): KeyCodec<B> => {
    const enc = unsafe(codec)
    return fromUnsafe((b, path) => enc(f(b), path))
  }

/**
 * Puts a fixed, escaped prefix and a `:` in front of every key (a namespace, a schema version).
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = pipe(KeyCodec.int, KeyCodec.prefix('v2'))
 * assert.deepStrictEqual(key.encode(5), E.right('v2:5'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const prefix =
  (p: string) =>
  <A>(codec: KeyCodec<A>): KeyCodec<A> => {
    const head = `${escape(p)}:`
    const enc = unsafe(codec)
    return fromUnsafe((a, path) => head + enc(a, path))
  }
