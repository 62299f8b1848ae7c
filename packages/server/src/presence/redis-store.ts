import { type PeerInfo, peerInfoSchema } from '@kopru/protocol';
import { LuaScript, type RedisCommander, stringArray } from './redis-commander.js';
import {
  COMPARE_AND_SET_SCRIPT,
  HEARTBEAT_SCRIPT,
  JOIN_SCRIPT,
  LEAVE_SCRIPT,
  OWNED_SCRIPT,
  SWEEP_SCRIPT,
} from './redis-scripts.js';
import type { JoinOutcome, PresenceRecord, PresenceStore } from './store.js';

/** A peer removed from presence by a sweep, or still owned by this node (see `owned()`). */
export interface PresenceEntry {
  roomId: string;
  peerId: string;
}

export interface RedisPresenceOptions {
  /** This node's id: which node holds a peer's connection decides who may expire it. */
  nodeId: string;
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /**
   * When given, a `leave` that fails (Redis unreachable) reports here and resolves as "nothing removed"
   * instead of throwing: the record is then removed by reconciliation once Redis is back (NodeLiveness).
   */
  onFailedLeave?: (error: unknown) => void;
}

/** A concurrent `update` lost the compare-and-set this many times in a row: something is very wrong. */
const MAX_UPDATE_ATTEMPTS = 8;

const scripts = {
  join: new LuaScript(JOIN_SCRIPT),
  leave: new LuaScript(LEAVE_SCRIPT),
  compareAndSet: new LuaScript(COMPARE_AND_SET_SCRIPT),
  heartbeat: new LuaScript(HEARTBEAT_SCRIPT),
  sweep: new LuaScript(SWEEP_SCRIPT),
  owned: new LuaScript(OWNED_SCRIPT),
};

interface StoredValue {
  connectionId: string;
  nodeId: string;
  info: PeerInfo;
}

const encode = (v: StoredValue): string => `${v.connectionId}|${v.nodeId}|${JSON.stringify(v.info)}`;

/** Decodes a stored value; it was written by this code, but Redis is still outside the process: check it. */
function decode(value: string): StoredValue {
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  if (first < 0 || second < 0) throw new Error('malformed presence value in Redis');
  const info = peerInfoSchema.parse(JSON.parse(value.slice(second + 1)));
  return { connectionId: value.slice(0, first), nodeId: value.slice(first + 1, second), info };
}

const byJoinTime = (a: PeerInfo, b: PeerInfo): number =>
  a.joinedAt - b.joinedAt || a.peerId.localeCompare(b.peerId);

function pairs(flat: string[]): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ roomId: flat[i] ?? '', peerId: flat[i + 1] ?? '' });
  return out;
}

/**
 * Presence shared by every node through Redis. Each operation is one Lua script (atomic); each peer is
 * tagged with the node holding its connection, and nodes heart-beat so that the peers of a node that died
 * without saying goodbye can be swept by the survivors.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly nodeId: string;
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisCommander,
    private readonly opts: RedisPresenceOptions,
  ) {
    this.nodeId = opts.nodeId;
    this.prefix = opts.prefix ?? 'kopru:';
  }

  private roomKey = (roomId: string): string => `${this.prefix}room:${roomId}`;
  private get roomsKey(): string {
    return `${this.prefix}rooms`;
  }
  private get nodesKey(): string {
    return `${this.prefix}nodes`;
  }
  private get ownNodeKey(): string {
    return `${this.prefix}node:${this.nodeId}`;
  }

  async join(roomId: string, record: PresenceRecord, capacity: number): Promise<JoinOutcome> {
    const value = encode({ connectionId: record.connectionId, nodeId: this.nodeId, info: record.info });
    const reply = stringArray(
      await scripts.join.run(
        this.redis,
        [this.roomKey(roomId), this.roomsKey, this.ownNodeKey],
        [roomId, record.info.peerId, value, String(capacity)],
      ),
      'join',
    );
    const [kind, previous, ...others] = reply;
    if (kind === 'full') return { kind: 'full' };
    const othersInfo = others.map((v) => decode(v).info).sort(byJoinTime);
    if (kind === 'resumed' && previous) {
      return { kind: 'resumed', others: othersInfo, previousConnectionId: decode(previous).connectionId };
    }
    return { kind: 'joined', others: othersInfo };
  }

  async leave(roomId: string, peerId: string, connectionId: string): Promise<PeerInfo | undefined> {
    let removed: unknown;
    try {
      removed = await scripts.leave.run(
        this.redis,
        [this.roomKey(roomId), this.roomsKey, this.ownNodeKey],
        [roomId, peerId, connectionId],
      );
    } catch (error) {
      if (!this.opts.onFailedLeave) throw error;
      this.opts.onFailedLeave(error);
      return undefined;
    }
    return typeof removed === 'string' ? decode(removed).info : undefined;
  }

  async update(
    roomId: string,
    peerId: string,
    patch: Partial<Pick<PeerInfo, 'name' | 'status'>>,
  ): Promise<PeerInfo | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.redis.sendCommand(['HGET', this.roomKey(roomId), peerId]);
      if (typeof current !== 'string') return undefined;
      const stored = decode(current);
      const info = { ...stored.info, ...patch };
      const swapped = await scripts.compareAndSet.run(
        this.redis,
        [this.roomKey(roomId)],
        [peerId, current, encode({ ...stored, info })],
      );
      if (swapped === 1) return info;
    }
    throw new Error(`presence update for ${peerId} kept racing with other changes`);
  }

  async get(roomId: string, peerId: string): Promise<PresenceRecord | undefined> {
    const value = await this.redis.sendCommand(['HGET', this.roomKey(roomId), peerId]);
    if (typeof value !== 'string') return undefined;
    const { connectionId, info } = decode(value);
    return { connectionId, info };
  }

  async list(roomId: string): Promise<PeerInfo[]> {
    const values = stringArray(await this.redis.sendCommand(['HVALS', this.roomKey(roomId)]), 'list');
    return values.map((v) => decode(v).info).sort(byJoinTime);
  }

  async roomCount(): Promise<number> {
    return Number(await this.redis.sendCommand(['SCARD', this.roomsKey]));
  }

  /** Records that this node is alive. False when it was not registered: it had been declared dead (or Redis lost its data). */
  async heartbeat(): Promise<boolean> {
    return (await scripts.heartbeat.run(this.redis, [this.nodesKey], [this.nodeId])) === 1;
  }

  /** Removes the peers of every node silent for `ttlMs`; returns them so that their rooms can be told. */
  async sweepExpired(ttlMs: number): Promise<PresenceEntry[]> {
    const flat = await scripts.sweep.run(this.redis, [this.nodesKey], [this.prefix, String(ttlMs)]);
    return pairs(stringArray(flat, 'sweep'));
  }

  /** Unregisters this node and removes the peers it still owns (the end of a graceful shutdown). */
  async retire(): Promise<PresenceEntry[]> {
    const flat = await scripts.sweep.run(this.redis, [this.nodesKey], [this.prefix, '0', this.nodeId]);
    return pairs(stringArray(flat, 'retire'));
  }

  /** The peers this node owns in Redis, with the connection each is recorded under. */
  async owned(): Promise<(PresenceEntry & { connectionId: string })[]> {
    const flat = stringArray(
      await scripts.owned.run(this.redis, [this.ownNodeKey], [this.prefix, this.nodeId]),
      'owned',
    );
    const out: (PresenceEntry & { connectionId: string })[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      out.push({ roomId: flat[i] ?? '', peerId: flat[i + 1] ?? '', connectionId: flat[i + 2] ?? '' });
    }
    return out;
  }
}
