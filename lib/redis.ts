/**
 * `best-simple-cache/redis`: a `Store` in Redis (`RedisStore`) and an invalidation bus over Redis pub/sub
 * (`RedisBus`), over an injected client (`RedisPort`). The core entry does not import it, so a program that does
 * not use Redis carries none of it.
 *
 * @since 0.3.0
 */
export * as RedisPort from './RedisPort'
export * as RedisStore from './RedisStore'
export * as RedisBus from './RedisBus'
