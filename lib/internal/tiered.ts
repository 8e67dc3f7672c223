/**
 * The machinery of a `Tiered` store: a memory tier (L1) of copies in front of a shared store (L2), kept coherent by
 * a bus. Every copy is a `Copy`: the value, and when L2 drops it (`until`, on this process's clock), so the copy
 * answers the entry's remaining life as L2 would (contract C7) while it is itself kept for at most `l1MaxTtl`.
 *
 * Coherence: every invalidation, of this process or heard on the bus, drops the copies it names and counts in
 * `changes`; a copy read from L2 is kept only if no change came while it was read (one that came may have been
 * about it). While the bus is not subscribed, no copy is answered or kept.
 *
 * @internal
 * @since 0.4.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type { Option } from 'fp-ts/Option'
import * as t from 'io-ts'
import type { Bus, Message } from '../Bus'
import type { CacheError } from '../CacheError'
import type { Entry, Flight, Store, StoreContext, StoreFactory, Tagged, Tags } from '../Store'
import { LOCAL_COPY, inProcessOf } from './inProcess'
import { MISS } from './miss'
import type { Miss } from './miss'

export interface Resolved {
  readonly l1: StoreFactory
  readonly l2: StoreFactory
  readonly bus: Bus | undefined
  readonly l1MaxTtl: number
}

interface Copy<A> {
  readonly value: A
  /** When L2 drops the entry, on this process's clock; `null`: never. */
  readonly until: number | null
}

const copyCodec = <A>(codec: t.Type<A, unknown, unknown>) => t.type({ value: codec, until: t.union([t.number, t.null]) }, `Copy<${codec.name}>`)

const done = /*#__PURE__*/ E.right(undefined)

/** The memory tier of one cache: its copies, read and written at once, and what may be kept. */
const tierOf = <A>(r: Resolved, ctx: StoreContext<A>) => {
  const codec = copyCodec(ctx.codec) as unknown as t.Type<Copy<A>, unknown, unknown>
  const l1 = r.l1<Copy<A>>({ ...ctx, codec })
  const { getSync, setSync } = l1
  if (getSync === undefined || setSync === undefined) throw new TypeError('l1 must be a store in this process (with getSync and setSync), such as MemoryStore.make')
  const door = inProcessOf(l1, codec)
  const { clock } = ctx
  const state = { changes: 0, subscribed: r.bus === undefined ? true : r.bus.subscribed() }
  const read = door !== undefined ? door.read : (key: string): Copy<A> | Miss => {
    const o = getSync(key)
    return O.isSome(o) ? o.value : MISS
  }
  const keep = (key: string, value: A, expiresIn: number | undefined): void => {
    if (!state.subscribed) return
    const ttl = expiresIn === undefined ? r.l1MaxTtl : Math.min(expiresIn, r.l1MaxTtl)
    if (!(ttl > 0)) return
    const copy: Copy<A> = { value, until: expiresIn === undefined ? null : clock.now() + expiresIn }
    try {
      setSync(key, copy, ttl)
    } catch {
      // a value that fails the codec (written to L2 by hand, say) gets no copy: the cache checks what L2 answers
    }
  }
  const drop = (key: string): void => {
    state.changes++
    void l1.delete(key)()
  }
  const dropAll = (): void => {
    state.changes++
    void l1.clear()
  }
  const hear = (message: Message): void => {
    if (message.cache !== ctx.name) return
    if (message._tag === 'Invalidated') message.keys.forEach(drop)
    else dropAll() // Cleared, or TagsInvalidated: a copy read from L2 does not know its tags
  }
  r.bus?.subscribe({
    message: hear,
    reset: (subscribed) => {
      state.subscribed = subscribed
      dropAll()
    }
  })
  const found = (key: string): Copy<A> | Miss => (state.subscribed ? read(key) : MISS)
  const life = (copy: Copy<A>): number | undefined => (copy.until === null ? undefined : Math.max(0, copy.until - clock.now()))
  return { state, found, life, keep, drop, dropAll, purge: l1.purge }
}

type Tier<A> = ReturnType<typeof tierOf<A>>

