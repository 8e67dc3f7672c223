/**
 * The Redis store: a `Store` with soft expiry (`getEntry`, from `PTTL`) and single flight across processes
 * (`flight`), over a `RedisPort`. Every call goes through the guard (a deadline and a circuit breaker), so every
 * operation answers within the deadline, with a `Left` when Redis is away.
 *
 * Keys of a cache `name`: `<prefix>{<name>}:k:<key>` for entries, `<prefix>{<name>}:epoch` for the epoch that
 * `clear` replaces, and the channel `<prefix>{<name>}:filled` for waking waiters (the name is URI-encoded, so no
 * cache's keys can be another's).
 *
 * @internal
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either'
import { constVoid } from 'fp-ts/function'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import * as CE from '../../CacheError'
import type { CacheError } from '../../CacheError'
import type { RedisPort } from '../../RedisPort'
import type { Entry, Fill, Lead, Store, StoreContext, StoreFactory, Tagged } from '../../Store'
import { MISS } from '../miss'
import * as Envelope from './envelope'
import type { Guard } from './guard'
import * as Scripts from './scripts'
import * as Waiters from './waiters'

export interface Resolved {
  readonly port: RedisPort
  readonly prefix: string
  readonly lease: number
  readonly maxLoad: number
  readonly schema: string
  readonly guard: Guard
  readonly timer: (ms: number, f: () => void) => () => void
}

/**
 * What a leader holds: the generation and epoch its fill must match, the tag clock its load began at, its lease's
 * token, and its renewal.
 */
interface Ticket {
  readonly gen: string
  readonly epoch: string
  readonly since: number
  readonly token: string
  readonly stop: () => void
}

type Reply = ReadonlyArray<string | number | null>

/** An entry with the life `PTTL` answered (`-1`: no ttl). */
const entryOf = <A>(value: A, pttl: number): Entry<A> => ({ value, expiresIn: pttl < 0 ? undefined : pttl })

const done = /*#__PURE__*/ E.map(constVoid)

const ttlArg = (ttl: number | undefined): string => (ttl === undefined ? '' : String(Math.max(1, Math.ceil(ttl))))

/** The keys and what reads them, for one cache. */
const keysOf = (prefix: string, name: string) => {
  const ns = `${prefix}{${encodeURIComponent(name)}}:`
  const tag = (t: string): string => `${ns}t:${encodeURIComponent(t)}`
  return {
    entry: (key: string) => `${ns}k:${key}`,
    epoch: `${ns}epoch`,
    channel: `${ns}filled`,
    /** The keys a write with `tags` names: the entry's, the epoch, and each tag's. */
    withTags: (key: string, tags: ReadonlyArray<string> | undefined): Array<string> => [`${ns}k:${key}`, `${ns}epoch`, ...(tags ?? []).map(tag)],
    tag
  }
}

type Keys = ReturnType<typeof keysOf>

type Decoded<A> = Either<CacheError, A | typeof MISS | Envelope.TaggedRead<A>>

