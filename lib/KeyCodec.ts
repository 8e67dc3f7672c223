/**
 * Key codecs: encoders from a function's arguments to the string key of a cache entry, built from small
 * combinators in the style of io-ts `Encoder` (`struct`, `tuple`, `array`, `union`, `nullable`, `contramap`, ...).
 *
 * Law 10 of the library, in three parts (each a property test):
 * - 10a. Deterministic: equal arguments give equal keys, whatever the property order of an object.
 * - 10b. Injective: different arguments give different keys (the grammar below says why). `contramap(f)` is
 *    injective when `f` is.
 * - 10c. Total: an argument the codec cannot encode (a runtime value of the wrong type, a `NaN` where an integer is
 *    expected, an invalid `Date`, a value no member of a `union` accepts) is a `Left` of `KeyEncodeFailure` with
 *    the path of the bad value, never a thrown error and never a collision.
 *
 * The grammar. A codec writes a value in one of two forms: its **key** (what `encode` returns) and its **part**
 * (how it is written inside a `struct`, `tuple`, `array` or `union`). Only strings, and codecs that end in a
 * string, have two different forms; nothing is escaped at encoding time.
 *
 * | codec | key | part |
 * |---|---|---|
 * | `string` | the string itself | its length, `:`, the string: `5:hello`, `4:a,b]`, `0:` |
 * | `number`, `int` | `42`, `-1.5`, `1e+21`, `NaN`, `Infinity` (`-0` is `0`) | the same |
 * | `boolean`, `bigint`, `date` | `true`, `12n`, the ISO string | the same |
 * | `nullable`, `optional` | `~` for `null`, `?` for `undefined`, else the member's part | the same |
 * | `tuple`, `array` | `[` parts separated by `,` `]` | the same |
 * | `struct` | `{name:part,...}` in the codec's property order | the same |
 * | `union` | the member's tag, `:`, the member's key | the tag, `:`, the member's part |
 * | `prefix(p)` | `p`, `:`, the key | `p`, `:`, the part |
 * | a codec written by hand | what its `encode` returns | that, length-prefixed as a string |
 *
 * Labels (struct property names, union tags, prefixes) are fixed when the codec is made; they are escaped then,
 * once: a backslash before each of `\ , : [ ] { } ~ ? "`, and `""` for the empty label.
 *
 * Why this is injective: every part is self-delimiting, so a reader who knows the codec can read a key back into
 * the argument it came from. A string part ends where its length says; a number, boolean, bigint or date part
 * ends at the first `,`, `]` or `}` (or the end of the key), characters these never contain; no other part starts
 * with `~` or `?` (labels escape them, and no string, number, boolean, bigint or date part starts with them); a
 * `struct`, `tuple` or `array` part is its fixed brackets, labels and separators
 * around parts read in turn (so `[]` and `[0:]` are the empty array and `['']`); a `union` or `prefix` part is a
 * label, which ends at its first unescaped `:`, and then a part. At the top, a string key is the argument itself,
 * and every other key is its part or a label followed by a key. A number and a string never meet at the same
 * place of a key unless a `union` put them there, and then their tags tell them apart.
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/Either'
import type { KeyEncodeFailure } from './CacheError'
import {
  internals,
  fail,
  within,
  fromUnsafe,
  unsafeKey,
  unsafePart,
  lengthPrefixed,
  acceptsUndefined,
  guardsOf,
  label,
  num,
  isString,
  isNumber,
  isBoolean,
  isBigint,
  isValidDate
} from './internal/keyEncoding'
import type { Unsafe } from './internal/keyEncoding'

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

/**
 * The tuple type a `tuple` of these component codecs encodes: a run of trailing components whose codecs accept
 * `undefined` (`optional`) are optional elements, so the arguments may stop before them.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 *
 * const key = KeyCodec.tuple(KeyCodec.int, KeyCodec.optional(KeyCodec.string))
 * const args: KeyCodec.TypeOf<typeof key> = [1] // readonly [number, (string | undefined)?]
 * key.encode(args)
 *
 * @category utils
 * @since 0.2.0
 */
