/** What the server keeps about a room's protection. Never the password: only its salted scrypt hash. */
export interface RoomAccessRecord {
  /** The room's creator (its first joiner): the only one who may set or remove the password. */
  ownerPeerId: string;
  passwordHash?: string;
  /** Last join (ms): records of rooms nobody joined for the retention period are forgotten. */
  touchedAt: number;
}

/**
 * Where room protection lives. In memory for one node; a shared (Redis) implementation lets every node
 * check the same password. Async like `PresenceStore`; each method must be atomic for one room.
 */
export interface RoomAccessStore {
  get(roomId: string): Promise<RoomAccessRecord | undefined>;
  /** Creates the record with this owner unless one exists (set-if-absent), touches it, and returns it. */
  claim(roomId: string, ownerPeerId: string, now: number): Promise<RoomAccessRecord>;
  /** Sets (or with `undefined` removes) the password hash; false when there is no record. */
  setPasswordHash(roomId: string, passwordHash: string | undefined): Promise<boolean>;
  /** Deletes the record if nobody touched it since `touchedBefore` (a join in between keeps it). */
  forget(roomId: string, touchedBefore: number): Promise<boolean>;
  /** Up to `limit` rooms not touched since `touchedBefore`. */
  untouchedSince(touchedBefore: number, limit: number): Promise<string[]>;
}

/** Room protection for a single node. Each call runs to completion synchronously, so each is atomic. */
export class MemoryRoomAccessStore implements RoomAccessStore {
  private readonly rooms = new Map<string, RoomAccessRecord>();

  async get(roomId: string): Promise<RoomAccessRecord | undefined> {
    const record = this.rooms.get(roomId);
    return record ? { ...record } : undefined;
  }

  async claim(roomId: string, ownerPeerId: string, now: number): Promise<RoomAccessRecord> {
    let record = this.rooms.get(roomId);
    if (!record) {
      record = { ownerPeerId, touchedAt: now };
      this.rooms.set(roomId, record);
    }
    record.touchedAt = Math.max(record.touchedAt, now);
    return { ...record };
  }

  async setPasswordHash(roomId: string, passwordHash: string | undefined): Promise<boolean> {
    const record = this.rooms.get(roomId);
    if (!record) return false;
    if (passwordHash === undefined) delete record.passwordHash;
    else record.passwordHash = passwordHash;
    return true;
  }

  async forget(roomId: string, touchedBefore: number): Promise<boolean> {
    const record = this.rooms.get(roomId);
    if (!record || record.touchedAt >= touchedBefore) return false;
    return this.rooms.delete(roomId);
  }

  async untouchedSince(touchedBefore: number, limit: number): Promise<string[]> {
    const out: string[] = [];
    for (const [roomId, record] of this.rooms) {
      if (out.length >= limit) break;
      if (record.touchedAt < touchedBefore) out.push(roomId);
    }
    return out;
  }
}
