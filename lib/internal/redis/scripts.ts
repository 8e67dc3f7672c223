/**
 * The Lua scripts of the Redis store: one script per read-modify-write, each on one key of the cache (its entry),
 * the cache's epoch key and, for tags, the tag keys named in `KEYS` (all under the cache's hash tag, so a script
 * never crosses a Cluster slot).
 *
 * A key holds an entry or a tombstone (see `envelope`):
 *
 * ```
 *   E<gen>|<epoch>|<refreshUntil>|<fingerprint>|<since>|<tags>|<json>     a value
 *   T<gen>|<epoch>|<token>|<leaseUntil>|<waiters>                         a load in flight (or fenced)
 * ```
 *
 * The epoch key holds `<epoch>:<clock>`: the clock counts tag invalidations (never a time). A tag key holds
 * `<epoch>:<version>`, the clock when the tag was last invalidated. An entry carries the clock its load began at
 * (`since`) and its tags; it is fresh while each tag key is of its epoch with a version no newer. A missing tag key
 * (evicted, or expired with the entries that made it) or one of another epoch counts as newer than every entry, so
 * losing one costs loads, never a stale read. Tag keys are made by the writes that need them, and live at least as
 * long as their entries.
 *
 * The generation is the fence: a `fill` writes only over the tombstone (or the entry, for a refresh) of its own
 * generation, and every `delete`, `set` and `clear` takes the key to a generation no load holds: a new one, the key
 * absent, or a new epoch. An absent key never matches, so a restart or an eviction costs a load, never a stale
 * write. The lease (`leaseUntil`, on the server's own clock, `TIME`) only saves duplicate loads. No script calls
 * `KEYS` or `SCAN`.
 *
 * @internal
 * @since 0.3.0
 */

import type { Script } from '../../RedisPort'

const prelude = `
local function fields(v, n)
  local out = {}
  local start = 2
  for i = 1, n do
    local bar = string.find(v, '|', start, true)
    if not bar then return nil end
    out[i] = string.sub(v, start, bar - 1)
    start = bar + 1
  end
  out[n + 1] = string.sub(v, start)
  return out
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function split(v)
  local c = string.find(v, ':', 1, true)
  if not c then return v, 0 end
  return string.sub(v, 1, c - 1), tonumber(string.sub(v, c + 1))
end
local function epoch(key, fresh)
  local e = redis.call('GET', key)
  if not e then
    e = fresh
    redis.call('SET', key, e)
  end
  return split(e)
end
local function tagsFresh(first, e, c, since, ttl)
  for i = first, #KEYS do
    local v = redis.call('GET', KEYS[i])
    local n, version = nil, c
    if v then n, version = split(v) end
    if n ~= e then
      version = c
      if ttl == '' then redis.call('SET', KEYS[i], e .. ':' .. c) else redis.call('SET', KEYS[i], e .. ':' .. c, 'PX', ttl) end
    end
    if version > since then return false end
  end
  return true
end
local function keepTags(first, ttl)
  for i = first, #KEYS do
    if ttl == '' then redis.call('PERSIST', KEYS[i])
    else
      local p = redis.call('PTTL', KEYS[i])
      if p >= 0 and p < tonumber(ttl) then redis.call('PEXPIRE', KEYS[i], ttl) end
    end
  end
end
local function unleased(key, gen, e)
  redis.call('SET', key, 'T' .. gen .. '|' .. e .. '||0|0', 'KEEPTTL')
end
local function put(key, value, ttl)
  if ttl == '' then redis.call('SET', key, value) else redis.call('SET', key, value, 'PX', ttl) end
end
`

const script = (name: string, body: string): Script => ({ name, lua: prelude + body })

