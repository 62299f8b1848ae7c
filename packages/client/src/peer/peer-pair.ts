import type { PeerSession } from './peer-session.js';
import { type LinkStatus, type PeerLinkState, RecoveryLadder } from './recovery-ladder.js';
import type { Logger, Random, Timers } from './seams.js';

export interface PeerPairOptions {
  peerId: string;
  /** Epoch of the first connection. */
  epoch: number;
  offline: boolean;
  timers: Timers;
  random: Random;
  logger: Logger;
  /** Builds the connection for `epoch`, reporting its link status to `link`. */
  createSession(epoch: number, link: (status: LinkStatus) => void): PeerSession;
  /** The epoch for a rebuild this side starts. */
  nextEpoch(): number;
  onState(state: PeerLinkState): void;
  /** A new connection exists (first or rebuilt). */
  onSessionStarted(epoch: number): void;
  /** Ask the peer to rebuild at `epoch` too. */
  sendReset(epoch: number): void;
}

/**
 * Everything about one remote peer: the live session, replaced whole on every rebuild, and the recovery
 * ladder that outlives those rebuilds (its backoff must keep growing across them).
 */
export class PeerPair {
  readonly peerId: string;
  private current: PeerSession;
  private readonly ladder: RecoveryLadder;
  private linkState: PeerLinkState | undefined;
  private staleOfferAnsweredAt: number | undefined;
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
        state: (state) => this.setState(state),
      },
    });
    this.ladder.setOffline(opts.offline);
    this.current = this.build(opts.epoch);
  }

  /** Reports the first session; separate from the constructor so the owner can register the pair first. */
  start(): void {
    this.started();
  }

  get session(): PeerSession {
    return this.current;
  }

  get state(): PeerLinkState | undefined {
    return this.linkState;
  }

  /** Replaces the connection with a new one at `epoch`; with `announce`, the peer is asked to follow. */
  replace(epoch: number, announce: boolean): void {
    if (this.closed) return;
    const previous = this.current;
    this.current = this.build(epoch); // first: if this throws, the previous connection stays in place
    previous.close();
    // Sent before the new connection's first offer, so the peer rebuilds before it sees that offer.
    if (announce) this.opts.sendReset(epoch);
    this.started();
  }

  /** True the first time for the current session: a stale offer gets one catch-up reset per session. */
  claimStaleOfferReply(): boolean {
    if (this.staleOfferAnsweredAt === this.current.epoch) return false;
    this.staleOfferAnsweredAt = this.current.epoch;
    return true;
  }

  kick(reason: string): void {
    this.ladder.kick(reason);
  }

  setOffline(offline: boolean): void {
    this.ladder.setOffline(offline);
  }

  /** Closes the session and stops recovery; reports `closed`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
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

  private build(epoch: number): PeerSession {
    return this.opts.createSession(epoch, (status) => this.ladder.update(status));
  }

  private started(): void {
    this.opts.logger.info('session started', { epoch: this.current.epoch });
    this.ladder.sessionStarted();
    this.opts.onSessionStarted(this.current.epoch);
  }

  private setState(state: PeerLinkState): void {
    if (this.linkState === state) return;
    this.linkState = state;
    this.opts.onState(state);
  }
}
