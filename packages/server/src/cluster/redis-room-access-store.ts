import { LuaScript, type RedisCommander, stringArray } from '../presence/redis-commander.js';
import type { RoomAccessRecord, RoomAccessStore } from '../security/room-access-store.js';

/**
 * Room protection (owner, password hash) shared by every node, so a password set through one node is
 * checked by all. Keys: `access:<roomId>` hash {owner, hash?, touchedAt}; `access-touched` zset
 * roomId → touchedAt, for forgetting rooms nobody joined for the retention period. One script per change.
 */

/** KEYS: record, touched. ARGV: roomId, owner, now. → the record's fields after the claim. */
const CLAIM = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'touchedAt', ARGV[3])
elseif tonumber(redis.call('HGET', KEYS[1], 'touchedAt')) < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'touchedAt', ARGV[3])
end
redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'touchedAt'), ARGV[1])
return redis.call('HGETALL', KEYS[1])`);

/** KEYS: record. ARGV: 'set' | 'remove', hash. → 1 when the record exists. */
const SET_PASSWORD = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'set' then redis.call('HSET', KEYS[1], 'hash', ARGV[2]) else redis.call('HDEL', KEYS[1], 'hash') end
return 1`);

/** KEYS: record, touched. ARGV: roomId, touchedBefore. → 1 when forgotten. */
const FORGET = new LuaScript(`
local touched = redis.call('HGET', KEYS[1], 'touchedAt')
if not touched or tonumber(touched) >= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

function toRecord(fields: string[]): RoomAccessRecord | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const owner = map.get('owner');
  const touchedAt = Number(map.get('touchedAt'));
  if (!owner || !Number.isFinite(touchedAt)) return undefined;
  const hash = map.get('hash');
  return { ownerPeerId: owner, touchedAt, ...(hash ? { passwordHash: hash } : {}) };
}

export class RedisRoomAccessStore implements RoomAccessStore {
  constructor(
    private readonly redis: RedisCommander,
    private readonly prefix = 'kopru:',
  ) {}

  private key = (roomId: string): string => `${this.prefix}access:${roomId}`;
  private get touchedKey(): string {
    return `${this.prefix}access-touched`;
  }

  async get(roomId: string): Promise<RoomAccessRecord | undefined> {
    return toRecord(stringArray(await this.redis.sendCommand(['HGETALL', this.key(roomId)]), 'access get'));
  }

  async claim(roomId: string, ownerPeerId: string, now: number): Promise<RoomAccessRecord> {
    const fields = stringArray(
      await CLAIM.run(this.redis, [this.key(roomId), this.touchedKey], [roomId, ownerPeerId, String(now)]),
      'access claim',
    );
    const record = toRecord(fields);
    if (!record) throw new Error(`room access record for ${roomId} is malformed in Redis`);
    return record;
  }

  async setPasswordHash(roomId: string, passwordHash: string | undefined): Promise<boolean> {
    const args = passwordHash === undefined ? ['remove', ''] : ['set', passwordHash];
    return (await SET_PASSWORD.run(this.redis, [this.key(roomId)], args)) === 1;
  }

  async forget(roomId: string, touchedBefore: number): Promise<boolean> {
    const forgotten = await FORGET.run(
      this.redis,
      [this.key(roomId), this.touchedKey],
      [roomId, String(touchedBefore)],
    );
    return forgotten === 1;
  }

  async untouchedSince(touchedBefore: number, limit: number): Promise<string[]> {
    const reply = await this.redis.sendCommand([
      'ZRANGEBYSCORE',
      this.touchedKey,
      '-inf',
      `(${touchedBefore}`,
      'LIMIT',
      '0',
      String(limit),
    ]);
    return stringArray(reply, 'access untouched');
  }
}