/**
 * LEAD. KEYS: entry, epoch. ARGV: token, lease ms, refresh ('1' or '0'), a new generation, a new epoch (used when
 * the cache has none yet), the tombstone's ttl, the codec fingerprint.
 * Answers `{'F', entry, pttl, epoch}` (a value of this schema and epoch; its tags are checked by the caller),
 * `{'W', ms}` (another holds a live lease: wait at most ms), `{'L', gen, epoch, clock}` (lead: fill with this
 * generation; the clock is the load's `since`), or `{'B'}` (refresh: another process refreshes).
 */
export const lead = script(
  'lead',
  `
local e, c = epoch(KEYS[2], ARGV[5])
local t = now()
local leaseUntil = t + tonumber(ARGV[2])
local v = redis.call('GET', KEYS[1])
if v then
  local kind = string.sub(v, 1, 1)
  if kind == 'E' then
    local f = fields(v, 3)
    if f and f[2] == e then
      if ARGV[3] == '1' then
        if tonumber(f[3]) > t then return {'B'} end
        redis.call('SET', KEYS[1], 'E' .. f[1] .. '|' .. e .. '|' .. leaseUntil .. '|' .. f[4], 'KEEPTTL')
        return {'L', f[1], e, c}
      end
      if string.sub(f[4], 1, #ARGV[7] + 1) == ARGV[7] .. '|' then return {'F', v, redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2])} end
    end
  elseif kind == 'T' then
    local f = fields(v, 4)
    if f and f[2] == e then
      if tonumber(f[4]) > t then
        if f[5] ~= '1' then
          redis.call('SET', KEYS[1], 'T' .. f[1] .. '|' .. e .. '|' .. f[3] .. '|' .. f[4] .. '|1', 'KEEPTTL')
        end
        return {'W', tonumber(f[4]) - t}
      end
      redis.call('SET', KEYS[1], 'T' .. f[1] .. '|' .. e .. '|' .. ARGV[1] .. '|' .. leaseUntil .. '|' .. f[5], 'PX', ARGV[6])
      return {'L', f[1], e, c}
    end
  end
end
redis.call('SET', KEYS[1], 'T' .. ARGV[4] .. '|' .. e .. '|' .. ARGV[1] .. '|' .. leaseUntil .. '|0', 'PX', ARGV[6])
return {'L', ARGV[4], e, c}
`
)

/**
 * FILL. KEYS: entry, epoch, then the value's tag keys. ARGV: generation, epoch, body
 * (`<fingerprint>|<since>|<tags>|<json>`), ttl ms ('' for none), the channel and the message that wake waiters,
 * since (the clock the load began at). Answers 'Written', 'Fenced' (also when one of its tags was invalidated
 * after the load began: the lease is then given up) or 'AlreadyFilled'.
 */
export const fill = script(
  'fill',
  `
local e, c = split(redis.call('GET', KEYS[2]) or '')
if e ~= ARGV[2] then return 'Fenced' end
local v = redis.call('GET', KEYS[1])
if not v then return 'Fenced' end
local kind = string.sub(v, 1, 1)
local f = fields(v, kind == 'T' and 4 or 2)
if not f or f[2] ~= ARGV[2] then return 'Fenced' end
if f[1] ~= ARGV[1] then
  if kind == 'E' then return 'AlreadyFilled' end
  return 'Fenced'
end
if #KEYS > 2 and not tagsFresh(3, e, c, tonumber(ARGV[7]), ARGV[4]) then
  if kind == 'T' then
    unleased(KEYS[1], f[1], e)
    if f[5] == '1' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
  end
  return 'Fenced'
end
put(KEYS[1], 'E' .. ARGV[1] .. '|' .. ARGV[2] .. '|0|' .. ARGV[3], ARGV[4])
if #KEYS > 2 then keepTags(3, ARGV[4]) end
if kind == 'T' and f[5] == '1' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return 'Written'
`
)

