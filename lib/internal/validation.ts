/**
 * What the entity codec says about a value that fails it, as one line per error, and short descriptions of values
 * for the messages of config errors.
 *
 * @internal
 * @since 0.2.0
 */
import { PathReporter } from 'io-ts/PathReporter'
import type { EntityCodec } from '../Store'

/** The codec's errors for `value`, or one line naming the codec when it reports none (a refinement's `is`). */
export const errorsOf = <A>(codec: EntityCodec<A>, value: unknown): ReadonlyArray<string> => {
  const errors = PathReporter.report(codec.decode(value))
  return errors.length === 0 || errors[0] === 'No errors!' ? [`not a valid ${codec.name}`] : errors
}

/**
 * A short description of a value, for error messages.
 */
export const describe = (u: unknown): string => {
  if (typeof u === 'string') return JSON.stringify(u)
  if (typeof u === 'number' || typeof u === 'boolean' || u === null || u === undefined) return String(u)
  return Array.isArray(u) ? 'an array' : typeof u
}
