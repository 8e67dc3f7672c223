/**
 * What the laws of the test kit check with, without `node:assert` (so the kit runs in a browser too): a
 * structural equality over the values a store holds, a printer that shows `Either`s and `Option`s the way fp-ts
 * writes them, and failures as plain `Error`s whose message says what was expected and what came.
 *
 * @internal
 * @since 0.2.0
 */

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

/** Structural equality of data: primitives (`Object.is`), arrays, dates and plain objects. @internal */
export const equals = (x: unknown, y: unknown): boolean => {
  if (Object.is(x, y)) return true
  if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime()
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((a, i) => equals(a, y[i]))
  }
  if (!isRecord(x) || !isRecord(y) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false
  const keys = Object.keys(x)
  return keys.length === Object.keys(y).length && keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && equals(x[k], y[k]))
}

const showTagged = (u: Record<string, unknown>): string | undefined => {
  switch (u._tag) {
    case 'None':
      return 'none'
    case 'Some':
      return `some(${show(u.value)})`
    case 'Right':
      return `right(${show(u.right)})`
    case 'Left':
      return `left(${show(u.left)})`
    default:
      return undefined
  }
}

/** A short readable rendering of a value, for failure messages. @internal */
export const show = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u)
  if (typeof u === 'bigint') return `${u}n`
  if (u instanceof Error) return `${u.name}: ${u.message}`
  if (u instanceof Date) return `Date(${u.toISOString()})`
  if (Array.isArray(u)) return `[${u.map(show).join(', ')}]`
  if (isRecord(u)) {
    const tagged = showTagged(u)
    if (tagged !== undefined) return tagged
    const fields = Object.entries(u).map(([k, v]) => `${k}: ${show(v)}`)
    return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`
  }
  return String(u)
}

/** Throws an `Error` with `message`. @internal */
export const fail = (message: string): never => {
  throw new Error(message)
}

/** Fails unless `actual` equals `expected`; `what` says what was looked at. @internal */
export const expectEqual = (what: string, actual: unknown, expected: unknown): void => {
  if (!equals(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

/** Fails with `message` unless `condition` holds. @internal */
export const expectThat = (condition: boolean, message: () => string): void => {
  if (!condition) fail(message())
}
