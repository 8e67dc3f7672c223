/**
 * The processes waiting for another one's load of a key: each waits for the fill's message on the cache's channel
 * (pub/sub), with a timer on the lease left as the fallback (a lost message, or no subscriber connection). One
 * wait per key per process; it is registered before the lead script runs, since the script's reply and the
 * message come on different connections and the message may come first.
 *
 * @internal
 * @since 0.3.0
 */

export interface Expected {
  /** Settles on the key's message, or after `ms`. */
  readonly wait: (ms: number) => Promise<void>
  /** Nobody waits after all (the lead answered at once). */
  readonly cancel: () => void
}

export interface Waiters {
  readonly expect: (key: string) => Expected
}

interface Waiting {
  readonly woken: Promise<void>
  readonly wake: () => void
  expecting: number
}

export const make = (
  subscribe: ((onMessage: (message: string) => void) => Promise<void>) | undefined,
  timer: (ms: number, f: () => void) => () => void
): Waiters => {
  const waiting = new Map<string, Waiting>()
  let subscribed: Promise<void> | undefined
  const onMessage = (key: string): void => {
    const w = waiting.get(key)
    if (w === undefined) return
    waiting.delete(key)
    w.wake()
  }
  const expect = (key: string): Expected => {
    if (subscribe !== undefined && subscribed === undefined) {
      // a failed subscription is tried again by the next waiter; meanwhile the timers wake everyone
      subscribed = subscribe(onMessage).catch(() => {
        subscribed = undefined
      })
    }
    let w = waiting.get(key)
    if (w === undefined) {
      let wake!: () => void
      const woken = new Promise<void>((resolve) => (wake = resolve))
      w = { woken, wake, expecting: 0 }
      waiting.set(key, w)
    }
    const mine = w
    mine.expecting++
    let left = false
    const leave = (): void => {
      if (left) return
      left = true
      if (--mine.expecting === 0 && waiting.get(key) === mine) waiting.delete(key)
    }
    return {
      wait: (ms) =>
        new Promise<void>((resolve) => {
          const cancel = timer(ms, () => {
            leave()
            resolve()
          })
          void mine.woken.then(() => {
            cancel()
            leave()
            resolve()
          })
        }),
      cancel: leave
    }
  }
  return { expect }
}
