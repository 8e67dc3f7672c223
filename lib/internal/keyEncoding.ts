/**
 * The machinery of key codecs: the two forms of a codec (its key, and the self-delimiting part it writes inside a
 * composite), the throwing encoders the combinators compose (a bad value throws a `Failed` that `encode` catches
 * once, so the hot path allocates no `Either`), guards, length prefixes and labels. `KeyCodec` holds the codecs and
 * the grammar; this holds how they are built.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import { keyEncodeFailure } from '../CacheError'
import type { KeyEncodeFailure } from '../CacheError'
import type { KeyCodec } from '../KeyCodec'

/** What the codecs of this module carry besides `encode`; a codec written by hand has none of it. */
export interface Internals<A> extends KeyCodec<A> {
  /** The key, throwing `Failed` (its path relative to this value) on a bad value; combinators compose this. */
  readonly unsafeEncode?: (a: A) => string
  /** The part: the self-delimiting form written inside a composite (see the grammar). */
  readonly unsafePart?: (a: A) => string
  /**
   * An exact guard of the values the codec accepts, when it has one (primitives, and composites of codecs that
   * have one); a `union` picks its member with it rather than by trying to encode.
   */
  readonly is?: (u: unknown) => boolean
}

export const internals = <A>(codec: KeyCodec<A>): Internals<A> => codec


/**
 * Thrown inside a codec and caught once by `encode`: keeps the hot path free of `Either` allocations. Its path is
 * relative to the value the throwing codec was given; each composite it passes through puts its own step in front
 * (so the happy path builds no path strings).
 */
export interface Failed {
  readonly failure: KeyEncodeFailure
}

export type Unsafe = (a: unknown) => string

export const fail = (actual: unknown, expected: string): never => {
  const failed: Failed = { failure: keyEncodeFailure('$', actual, expected) }
  throw failed
}

export const isFailed = (u: unknown): u is Failed => typeof u === 'object' && u !== null && 'failure' in u

/** Rethrows what a component threw, a `Failed` with `step` (`.name`, `[1]`) put in front of its path. */
export const within = (e: unknown, step: string): never => {
  if (!isFailed(e)) throw e
  const failed: Failed = { failure: { ...e.failure, path: '$' + step + e.failure.path.slice(1) } }
  throw failed
}

export const caught = (a: unknown, e: unknown): KeyEncodeFailure =>
  isFailed(e)
    ? e.failure
    : keyEncodeFailure('$', a, `a value the codec can read (${e instanceof Error ? e.message : String(e)})`)

/** A codec from its two forms; `part` defaults to the key, for codecs whose key is already self-delimiting. */
export const fromUnsafe = <A>(
  unsafeEncode: (a: A) => string,
  unsafePart: (a: A) => string = unsafeEncode,
  is?: (u: unknown) => boolean
): Internals<A> => ({
  unsafeEncode,
  unsafePart,
  ...(is === undefined ? {} : { is }),
  encode: (a) => {
    try {
      return E.right(unsafeEncode(a))
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
  const enc = unsafeKey(codec)
  return (a) => {
    try {
      return enc(a)
    } catch (e) {
      return caught(a, e)
    }
  }
}

/** The key form of a codec, throwing: its own, or one over `encode` for a codec written by hand. */
export const unsafeKey = <A>(codec: KeyCodec<A>): ((a: A) => string) =>
  internals(codec).unsafeEncode ??
  ((a) => {
    const e = codec.encode(a)
    if (E.isRight(e)) return e.right
    const failed: Failed = { failure: e.left }
    throw failed
  })

/** The part form of a codec: its own, or the key of a codec written by hand, length-prefixed as a string is. */
export const unsafePart = <A>(codec: KeyCodec<A>): ((a: A) => string) => {
  const own = internals(codec).unsafePart
  if (own !== undefined) return own
  const key = unsafeKey(codec)
  return (a) => lengthPrefixed(key(a))
}

/** `'0:'`, `'1:'`, ...: the heads of short strings, so that a part is one concatenation. */
export const HEADS: ReadonlyArray<string> = /*#__PURE__*/ Array.from({ length: 64 }, (_, n) => `${n}:`)

export const lengthPrefixed = (s: string): string => (s.length < 64 ? (HEADS[s.length] as string) : s.length + ':') + s

/** Whether a codec accepts `undefined` (so a tuple may stop before it): asked once, when the tuple is made. */
export const acceptsUndefined = (codec: KeyCodec<unknown>): boolean => {
  try {
    return E.isRight(codec.encode(undefined))
  } catch {
    return false
  }
}

/** The guards of some codecs, if every one has a guard (so that a composite of them can have one too). */
export const guardsOf = (codecs: ReadonlyArray<KeyCodec<unknown>>): ReadonlyArray<(u: unknown) => boolean> | undefined => {
  const guards: Array<(u: unknown) => boolean> = []
  for (const c of codecs) {
    const is = internals(c).is
    if (is === undefined) return undefined
    guards.push(is)
  }
  return guards
}

export const RESERVED = /[\\,:[\]{}~?"]/g

/** Escapes a label (a property name, a tag, a prefix); runs when a codec is made, never per key. */
export const label = (s: string): string => (s === '' ? '""' : s.replace(RESERVED, '\\$&'))

export const num = (n: number): string => (n === 0 ? '0' : String(n)) // -0 and 0 are equal arguments

export const isString = (u: unknown): boolean => typeof u === 'string'
export const isNumber = (u: unknown): boolean => typeof u === 'number'
export const isBoolean = (u: unknown): boolean => typeof u === 'boolean'
export const isBigint = (u: unknown): boolean => typeof u === 'bigint'
export const isValidDate = (u: unknown): boolean => u instanceof Date && !Number.isNaN(u.getTime())
