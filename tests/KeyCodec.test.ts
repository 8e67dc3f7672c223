import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as _ from '../lib/KeyCodec'

const encodeOrThrow = <A>(codec: _.KeyCodec<A>, a: A): string => {
  const r = codec.encode(a)
  if (E.isLeft(r)) throw new Error(`unexpected Left ${JSON.stringify(r.left)}`)
  return r.right
}

// A rich codec and an arbitrary of its inputs, to check the laws over nested structures.
const Rich = _.struct({
  id: _.int,
  name: _.string,
  tags: _.array(_.string),
  pair: _.tuple(_.number, _.boolean),
  parent: _.nullable(_.string),
  note: _.optional(_.string),
  big: _.bigint
})
type Rich = _.TypeOf<typeof Rich>
// strings drawn to hit every reserved character often
const nasty = fc.string({ unit: fc.constantFrom('a', 'b', '\\', ',', ':', '[', ']', '{', '}', '~', '?', '"', ''), maxLength: 6 })
const richArb: fc.Arbitrary<Rich> = fc.record(
  {
    id: fc.integer({ min: -5, max: 5 }),
    name: nasty,
    tags: fc.array(nasty, { maxLength: 3 }),
    pair: fc.tuple(fc.constantFrom(0, 1, -1, 0.5, NaN, Infinity, -Infinity), fc.boolean()),
    parent: fc.option(nasty, { nil: null }),
    note: nasty,
    big: fc.bigInt({ min: -3n, max: 3n })
  },
  { requiredKeys: ['id', 'name', 'tags', 'pair', 'parent', 'big'] }
)

/** Structural equality where -0 equals 0 and NaN equals NaN: what "equal arguments" means for a key. */
const sameArgs = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b))
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameArgs(x, b[i]))
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((k) => sameArgs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return a === b
}

