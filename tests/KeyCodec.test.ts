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
      expect(codec.encode({ n: 2 })).toEqual(E.right('{n:1:2}'))
      expect(codec.encode({ n: 3 })).toEqual(E.left({ _tag: 'KeyEncodeFailure', path: '$.n', actual: 3, expected: 'even' }))
    })
  })

  describe('encodings', () => {
    it('prints readable keys', () => {
      expect(_.struct({ userId: _.int }).encode({ userId: 42 })).toEqual(E.right('{userId:42}'))
      expect(_.tuple(_.int, _.string).encode([1, 'eu'])).toEqual(E.right('[1,2:eu]'))
      expect(_.date.encode(new Date(0))).toEqual(E.right('1970-01-01T00:00:00.000Z'))
      expect(pipe(_.struct({ id: _.int }), _.prefix('v1')).encode({ id: 3 })).toEqual(E.right('v1:{id:3}'))
      expect(_.struct({}).encode({})).toEqual(E.right('{}'))
      expect(_.tuple().encode([])).toEqual(E.right('[]'))
    })
  })

  describe('a top-level string is the key itself (Core 0.2: no escaping on the hot path)', () => {
    it('returns the string unchanged, reserved characters and all', () => {
      fc.assert(fc.property(fc.string(), nasty, (s, t) => {
        expect(_.string.encode(s)).toEqual(E.right(s))
        expect(_.string.encode(t)).toEqual(E.right(t))
      }))
      expect(_.string.encode('item:7')).toEqual(E.right('item:7'))
      expect(_.string.encode('')).toEqual(E.right(''))
    })

    it('stays the identity under contramap and after a prefix', () => {
      expect(pipe(_.string, _.contramap((u: { readonly name: string }) => u.name)).encode({ name: 'a:b' })).toEqual(
        E.right('a:b')
      )
      expect(pipe(_.string, _.prefix('user')).encode('item:7')).toEqual(E.right('user:item:7'))
    })

    it('length-prefixes strings inside composites, so numbers and strings stay apart', () => {
      expect(_.tuple(_.string, _.string).encode(['a,b', ''])).toEqual(E.right('[3:a,b,0:]'))
      expect(_.tuple(_.number).encode([1])).not.toEqual(_.tuple(_.string).encode(['1']))
      expect(_.array(_.string).encode(['x'.repeat(70)])).toEqual(E.right(`[70:${'x'.repeat(70)}]`))
    })
  })

  describe('tuple: trailing optional elements may be left out', () => {
    const key = _.tuple(_.int, _.optional(_.string))

    it('f(1) and f(1, undefined) are the same call and give the same key', () => {
      expect(key.encode([1])).toEqual(E.right('[1,?]'))
      expect(key.encode([1, undefined])).toEqual(key.encode([1]))
      expect(key.encode([1, 'a'])).toEqual(E.right('[1,1:a]'))
      const args: _.TypeOf<typeof key> = [1]
      expect(E.isRight(key.encode(args))).toBe(true)
    })

    it('still requires the elements up to the last one that is not optional', () => {
      const middle = _.tuple(_.optional(_.int), _.int, _.optional(_.string), _.nullable(_.optional(_.int)))
      expect(middle.encode([undefined, 2])).toEqual(E.right('[?,2,?,?]'))
      const r = (middle as _.KeyCodec<unknown>).encode([1])
      expect(E.isLeft(r) && r.left).toMatchObject({ path: '$', expected: 'a tuple of 2 to 4' })
    })

    it('reads a codec written by hand that accepts undefined as optional too', () => {
      const maybe: _.KeyCodec<number | undefined> = { encode: (n) => E.right(n === undefined ? '-' : String(n)) }
      expect(_.tuple(_.int, maybe).encode([1])).toEqual(E.right('[1,1:-]'))
    })
  })

  describe('union: tagged members in one key space', () => {
    const id = _.union({ s: _.string, n: _.number })

    it("keeps '1' and 1 apart, as the tag is part of the key", () => {
      expect(id.encode('1')).toEqual(E.right('s:1'))
      expect(id.encode(1)).toEqual(E.right('n:1'))
      expect(_.tuple(id).encode(['1'])).toEqual(E.right('[s:1:1]'))
    })

    it('is injective over its members, also nested and with members that overlap', () => {
      const codec = _.array(_.union({ i: _.int, n: _.number, s: _.string, p: _.struct({ a: _.nullable(_.string) }) }))
      const member = fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(0.5, NaN, Infinity),
        nasty,
        fc.record({ a: fc.option(nasty, { nil: null }) })
      )
      fc.assert(
        fc.property(fc.array(member, { maxLength: 3 }), fc.array(member, { maxLength: 3 }), (a, b) => {
          fc.pre(!sameArgs(a, b))
          expect(encodeOrThrow(codec, a)).not.toBe(encodeOrThrow(codec, b))
        }),
        { numRuns: 1000 }
      )
    })

    it('a value no member accepts is a Left naming the path', () => {
      const codec = _.struct({ id: _.union({ s: _.string, p: _.struct({ n: _.int }) }) })
      const r = codec.encode({ id: { n: 'x' } } as never)
      expect(E.isLeft(r) && r.left).toMatchObject({
        _tag: 'KeyEncodeFailure',
        path: '$.id',
        expected: 'a value of one of the members s, p'
      })
    })
  })

  describe('law 10, proved by reading keys back: every key decodes to the arguments it came from', () => {
    // A description of a codec, from which the test builds the codec, an arbitrary of its values and a reader of
    // its keys that follows the grammar in the module header. decode(encode(a)) = a for all a proves injectivity.
    type Schema =
      | { readonly t: 'string' | 'int' | 'number' | 'boolean' | 'bigint' | 'date' | 'hand' }
      | { readonly t: 'nullable' | 'optional' | 'array'; readonly of: Schema }
      | { readonly t: 'prefix'; readonly p: string; readonly of: Schema }
      | { readonly t: 'tuple'; readonly of: ReadonlyArray<Schema> }
      | { readonly t: 'struct' | 'union'; readonly of: ReadonlyArray<readonly [string, Schema]> }
    const label = fc.constantFrom('a', 'b', '', 'x:y', '~', '?', '\\', '1', ',]')
    const fields = (s: fc.Arbitrary<Schema>) =>
      fc.uniqueArray(fc.tuple(label, s), { selector: ([k]) => k, minLength: 1, maxLength: 3 })
    const { schema } = fc.letrec<{ schema: Schema }>((tie) => ({
      schema: fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        fc.constantFrom<Schema>(...(['string', 'int', 'number', 'boolean', 'bigint', 'date', 'hand'] as const).map((t) => ({ t }))),
        fc.record({ t: fc.constantFrom('nullable' as const, 'optional' as const, 'array' as const), of: tie('schema') }),
        fc.record({ t: fc.constant('prefix' as const), p: label, of: tie('schema') }),
        fc.record({ t: fc.constant('tuple' as const), of: fc.array(tie('schema'), { maxLength: 3 }) }),
        fc.record({ t: fc.constantFrom('struct' as const, 'union' as const), of: fields(tie('schema')) })
      )
    }))
    const hand: _.KeyCodec<number> = {
      encode: (n) =>
        Number.isSafeInteger(n) ? E.right(`#${n}`) : E.left({ _tag: 'KeyEncodeFailure', path: '$', actual: n, expected: 'int' })
    }
    const codecOf = (s: Schema): _.KeyCodec<unknown> => {
      const c = (x: _.KeyCodec<never>) => x as unknown as _.KeyCodec<unknown>
      switch (s.t) {
        case 'string': return c(_.string)
        case 'int': return c(_.int)
        case 'number': return c(_.number)
        case 'boolean': return c(_.boolean)
        case 'bigint': return c(_.bigint)
        case 'date': return c(_.date)
        case 'hand': return c(hand)
        case 'nullable': return c(_.nullable(codecOf(s.of)))
        case 'optional': return c(_.optional(codecOf(s.of)))
        case 'array': return c(_.array(codecOf(s.of)))
        case 'prefix': return c(_.prefix(s.p)(codecOf(s.of)))
        case 'tuple': return c(_.tuple(...s.of.map(codecOf)))
        case 'struct': return c(_.struct(Object.fromEntries(s.of.map(([k, v]) => [k, codecOf(v)]))))
        case 'union': return c(_.union(Object.fromEntries(s.of.map(([k, v]) => [k, codecOf(v)]))))
      }
    }
    const valueOf = (s: Schema): fc.Arbitrary<unknown> => {
      switch (s.t) {
        case 'string': return fc.oneof(nasty, fc.string({ unit: fc.constantFrom('1', ':', '0', ',', ']'), maxLength: 4 }))
        case 'int': return fc.integer({ min: -12, max: 12 })
        case 'number': return fc.oneof(fc.double(), fc.constantFrom(-0, 1e21, 1.5))
        case 'boolean': return fc.boolean()
        case 'bigint': return fc.bigInt({ min: -20n, max: 20n })
        case 'date': return fc.date({ noInvalidDate: true })
        case 'hand': return fc.integer()
        case 'nullable': return fc.option(valueOf(s.of), { nil: null })
        case 'optional': return fc.option(valueOf(s.of), { nil: undefined })
        case 'array': return fc.array(valueOf(s.of), { maxLength: 3 })
        case 'prefix': return valueOf(s.of)
        case 'tuple': return fc.tuple(...s.of.map(valueOf))
        case 'struct': return fc.record(Object.fromEntries(s.of.map(([k, v]) => [k, valueOf(v)])))
        case 'union': return fc.oneof(...s.of.map(([, v]) => valueOf(v)))
      }
    }
    const escaped = (l: string) => (l === '' ? '""' : l.replace(/[\\,:[\]{}~?"]/g, '\\$&'))

    /** Reads one value of `s` from `key` at `at`, in key form (to the end) or part form; returns it and where it ends. */
    const read = (s: Schema, key: string, at: number, form: 'key' | 'part'): [unknown, number] => {
      const expect_ = (text: string, i: number): number => {
        if (!key.startsWith(text, i)) throw new Error(`expected ${JSON.stringify(text)} at ${i} of ${JSON.stringify(key)}`)
        return i + text.length
      }
      const atom = (): [string, number] => {
        if (form === 'key') return [key.slice(at), key.length]
        let end = at
        while (end < key.length && !',]}'.includes(key[end]!)) end++
        return [key.slice(at, end), end]
      }
      const str = (): [string, number] => {
        if (form === 'key') return [key.slice(at), key.length]
        const colon = key.indexOf(':', at)
        const start = colon + 1
        return [key.slice(start, start + Number(key.slice(at, colon))), start + Number(key.slice(at, colon))]
      }
      switch (s.t) {
        case 'string': return str()
        case 'hand': {
          const [h, end] = str()
          return [Number(h.slice(1)), end]
        }
        case 'int':
        case 'number': {
          const [n, end] = atom()
          return [Number(n), end]
        }
        case 'boolean': {
          const [b, end] = atom()
          return [b === 'true', end]
        }
        case 'bigint': {
          const [b, end] = atom()
          return [BigInt(b.slice(0, -1)), end]
        }
        case 'date': {
          const [d, end] = atom()
          return [new Date(d), end]
        }
        case 'nullable':
        case 'optional': {
          const none = s.t === 'nullable' ? '~' : '?'
          if (key[at] === none) return [s.t === 'nullable' ? null : undefined, at + 1]
          return read(s.of, key, at, 'part')
        }
        case 'prefix': return read(s.of, key, expect_(`${escaped(s.p)}:`, at), form)
        case 'union': {
          let i = at
          while (key[i] !== ':') i += key[i] === '\\' ? 2 : 1
          const tag = key.slice(at, i).replace(/\\(.)/g, '$1')
          const member = s.of.find(([k]) => (k === '' ? '""' : k) === tag)
          if (member === undefined) throw new Error(`no member ${tag}`)
          return read(member[1], key, i + 1, form)
        }
        case 'tuple':
        case 'array': {
          let i = expect_('[', at)
          const out: Array<unknown> = []
          while (key[i] !== ']' || (s.t === 'tuple' && out.length < s.of.length)) {
            if (out.length > 0) i = expect_(',', i)
            const [v, end] = read(s.t === 'tuple' ? s.of[out.length]! : s.of, key, i, 'part')
            out.push(v)
            i = end
          }
          return [out, i + 1]
        }
        case 'struct': {
          let i = at
          const out: Record<string, unknown> = {}
          // the codec's property order is its record's key order (integer-like names first, as in any object)
          const fieldsOf = new Map(s.of)
          Object.keys(Object.fromEntries(s.of)).forEach((k, n) => {
            const v = fieldsOf.get(k)!
            i = expect_(`${n === 0 ? '{' : ','}${escaped(k)}:`, i)
            const [x, end] = read(v, key, i, 'part')
            out[k] = x
            i = end
          })
          return [out, expect_('}', i)]
        }
      }
    }
    const decode = (s: Schema, key: string): unknown => {
      const [v, end] = read(s, key, 0, 'key')
      if (end !== key.length) throw new Error(`trailing text at ${end} of ${JSON.stringify(key)}`)
      return v
    }
    const same = (a: unknown, b: unknown): boolean =>
      a instanceof Date || b instanceof Date
        ? a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
        : Array.isArray(a) && Array.isArray(b)
          ? a.length === b.length && a.every((x, i) => same(x, b[i]))
          : typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)
            ? [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) =>
                same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
              )
            : sameArgs(a, b)

    /**
     * The argument as the codec sees it: a union sees a value through its first member that accepts it, and a
     * tuple sees only its own elements (so `[]` and `['']` are one argument to a union whose first member is
     * `tuple()`; the union's docs say to put the narrower member first).
     */
    const view = (s: Schema, a: unknown): unknown => {
      switch (s.t) {
        case 'nullable':
        case 'optional': return a === null || a === undefined ? a : view(s.of, a)
        case 'prefix': return view(s.of, a)
        case 'array': return (a as ReadonlyArray<unknown>).map((x) => view(s.of, x))
        case 'tuple': return s.of.map((c, i) => view(c, (a as ReadonlyArray<unknown>)[i]))
        case 'struct': return Object.fromEntries(s.of.map(([k, v]) => [k, view(v, (a as Record<string, unknown>)[k])]))
        case 'union': {
          // members are tried in the record's key order (integer-like tags first, as in any object)
          const members = new Map(s.of)
          const tag = Object.keys(Object.fromEntries(s.of)).find((k) => E.isRight(codecOf(members.get(k)!).encode(a)))!
          return view(members.get(tag)!, a)
        }
        default: return a
      }
    }

    it('decode(encode(a)) is a, for random codecs and values', () => {
      const cases = schema.chain((s) => fc.tuple(fc.constant(s), valueOf(s), valueOf(s)))
      fc.assert(
        fc.property(cases, ([s, a, b]) => {
          const codec = codecOf(s)
          const ka = encodeOrThrow(codec, a)
          expect(same(decode(s, ka), view(s, a))).toBe(true)
          if (!same(view(s, a), view(s, b))) expect(encodeOrThrow(codec, b)).not.toBe(ka)
        }),
        { numRuns: 3000 }
      )
    })

    it("a codec's guard (what a union picks its member by) accepts exactly what the codec encodes", () => {
      const cases = fc.tuple(schema, schema).chain(([s, other]) =>
        fc.tuple(fc.constant(s), fc.oneof(valueOf(s), valueOf(other), fc.anything()))
      )
      fc.assert(
        fc.property(cases, ([s, v]) => {
          // the guard is internal: a property of the codecs this module makes, not of the KeyCodec type
          const codec = codecOf(s) as _.KeyCodec<unknown> & { readonly is?: (u: unknown) => boolean }
          if (codec.is !== undefined) expect(codec.is(v)).toBe(E.isRight(codec.encode(v)))
        }),
        { numRuns: 3000 }
      )
    })
  })
})
