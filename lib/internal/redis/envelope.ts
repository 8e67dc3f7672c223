/**
 * What the Redis store keeps under a key, on the JavaScript side: an entry
 * `E<gen>|<epoch>|<refreshUntil>|<fp>|<since>|<tags>|<json>` (see `scripts`) is read back into a value only when its
 * epoch is the cache's current one and its fingerprint is the codec's, and its JSON passes the codec; an entry with
 * tags is read as a `TaggedRead`, whose tags the store then checks. Anything else is a miss; a value that cannot be read is a
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

/** The JSON of a value. */
export const json = <A>(codec: EntityCodec<A>, value: A): string => JSON.stringify(codec.encode(value))

/** An entry's tags, as it keeps them: each URI-encoded (so none holds a `,` or a `|`), joined by `,`. */
export const tagList = (tags: ReadonlyArray<string> | undefined): string => (tags === undefined ? '' : tags.map(encodeURIComponent).join(','))

/** The epoch part of the epoch key's `<epoch>:<clock>`. */
export const epochOf = (stored: string): string => {
  const colon = stored.indexOf(':')
  return colon < 0 ? stored : stored.slice(0, colon)
}

/** The clock part of the epoch key's `<epoch>:<clock>` (`0` before the first tag invalidation). */
export const clockOf = (stored: string | null): number => {
  const colon = stored === null ? -1 : stored.indexOf(':')
  return colon < 0 ? 0 : Number((stored as string).slice(colon + 1))
}

/** An entry with tags, as read: fresh while each of its tags' versions (of `epoch`) is no newer than `since`. */
export class TaggedRead<A> {
  constructor(
    readonly value: A,
    readonly since: number,
    readonly tags: ReadonlyArray<string>,
    readonly epoch: string
  ) {}
}

/** Whether the tag keys' values (`<epoch>:<version>`, as `MGET` answers them) leave a tagged entry fresh. */
export const tagsFresh = (entry: TaggedRead<unknown>, versions: ReadonlyArray<string | null>): boolean =>
  versions.every((v) => v !== null && epochOf(v) === entry.epoch && clockOf(v) <= entry.since)

/** Why a stored value could not be read. */
export type Unreadable = ReadonlyArray<string>

/**
 * The value of what a key holds, when it is an entry of `epoch` and of this schema: a miss for a tombstone, an
 * absent key, another epoch or another schema; `Left` (the reasons) for an entry that cannot be read.
 */
export const read = <A>(codec: EntityCodec<A>, fp: string, stored: string | null, epochKey: string | null): Either<Unreadable, A | Miss | TaggedRead<A>> => {
  if (stored === null || epochKey === null || stored.charCodeAt(0) !== 69 /* E */) {
    return stored === null || stored.charCodeAt(0) === 84 /* T */ || epochKey === null ? E.right(MISS) : E.left(['not an entry of this store'])
  }
  const genEnd = stored.indexOf('|', 1)
  const epochEnd = genEnd < 0 ? -1 : stored.indexOf('|', genEnd + 1)
  const refreshEnd = epochEnd < 0 ? -1 : stored.indexOf('|', epochEnd + 1)
  const fpEnd = refreshEnd < 0 ? -1 : stored.indexOf('|', refreshEnd + 1)
  const sinceEnd = fpEnd < 0 ? -1 : stored.indexOf('|', fpEnd + 1)
  const tagsEnd = sinceEnd < 0 ? -1 : stored.indexOf('|', sinceEnd + 1)
  if (tagsEnd < 0) return E.left(['not an entry of this store'])
  const epoch = epochOf(epochKey)
  if (stored.slice(genEnd + 1, epochEnd) !== epoch) return E.right(MISS) // cleared since
  if (stored.slice(refreshEnd + 1, fpEnd) !== fp) return E.left(['written with another schema (its codec fingerprint differs)'])
  let parsed: unknown
  try {
    parsed = JSON.parse(stored.slice(tagsEnd + 1))
  } catch (e) {
    return E.left([`not valid JSON: ${e instanceof Error ? e.message : String(e)}`])
  }
  const decoded = codec.decode(parsed)
  if (E.isLeft(decoded)) return E.left(PathReporter.report(decoded))
  if (tagsEnd === sinceEnd + 1) return decoded // no tags
  let tags: ReadonlyArray<string>
  try {
    tags = stored.slice(sinceEnd + 1, tagsEnd).split(',').map(decodeURIComponent)
  } catch {
    return E.left(['its tags are not readable'])
  }
  return E.right(new TaggedRead(decoded.right, Number(stored.slice(fpEnd + 1, sinceEnd)), tags, epoch))
}
