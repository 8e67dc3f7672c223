/**
 * The memory store's door for its own cache: reads that answer a value or `MISS` (no `Option` on the hit path) and
 * writes of values the cache has just checked against the same codec (no second check on the miss path). A cache
 * uses it only when the store was made with the cache's own codec, so the door never lets an unchecked value in
 * or out; every other store goes through the public `Store` interface.
 *
 * @internal
 * @since 0.2.0
 */
import type { EntityCodec, Tagged } from '../Store'
import type { Miss } from './miss'

/** @internal */
export const IN_PROCESS: unique symbol = Symbol('best-simple-cache/in-process')

/** @internal */
export interface InProcess<A> {
  /** The codec every value in the store passed. */
  readonly codec: EntityCodec<A>
  readonly read: (key: string) => A | Miss
  /** `read`, also leaving the found entry's remaining life in `expiresIn[0]` (`Infinity`: it does not expire). */
  readonly readEntry: (key: string) => A | Miss
  readonly expiresIn: Float64Array
  /** Stores a value that already passed `codec`. */
  readonly write: (key: string, value: A, ttl: number | undefined, tagged?: Tagged) => void
  readonly remove: (key: string) => void
  readonly clear: () => void
}

/** The door of a store, if it has one for `codec`. */
export const inProcessOf = <A>(store: object, codec: EntityCodec<A>): InProcess<A> | undefined => {
  const door = (store as { [IN_PROCESS]?: InProcess<A> })[IN_PROCESS]
  return door !== undefined && door.codec === codec ? door : undefined
}

/**
 * A store that keeps copies of some entries in this process (a `Tiered` store's memory tier): `LOCAL_COPY` reads a
 * copy at once, or answers `MISS` when there is none here, which says nothing of the store (a cache then looks it up).
 *
 * @internal
 */
export const LOCAL_COPY: unique symbol = Symbol('best-simple-cache/local-copy')

/** @internal */
export interface LocalCopies<A> {
  readonly [LOCAL_COPY]: (key: string) => A | Miss
}

/** The local copies of a store, if it keeps some. */
export const localCopiesOf = <A>(store: object): ((key: string) => A | Miss) | undefined =>
  (store as Partial<LocalCopies<A>>)[LOCAL_COPY]
