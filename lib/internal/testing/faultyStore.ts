/**
 * The faulty store wrapper of the test kit (`faultyStore` in `testing.ts`, where its behaviour is documented).
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as CE from '../../CacheError'
import type { CacheError } from '../../CacheError'
import type { Store, StoreContext, StoreFactory } from '../../Store'
import type { FaultOptions, FaultyStore, StoreOperation } from '../../testing'
import { seeded } from './random'
import { turns } from './turns'

type Operation = StoreOperation['operation']

const OPERATIONS: ReadonlyArray<Operation> = ['get', 'getEntry', 'set', 'delete', 'clear', 'size', 'purge']

const checked = (options: FaultOptions): Required<FaultOptions> => {
  const { seed, maxDelay = 0, failureRate = 0, failOn = OPERATIONS } = options
  const bad = (what: string, value: unknown): never => {
    throw new RangeError(`faultyStore: ${what}, got ${String(value)}`)
  }
  if (!Number.isInteger(seed)) bad('seed must be an integer', seed)
  if (!(Number.isInteger(maxDelay) && maxDelay >= 0)) bad('maxDelay must be an integer >= 0', maxDelay)
  if (!(typeof failureRate === 'number' && failureRate >= 0 && failureRate <= 1)) bad('failureRate must be in [0, 1]', failureRate)
  const unknown = failOn.filter((o) => !OPERATIONS.includes(o))
  if (unknown.length > 0) bad(`failOn names operations a store does not have (${OPERATIONS.join(', ')})`, unknown)
  return { seed, maxDelay, failureRate, failOn }
}

/** @internal */
export const faultyStore = (inner: StoreFactory, options: FaultOptions): FaultyStore => {
  const { seed, maxDelay, failureRate, failOn } = checked(options)
  const random = seeded(seed)
  const log: Array<StoreOperation> = []
  let down = false
  let issued = 0

  /** `task` as the faulty store runs it: waits, maybe fails, reaches the inner store, waits again. */
  const faulty =
    <B>(operation: Operation, key: string | undefined, task: TaskEither<CacheError, B>): TaskEither<CacheError, B> =>
    () => {
      const index = issued++
      // three draws per run, whatever the options, so that changing one option keeps the other draws
      const before = random.int(0, maxDelay)
      const after = random.int(0, maxDelay)
      const injected = random.next() < failureRate && failOn.includes(operation)
      const done = (outcome: StoreOperation['outcome']) => (r: Either<CacheError, B>) =>
        turns(after).then(() => {
          log.push({ index, operation, key, outcome })
          return r
        })
      const failure = (why: string): Either<CacheError, B> =>
        E.left(CE.storeFailure(operation === 'getEntry' ? 'get' : operation, new Error(`faultyStore: ${why} (operation #${index})`), key))
      return turns(before).then(() => {
        if (down) return done('down')(failure('the store is down'))
        if (injected) return done('injected')(failure('injected failure'))
        return Promise.resolve()
          .then(task)
          .then(
            (r) => done(E.isRight(r) ? 'ok' : 'error')(r),
            (e: unknown) =>
              turns(after).then(() => {
                log.push({ index, operation, key, outcome: 'rejected' })
                throw e
              })
          )
      })
    }

  const factory: StoreFactory = <A>(context: StoreContext<A>): Store<A> => {
    const store = inner(context)
    const { getEntry, size, purge, validatedBy } = store
    // no getSync, setSync, getEntrySync or in-process door: every operation goes through the faults
    return {
      get: (key) => faulty('get', key, store.get(key)),
      ...(getEntry === undefined ? {} : { getEntry: (key: string) => faulty('getEntry', key, getEntry(key)) }),
      set: (key, value, ttl) => faulty('set', key, store.set(key, value, ttl)),
      delete: (key) => faulty('delete', key, store.delete(key)),
      clear: faulty('clear', undefined, store.clear),
      ...(size === undefined ? {} : { size: faulty('size', undefined, size) }),
      ...(purge === undefined ? {} : { purge: faulty('purge', undefined, purge) }),
      ...(validatedBy === undefined ? {} : { validatedBy })
    }
  }

  return {
    factory,
    operations: () => log.slice(),
    setDown: (value) => () => {
      down = value
    }
  }
}