export type TupleOf<C extends ReadonlyArray<unknown>> = Readonly<Trailing<C>>

type Elements<C> = { -readonly [K in keyof C]: TypeOf<C[K]> }

type Trailing<C extends ReadonlyArray<unknown>> = C extends readonly [...infer Init, infer Last]
  ? undefined extends TypeOf<Last>
    ? [...Trailing<Init>, TypeOf<Last>?]
    : [...Elements<Init>, TypeOf<Last>]
  : Elements<C>

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * Any string. As a whole key it is the string itself; inside a composite it is length-prefixed (`5:hello`), so
 * it needs no escaping in either place.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(KeyCodec.string.encode('item:7'), E.right('item:7'))
 * assert.deepStrictEqual(KeyCodec.tuple(KeyCodec.string, KeyCodec.string).encode(['a,b', '']), E.right('[3:a,b,0:]'))
 *
 * @category primitives
 * @since 0.1.0
 */
export const string: KeyCodec<string> = /*#__PURE__*/ fromUnsafe(
  (s) => (typeof s === 'string' ? s : fail(s, 'string')),
  (s) => (typeof s === 'string' ? lengthPrefixed(s) : fail(s, 'string')),
  isString
)

/**
 * Any number; `0` and `-0` give the same key, `NaN` and the infinities are keys of their own.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(KeyCodec.number.encode(-0), E.right('0'))
 * assert.deepStrictEqual(KeyCodec.number.encode(1.5), E.right('1.5'))
 *
 * @category primitives
 * @since 0.1.0
 */
