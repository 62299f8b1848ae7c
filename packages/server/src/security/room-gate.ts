import { AppError, type RoomAccess } from '@kopru/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../deps.js';
import type { PresenceStore } from '../presence/store.js';
import type { PasswordHasher } from './password-hash.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { RateLimits } from './rate-limits.js';
import type { RoomAccessRecord, RoomAccessStore } from './room-access-store.js';
import type { BucketRule } from './token-bucket.js';

export interface RoomGateOptions {
  access: RoomAccessStore;
  presence: PresenceStore;
  rateLimitStore: RateLimitStore;
  limits: RateLimits;
  hasher: PasswordHasher;
  clock: Clock;
  /**
   * How long an empty room keeps its owner and password after its last join: the session token lifetime,
   * so a creator (or anyone) coming back with a valid token finds the room as they left it.
   */
  retentionMs: number;
  logger: Logger;
}

export interface AdmitRequest {
  roomId: string;
  peerId: string;
  /** The join's session token proved this peer was admitted to this room before. */
  tokenValid: boolean;
  password: string | undefined;
  connectionId: string;
  address: string;
}

/** Abandoned rooms' records are looked for at most this often (each look costs a presence query per room). */
const SWEEP_INTERVAL_MS = 10 * 60_000;
const SWEEP_BATCH = 100;

/**
 * Decides who may enter a room: per-address join limits, the room's password (checked against its scrypt
 * hash, behind per-connection and per-address brakes), and ownership (the first joiner creates the room).
 */
export class RoomGate {
  private nextSweep = 0;

  constructor(private readonly opts: RoomGateOptions) {}

  /** Throws an AppError (`RATE_LIMITED`, `PASSWORD_REQUIRED`, `WRONG_PASSWORD`) or admits the peer. */
  async admit(request: AdmitRequest): Promise<RoomAccess> {
    const { roomId, peerId, address } = request;
    const now = this.opts.clock.now();
    await this.take(`join:${address}`, this.opts.limits.joinsPerAddress, 'joins from your address');
    this.sweep(now);
    const record = await this.current(roomId, now);
    if (record?.passwordHash) {
      // Already in the room (a re-join refreshing the profile), or back with a token this room issued.
      const admittedBefore =
        request.tokenValid || (await this.opts.presence.get(roomId, peerId)) !== undefined;
      if (!admittedBefore) await this.checkPassword(request, record.passwordHash);
    }
    if (!record) {
      await this.take(`rooms:${address}`, this.opts.limits.newRoomsPerAddress, 'new rooms from your address');
    }
    const claimed = await this.opts.access.claim(roomId, peerId, now);
    return { owner: claimed.ownerPeerId === peerId, passwordProtected: claimed.passwordHash !== undefined };
  }

  /** Throws `RATE_LIMITED` when the address joined too often (rooms and Nearby share the budget). */
  async admitNearby(address: string): Promise<void> {
    await this.take(`join:${address}`, this.opts.limits.joinsPerAddress, 'joins from your address');
  }

  /** Throws `RATE_LIMITED` when the address made (`create`) or tried (`claim`) too many pairing codes. */
  async admitPairing(kind: 'create' | 'claim', address: string): Promise<void> {
    const { pairCodesPerAddress, pairClaimsPerAddress } = this.opts.limits;
    if (kind === 'create') await this.take(`pair-create:${address}`, pairCodesPerAddress, 'pairing codes');
    else await this.take(`pair-claim:${address}`, pairClaimsPerAddress, 'pairing code tries');
  }

  /** The owner sets (or with `null` removes) the password. */
  async setPassword(roomId: string, peerId: string, password: string | null): Promise<RoomAccess> {
    const record = await this.opts.access.get(roomId);
    if (!record || record.ownerPeerId !== peerId) {
      throw new AppError('NOT_ROOM_OWNER', 'only the person who created this room can change its password');
    }
    const hash = password === null ? undefined : await this.opts.hasher.hash(password);
    await this.opts.access.setPasswordHash(roomId, hash);
    this.opts.logger.info({ roomId, protected: hash !== undefined }, 'room password changed');
    return { owner: true, passwordProtected: hash !== undefined };
  }

  private async checkPassword(request: AdmitRequest, hash: string): Promise<void> {
    if (request.password === undefined) {
      throw new AppError('PASSWORD_REQUIRED', 'this room has a password');
    }
    // Before hashing: every guess costs scrypt time, so the brakes come first.
    const { passwordPerConnection, passwordPerAddress } = this.opts.limits;
    await this.take(`password:${request.connectionId}`, passwordPerConnection, 'password attempts');
    await this.take(`password:${request.address}`, passwordPerAddress, 'password attempts from your address');
    if (!(await this.opts.hasher.verify(request.password, hash))) {
      this.opts.logger.info({ roomId: request.roomId, address: request.address }, 'wrong room password');
      throw new AppError('WRONG_PASSWORD', 'wrong room password');
    }
  }

  /** The room's record, unless it outlived its retention with nobody in the room (then it is forgotten). */
  private async current(roomId: string, now: number): Promise<RoomAccessRecord | undefined> {
    const record = await this.opts.access.get(roomId);
    const cutoff = now - this.opts.retentionMs;
    if (!record || record.touchedAt >= cutoff) return record;
    if ((await this.opts.presence.list(roomId)).length > 0) return record;
    await this.opts.access.forget(roomId, cutoff);
    return undefined;
  }

  private async take(key: string, rule: BucketRule, what: string): Promise<void> {
    const decision = await this.opts.rateLimitStore.take(key, rule, this.opts.clock.now());
    if (decision.allowed) return;
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new AppError('RATE_LIMITED', `too many ${what}; retry in ${seconds} s`, {
      retryAfterMs: decision.retryAfterMs,
    });
  }

  /** Forgets abandoned rooms in the background (a join does not wait for it). */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    const cutoff = now - this.opts.retentionMs;
    const run = async () => {
      for (const roomId of await this.opts.access.untouchedSince(cutoff, SWEEP_BATCH)) {
        if ((await this.opts.presence.list(roomId)).length === 0)
          await this.opts.access.forget(roomId, cutoff);
      }
    };
    run().catch((error: unknown) => this.opts.logger.error({ err: error }, 'room access sweep failed'));
  }
}
