/**
 * The checks `Cache.make` runs on its options before it builds anything: every field a plain JavaScript caller
 * (or a cast) can get wrong is named in one `InvalidConfig`, instead of crashing later inside a call.
 *
 * @internal
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import type { Either } from 'fp-ts/Either'
import * as CE from '../CacheError'
import type { CacheError } from '../CacheError'
import * as Config from '../Config'
import { describe } from './validation'

type Field = { readonly field: string; readonly message: string }

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

const hasMethods = (u: unknown, methods: ReadonlyArray<string>): boolean =>
  (isObject(u) || typeof u === 'function') && methods.every((m) => typeof (u as Record<string, unknown>)[m] === 'function')

const optionalFunction = (options: Record<string, unknown>, field: string, fields: Array<Field>): void => {
  const u = options[field]
  if (u !== undefined && typeof u !== 'function') {
    fields.push({ field, message: `expected a function, got ${describe(u)}` })
  }
}

/** The fields of the options themselves (the config is checked by `Config.resolve`). */
const optionFields = (options: Record<string, unknown>): Array<Field> => {
  const fields: Array<Field> = []
  const { name, codec, key, args, clock } = options
  if (typeof name !== 'string' || name.length === 0) {
    fields.push({ field: 'name', message: `expected a non-empty string, got ${describe(name)}` })
  }
  if (!hasMethods(codec, ['is', 'decode', 'encode'])) {
    fields.push({ field: 'codec', message: `expected an io-ts codec (is, decode, encode), got ${describe(codec)}` })
  }
  if (key !== undefined && args !== undefined) {
    fields.push({ field: 'key', message: 'give either key (one argument) or args (positional arguments), not both' })
  } else if (key === undefined && args === undefined) {
    fields.push({ field: 'key', message: 'missing: give key (a KeyCodec of the one argument) or args (of the argument list)' })
  } else {
    const field = key !== undefined ? 'key' : 'args'
    if (!hasMethods(options[field], ['encode'])) {
      fields.push({ field, message: `expected a KeyCodec, got ${describe(options[field])}` })
    }
  }
  if (clock !== undefined && !hasMethods(clock, ['now'])) {
    fields.push({ field: 'clock', message: `expected a Clock (now), got ${describe(clock)}` })
  }
  optionalFunction(options, 'store', fields)
  optionalFunction(options, 'onEvent', fields)
  optionalFunction(options, 'tags', fields)
  return fields
}

/** The resolved config of valid options, or an `InvalidConfig` naming every bad field. */
export const check = (options: unknown): Either<CacheError, Config.ResolvedConfig> => {
  if (!isObject(options)) {
    return E.left(CE.invalidConfig('?', [{ field: 'options', message: `expected an object, got ${describe(options)}` }]))
  }
  const name = typeof options.name === 'string' && options.name.length > 0 ? options.name : '?'
  const fields = optionFields(options)
  const config = Config.resolve(name, options.config === undefined ? {} : options.config)
  if (E.isLeft(config) && config.left._tag === 'InvalidConfig') {
    fields.push(...config.left.fields)
  }
  return fields.length > 0 ? E.left(CE.invalidConfig(name, fields)) : config
}
