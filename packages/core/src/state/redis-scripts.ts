/**
 * Lua for the RedisStateStore. A script runs atomically on one node, so every operation
 * that touches a key and its index is one script. On Redis Cluster every key a script
 * touches is declared in KEYS and shares one hash slot (`stateKeys.user` hash tags).
 *
 * An index is a sorted set: member = key, score = the key's absolute expiry (ms, Redis
 * clock) when it was recorded. The index key itself expires with its longest-lived member.
 * A key can be rewritten without `index` (plain SET, new TTL), so the score is a hint;
 * liveness is always the key's own (see INDEX_LIVE).
 */

/** Records KEYS[1] in index KEYS[2] for `ttl` ms and keeps the index alive at least that long. */
const RECORD = `
local function record(ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
  if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
`;

export interface ScriptDefinition {
  lua: string;
}

/** The number of keys is passed on every call (KEYS[2], the index, is optional in several). */
export const scripts = {
  /** KEYS: key, index. ARGV: value, ttl, ifAbsent ('1'|'0'). Returns 1 when written. */
  ghSetIndexed: {
    lua: `${RECORD}
local ttl = tonumber(ARGV[2])
if ARGV[3] == '1' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl, 'NX') then return 0 end
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
record(ttl)
return 1`,
  },

  /** KEYS: key, index. Returns 1 when a live key was deleted. */
  ghDeleteIndexed: {
    lua: `
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return n`,
  },

  /** KEYS: key, index. Returns the value (nil when absent). */
  ghTakeIndexed: {
    lua: `
local v = redis.call('GETDEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return v`,
  },

  /**
   * KEYS: key [, index]. ARGV: expected, next, ttl. Returns {1} on a swap; {0, current}
   * or {0} (key gone) otherwise — the loser learns the current value in the same round trip.
   */
  ghCompareAndSwap: {
    lua: `${RECORD}
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then
  if current then return {0, current} end
  return {0}
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
if KEYS[2] then record(ttl) end
return {1}`,
  },

  /**
   * KEYS: key [, index]. ARGV: head prefix, next head, ttl, history entry ('' = none), history
   * max. The head is the text before the first newline (plain find, no patterns); the body
   * from that newline on is kept byte for byte. Returns {1, new value} on a swap; {0, current}
   * or {0} (key gone) otherwise. Must agree with `swapHead` in validate.ts.
   */
  ghCompareAndSwapHead: {
    lua: `${RECORD}
local current = redis.call('GET', KEYS[1])
if not current then return {0} end
local nl = string.find(current, '\\n', 1, true)
local head = nl and string.sub(current, 1, nl - 1) or current
local prefix = ARGV[1]
if string.sub(head, 1, #prefix) ~= prefix then return {0, current} end
local list = ''
if ARGV[4] ~= '' then
  local items, max = {ARGV[4]}, tonumber(ARGV[5])
  local old = string.match(head, ' ([^ ]*)$') or ''
  if old ~= '-' then
    for item in string.gmatch(old, '[^,]+') do
      if #items >= max then break end
      items[#items + 1] = item
    end
  end
  list = ' ' .. table.concat(items, ',')
end
local value = ARGV[2] .. list .. (nl and string.sub(current, nl) or '')
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], value, 'PX', ttl)
if KEYS[2] then record(ttl) end
return {1, value}`,
  },

  /**
   * KEYS: key. ARGV: by, ttl. Fixed window: only a key without a TTL (i.e. just created by
   * INCRBY) gets one, so later increments never extend the window. Returns {value, pttl}.
   */
  ghIncrement: {
    lua: `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then
  pttl = tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[1], pttl)
end
return {value, pttl}`,
  },

  /**
   * KEYS: index, members... (read by ZRANGE just before). Returns the members still recorded
   * whose key is live, drops the dead ones, and keeps the index alive as long as its
   * longest-lived member (a member may have been rewritten without \`index\` with a longer TTL).
   */
  ghIndexLive: {
    lua: `
local live, longest = {}, 0
for i = 2, #KEYS do
  local pttl = redis.call('PTTL', KEYS[i])
  if pttl == -2 then
    redis.call('ZREM', KEYS[1], KEYS[i])
  elseif redis.call('ZSCORE', KEYS[1], KEYS[i]) then
    live[#live + 1] = KEYS[i]
    if pttl > longest then longest = pttl end
  end
end
if longest > 0 and redis.call('PTTL', KEYS[1]) < longest then redis.call('PEXPIRE', KEYS[1], longest) end
return live`,
  },

  /**
   * KEYS: index, members... (read by ZRANGE just before). Deletes the members and removes
   * them from the index. Returns {live keys deleted, members left}: members left were
   * recorded concurrently after the read; the caller runs again for them. An emptied
   * sorted set disappears by itself.
   */
  ghDeleteIndexedKeys: {
    lua: `
local deleted = 0
for i = 2, #KEYS do
  deleted = deleted + redis.call('DEL', KEYS[i])
  redis.call('ZREM', KEYS[1], KEYS[i])
end
return {deleted, redis.call('ZCARD', KEYS[1])}`,
  },
} satisfies Record<string, ScriptDefinition>;

export type ScriptName = keyof typeof scripts;