export const number: KeyCodec<number> = /*#__PURE__*/ fromUnsafe(
  (n) => (typeof n === 'number' ? num(n) : fail(n, 'number')),
  undefined,
  isNumber
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
export const int: KeyCodec<number> = /*#__PURE__*/ fromUnsafe(
  (n) => (Number.isSafeInteger(n) ? num(n) : fail(n, 'a safe integer')),
  undefined,
  Number.isSafeInteger
)

/**
 * `true` or `false`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const boolean: KeyCodec<boolean> = /*#__PURE__*/ fromUnsafe(
  (b) => (typeof b === 'boolean' ? (b ? 'true' : 'false') : fail(b, 'boolean')),
  undefined,
  isBoolean
)

/**
 * A bigint, printed with an `n` suffix.
 *
 * @category primitives
 * @since 0.1.0
 */
export const bigint: KeyCodec<bigint> = /*#__PURE__*/ fromUnsafe(
  (b) => (typeof b === 'bigint' ? `${b}n` : fail(b, 'bigint')),
  undefined,
  isBigint
)

/**
 * A valid `Date`, as its ISO string; an invalid date is a `Left`.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.deepStrictEqual(KeyCodec.date.encode(new Date(0)), E.right('1970-01-01T00:00:00.000Z'))
 * assert.ok(E.isLeft(KeyCodec.date.encode(new Date('nope'))))
 *
 * @category primitives
 * @since 0.1.0
 */
export const date: KeyCodec<Date> = /*#__PURE__*/ fromUnsafe(
  (d) => (isValidDate(d) ? d.toISOString() : fail(d, 'a valid Date')),
  undefined,
  isValidDate
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
 * assert.deepStrictEqual(key.encode({ region: 'eu', id: 7 }), E.right('{id:7,region:2:eu}'))
 * assert.deepStrictEqual(key.encode({ id: 7, region: 'eu' }), E.right('{id:7,region:2:eu}'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const struct = <P extends Readonly<Record<string, KeyCodec<never>>>>(properties: P): KeyCodec<StructOf<P>> => {
  const names = Object.keys(properties)
  const labels = names.map((name, i) => `${i === 0 ? '{' : ','}${label(name)}:`)
  const codecs = names.map((name) => unsafePart(properties[name] as KeyCodec<unknown>))
  const steps = names.map((name) => `.${name}`)
  const guards = guardsOf(names.map((name) => properties[name] as KeyCodec<unknown>))
  const is =
    guards &&
    ((u: unknown) =>
      typeof u === 'object' && u !== null && guards.every((g, i) => g((u as Record<string, unknown>)[names[i] as string])))
  return fromUnsafe((a) => {
    if (typeof a !== 'object' || a === null) return fail(a, 'an object')
    let out = names.length === 0 ? '{' : ''
    let i = 0
    try {
      for (; i < names.length; i++) {
        out += (labels[i] as string) + (codecs[i] as Unsafe)((a as Record<string, unknown>)[names[i] as string])
      }
    } catch (e) {
      return within(e, steps[i] as string)
    }
    return out + '}'
  }, undefined, is)
}

/**
 * Encodes a tuple, component by component. Elements past the codec's length play no part in the key. A run of
 * trailing components whose codecs accept `undefined` (`optional`) may be left out: `[1]` and `[1, undefined]`
 * are the same arguments and give the same key, as `f(1)` and `f(1, undefined)` are the same call.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.tuple(KeyCodec.int, KeyCodec.string)
 * assert.deepStrictEqual(key.encode([1, 'a']), E.right('[1,1:a]'))
 *
 * const lang = KeyCodec.tuple(KeyCodec.int, KeyCodec.optional(KeyCodec.string))
 * assert.deepStrictEqual(lang.encode([1]), E.right('[1,?]'))
 * assert.deepStrictEqual(lang.encode([1, undefined]), E.right('[1,?]'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const tuple = <C extends ReadonlyArray<KeyCodec<never>>>(...components: C): KeyCodec<TupleOf<C>> => {
  const all = components as unknown as ReadonlyArray<KeyCodec<unknown>>
  const codecs = all.map(unsafePart)
  let required = all.length
  while (required > 0 && acceptsUndefined(all[required - 1] as KeyCodec<unknown>)) required--
  const expected = required === codecs.length ? `a tuple of ${required}` : `a tuple of ${required} to ${codecs.length}`
  const guards = guardsOf(all)
  const is = guards && ((u: unknown) => Array.isArray(u) && u.length >= required && guards.every((g, i) => g(u[i])))
  return fromUnsafe((as) => {
    if (!Array.isArray(as) || as.length < required) return fail(as, expected)
    let out = '['
    let i = 0
    try {
      for (; i < codecs.length; i++) {
        if (i > 0) out += ','
        out += (codecs[i] as Unsafe)(as[i])
      }
    } catch (e) {
      return within(e, `[${i}]`)
    }
    return out + ']'
  }, undefined, is)
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
 * assert.deepStrictEqual(key.encode(['']), E.right('[0:]'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const array = <A>(item: KeyCodec<A>): KeyCodec<ReadonlyArray<A>> => {
  const enc = unsafePart(item)
  const guard = internals(item).is
  const is = guard && ((u: unknown) => Array.isArray(u) && u.every((x) => guard(x)))
  return fromUnsafe((as) => {
    if (!Array.isArray(as)) return fail(as, 'an array')
    let out = '['
    let i = 0
    try {
      for (; i < as.length; i++) {
        if (i > 0) out += ','
        out += enc(as[i])
      }
    } catch (e) {
      return within(e, `[${i}]`)
    }
    return out + ']'
  }, undefined, is)
}

/**
 * One key codec for the values of several: each member has a tag, and a value is encoded by the first member that
 * accepts it, as that member's tag, `:` and the member's key. So members never collide, even where they print
 * alike (the string `'1'` and the number `1`), and a key stays put when a member is added after the others. A value
 * no member accepts is a `Left` at the union's path.
 *
 * Members are tried in the record's key order (as `Object.keys` gives it: integer-like tags such as `'1'` come
 * first). As with io-ts `union`, put the narrower of two overlapping members first: a member sees a value its own
 * way, so `tuple(int)` placed before `tuple(int, int)` would take `[1, 2]` and give it the key of `[1]`, since a
 * tuple ignores elements past its length (and a `struct` properties it does not name).
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const id = KeyCodec.union({ s: KeyCodec.string, n: KeyCodec.number })
 * assert.deepStrictEqual(id.encode('1'), E.right('s:1'))
 * assert.deepStrictEqual(id.encode(1), E.right('n:1'))
 * assert.ok(E.isLeft(id.encode(true as never)))
 *
 * @category combinators
 * @since 0.2.0
 */
export const union = <M extends Readonly<Record<string, KeyCodec<never>>>>(members: M): KeyCodec<TypeOf<M[keyof M]>> => {
  const tags = Object.keys(members)
  const codecs = tags.map((tag) => members[tag] as KeyCodec<unknown>)
  const heads = tags.map((tag) => `${label(tag)}:`)
  const guards = codecs.map((c) => internals(c).is)
  const expected = `a value of one of the members ${tags.join(', ')}`
  const pick =
    (encs: ReadonlyArray<Unsafe>): Unsafe =>
    (a) => {
      for (let i = 0; i < encs.length; i++) {
        const is = guards[i]
        if (is !== undefined) {
          if (is(a)) return (heads[i] as string) + (encs[i] as Unsafe)(a)
          continue
        }
        try {
          return (heads[i] as string) + (encs[i] as Unsafe)(a)
        } catch {
          // this member does not accept the value: try the next one
        }
      }
      return fail(a, expected)
    }
  const all = guardsOf(codecs)
  return fromUnsafe(
    pick(codecs.map(unsafeKey)),
    pick(codecs.map(unsafePart)),
    all && ((u) => all.some((g) => g(u)))
  )
}

/**
 * Adds `null` to the values a codec accepts; `null` is `~`. The key is the member's part, so that no value of
 * the member (such as the string `'~'`) can imitate `null`.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = KeyCodec.nullable(KeyCodec.string)
 * assert.deepStrictEqual(key.encode(null), E.right('~'))
 * assert.deepStrictEqual(key.encode('~'), E.right('1:~'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const nullable = <A>(codec: KeyCodec<A>): KeyCodec<A | null> => {
  const enc = unsafePart(codec)
  const is = internals(codec).is
  return fromUnsafe(
    (a) => (a === null ? '~' : enc(a)),
    undefined,
    is === undefined ? undefined : (u) => u === null || is(u)
  )
}

/**
 * Adds `undefined` to the values a codec accepts (an optional field of a `struct`, an optional trailing element
 * of a `tuple`); `undefined` is `?`. The key is the member's part, as in `nullable`.
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
  const enc = unsafePart(codec)
  const is = internals(codec).is
  return fromUnsafe(
    (a) => (a === undefined ? '?' : enc(a)),
    undefined,
    is === undefined ? undefined : (u) => u === undefined || is(u)
  )
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
    const key = unsafeKey(codec)
    const part = unsafePart(codec)
    return fromUnsafe(
      (b) => key(f(b)),
      (b) => part(f(b))
    )
  }

/**
 * Puts a fixed prefix and a `:` in front of every key (a namespace, a schema version). The prefix is escaped once,
 * when the codec is made, so two different prefixes never make the same key.
 *
 * @example
 * import { KeyCodec } from 'best-simple-cache'
 * import { pipe } from 'fp-ts/function'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * const key = pipe(KeyCodec.string, KeyCodec.prefix('v2'))
 * assert.deepStrictEqual(key.encode('item:5'), E.right('v2:item:5'))
 *
 * @category combinators
 * @since 0.1.0
 */
export const prefix =
  (p: string) =>
  <A>(codec: KeyCodec<A>): KeyCodec<A> => {
    const head = `${label(p)}:`
    const key = unsafeKey(codec)
    const part = unsafePart(codec)
    return fromUnsafe(
      (a) => head + key(a),
      (a) => head + part(a),
      internals(codec).is
    )
  }
