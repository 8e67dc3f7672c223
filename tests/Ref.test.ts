import * as fc from 'fast-check'
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
