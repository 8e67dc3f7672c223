/**
 * A bus in this process for tests: every bus of a hub hears the others' messages, at once (or, while the hub holds
 * them, when it lets them go). A test can cut a bus off (it hears `reset(false)`, and nothing until it is healed,
 * then `reset(true)`), or drop the next messages without a reset, as a lost message would be.
 *
 * @internal
 * @since 0.4.0
 */
import * as E from 'fp-ts/Either'
import type { Bus, Listener, Message } from '../../Bus'

export interface HubBus extends Bus {
  /** What this bus published, in order. */
  readonly sent: ReadonlyArray<Message>
}

export interface BusHub {
  readonly bus: () => HubBus
  /** Takes `bus` off the hub: its listeners hear `reset(false)`, and no message reaches it until `heal`. */
  readonly cut: (bus: HubBus) => void
  /** Puts `bus` back: its listeners hear `reset(true)`. */
  readonly heal: (bus: HubBus) => void
  /** Loses the next `n` messages published, with no reset (as a transport that drops them silently). */
  readonly drop: (n: number) => void
}

interface Member {
  readonly bus: HubBus
  readonly listeners: Set<Listener>
  subscribed: boolean
}

export const busHub = (): BusHub => {
  const members: Array<Member> = []
  let dropping = 0
  const memberOf = (bus: HubBus): Member => {
    const m = members.find((x) => x.bus === bus)
    if (m === undefined) throw new TypeError('busHub: not a bus of this hub')
    return m
  }
  const setSubscribed = (bus: HubBus, subscribed: boolean): void => {
    const m = memberOf(bus)
    if (m.subscribed === subscribed) return
    m.subscribed = subscribed
    for (const l of [...m.listeners]) l.reset(subscribed)
  }
  return {
    bus: () => {
      const listeners = new Set<Listener>()
      const sent: Array<Message> = []
      const bus: HubBus = {
        sent,
        publish: (message) => () => {
          sent.push(message)
          if (dropping > 0) dropping--
          else for (const m of members) if (m.bus !== bus && m.subscribed) for (const l of [...m.listeners]) l.message(message)
          return Promise.resolve(E.right(undefined))
        },
        subscribe: (listener) => {
          listeners.add(listener)
          return () => void listeners.delete(listener)
        },
        subscribed: () => memberOf(bus).subscribed
      }
      members.push({ bus, listeners, subscribed: true })
      return bus
    },
    cut: (bus) => setSubscribed(bus, false),
    heal: (bus) => setSubscribed(bus, true),
    drop: (n) => {
      dropping += n
    }
  }
}