describe('KeyCodec', () => {
  describe('law 10: equal arguments give equal keys, whatever the property order', () => {
    it('holds for reordered objects', () => {
      fc.assert(
        fc.property(richArb, fc.func(fc.integer()), (a, rank) => {
          const shuffled = Object.fromEntries(
            Object.entries(a).sort(([x], [y]) => rank(x) - rank(y) || x.localeCompare(y))
          ) as Rich
          expect(encodeOrThrow(Rich, shuffled)).toBe(encodeOrThrow(Rich, a))
        })
      )
    })

    it('treats 0 and -0 as the same argument', () => {
      expect(_.number.encode(-0)).toEqual(_.number.encode(0))
      expect(_.int.encode(-0)).toEqual(E.right('0'))
    })

    it('ignores properties the codec does not name', () => {
      const key = _.struct({ id: _.int })
      expect(key.encode({ id: 1, extra: 'x' } as { id: number })).toEqual(key.encode({ id: 1 }))
    })
  })

  describe('law 10: different arguments give different keys (injectivity)', () => {
    it('holds for nested structs, tuples, arrays, nullables and strings with reserved characters', () => {
      fc.assert(
        fc.property(richArb, richArb, (a, b) => {
          fc.pre(!sameArgs(a, b))
          expect(encodeOrThrow(Rich, a)).not.toBe(encodeOrThrow(Rich, b))
        }),
        { numRuns: 2000 }
      )
    })

    it('holds for arrays of strings, where separators and emptiness are the classic collisions', () => {
      const codec = _.array(_.array(_.string))
      fc.assert(
        fc.property(fc.array(fc.array(nasty, { maxLength: 3 }), { maxLength: 3 }), fc.array(fc.array(nasty, { maxLength: 3 }), { maxLength: 3 }), (a, b) => {
          fc.pre(!sameArgs(a, b))
          expect(encodeOrThrow(codec, a)).not.toBe(encodeOrThrow(codec, b))
        }),
        { numRuns: 2000 }
      )
    })

    it('separates the known collision candidates', () => {
      const arr = _.array(_.string)
      const keys = [[], [''], ['', ''], [','], ['a,b'], ['a', 'b'], ['[]'], ['""']].map((a) => encodeOrThrow(arr, a))
      expect(new Set(keys).size).toBe(keys.length)
      const n = _.nullable(_.optional(_.string))
      const values: Array<string | null | undefined> = [null, undefined, '~', '?', '', 'null', 'undefined']
      const nk = values.map((v) => encodeOrThrow(n, v))
      expect(new Set(nk).size).toBe(nk.length)
    })

    it('keeps prefixes apart from the keys they prefix', () => {
      const a = pipe(_.string, _.prefix('a'))
      const ab = pipe(_.string, _.prefix('a:b'))
      expect(encodeOrThrow(a, 'b:c')).not.toBe(encodeOrThrow(ab, 'c'))
    })
  })

  describe('law 10: an argument the codec cannot encode is a Left, never a throw', () => {
    const cases: ReadonlyArray<readonly [string, _.KeyCodec<never>, unknown, string]> = [
      ['string given a number', _.string as _.KeyCodec<never>, 1, '$'],
      ['number given a string', _.number as _.KeyCodec<never>, '1', '$'],
      ['int given a fraction', _.int as _.KeyCodec<never>, 1.5, '$'],
      ['int given NaN', _.int as _.KeyCodec<never>, NaN, '$'],
      ['boolean given null', _.boolean as _.KeyCodec<never>, null, '$'],
      ['bigint given a number', _.bigint as _.KeyCodec<never>, 1, '$'],
      ['date given an invalid date', _.date as _.KeyCodec<never>, new Date('nope'), '$'],
      ['struct given null', _.struct({ id: _.int }) as _.KeyCodec<never>, null, '$'],
      ['struct field of the wrong type', _.struct({ id: _.int }) as _.KeyCodec<never>, { id: 'x' }, '$.id'],
      ['tuple too short', _.tuple(_.int, _.int) as _.KeyCodec<never>, [1], '$'],
      ['tuple element', _.tuple(_.int, _.string) as _.KeyCodec<never>, [1, 2], '$[1]'],
      ['array element', _.array(_.int) as _.KeyCodec<never>, [1, 'a'], '$[1]'],
      ['nested', _.struct({ a: _.array(_.struct({ b: _.int })) }) as _.KeyCodec<never>, { a: [{ b: 1 }, { b: null }] }, '$.a[1].b'],
      ['symbol', _.string as _.KeyCodec<never>, Symbol('s'), '$']
    ]
    it.each(cases)('%s', (_name, codec, value, path) => {
      const r = codec.encode(value as never)
      expect(E.isLeft(r)).toBe(true)
      if (E.isLeft(r)) {
        expect(r.left._tag).toBe('KeyEncodeFailure')
        expect(r.left.path).toBe(path)
      }
    })

    it('turns a throwing contramap into a Left', () => {
      const codec = pipe(
        _.int,
        _.contramap((u: { id: number }) => u.id)
      )
      expect(E.isLeft(codec.encode(undefined as unknown as { id: number }))).toBe(true)
    })

    it('accepts a codec written by hand, and reports its failures at the right path', () => {
      const even: _.KeyCodec<number> = {
        encode: (n) =>
          n % 2 === 0 ? E.right(String(n)) : E.left({ _tag: 'KeyEncodeFailure', path: '$', actual: n, expected: 'even' })
      }
      const codec = _.struct({ n: even })
      expect(codec.encode({ n: 2 })).toEqual(E.right('{n:2}'))
      expect(codec.encode({ n: 3 })).toEqual(E.left({ _tag: 'KeyEncodeFailure', path: '$.n', actual: 3, expected: 'even' }))
    })
  })

  describe('encodings', () => {
    it('prints readable keys', () => {
      expect(_.struct({ userId: _.int }).encode({ userId: 42 })).toEqual(E.right('{userId:42}'))
      expect(_.tuple(_.int, _.string).encode([1, 'eu'])).toEqual(E.right('[1,eu]'))
      expect(_.date.encode(new Date(0))).toEqual(E.right('1970-01-01T00\\:00\\:00.000Z'))
      expect(pipe(_.struct({ id: _.int }), _.prefix('v1')).encode({ id: 3 })).toEqual(E.right('v1:{id:3}'))
      expect(_.struct({}).encode({})).toEqual(E.right('{}'))
      expect(_.tuple().encode([])).toEqual(E.right('[]'))
    })
  })
})
