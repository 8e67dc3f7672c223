/**
 * The Redis bus's machinery: one subscription to the channel on the port's subscriber connection, shared by every
 * listener of the bus, and the state that `subscribed` and the resets tell.
 *
 * - The subscription starts with the first listener. It is up once its SUBSCRIBE is answered (or the port says
 *   every channel is subscribed again after a new connection), and down as soon as the port says the connection is
 *   lost. Listeners hear each change once, in order: `reset(false)`, then `reset(true)`, and so on.
 * - A line is `Bus.encode(origin, message)`: lines of this bus's own origin, and lines `Bus.decode` rejects, are
 *   skipped. A listener that throws is skipped too: the client's event handler never sees the throw, and the other
 *   listeners still hear.
 * - A publish races the deadline (no breaker: a publish goes out as soon as the client is back, since one refused
 *   in vain would leave the other processes stale until their `l1MaxTtl`).
 *
 * @internal
 * @since 0.4.0
 */
import type { Bus, Listener, Message } from '../../Bus'
import * as BusCodec from '../../Bus'
import type { RedisPort } from '../../RedisPort'
import * as Guard from './guard'
import type { Timer } from './options'

/** A port whose subscriber connection the bus uses. */
export type BusPort = RedisPort & Required<{ [K in 'subscribe' | 'onSubscriber']: NonNullable<RedisPort[K]> }>

export interface BusOptions {
  readonly port: BusPort
  readonly channel: string
  readonly origin: string
  readonly deadline: number
  readonly timer: Timer
}

export const make = (options: BusOptions): Bus => {
  const { port, channel, origin } = options
  const raced = { deadline: options.deadline, timer: options.timer, isReplyError: port.isReplyError }
  const listeners = new Set<{ readonly listener: Listener }>()
  const tell = (f: (listener: Listener) => void): void => {
    for (const { listener } of [...listeners]) {
      try {
        f(listener)
      } catch {
        // the listener's own failure: the others still hear, and the client never sees it
      }
    }
  }
  const state = subscription(port, channel, (subscribed) => tell((l) => l.reset(subscribed)))
  const onLine = (line: string): void => {
    const decoded = BusCodec.decode(line)
    if (decoded === undefined || decoded.origin === origin) return
    tell((l) => l.message(decoded.message))
  }
  return {
    publish: (message: Message) => () =>
      Guard.race(raced, 'publish', undefined, () => port.publish(channel, BusCodec.encode(origin, message))).then((o) => o.either),
    subscribe: (listener) => {
      state.start(onLine)
      const entry = { listener }
      listeners.add(entry)
      return () => void listeners.delete(entry)
    },
    subscribed: state.up
  }
}

/**
 * The channel's subscription: `start` subscribes once; `changed` hears every change of state. A lost connection
 * makes a SUBSCRIBE sent before it answer nothing about the new one (`losses` tells them apart).
 */
const subscription = (port: BusPort, channel: string, changed: (subscribed: boolean) => void) => {
  let up = false
  let started = false
  let losses = 0
  const set = (subscribed: boolean): void => {
    if (!subscribed) losses++
    if (subscribed === up) return
    up = subscribed
    changed(subscribed)
  }
  return {
    up: (): boolean => up,
    start: (onLine: (line: string) => void): void => {
      if (started) return
      started = true
      port.onSubscriber(set)
      const before = losses
      port.subscribe(channel, onLine).then(
        () => {
          if (losses === before) set(true)
        },
        () => undefined // the port subscribes again once connected, and says so
      )
    }
  }
}
