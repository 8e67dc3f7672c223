import * as _ from '../lib/CacheError'

describe('CacheError', () => {
  it('message: one readable line for each kind of error', () => {
    expect(_.message(_.storeFailure('get', new Error('ECONNREFUSED'), 'user:1'))).toBe(
      'store get failed for key "user:1": ECONNREFUSED'
    )
    expect(_.message(_.storeFailure('clear', 'timeout'))).toBe('store clear failed: "timeout"')
    expect(_.message(_.decodeFailure('k', ['a', 'b']))).toBe('stored entry "k" failed the entity codec: a; b')
    expect(_.message(_.keyEncodeFailure('$.id', 1.5, 'a safe integer'))).toBe(
      'cannot encode key: at $.id expected a safe integer, got 1.5'
    )
    expect(_.message(_.keyEncodeFailure('$', 10n, 'string'))).toBe('cannot encode key: at $ expected string, got 10n')
    expect(_.message(_.keyEncodeFailure('$', () => 1, 'string'))).toBe(
      'cannot encode key: at $ expected string, got <function>'
    )
    expect(_.message(_.keyEncodeFailure('$', Symbol('s'), 'string'))).toBe(
      'cannot encode key: at $ expected string, got Symbol(s)'
    )
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(_.message(_.keyEncodeFailure('$', cyclic, 'string'))).toBe(
      'cannot encode key: at $ expected string, got [object Object]'
    )
    expect(_.message(_.keyEncodeFailure('$', undefined, 'string'))).toBe('cannot encode key: at $ expected string, got undefined')
    expect(_.message(_.unexpectedError(new TypeError('x is not a function')))).toBe(
      'the cached function threw: x is not a function'
    )
  })

  it('toError keeps the CacheError as the cause', () => {
    const e = _.decodeFailure('k', ['bad'])
    const error = _.toError(e)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe(_.message(e))
    expect(error.cause).toBe(e)
  })
})