/** RENEW. KEYS: entry. ARGV: generation, token, lease ms. Extends a lease this token holds; answers 1, else 0. */
export const renew = script(
  'renew',
  `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) ~= 'T' then return 0 end
local f = fields(v, 4)
if not f or f[1] ~= ARGV[1] or f[3] ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], 'T' .. f[1] .. '|' .. f[2] .. '|' .. f[3] .. '|' .. (now() + tonumber(ARGV[3])) .. '|' .. f[5], 'KEEPTTL')
return 1
`
)

/**
 * RELEASE. KEYS: entry. ARGV: generation, token, channel, message. A load ended without a fill: its lease (or a
 * refresh's) is dropped, the generation kept, and the waiters woken so that the next of them leads at once.
 */
export const release = script(
  'release',
  `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.sub(v, 1, 1) == 'T' then
  local f = fields(v, 4)
  if not f or f[1] ~= ARGV[1] or f[3] ~= ARGV[2] then return 0 end
  unleased(KEYS[1], f[1], f[2])
  if f[5] == '1' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
  return 1
end
local f = fields(v, 3)
if f and f[1] == ARGV[1] then redis.call('SET', KEYS[1], 'E' .. f[1] .. '|' .. f[2] .. '|0|' .. f[4], 'KEEPTTL') end
return 1
`
)

/**
 * INVALIDATE. KEYS: entry. ARGV: a new generation, channel, message. An entry is unlinked; a tombstone gets the
 * new generation and no lease (its load is fenced, and the next caller leads at once).
 */
export const invalidate = script(
  'invalidate',
  `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.sub(v, 1, 1) == 'T' then
  local f = fields(v, 4)
  if f then
    unleased(KEYS[1], ARGV[1], f[2])
    if f[5] == '1' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
    return 1
  end
end
redis.call('UNLINK', KEYS[1])
return 1
`
)

/**
 * SET (a direct write). KEYS: entry, epoch, then the value's tag keys. ARGV: a new generation, a new epoch (when
 * the cache has none), the fingerprint, ttl ms ('' for none), channel, message, `<tags>|<json>`, since ('': as new
 * as the write). The new generation fences every load in flight. A value whose load began before one of its tags
 * was invalidated is not written (answers 0).
 */
export const set = script(
  'set',
  `
local e, c = epoch(KEYS[2], ARGV[2])
local since = c
if ARGV[8] ~= '' then since = tonumber(ARGV[8]) end
if #KEYS > 2 then
  if not tagsFresh(3, e, c, since, ARGV[4]) then return 0 end
  keepTags(3, ARGV[4])
end
local v = redis.call('GET', KEYS[1])
put(KEYS[1], 'E' .. ARGV[1] .. '|' .. e .. '|0|' .. ARGV[3] .. '|' .. since .. '|' .. ARGV[7], ARGV[4])
if v and string.sub(v, 1, 1) == 'T' and string.sub(v, -1) == '1' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return 1
`
)

/**
 * CLEAR. KEYS: epoch. ARGV: a new epoch. Every entry and every load of the old epoch stops matching, and so does
 * every tag key (a tag key of another epoch counts as newer than every entry).
 */
export const clear: Script = { name: 'clear', lua: `redis.call('SET', KEYS[1], ARGV[1])\nreturn 1\n` }

/** READ, for soft expiry. KEYS: entry, epoch. Answers `{entry or false, epoch or false, pttl}` (tags: checked by the caller). */
export const read: Script = {
  name: 'read',
  lua: `return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]), redis.call('PTTL', KEYS[1])}\n`
}

/**
 * INVALIDATE TAGS. KEYS: epoch, then the tag keys. ARGV: a new epoch (when the cache has none). Moves the clock on
 * and gives each tag key that exists the new version; a missing one already counts as newer than every entry.
 * O(tags): no entry is looked at. Answers the new clock.
 */
export const invalidateTags = script(
  'invalidateTags',
  `
local e, c = epoch(KEYS[1], ARGV[1])
c = c + 1
redis.call('SET', KEYS[1], e .. ':' .. c)
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('SET', KEYS[i], e .. ':' .. c, 'KEEPTTL') end
end
return c
`
)
