import * as fc from 'fast-check'
import { pipe } from 'fp-ts/function'
import type { IO } from 'fp-ts/IO'
import * as cells from '../lib/internal/ownedCell'
import * as LruTtl from '../lib/LruTtl'
import * as _ from '../lib/Ref'

describe('Ref', () => {
  it('modify returns the first component and keeps the second', () => {
    fc.assert(
      fc.property(fc.integer(), fc.func(fc.tuple(fc.string(), fc.integer())), (a, f) => {
        const ref = _.make(a)
        const [b, next] = f(a)
        expect(ref.modify(f)()).toBe(b)
        expect(ref.get()).toBe(next)
      })
    )
  })

  it('set then get returns what was set; update applies the function', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        const ref = _.make(a)
        _.set(ref, b)()
        expect(ref.get()).toBe(b)
        _.update(ref, (n) => n + 1)()
        expect(ref.get()).toBe(b + 1)
      })
    )
  })

  describe('update and set are dual: data-first and data-last (Core 0.2)', () => {
    it('agree with each other', () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer(), fc.func(fc.integer()), (a, b, f) => {
          const first = _.make(a)
          const last = _.make(a)
          _.update(first, f)()
          pipe(last, _.update(f))()
          expect(last.get()).toBe(first.get())
          _.set(first, b)()
          _.set(b)(last)()
          expect(last.get()).toBe(b)
          expect(first.get()).toBe(b)
        })
      )
    })

    it('dispatch by the number of arguments, not by what the first one looks like', () => {
      const inner = _.make(1)
      const outer = _.make<_.Ref<number> | undefined>(undefined)
      pipe(outer, _.set<_.Ref<number> | undefined>(inner))()
      expect(outer.get()).toBe(inner)
      expect(inner.get()).toBe(1)
      _.set(outer, undefined)()
      expect(outer.get()).toBeUndefined()
      _.update(outer, () => inner)()
      expect(outer.get()).toBe(inner)
    })

    it('are lazy in both forms', () => {
      const ref = _.make(1)
      const a = _.update((n: number) => n + 1)(ref)
      const b = pipe(ref, _.set(5))
      expect(ref.get()).toBe(1)
      a()
      expect(ref.get()).toBe(2)
      b()
      expect(ref.get()).toBe(5)
    })

    it('keep their types', () => {
      const ref = _.make(1)
      const io: IO<void> = _.update(ref, (n) => n + 1)
      const toIO: (self: _.Ref<number>) => IO<void> = _.update((n: number) => n + 1)
      const setter: (self: _.Ref<string>) => IO<void> = _.set('a')
      // @ts-expect-error the value must be the ref's type
      _.set(ref, 'x')
      expect([typeof io, typeof toIO, typeof setter]).toEqual(['function', 'function', 'function'])
    })
  })

  it('is lazy: nothing changes until the IO runs', () => {
    const ref = _.make(1)
    const io = _.set(ref, 2)
    expect(ref.get()).toBe(1)
    io()
    expect(ref.get()).toBe(2)
  })
})

describe('the owning cell (internal/ownedCell), a Ref that owns its versions', () => {
  it('modify returns the first component and keeps (a version equal to) the second; set and update work', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer(), fc.boolean()), { maxLength: 30 }),
        (ops) => {
          const ref = cells.ownRef<number>(3)
          let expected = LruTtl.empty<number>(3)
          for (const [k, v, viaModify] of ops) {
            if (viaModify) {
              const [e, t] = LruTtl.set(expected, k, v, 0)
              expect(ref.modify((x) => LruTtl.set(x, k, v, 0))()).toEqual(e)
              expected = t
            } else {
              _.update(ref, (x) => LruTtl.get(x, k, 0)[1])()
              expected = LruTtl.get(expected, k, 0)[1]
            }
            expect(LruTtl.entries(ref.get(), 0)).toEqual(LruTtl.entries(expected, 0))
          }
          const other = LruTtl.set(LruTtl.empty<number>(3), 'z', 1, 0)[1]
          _.set(ref, other)()
          expect(LruTtl.entries(ref.get(), 0)).toEqual([['z', 1]])
        }
      )
    )
  })
})
