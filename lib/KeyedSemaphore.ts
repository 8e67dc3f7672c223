/**
 * A semaphore per key: `withPermit(key)(task)` runs `task` while holding one of the key's permits. Keys are
 * independent: a call on one key never waits for another key.
 *
 * Laws (this module's own; with the first two it gives the caches laws 2 and 8):
 * - FIFO: at most `permits` tasks hold a key's permits at once; the others wait, first come first served.
 * - Release: a permit is released when its task settles, whatever the outcome: `Right`, `Left`, a rejected promise, a
 *    thrown exception, or a task that returns something other than a promise (an `Either` where a `TaskEither`
 *    was meant, `undefined`): that one is a bug of the caller, and its returned task rejects with a `TypeError`.
 * - Hygiene: a key with no holder and no waiter holds no memory: when every task has settled, `size()` is `0`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import type { IO } from 'fp-ts/IO'
import type { TaskEither } from 'fp-ts/TaskEither'
import * as CE from './CacheError'
import type { CacheError } from './CacheError'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Permits per key.
 *
 * @category model
 * @since 0.1.0
 */
export interface KeyedSemaphore {
  /** The permits each key has. */
  readonly permits: number
  /**
   * Runs `task` holding one of `key`'s permits. The result is the task's own: a throw or a rejection
   * propagates as a rejection of the returned task, after the permit is released.
   */
  readonly withPermit: (key: string) => <E, A>(task: TaskEither<E, A>) => TaskEither<E, A>
  /** How many keys are held or waited for now. */
  readonly size: IO<number>
  /** How many permits `key` has free now (`permits` for an idle key). */
  readonly available: (key: string) => IO<number>
}

/** A FIFO queue of wake-up calls, as a singly linked list. */
interface Queue {
  head: Waiter | undefined
  tail: Waiter | undefined
}

interface Waiter {
  readonly wake: () => void
  next: Waiter | undefined
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const validPermits = (permits: number): boolean => Number.isSafeInteger(permits) && permits >= 1

/**
 * Makes a keyed semaphore with `permits` permits per key (a positive integer; default 1, a keyed mutex), or an
 * `InvalidConfig` naming `permits`.
 *
 * @example
 * import { KeyedSemaphore } from 'best-simple-cache'
 * import * as E from 'fp-ts/Either'
 * import * as assert from 'assert'
 *
 * assert.ok(E.isRight(KeyedSemaphore.make(2)))
 * assert.deepStrictEqual(
 *   KeyedSemaphore.make(0),
 *   E.left({
 *     _tag: 'InvalidConfig',
 *     cache: 'KeyedSemaphore',
 *     fields: [{ field: 'permits', message: 'must be a positive integer, got 0' }]
 *   })
 * )
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (permits = 1): Either<CacheError, KeyedSemaphore> =>
  validPermits(permits)
    ? E.right(build(permits))
    : E.left(
        CE.invalidConfig('KeyedSemaphore', [{ field: 'permits', message: `must be a positive integer, got ${String(permits)}` }])
      )

/**
 * `make`, for a permit count known to be valid (a constant in the program): it throws a `RangeError` naming
 * `permits` instead of returning a `Left`.
 *
 * @example
 * import { KeyedSemaphore } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const sem = KeyedSemaphore.unsafeMake()
 *   const order: Array<string> = []
 *   const job = (name: string) =>
 *     sem.withPermit('k')(TE.fromTask(async () => { order.push(`${name} in`); await Promise.resolve(); order.push(`${name} out`) }))
 *   await Promise.all([job('a')(), job('b')()])
 *   assert.deepStrictEqual(order, ['a in', 'a out', 'b in', 'b out'])
 *   assert.strictEqual(sem.size(), 0)
 * }
 * main()
 * assert.throws(() => KeyedSemaphore.unsafeMake(1.5), RangeError)
 *
 * @category constructors
 * @since 0.2.0
 */
export const unsafeMake = (permits = 1): KeyedSemaphore => {
  if (!validPermits(permits)) {
    throw new RangeError(`KeyedSemaphore.unsafeMake: permits must be a positive integer, got ${String(permits)}`)
  }
  return build(permits)
}

const isThenable = (u: unknown): u is PromiseLike<unknown> =>
  (typeof u === 'object' || typeof u === 'function') && u !== null && typeof (u as PromiseLike<unknown>).then === 'function'

/** What a task returned instead of a promise, for the error message. */
const describe = (u: unknown): string => {
  if (u === undefined || u === null) return String(u)
  if (typeof u === 'object' && '_tag' in u && typeof u._tag === 'string') return `an object tagged ${u._tag}`
  return `a ${typeof u}`
}

const build = (permits: number): KeyedSemaphore => {
  // A key with a holder has its count of permits in use here, a small integer: no object for an uncontended key.
  // A key with waiters also has a queue; idle keys have neither.
  const held = new Map<string, number>()
  const queues = new Map<string, Queue>()

  const acquire = (key: string): Promise<void> | undefined => {
    const used = held.get(key)
    if (used === undefined) {
      held.set(key, 1)
      return undefined
    }
    if (used < permits) {
      held.set(key, used + 1)
      return undefined
    }
    let queue = queues.get(key)
    if (queue === undefined) {
      queue = { head: undefined, tail: undefined }
      queues.set(key, queue)
    }
    const q = queue
    return new Promise<void>((wake) => {
      const waiter: Waiter = { wake, next: undefined }
      if (q.tail === undefined) q.head = waiter
      else q.tail.next = waiter
      q.tail = waiter
    })
  }

  const release = (key: string): void => {
    const queue = queues.get(key)
    if (queue !== undefined) {
      // hand the permit straight to the first waiter
      const waiter = queue.head as Waiter
      queue.head = waiter.next
      if (queue.head === undefined) queues.delete(key)
      waiter.wake()
      return
    }
    const used = held.get(key)
    if (used === undefined) return
    if (used <= 1) held.delete(key)
    else held.set(key, used - 1)
  }

  const run = <E, A>(key: string, task: TaskEither<E, A>): Promise<Either<E, A>> => {
    let p: Promise<Either<E, A>>
    try {
      const r: unknown = task()
      if (r instanceof Promise) p = r as Promise<Either<E, A>>
      else if (isThenable(r)) p = Promise.resolve(r) as Promise<Either<E, A>>
      else {
        release(key)
        return Promise.reject(
          new TypeError(`KeyedSemaphore.withPermit: the task returned ${describe(r)}, not a promise (is it a TaskEither?)`)
        )
      }
    } catch (e) {
      release(key)
      return Promise.reject(e)
    }
    // Released by a handler registered before the caller's: it runs first, so by the time the caller resumes the
    // permit is free, and the caller's promise is the task's own (no extra hop). The side chain handles a
    // rejection, so it is never reported as unhandled; the caller gets the rejection from `p`.
    const free = (): void => release(key)
    p.then(free, free)
    return p
  }

  return {
    permits,
    withPermit: (key) => (task) => () => {
      const wait = acquire(key)
      return wait === undefined ? run(key, task) : wait.then(() => run(key, task))
    },
    size: () => held.size,
    available: (key) => () => permits - (held.get(key) ?? 0)
  }
}
