/**
 * A semaphore per key: `withPermit(key)(task)` runs `task` while holding one of the key's permits. Keys are
 * independent: a call on one key never waits for another key.
 *
 * Laws:
 * 1. At most `permits` tasks hold a key's permits at once; the others wait, first come first served.
 * 2. A permit is released when its task settles, whatever the outcome: `Right`, `Left`, a rejected promise or a
 *    thrown exception.
 * 3. A key with no holder and no waiter holds no memory: when every task has settled, `size()` is `0`.
 *
 * @since 0.1.0
 */
import type { IO } from 'fp-ts/IO'
import type { TaskEither } from 'fp-ts/TaskEither'

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

interface Waiter {
  readonly wake: () => void
  next: Waiter | undefined
}

/** The state of a busy key; idle keys have none. Waiters form a singly linked FIFO queue. */
interface Slot {
  free: number
  head: Waiter | undefined
  tail: Waiter | undefined
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a keyed semaphore with `permits` permits per key (a positive integer; default 1, a keyed mutex).
 *
 * @example
 * import { KeyedSemaphore } from 'best-simple-cache'
 * import * as TE from 'fp-ts/TaskEither'
 * import * as assert from 'assert'
 *
 * async function main() {
 *   const sem = KeyedSemaphore.make()
 *   const order: Array<string> = []
 *   const job = (name: string) =>
 *     sem.withPermit('k')(TE.fromTask(async () => { order.push(`${name} in`); await Promise.resolve(); order.push(`${name} out`) }))
 *   await Promise.all([job('a')(), job('b')()])
 *   assert.deepStrictEqual(order, ['a in', 'a out', 'b in', 'b out'])
 *   assert.strictEqual(sem.size(), 0)
 * }
 * main()
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (permits = 1): KeyedSemaphore => {
  if (!Number.isSafeInteger(permits) || permits < 1) {
    throw new RangeError(`KeyedSemaphore.make: permits must be a positive integer, got ${String(permits)}`)
  }
  const slots = new Map<string, Slot>()

  const acquire = (key: string): Promise<void> | undefined => {
    const slot = slots.get(key)
    if (slot === undefined) {
      slots.set(key, { free: permits - 1, head: undefined, tail: undefined })
      return undefined
    }
    if (slot.free > 0) {
      slot.free--
      return undefined
    }
    return new Promise<void>((wake) => {
      const waiter: Waiter = { wake, next: undefined }
      if (slot.tail === undefined) slot.head = waiter
      else slot.tail.next = waiter
      slot.tail = waiter
    })
  }

  const release = (key: string): void => {
    const slot = slots.get(key)
    if (slot === undefined) return
    const waiter = slot.head
    if (waiter !== undefined) {
      // hand the permit straight to the first waiter
      slot.head = waiter.next
      if (slot.head === undefined) slot.tail = undefined
      waiter.wake()
    } else if (++slot.free === permits) {
      slots.delete(key)
    }
  }

  const run = <E, A>(key: string, task: TaskEither<E, A>) => {
    let p: Promise<import('fp-ts/Either').Either<E, A>>
    try {
      p = task()
    } catch (e) {
      release(key)
      return Promise.reject(e)
    }
    return p.then(
      (r) => {
        release(key)
        return r
      },
      (e: unknown) => {
        release(key)
        throw e
      }
    )
  }

  return {
    permits,
    withPermit: (key) => (task) => () => {
      const wait = acquire(key)
      return wait === undefined ? run(key, task) : wait.then(() => run(key, task))
    },
    size: () => slots.size,
    available: (key) => () => slots.get(key)?.free ?? permits
  }
}