export const factory =
  (r: Resolved): StoreFactory =>
  <A>(ctx: StoreContext<A>): Store<A> => {
    if (ctx.maxSize > 0) {
      throw new TypeError(`maxSize (${ctx.maxSize}) bounds the memory store only: bound a Redis store with Redis's maxmemory and an eviction policy, and give maxSize 0`)
    }
    const { port, guard } = r
    const { codec } = ctx
    const keys = keysOf(r.prefix, ctx.name)
    const fp = Envelope.fingerprint(codec, r.schema)
    const decoded = (key: string, stored: string | null, epoch: string | null): Decoded<A> => {
      const read = Envelope.read(codec, fp, stored, epoch)
      return E.isLeft(read) ? E.left(CE.decodeFailure(key, read.left)) : read
    }
    const encoded = (key: string, value: A): Either<CacheError, string> => {
      try {
        return E.right(Envelope.json(codec, value))
      } catch (e) {
        return E.left(CE.storeFailure('set', e, key))
      }
    }
    /** A read value, its tags checked (one more `MGET`, of the tag keys) when it has some; a stale one is a miss. */
    const checked = checkedOf(r, keys)

    const get = (key: string): Promise<Either<CacheError, Option<A>>> =>
      guard('get', key, () => port.mget([keys.entry(key), keys.epoch])).then((r) => {
        if (E.isLeft(r)) return r
        const d = decoded(key, r.right[0] ?? null, r.right[1] ?? null)
        if (E.isRight(d) && d.right instanceof Envelope.TaggedRead) return checked(key, d.right).then(E.map((a) => (a === MISS ? O.none : O.some(a))))
        return E.isLeft(d) ? d : E.right(d.right === MISS ? O.none : O.some(d.right as A))
      })

    /**
     * Every key's entry and the epoch in one `MGET` (a cache's keys share one hash tag, so they are in one slot), and
     * the tags of the tagged ones in one more.
     */
    const getMany = (ks: ReadonlyArray<string>): Promise<Either<CacheError, ReadonlyArray<Either<CacheError, Option<A>>>>> =>
      guard('get', undefined, () => port.mget([...ks.map(keys.entry), keys.epoch])).then((r) => {
        if (E.isLeft(r)) return r
        const epoch = r.right[ks.length] ?? null
        return checkedMany(ks.map((key, i) => decoded(key, r.right[i] ?? null, epoch))).then(E.right)
      })
    const checkedMany = checkedManyOf(r, keys)

    const getEntry = (key: string): Promise<Either<CacheError, Option<Entry<A>>>> =>
      guard('get', key, () => port.run(Scripts.read, [keys.entry(key), keys.epoch], []) as Promise<Reply>).then((r) => {
        if (E.isLeft(r)) return r
        const [stored, epoch, pttl] = r.right
        const d = decoded(key, (stored as string | null) ?? null, (epoch as string | null) ?? null)
        const found = (a: A | typeof MISS): Option<Entry<A>> => (a === MISS ? O.none : O.some(entryOf(a, Number(pttl))))
        if (E.isRight(d) && d.right instanceof Envelope.TaggedRead) return checked(key, d.right).then(E.map(found))
        return E.isLeft(d) ? d : E.right(found(d.right as A | typeof MISS))
      })

    const set = (key: string, value: A, ttl?: number, tagged?: Tagged): Promise<Either<CacheError, void>> => {
      if (ttl !== undefined && ttl <= 0) return invalidate(key) // kept for no time at all
      const body = encoded(key, value)
      if (E.isLeft(body)) return Promise.resolve(body)
      const since = typeof tagged?.since === 'number' ? String(tagged.since) : ''
      const rest = `${Envelope.tagList(tagged?.tags)}|${body.right}`
      const args = [Envelope.nonce(), Envelope.nonce(), fp, ttlArg(ttl), keys.channel, key, rest, since]
      return guard('set', key, () => port.run(Scripts.set, keys.withTags(key, tagged?.tags), args)).then(done)
    }

    const invalidate = (key: string): Promise<Either<CacheError, void>> =>
      guard('delete', key, () => port.run(Scripts.invalidate, [keys.entry(key)], [Envelope.nonce(), keys.channel, key])).then(done)

    const clear = (): Promise<Either<CacheError, void>> =>
      guard('clear', undefined, () => port.run(Scripts.clear, [keys.epoch], [Envelope.nonce()])).then(done)

    const flight = flightOf(r, keys, decoded, encoded, invalidate, checked, fp)
    return {
      get: (key) => () => get(key),
      getMany: (ks) => () => getMany(ks),
      getEntry: (key) => () => getEntry(key),
      set: (key, value, ttl, tagged) => () => set(key, value, ttl, tagged),
      delete: (key) => () => invalidate(key),
      clear,
      validatedBy: codec,
      flight: {
        lead: (key, refresh, wait) => () => flight.lead(key, refresh, wait !== false),
        fill: (key, ticket, value, ttl, tags) => () => flight.fill(key, ticket as Ticket, value, ttl, tags),
        release: (key, ticket) => () => flight.release(key, ticket as Ticket)
      },
      tags: {
        clock: () => guard('get', undefined, () => port.mget([keys.epoch])).then(E.map((v) => Envelope.clockOf(v[0] ?? null))),
        invalidate: (tags) => () =>
          guard('delete', undefined, () => port.run(Scripts.invalidateTags, [keys.epoch, ...tags.map(keys.tag)], [Envelope.nonce()])).then(done)
      }
    }
  }

/** The check of a tagged entry's tags: each tag key must be of its epoch, with a version no newer than its load. */
const checkedOf =
  (r: Resolved, keys: Keys) =>
  <A>(key: string, entry: Envelope.TaggedRead<A>): Promise<Either<CacheError, A | typeof MISS>> =>
    r.guard('get', key, () => r.port.mget(entry.tags.map(keys.tag))).then(E.map((versions) => (Envelope.tagsFresh(entry, versions) ? entry.value : MISS)))

/** Many read values, the tags of the tagged ones checked in one `MGET` of every tag key they name; a stale one is a miss. */
const checkedManyOf =
  (r: Resolved, keys: Keys) =>
  <A>(reads: ReadonlyArray<Decoded<A>>): Promise<ReadonlyArray<Either<CacheError, Option<A>>>> => {
    const answer = (versions: Map<string, string | null> | CacheError) =>
      reads.map((d): Either<CacheError, Option<A>> => {
        if (E.isLeft(d)) return d
        const v = d.right
        if (v === MISS) return E.right(O.none)
        if (!(v instanceof Envelope.TaggedRead)) return E.right(O.some(v))
        if (!(versions instanceof Map)) return E.left(versions)
        return E.right(Envelope.tagsFresh(v, v.tags.map((t) => versions.get(t) ?? null)) ? O.some(v.value) : O.none)
      })
    const tags = [...new Set(reads.flatMap((d) => (E.isRight(d) && d.right instanceof Envelope.TaggedRead ? d.right.tags : [])))]
    if (tags.length === 0) return Promise.resolve(answer(new Map()))
    return r.guard('get', undefined, () => r.port.mget(tags.map(keys.tag))).then((m) =>
      answer(E.isLeft(m) ? m.left : new Map(tags.map((t, i) => [t, m.right[i] ?? null])))
    )
  }

