/**
 * Checks of the options that the Redis store and the Redis bus share: each bad option is pushed to `fields`, named
 * as the user wrote it, and the check answers the default so that every other option is still checked.
 *
 * @internal
 * @since 0.4.0
 */
import type { Clock } from '../../Clock'
import type { RedisPort } from '../../RedisPort'
import { describe } from '../validation'

export type Field = { readonly field: string; readonly message: string }

export type Timer = NonNullable<Clock['timer']>

/** A finite number of milliseconds > 0, or `fallback` when absent. */
export const positive = (options: Record<string, unknown>, field: string, fallback: number, fields: Array<Field>): number => {
  const u = options[field]
  if (u === undefined) return fallback
  if (typeof u === 'number' && Number.isFinite(u) && u > 0) return u
  fields.push({ field, message: `expected a finite number of milliseconds > 0, got ${describe(u)}` })
  return fallback
}

/** A string (`nonEmpty`: of at least one character), or `fallback` when absent. */
export const text = (options: Record<string, unknown>, field: string, fallback: string, fields: Array<Field>, nonEmpty = false): string => {
  const u = options[field]
  if (u === undefined) return fallback
  if (typeof u === 'string' && (!nonEmpty || u !== '')) return u
  fields.push({ field, message: `expected a ${nonEmpty ? 'non-empty ' : ''}string, got ${describe(u)}` })
  return fallback
}

const isPort = (u: unknown): u is RedisPort =>
  typeof u === 'object' && u !== null && typeof (u as RedisPort).mget === 'function' && typeof (u as RedisPort).run === 'function'

/** The port, or `undefined` with a field `port`; the client options it says would let a call hang, as `port.<option>`. */
export const port = (options: Record<string, unknown>, fields: Array<Field>): RedisPort | undefined => {
  const u = options['port']
  if (!isPort(u)) {
    fields.push({ field: 'port', message: `expected a RedisPort (RedisPort.ioredis or RedisPort.nodeRedis), got ${describe(u)}` })
    return undefined
  }
  fields.push(...u.problems.map(({ field, message }) => ({ field: `port.${field}`, message })))
  return u
}

/** The clock's timers, or `undefined` with a field `clock` that says what they are `for`. */
export const timer = (clock: Clock, purpose: string, fields: Array<Field>): Timer | undefined => {
  if (clock.timer === undefined) fields.push({ field: 'clock', message: `expected a Clock with timers (Clock.timer), for ${purpose}` })
  return clock.timer
}
