import * as fc from 'fast-check'
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
