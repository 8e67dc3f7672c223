import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { PathReporter } from 'io-ts/PathReporter'
import * as CE from '../../lib/CacheError'
import type { Store, StoreContext } from '../../lib/Store'

/**
 * A store that keeps JSON strings, as a remote store does: it encodes with the entity codec on `set` and decodes
 * on `get`. `raw` exposes the strings so a test can corrupt them; `failing` makes every operation fail.
 */
export interface JsonStore<A> extends Store<A> {
  readonly raw: Map<string, { json: string; expiresAt: number }>
  readonly failing: { value: boolean }
}

export const jsonStore = <A>(context: StoreContext<A>): JsonStore<A> => {
  const raw = new Map<string, { json: string; expiresAt: number }>()
  const failing = { value: false }
  const fail = (operation: 'get' | 'set' | 'delete' | 'clear' | 'size', key?: string) =>
    Promise.resolve(E.left(CE.storeFailure(operation, new Error('store is down'), key)))
  return {
    raw,
    failing,
    get: (key) => () => {
      if (failing.value) return fail('get', key)
      const entry = raw.get(key)
      if (entry === undefined || context.clock.now() >= entry.expiresAt) return Promise.resolve(E.right(O.none))
      let parsed: unknown
      try {
        parsed = JSON.parse(entry.json)
      } catch {
        return Promise.resolve(E.left(CE.decodeFailure(key, ['not JSON'])))
      }
      const decoded = context.codec.decode(parsed)
      return Promise.resolve(
        E.isRight(decoded) ? E.right(O.some(decoded.right)) : E.left(CE.decodeFailure(key, PathReporter.report(decoded)))
      )
    },
    set: (key, value, ttl) => () => {
      if (failing.value) return fail('set', key)
      raw.set(key, {
        json: JSON.stringify(context.codec.encode(value)),
        expiresAt: ttl === undefined ? Infinity : context.clock.now() + ttl
      })
      return Promise.resolve(E.right(undefined))
    },
    delete: (key) => () => {
      if (failing.value) return fail('delete', key)
      raw.delete(key)
      return Promise.resolve(E.right(undefined))
    },
    clear: () => {
      if (failing.value) return fail('clear')
      raw.clear()
      return Promise.resolve(E.right(undefined))
    }
  }
}