export const factory =
  (r: Resolved): StoreFactory =>
  <A>(ctx: StoreContext<A>): Store<A> => {
    const l2 = r.l2<A>({ ...ctx, maxSize: 0 })
    const tier = tierOf(r, ctx)
    const publish = (message: Message): Promise<Either<CacheError, void>> =>
      r.bus === undefined ? Promise.resolve(done) : r.bus.publish(message)().then(() => done) // a lost message is bounded by l1MaxTtl
    const invalidated = (key: string) => (w: Either<CacheError, void>): Either<CacheError, void> | Promise<Either<CacheError, void>> => {
      tier.drop(key)
      return E.isLeft(w) ? w : publish({ _tag: 'Invalidated', cache: ctx.name, keys: [key] })
    }
    /** An entry of L2: kept as a copy unless something changed while it was read. */
    const fromL2 = (key: string, seen: number, entry: Option<Entry<A>>): void => {
      if (O.isSome(entry) && tier.state.changes === seen) tier.keep(key, entry.value.value, entry.value.expiresIn)
    }
    const readL2 = (key: string): Promise<Either<CacheError, Option<Entry<A>>>> => {
      const seen = tier.state.changes
      const read: Promise<Either<CacheError, Option<Entry<A>>>> =
        l2.getEntry !== undefined
          ? l2.getEntry(key)()
          : l2.get(key)().then(E.map(O.map((value: A) => ({ value, expiresIn: undefined }))))
      return read.then((e) => {
        if (E.isRight(e)) fromL2(key, seen, e.right)
        return e
      })
    }
    const getEntry = (key: string): Promise<Either<CacheError, Option<Entry<A>>>> => {
      const copy = tier.found(key)
      return copy === MISS ? readL2(key) : Promise.resolve(E.right(O.some({ value: copy.value, expiresIn: tier.life(copy) })))
    }
    const set = (key: string, value: A, ttl?: number, tagged?: Tagged): Promise<Either<CacheError, void>> => {
      tier.drop(key)
      return l2.set(key, value, ttl, tagged)().then((w) => {
        if (E.isLeft(w)) return invalidated(key)(w)
        tier.state.changes++
        // a tagged write of a load may be kept out of L2 (a tag was invalidated since it began): no copy of it
        if (tagged?.since === undefined) tier.keep(key, value, ttl)
        return publish({ _tag: 'Invalidated', cache: ctx.name, keys: [key] })
      })
    }
    const store: Store<A> & { [LOCAL_COPY]: (key: string) => A | Miss } = {
      [LOCAL_COPY]: (key) => {
        const copy = tier.found(key)
        return copy === MISS ? MISS : copy.value
      },
      get: (key) => () => getEntry(key).then(E.map(O.map((e) => e.value))),
      getEntry: (key) => () => getEntry(key),
      set: (key, value, ttl, tagged) => () => set(key, value, ttl, tagged),
      delete: (key) => () => {
        tier.drop(key)
        return l2.delete(key)().then(invalidated(key))
      },
      clear: () => {
        tier.dropAll()
        return l2.clear().then((w) => {
          tier.dropAll()
          return E.isLeft(w) ? w : publish({ _tag: 'Cleared', cache: ctx.name })
        })
      },
      ...(l2.getMany === undefined ? {} : { getMany: getManyOf(l2.getMany, tier) }),
      ...(tier.purge === undefined ? {} : { purge: tier.purge }),
      ...(l2.validatedBy === ctx.codec ? { validatedBy: ctx.codec } : {}),
      ...(l2.flight === undefined ? {} : { flight: flightOf(ctx, l2.flight, tier, publish) }),
      ...(l2.tags === undefined ? {} : { tags: tagsOf(ctx, l2.tags, tier, publish) })
    }
    return store
  }

/**
 * Many keys: the copies this process has, and one `getMany` of L2 for the others. What L2 answers is not kept (it
 * does not say how long L2 keeps it, which a copy must answer).
 */
const getManyOf =
  <A>(l2GetMany: NonNullable<Store<A>['getMany']>, tier: Tier<A>): NonNullable<Store<A>['getMany']> =>
  (keys) =>
  () => {
    const copies = keys.map(tier.found)
    const missing = keys.filter((_, i) => copies[i] === MISS)
    const answer = (fromL2: ReadonlyArray<Either<CacheError, Option<A>>>): ReadonlyArray<Either<CacheError, Option<A>>> => {
      let next = 0
      return copies.map((copy) => (copy === MISS ? (fromL2[next++] as Either<CacheError, Option<A>>) : E.right(O.some(copy.value))))
    }
    if (missing.length === 0) return Promise.resolve(E.right(answer([])))
    return l2GetMany(missing)().then(E.map(answer))
  }

/** L2's single flight, with copies kept of what it found and of what this process filled. */
const flightOf = <A>(ctx: StoreContext<A>, flight: Flight<A>, tier: Tier<A>, publish: (m: Message) => Promise<Either<CacheError, void>>): Flight<A> => ({
  lead: (key, refresh) => () => {
    const seen = tier.state.changes
    return flight.lead(key, refresh)().then((r) => {
      if (E.isRight(r) && r.right._tag === 'Found' && tier.state.changes === seen) tier.keep(key, r.right.entry.value, r.right.entry.expiresIn)
      return r
    })
  },
  fill: (key, ticket, value, ttl, tags) => () =>
    flight.fill(key, ticket, value, ttl, tags)().then((r) => {
      if (E.isLeft(r) || r.right !== 'Written') return r
      tier.state.changes++
      tier.keep(key, value, ttl)
      return publish({ _tag: 'Invalidated', cache: ctx.name, keys: [key] }).then(() => r) // a refresh replaced others' copies
    }),
  release: flight.release
})

/** L2's tags: an invalidation drops this process's copies (a copy read from L2 does not know its tags), and is published. */
const tagsOf = <A>(ctx: StoreContext<A>, tags: Tags, tier: Tier<A>, publish: (m: Message) => Promise<Either<CacheError, void>>): Tags => ({
  clock: tags.clock,
  invalidate: (list) => () => {
    tier.dropAll()
    return tags.invalidate(list)().then((w) => {
      tier.dropAll()
      return E.isLeft(w) ? w : publish({ _tag: 'TagsInvalidated', cache: ctx.name, tags: list })
    })
  }
})
