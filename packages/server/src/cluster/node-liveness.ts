import type { Logger } from 'pino';
import type { Readiness } from '../ops/readiness.js';
import type { PresenceEntry, RedisPresenceStore } from '../presence/redis-store.js';

export interface LivenessTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface NodeLivenessOptions {
  store: Pick<RedisPresenceStore, 'heartbeat' | 'sweepExpired' | 'owned' | 'leave'>;
  /** A node silent this long is dead: its peers are removed and their rooms told (`presence:left` expired). */
  ttlMs: number;
  readiness: Readiness;
  logger: Logger;
  /** Tells a room that a peer left (through the socket.io adapter, so every node's clients hear it). */
  announceLeft(entry: PresenceEntry, reason: 'expired' | 'disconnected'): void;
  /** Whether a socket.io connection id is open on this node right now. */
  isLocalConnection(connectionId: string): boolean;
  /** Closes every client connection on this node; they reconnect (here or elsewhere) and rejoin. */
  dropLocalClients(why: string): void;
  timers?: LivenessTimers;
}

/**
 * Three heartbeats per TTL: one lost or late beat (a GC pause, a slow Redis) does not get a live node
 * declared dead.
 */
const HEARTBEATS_PER_TTL = 3;
/**
 * After Redis comes back, peers that were connected here get this long to reconnect (socket.io's client
 * backs off up to 5 s between attempts) before records that no open connection holds are removed.
 */
export const RECONCILE_GRACE_MS = 6_000;

/**
 * Keeps this node's presence honest in a shared Redis: heart-beats, sweeps the peers of dead nodes, and
 * after a Redis outage removes the records of clients that did not come back. While Redis is unreachable
 * the node is not ready and holds no clients: a client that cannot reach the other nodes through us should
 * see "Reconnecting…" rather than a room that silently stopped working.
 */
export class NodeLiveness {
  private readonly timers: LivenessTimers;
  private interval: unknown;
  private reconcileTimer: unknown;
  private registered = false;
  private redisUp = false;
  private ticking = false;
  private stopped = false;

  constructor(private readonly opts: NodeLivenessOptions) {
    this.timers = opts.timers ?? {
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    opts.readiness.block('redis-unreachable');
  }

  start(): void {
    this.interval ??= this.timers.setInterval(() => void this.tick(), this.opts.ttlMs / HEARTBEATS_PER_TTL);
  }

  /** The Redis connection is usable again (first connect, or after an outage). */
  handleRedisUp(): void {
    if (this.redisUp || this.stopped) return;
    this.redisUp = true;
    this.opts.logger.info('redis reachable');
    void this.tick();
    this.scheduleReconcile();
  }

  /** The Redis connection was lost: not ready, and every client is sent away until it returns. */
  handleRedisDown(): void {
    if (!this.redisUp || this.stopped) return;
    this.redisUp = false;
    this.opts.readiness.block('redis-unreachable');
    this.opts.logger.warn('redis unreachable: not ready; closing client connections until it returns');
    this.opts.dropLocalClients('redis unreachable');
  }

  /** A presence removal failed (Redis hiccup): reconcile once things settle. */
  handleFailedLeave(): void {
    this.scheduleReconcile();
  }

  stop(): void {
    this.stopped = true;
    this.timers.clearInterval(this.interval);
    this.timers.clearTimeout(this.reconcileTimer);
  }

  private scheduleReconcile(): void {
    if (this.stopped) return;
    this.timers.clearTimeout(this.reconcileTimer);
    this.reconcileTimer = this.timers.setTimeout(() => void this.reconcile(), RECONCILE_GRACE_MS);
  }

  /** One heartbeat and sweep. Never overlaps itself; failures wait for the next beat. */
  private async tick(): Promise<void> {
    if (!this.redisUp || this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const wasRegistered = await this.opts.store.heartbeat();
      if (!wasRegistered && this.registered) {
        // Declared dead by the others (or Redis lost its data): our clients' presence is gone.
        this.opts.logger.warn('this node had been expired from presence: closing client connections');
        this.opts.dropLocalClients('presence expired');
      }
      this.registered = true;
      if (this.redisUp) this.opts.readiness.unblock('redis-unreachable');
      for (const entry of await this.opts.store.sweepExpired(this.opts.ttlMs)) {
        this.opts.logger.info(entry, 'peer expired (its node stopped heart-beating)');
        this.opts.announceLeft(entry, 'expired');
      }
    } catch (error) {
      this.opts.logger.warn({ err: error }, 'heartbeat failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Removes records this node owns whose connection is gone (leaves that failed while Redis was away). */
  private async reconcile(): Promise<void> {
    if (!this.redisUp || this.stopped) {
      return;
    }
    try {
      for (const record of await this.opts.store.owned()) {
        if (this.opts.isLocalConnection(record.connectionId)) continue;
        const removed = await this.opts.store.leave(record.roomId, record.peerId, record.connectionId);
        if (removed) {
          this.opts.logger.info({ roomId: record.roomId, peerId: record.peerId }, 'peer left (reconciled)');
          this.opts.announceLeft(record, 'disconnected');
        }
      }
    } catch (error) {
      this.opts.logger.warn({ err: error }, 'presence reconciliation failed; retrying later');
      this.scheduleReconcile();
    }
  }
}
