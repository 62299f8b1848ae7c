/**
 * Lua scripts for the Redis presence store. Redis runs each script alone, so every presence change is
 * atomic across nodes (two nodes racing to fill the last place in a room cannot both win).
 *
 * Data model (all keys under a prefix, `kopru:` by default):
 * - `room:<roomId>`  hash   peerId → `<connectionId>|<nodeId>|<PeerInfo JSON>`
 * - `rooms`          set    room ids with at least one peer (for the room count)
 * - `node:<nodeId>`  set    `<roomId> <peerId>` of the peers whose connection a node holds
 * - `nodes`          zset   nodeId → last heartbeat (ms, Redis's own clock so node clocks do not matter)
 *
 * Ids are `[A-Za-z0-9_-]` (room/peer), socket.io ids and node ids contain no `|` or space, so the
 * separators are unambiguous and the scripts never need to parse JSON.
 */

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: room, rooms, node set. ARGV: roomId, peerId, value, capacity. → {'full'} | {'joined'|'resumed', previous, ...others} */
export const JOIN_SCRIPT = `
local previous = redis.call('HGET', KEYS[1], ARGV[2])
if not previous and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {'full'} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1] .. ' ' .. ARGV[2])
local out = {previous and 'resumed' or 'joined', previous or ''}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= ARGV[2] then out[#out + 1] = all[i + 1] end
end
return out`;

/** KEYS: room, rooms, node set. ARGV: roomId, peerId, connectionId. → the removed value, or nil. */
export const LEAVE_SCRIPT = `
local value = redis.call('HGET', KEYS[1], ARGV[2])
if not value then return false end
local connection = string.match(value, '^([^|]*)|')
if connection ~= ARGV[3] then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
redis.call('SREM', KEYS[3], ARGV[1] .. ' ' .. ARGV[2])
return value`;

/** KEYS: room. ARGV: peerId, expected value, new value. → 1 when swapped, 0 when it changed meanwhile or is gone. */
export const COMPARE_AND_SET_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/** KEYS: nodes. ARGV: nodeId. → 1 when the node was still registered, 0 when it had to be added again. */
export const HEARTBEAT_SCRIPT = `
${NOW_MS}
local known = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return known and 1 or 0`;

/**
 * Removes the peers of nodes that have not heart-beaten for `ttlMs` (or of one named node, on retirement),
 * but only the peers those nodes still own: a peer that resumed on another node meanwhile stays.
 * KEYS: nodes. ARGV: key prefix, ttlMs, [nodeId]. → flat list roomId, peerId, roomId, peerId, …
 */
export const SWEEP_SCRIPT = `
${NOW_MS}
local prefix = ARGV[1]
local dead
if ARGV[3] then dead = {ARGV[3]} else
  dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
end
local out = {}
for _, node in ipairs(dead) do
  local set = prefix .. 'node:' .. node
  for _, member in ipairs(redis.call('SMEMBERS', set)) do
    local roomId, peerId = string.match(member, '^(%S+) (%S+)$')
    local roomKey = prefix .. 'room:' .. roomId
    local value = redis.call('HGET', roomKey, peerId)
    if value and string.match(value, '^[^|]*|([^|]*)|') == node then
      redis.call('HDEL', roomKey, peerId)
      if redis.call('HLEN', roomKey) == 0 then redis.call('SREM', prefix .. 'rooms', roomId) end
      out[#out + 1] = roomId
      out[#out + 1] = peerId
    end
  end
  redis.call('DEL', set)
  redis.call('ZREM', KEYS[1], node)
end
return out`;

/** KEYS: node set. ARGV: key prefix, nodeId. → flat list roomId, peerId, connectionId of peers this node still owns. */
export const OWNED_SCRIPT = `
local out = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local roomId, peerId = string.match(member, '^(%S+) (%S+)$')
  local value = redis.call('HGET', ARGV[1] .. 'room:' .. roomId, peerId)
  local connection, node = nil, nil
  if value then connection, node = string.match(value, '^([^|]*)|([^|]*)|') end
  if node == ARGV[2] then
    out[#out + 1] = roomId
    out[#out + 1] = peerId
    out[#out + 1] = connection
  else
    redis.call('SREM', KEYS[1], member)
  end
end
return out`;
