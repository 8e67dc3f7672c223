/**
 * What the entity codec says about a value that fails it, as one line per error.
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
