/**
 * What the engine tells a cache's listeners and counters, in one place: lookups (`found`), values that fail the
 * codec (`rejected`), writes (`written`) and store failures. The hot paths build an event only when somebody
 * listens.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import type { Clock } from '../Clock'
import type { EntityCodec } from '../Store'
import type { Events } from './events'
import { MISS } from './miss'
import type { Miss } from './miss'
import { errorsOf } from './validation'

export interface Report<A> {
  /** Counts and reports what a lookup found; answers it. */
  readonly found: (key: string, value: A | Miss) => A | Miss
  /** A value that fails the codec: counted, reported, and its `InvalidValue`. */
  readonly rejected: (key: string, value: unknown) => CacheError
  /** What a write answered (stored, or fenced when its turn came), reported; a `StoreFailure` is passed on. */
  readonly written: (key: string, w: Either<CacheError, boolean>) => Either<CacheError, void>
  readonly fenced: (key: string) => undefined
  /** A run of the loader begins: counted; answers its start time while somebody listens (else `NaN`). */
  readonly loaded: () => number
  /** A run of the loader that began at `started` (see `loaded`) ended: a `Load` event with its duration. */
  readonly ended: (key: string, started: number, ok: boolean) => void
  readonly loadFailed: (key: string, error: unknown) => void
  readonly storeFailed: (error: CacheError) => void
}

export const make = <A>(events: Events, codec: EntityCodec<A>, clock: Clock): Report<A> => {
  const { counters, emit, listening } = events
  const fenced = (key: string): undefined => {
    counters.fenced++
    emit({ _tag: 'Fenced', key })
  }
  const hit = (key: string): void => {
    counters.hits++
    if (listening()) emit({ _tag: 'Hit', key })
  }
  const miss = (key: string): void => {
    counters.misses++
    if (listening()) emit({ _tag: 'Miss', key })
  }
  return {
    found: (key, value) => {
      if (value === MISS) miss(key)
      else hit(key)
      return value
    },
    rejected: (key, value) => {
      const errors = errorsOf(codec, value)
      counters.invalidValues++
      emit({ _tag: 'InvalidValue', key, errors })
      return CE.invalidValue(key, errors)
    },
    written: (key, w) => {
      if (E.isLeft(w)) return w
      if (!w.right) fenced(key)
      else {
        counters.sets++
        if (listening()) emit({ _tag: 'Set', key })
      }
      return E.right(undefined)
    },
    fenced,
    loaded: () => {
      counters.loads++
      return listening() ? clock.now() : NaN
    },
    ended: (key, started, ok) => {
      if (started === started) emit({ _tag: 'Load', key, durationMs: clock.now() - started, ok }) // not NaN
    },
    loadFailed: (key, error) => {
      counters.loadFailures++
      emit({ _tag: 'LoadFailure', key, error })
    },
    storeFailed: (error) => emit({ _tag: 'StoreFailure', error })
  }
}
