import type { Logger, Random, TimerId, Timers } from '../util/seams.js';
import type { PeerSession } from './peer-session.js';
import { type PeerPairState, RecoveryLadder, type SessionStatus } from './recovery-ladder.js';

/**
 * How long a side that rebuilt and sent a `reset` holds its own offer for the peer's. The peer's offer
 * follows one signaling round trip plus its setLocalDescription: 60–130 ms in the e2e runs on this busy
 * 2-core machine, a few hundred ms across the internet. Past 3 s it is not coming (the reset was lost, or
 * the peer runs code that does not answer resets with an offer): this side offers itself.
 */
export const REBUILD_OFFER_HOLD_MS = 3_000;

/** What a new session reports to its pair, and how it starts. */
export interface SessionWiring {
  statusChanged(status: SessionStatus): void;
  negotiationStarted(): void;
  /** This side rebuilt and announced it: the peer offers, this session answers (see `PerfectNegotiation`). */
  awaitPeerOffer: boolean;
}

export interface PeerPairOptions {
  peerId: string;
  /** Epoch of the first connection. */
  epoch: number;
  offline: boolean;
  timers: Timers;
  random: Random;
  logger: Logger;
  /** Builds the connection for `epoch`, reporting to the pair through `wiring`. */
  createSession(epoch: number, wiring: SessionWiring): PeerSession;
  /** The epoch for a rebuild this side starts. */
  nextEpoch(): number;
  onState(state: PeerPairState): void;
  /** A new connection exists (first or rebuilt). */
  onSessionStarted(epoch: number): void;
  /** Ask the peer to rebuild at `epoch` too. */
  sendReset(epoch: number): void;
  /** True when a TURN server is configured (see `PeerPairState` 'unreachable'). */
  canRelay(): boolean;
}

/**
 * Everything about one remote peer: the live session, replaced whole on every rebuild, and the recovery
 * ladder that outlives those rebuilds (its backoff must keep growing across them).
 */
export class PeerPair {
  readonly peerId: string;
  private current: PeerSession;
  private readonly ladder: RecoveryLadder;
  private pairState: PeerPairState | undefined;
  private staleOfferAnsweredAt: number | undefined;
  private offerHoldTimer: TimerId | undefined;
  private closed = false;

  constructor(private readonly opts: PeerPairOptions) {
    this.peerId = opts.peerId;
    this.ladder = new RecoveryLadder({
      timers: opts.timers,
      random: opts.random,
      logger: opts.logger,
      actions: {
        restartIce: (stalled) => this.current.restartIce(stalled),
        rebuild: () => this.rebuild(),
        candidates: () => this.current.candidates,
        canRelay: () => opts.canRelay(),
        state: (state) => this.setState(state),
      },
    });
    this.ladder.setOffline(opts.offline);
    this.current = this.build(opts.epoch, false);
  }

  /** Reports the first session; separate from the constructor so the owner can register the pair first. */
  start(): void {
    this.started();
  }

  get session(): PeerSession {
    return this.current;
  }

  get state(): PeerPairState | undefined {
    return this.pairState;
  }

  /**
   * Replaces the connection with a new one at `epoch`. With `announce`, the peer is asked to follow and
   * the new connection waits for the peer's offer: the peer's rebuilt connection offers as soon as it
   * exists, and two first offers crossing is what must not happen (see `PerfectNegotiation`).
   */
  replace(epoch: number, announce: boolean): void {
    if (this.closed) return;
    const previous = this.current;
    this.current = this.build(epoch, announce); // first: if this throws, the previous connection stays
    previous.close();
    this.clearOfferHold();
    if (announce) {
      this.opts.sendReset(epoch);
      const session = this.current;
      this.offerHoldTimer = this.opts.timers.setTimeout(() => {
        this.offerHoldTimer = undefined;
        session.stopAwaitingPeerOffer('no offer from the peer within the hold');
      }, REBUILD_OFFER_HOLD_MS);
    }
    this.started();
  }

  /** True the first time for the current session: a stale offer gets one catch-up reset per session. */
  claimStaleOfferReply(): boolean {
    if (this.staleOfferAnsweredAt === this.current.epoch) return false;
    this.staleOfferAnsweredAt = this.current.epoch;
    return true;
  }

  kick(reason: string, offerLost = false): void {
    this.ladder.kick(reason, offerLost);
  }

  setOffline(offline: boolean): void {
    this.ladder.setOffline(offline);
  }

  /** Closes the session and stops recovery; reports `closed`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearOfferHold();
    this.ladder.close();
    this.current.close();
    this.setState('closed');
  }

  private rebuild(): void {
    if (this.closed) return;
    const epoch = this.opts.nextEpoch();
    this.opts.logger.info('rebuilding connection', { from: this.current.epoch, to: epoch });
    try {
      this.replace(epoch, true);
    } catch (error) {
      this.opts.logger.error('rebuild failed', { error: String(error) });
      this.ladder.rebuildFailed();
    }
  }

  private build(epoch: number, awaitPeerOffer: boolean): PeerSession {
    return this.opts.createSession(epoch, {
      statusChanged: (status) => this.ladder.update(status),
      negotiationStarted: () => this.ladder.negotiationStarted(),
      awaitPeerOffer,
    });
  }

  private clearOfferHold(): void {
    if (this.offerHoldTimer !== undefined) this.opts.timers.clearTimeout(this.offerHoldTimer);
    this.offerHoldTimer = undefined;
  }

  private started(): void {
    this.opts.logger.info('session started', { epoch: this.current.epoch });
    this.ladder.sessionStarted();
    this.opts.onSessionStarted(this.current.epoch);
  }

  private setState(state: PeerPairState): void {
    if (this.pairState === state) return;
    this.pairState = state;
    this.opts.onState(state);
  }
}