/** Single flight across processes: the lead loop (waiting for a live lease), lease renewal, fill and release. */
const flightOf = <A>(
  r: Resolved,
  keys: Keys,
  decoded: (key: string, stored: string | null, epoch: string | null) => Decoded<A>,
  encoded: (key: string, value: A) => Either<CacheError, string>,
  invalidate: (key: string) => Promise<Either<CacheError, void>>,
  checked: <B>(key: string, entry: Envelope.TaggedRead<B>) => Promise<Either<CacheError, B | typeof MISS>>,
  fp: string
) => {
  const { port, guard, lease, maxLoad, timer } = r
  const waiters = Waiters.make(
    port.subscribe === undefined ? undefined : (onMessage) => (port.subscribe as NonNullable<RedisPort['subscribe']>)(keys.channel, onMessage),
    timer
  )

  /** Renews the lease every third of it, until stopped, refused, or the load has run `maxLoad` ms. */
  const renewal = (key: string, gen: string, token: string): (() => void) => {
    let stopped = false
    let cancel: () => void = () => undefined
    let renewed = 0
    const every = Math.max(1, Math.floor(lease / 3))
    const next = (): void => {
      cancel = timer(every, () => {
        renewed += every
        if (stopped || renewed >= maxLoad) return
        void guard('lead', key, () => port.run(Scripts.renew, [keys.entry(key)], [gen, token, String(lease)])).then((a) => {
          if (!stopped && !(E.isRight(a) && Number(a.right) === 0)) next() // a refused renewal: the lease is gone
        })
      })
    }
    next()
    return () => {
      stopped = true
      cancel()
    }
  }

  const lead = (key: string, refresh: boolean, wait: boolean, corrupt = 0): Promise<Either<CacheError, Lead<A>>> => {
    const token = Envelope.nonce()
    const expected = waiters.expect(key)
    const args = [token, String(lease), refresh ? '1' : '0', Envelope.nonce(), Envelope.nonce(), String(maxLoad), fp]
    return guard('lead', key, () => port.run(Scripts.lead, [keys.entry(key), keys.epoch], args) as Promise<Reply>).then(
      (reply): Either<CacheError, Lead<A>> | Promise<Either<CacheError, Lead<A>>> => {
        if (E.isLeft(reply)) {
          expected.cancel()
          return reply
        }
        const [kind, a, b, c] = reply.right
        if (kind === 'W' && wait) return expected.wait(Math.min(Number(a), lease) + 1).then(() => lead(key, refresh, wait, corrupt))
        expected.cancel()
        if (kind === 'W') return E.right({ _tag: 'Busy' }) // another leads it; this caller does not wait
        if (kind === 'B') return E.right({ _tag: 'Busy' })
        if (kind === 'L') {
          const gen = String(a)
          const ticket: Ticket = { gen, epoch: String(b), since: Number(c), token, stop: renewal(key, gen, token) }
          return E.right({ _tag: 'Leader', ticket })
        }
        const d = decoded(key, String(a), String(c))
        if (E.isRight(d) && d.right instanceof Envelope.TaggedRead) {
          // a tagged entry: found if its tags are fresh, else it is stale, deleted, and led once more
          return checked(key, d.right).then((f) => {
            if (E.isLeft(f)) return f
            if (f.right !== MISS) return E.right({ _tag: 'Found' as const, entry: entryOf(f.right, Number(b)) })
            return invalidate(key).then((i) => (E.isLeft(i) ? i : lead(key, refresh, wait, corrupt)))
          })
        }
        if (E.isRight(d) && d.right !== MISS) return E.right({ _tag: 'Found', entry: entryOf(d.right as A, Number(b)) })
        // an entry of this schema that does not decode: deleted (fenced), then led once more
        if (corrupt > 0) return E.isLeft(d) ? d : E.left(CE.decodeFailure(key, ['unreadable entry']))
        return invalidate(key).then((i) => (E.isLeft(i) ? i : lead(key, refresh, wait, corrupt + 1)))
      }
    )
  }

  const fill = (key: string, ticket: Ticket, value: A, ttl: number | undefined, tags: ReadonlyArray<string> | undefined): Promise<Either<CacheError, Fill>> => {
    ticket.stop()
    const json = encoded(key, value)
    if (E.isLeft(json)) return Promise.resolve(json)
    const since = String(ticket.since)
    const args = [ticket.gen, ticket.epoch, `${fp}|${since}|${Envelope.tagList(tags)}|${json.right}`, ttlArg(ttl), keys.channel, key, since]
    return guard('fill', key, () => port.run(Scripts.fill, keys.withTags(key, tags), args) as Promise<Fill>)
  }

  const release = (key: string, ticket: Ticket): Promise<Either<CacheError, void>> => {
    ticket.stop()
    const args = [ticket.gen, ticket.token, keys.channel, key]
    return guard('release', key, () => port.run(Scripts.release, [keys.entry(key)], args)).then(done)
  }
  return { lead, fill, release }
}
