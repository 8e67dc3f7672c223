/**
 * What the Redis store keeps under a key, on the JavaScript side: an entry `E<gen>|<epoch>|<refreshUntil>|<fp>|<json>`
 * (see `scripts`) is read back into a value only when its epoch is the cache's current one and its fingerprint is
 * the codec's, and its JSON passes the codec. Anything else is a miss; a value that cannot be read is a
 * `DecodeFailure`, which the cache reports, deletes and loads again (law 9).
 *
 * @internal
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import { PathReporter } from 'io-ts/PathReporter'
import type { EntityCodec } from '../../Store'
import { MISS } from '../miss'
import type { Miss } from '../miss'

/** 32-bit FNV-1a of a string, in base 36: a short fingerprint of the codec's schema. */
const fnv1a = (s: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(36)
}

/**
 * The fingerprint of a codec: its name (io-ts names a codec by its shape, as `{ id: number, name: string }`) and
 * the schema version a user gives, if any. An entry written by another schema is not read as this one.
 */
export const fingerprint = <A>(codec: EntityCodec<A>, schema: string): string => fnv1a(`${codec.name}\u0000${schema}`)

/** A random nonce for a new generation, epoch or token (not a secret: it only has to differ). */
export const nonce = (): string => Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 10)

/** The part of an entry after its refresh lease, `<fp>|<json>` (the scripts write `E<gen>|<epoch>|0|` before it). */
export const body = <A>(codec: EntityCodec<A>, fp: string, value: A): string => `${fp}|${JSON.stringify(codec.encode(value))}`

/** Why a stored value could not be read. */
export type Unreadable = ReadonlyArray<string>

/**
 * The value of what a key holds, when it is an entry of `epoch` and of this schema: a miss for a tombstone, an
 * absent key, another epoch or another schema; `Left` (the reasons) for an entry that cannot be read.
 */
export const read = <A>(codec: EntityCodec<A>, fp: string, stored: string | null, epoch: string | null): Either<Unreadable, A | Miss> => {
  if (stored === null || epoch === null || stored.charCodeAt(0) !== 69 /* E */) {
    return stored === null || stored.charCodeAt(0) === 84 /* T */ || epoch === null ? E.right(MISS) : E.left(['not an entry of this store'])
  }
  const genEnd = stored.indexOf('|', 1)
  const epochEnd = genEnd < 0 ? -1 : stored.indexOf('|', genEnd + 1)
  const refreshEnd = epochEnd < 0 ? -1 : stored.indexOf('|', epochEnd + 1)
  const fpEnd = refreshEnd < 0 ? -1 : stored.indexOf('|', refreshEnd + 1)
  if (fpEnd < 0) return E.left(['not an entry of this store'])
  if (stored.slice(genEnd + 1, epochEnd) !== epoch) return E.right(MISS) // cleared since
  if (stored.slice(refreshEnd + 1, fpEnd) !== fp) return E.left(['written with another schema (its codec fingerprint differs)'])
  let json: unknown
  try {
    json = JSON.parse(stored.slice(fpEnd + 1))
  } catch (e) {
    return E.left([`not valid JSON: ${e instanceof Error ? e.message : String(e)}`])
  }
  const decoded = codec.decode(json)
  return E.isRight(decoded) ? E.right(decoded.right) : E.left(PathReporter.report(decoded))
}
