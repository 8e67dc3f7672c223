/**
 * The tag versions of a store in this process: a clock that counts invalidations (never a time), the version of
 * each tag invalidated lately, and a floor. An entry is written with the clock read when its load began (`since`);
 * it is fresh while none of its tags has a newer version. The table keeps at most `limit` tags: when it grows past
 * that, the oldest half is dropped and the floor raised to the newest version dropped, so that every tagged entry
 * older than the floor counts as stale (a dropped tag may have been one of its own). Memory stays bounded, at the
 * price of a few early misses after many distinct tags were invalidated.
 *
 * @internal
 * @since 0.4.0
 */

export interface TagVersions {
  clock: number
  floor: number
  readonly versions: Map<string, number>
  readonly limit: number
}

export const make = (limit: number): TagVersions => ({ clock: 0, floor: 0, versions: new Map(), limit: Math.max(2, limit) })

/** Moves the clock on, and gives each tag the new version (each moves to the young end of the table). */
export const bump = (tv: TagVersions, tags: ReadonlyArray<string>): void => {
  const version = ++tv.clock
  for (const tag of tags) {
    tv.versions.delete(tag)
    tv.versions.set(tag, version)
  }
  if (tv.versions.size > tv.limit) trim(tv)
}

const trim = (tv: TagVersions): void => {
  let drop = tv.versions.size - Math.floor(tv.limit / 2)
  for (const [tag, version] of tv.versions) {
    if (drop-- <= 0) break
    tv.versions.delete(tag)
    if (version > tv.floor) tv.floor = version
  }
}

/** Whether an entry with `tags`, loaded from `since` on, is fresh: none of its tags is newer. */
export const isFresh = (tv: TagVersions, tags: ReadonlyArray<string>, since: number): boolean => {
  if (since < tv.floor) return false
  for (const tag of tags) {
    const version = tv.versions.get(tag)
    if (version !== undefined && version > since) return false
  }
  return true
}
