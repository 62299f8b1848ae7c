import type { Logger, Random, TimerId, Timers } from '../util/seams.js';

/** A connection's health, folded from `iceConnectionState` and `connectionState`. */
export type SessionStatus = 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/**
 * What the app sees for a pair. `unreachable`: ICE tried every path it had (both sides' candidates were
 * exchanged) and none worked, and no TURN server is configured: no retry can succeed until one is (two
 * symmetric NATs, or a firewall that drops UDP). Retries go on, so the pair connects once TURN appears.
 */
export type PeerPairState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'unreachable' | 'closed';

/**
 * ICE often recovers from `disconnected` on its own (a lost packet burst, a Wi-Fi roam) within a second or
 * two; restarting sooner only adds a renegotiation. Chromium reports `disconnected` after ~5 s without
 * consent responses, so 3 s more keeps the total well under its 30 s `failed`.
 */
export const DISCONNECTED_GRACE_MS = 3_000;

/**
 * Loopback connects in ~30 ms and the slowest relayed path in a few seconds; 15 s means nothing is coming.
 * A bad TURN credential leaves a connection in `new` forever (no `failed`), so this timer is the only exit.
 */
export const CONNECT_TIMEOUT_MS = 15_000;

/**
 * How long a connection may go, after its first offer or answer, without an ICE candidate gathered here,
 * or without one accepted from the peer. Chromium gathers host candidates within milliseconds of
 * setLocalDescription and a TURN allocation on loopback in ~50 ms (e2e logs); a TURN request lost twice is
 * resent at 1.5 s and three times at 3.5 s (RFC 8489 §6.2.1). None gathered after 5 s means gathering is
 * stuck — as Chromium left the side that rolled back its first offer in crossed offers — and ICE restarts
 * do not unstick it (measured: three restarts over 45 s, still no candidate): the connection is rebuilt.
 * None from the peer means the exchange itself stalled: the first ICE restart comes now.
 */
export const NO_CANDIDATES_TIMEOUT_MS = 5_000;

/** ICE restarts without reaching `connected` before the connection is rebuilt from scratch. */
export const MAX_ICE_RESTARTS = 3;

/** First rebuild delay; doubled per consecutive rebuild. */
export const REBUILD_BACKOFF_BASE_MS = 1_000;

/** Cap for the doubling, so a peer that comes back is found within half a minute. */
export const REBUILD_BACKOFF_MAX_MS = 30_000;

/**
 * ±30 % spread: both ends usually fail at the same moment; jitter lets one rebuild first so the other
 * follows its `reset` instead of both rebuilding at once.
 */
export const REBUILD_JITTER = 0.3;

/** Delay before rebuild number `attempt` (0-based): exponential, capped, jittered. */
export function rebuildDelay(attempt: number, random: Random): number {
  const base = Math.min(REBUILD_BACKOFF_BASE_MS * 2 ** attempt, REBUILD_BACKOFF_MAX_MS);
  return Math.round(base * (1 + REBUILD_JITTER * (2 * random() - 1)));
}

/** The worse of the two states wins; `connected` needs DTLS too (`connectionState`). */
export function sessionStatus(ice: RTCIceConnectionState, connection: RTCPeerConnectionState): SessionStatus {
  if (ice === 'closed' || connection === 'closed') return 'closed';
  if (ice === 'failed' || connection === 'failed') return 'failed';
  if (ice === 'disconnected' || connection === 'disconnected') return 'disconnected';
  if (connection === 'connected') return 'connected';
  return 'connecting';
}

export interface RecoveryActions {
  /** `stalled`: nothing happened for the whole connect timeout, so a pending offer is presumed lost. */
  restartIce(stalled: boolean): void;
  /** Replace the connection with a new one under a new epoch; `sessionStarted` follows. */
  rebuild(): void;
  /** ICE candidates the live connection has gathered (`local`) and received from the peer (`remote`). */
  candidates(): { local: number; remote: number };
  /** True when a TURN server is configured, so a relayed path can be tried. */
  canRelay(): boolean;
  state(state: PeerPairState): void;
}

export interface RecoveryLadderOptions {
  timers: Timers;
  random: Random;
  logger: Logger;
  actions: RecoveryActions;
}

/**
 * The recovery ladder of one peer pair, across its successive connections:
 * `disconnected` → grace → ICE restart; `failed` or no progress within the connect timeout → ICE restart;
 * after `MAX_ICE_RESTARTS` restarts without `connected` → rebuild with exponential backoff and jitter.
 * `NO_CANDIDATES_TIMEOUT_MS` after a connection's first offer or answer: with no ICE candidate gathered
 * here it skips the ICE restarts and is rebuilt at once (same backoff and jitter); with candidates here
 * but none from the peer, the first ICE restart (renegotiation) comes now instead of at the connect timeout.
 * Offline, it waits for `setOffline(false)` rather than spending attempts on a dead network.
 */
export class RecoveryLadder {
  private status: SessionStatus = 'connecting';
  private restarts = 0;
  private rebuilds = 0;
  private everConnected = false;
  /** The live connection has connected at least once (its first offer was answered). */
  private sessionConnected = false;
  private offline = false;
  private closed = false;
  /** Every direct path failed after both sides' candidates were exchanged: only a relay can help. */
  private directImpossible = false;
  private graceTimer: TimerId | undefined;
  private connectTimer: TimerId | undefined;
  private candidateTimer: TimerId | undefined;
  private rebuildTimer: TimerId | undefined;

  constructor(private readonly opts: RecoveryLadderOptions) {}

  /** True while a rebuild is scheduled (backoff running). */
  get rebuildPending(): boolean {
    return this.rebuildTimer !== undefined;
  }

  /** A new connection exists (first, rebuilt by us, or rebuilt because the peer did). */
  sessionStarted(): void {
    if (this.closed) return;
    this.clearTimers();
    this.restarts = 0;
    this.status = 'connecting';
    this.sessionConnected = false;
    this.publish(this.everConnected ? 'reconnecting' : 'connecting');
    this.armConnectTimer();
  }

  /** The live connection's first offer or answer went out or came in: its ICE candidates must follow. */
  negotiationStarted(): void {
    if (this.closed || this.offline || this.status === 'connected') return;
    this.clear('candidate');
    this.candidateTimer = this.opts.timers.setTimeout(() => {
      this.candidateTimer = undefined;
      this.checkCandidates();
    }, NO_CANDIDATES_TIMEOUT_MS);
  }

  update(status: SessionStatus): void {
    if (this.closed || status === this.status) return;
    const previous = this.status;
    this.status = status;
    this.opts.logger.info('session status', { from: previous, to: status });
    switch (status) {
      case 'connected':
        this.clearTimers();
        this.restarts = 0;
        this.rebuilds = 0;
        this.everConnected = true;
        this.sessionConnected = true;
        this.directImpossible = false;
        this.publish('connected');
        return;
      case 'disconnected':
        this.clear('grace');
        if (this.rebuildTimer === undefined && !this.offline) {
          this.graceTimer = this.opts.timers.setTimeout(() => {
            this.graceTimer = undefined;
            this.climb('still disconnected after grace');
          }, DISCONNECTED_GRACE_MS);
        }
        this.publishRecovering();
        return;
      case 'failed':
        this.clear('grace');
        this.noteDirectFailure();
        this.climb('failed');
        return;
      case 'connecting':
        this.clear('grace');
        this.armConnectTimer();
        this.publishRecovering();
        return;
      case 'closed':
        // Only a connection closed under us says so (our own close reports nothing): libdatachannel closes
        // on the peer's DTLS close_notify or an SCTP abort. Nothing on it can restart: build a new one.
        this.clearTimers();
        if (this.offline) return; // coming back online kicks the ladder
        this.scheduleRebuild(
          'connection closed under us',
          this.everConnected ? 'reconnecting' : 'connecting',
        );
        return;
    }
  }

  /**
   * Something outside changed for the better (signaling back, peer back): retry now, with a fresh count.
   * `offerLost`: an offer still waiting for its answer cannot be answered (the peer was away when it was
   * sent, and the server drops signals to someone not in the room), so it is rolled back and made again.
   */
  kick(reason: string, offerLost = false): void {
    if (this.closed || this.offline || this.status === 'connected' || this.rebuildTimer !== undefined) return;
    this.restarts = 0;
    if (offerLost && !this.sessionConnected) {
      // Its first offer is the lost one: build the connection again rather than roll that offer back.
      // Chromium connects a connection whose first offer was rolled back, but its negotiated data
      // channels never open (measured: docs/architecture.md, "Rebuilds and the recovery ladder").
      this.clearTimers();
      this.scheduleRebuild(reason, this.everConnected ? 'reconnecting' : 'connecting');
      return;
    }
    this.climb(reason, offerLost);
  }

  setOffline(offline: boolean): void {
    if (this.closed || offline === this.offline) return;
    this.offline = offline;
    if (offline) {
      // Attempts while the network is gone cannot succeed; do not let them count towards a rebuild.
      this.clearTimers();
      return;
    }
    this.kick('back online');
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
  }

  private climb(reason: string, stalled = false): void {
    if (this.closed || this.status === 'connected') return;
    if (this.offline) {
      this.opts.logger.info('recovery paused while offline', { reason });
      return;
    }
    this.clear('grace');
    this.clear('connect');
    if (this.restarts < MAX_ICE_RESTARTS) {
      this.restarts += 1;
      this.opts.logger.info('recovery: ICE restart', { reason, attempt: this.restarts });
      this.publishRecovering();
      this.opts.actions.restartIce(stalled);
      this.armConnectTimer();
      return;
    }
    this.scheduleRebuild(reason);
  }

  private checkCandidates(): void {
    if (this.closed || this.offline || this.status === 'connected') return;
    const { local, remote } = this.opts.actions.candidates();
    if (local > 0 && remote > 0) return; // checks can run: the connect timeout watches the rest
    if (local > 0) {
      // We gathered, the peer sent nothing: our offer or its answer was lost, or its gathering is stuck
      // (then its own guard rebuilds). Renegotiate now, rolling back an unanswered offer.
      this.opts.logger.info('recovery: no ICE candidate from the peer', { local, remote });
      this.climb('no ICE candidate from the peer', true);
      return;
    }
    // Our own gathering is stuck: only a new connection gathers again.
    this.clear('grace');
    this.clear('connect');
    // Not 'failed': nothing has been tried and failed yet, the pair is simply being set up again.
    this.scheduleRebuild('no local ICE candidate', this.everConnected ? 'reconnecting' : 'connecting', {
      local,
      remote,
    });
  }

  /** The rebuild itself threw (e.g. the configuration was refused): try again after the next backoff. */
  rebuildFailed(): void {
    if (!this.closed && !this.offline) this.scheduleRebuild('rebuild failed');
  }

  private scheduleRebuild(reason: string, state: PeerPairState = 'failed', fields = {}): void {
    if (this.rebuildTimer !== undefined) return;
    const delay = rebuildDelay(this.rebuilds, this.opts.random);
    this.rebuilds += 1;
    this.opts.logger.info('recovery: rebuild scheduled', {
      reason,
      delay,
      rebuild: this.rebuilds,
      ...fields,
    });
    this.publish(state);
    this.rebuildTimer = this.opts.timers.setTimeout(() => {
      this.rebuildTimer = undefined;
      this.opts.actions.rebuild();
    }, delay);
  }

  private armConnectTimer(): void {
    if (this.connectTimer !== undefined || this.offline) return;
    this.connectTimer = this.opts.timers.setTimeout(() => {
      this.connectTimer = undefined;
      this.noteDirectFailure();
      this.climb('no connection within the timeout', true);
    }, CONNECT_TIMEOUT_MS);
  }

  /**
   * The live connection failed, or did not connect within the timeout, although candidates went both
   * ways: with no relay to try, no path exists between these two networks. Only for a pair that never
   * connected: one that did has a path, lost for now (a cut, a network change), not an impossible one.
   */
  private noteDirectFailure(): void {
    if (this.everConnected || this.opts.actions.canRelay()) return;
    const { local, remote } = this.opts.actions.candidates();
    if (local === 0 || remote === 0) return;
    if (!this.directImpossible)
      this.opts.logger.info('no direct path and no relay configured', { local, remote });
    this.directImpossible = true;
  }

  private publishRecovering(): void {
    if (this.rebuildTimer !== undefined) return;
    this.publish(this.everConnected ? 'reconnecting' : 'connecting');
  }

  private publish(state: PeerPairState): void {
    const retrying = state === 'connecting' || state === 'reconnecting' || state === 'failed';
    // Retries go on underneath (TURN may be configured meanwhile), but saying "connecting" would promise
    // what cannot happen.
    if (retrying && this.directImpossible && !this.opts.actions.canRelay()) {
      this.opts.actions.state('unreachable');
      return;
    }
    this.opts.actions.state(state);
  }

  private clear(which: 'grace' | 'connect' | 'candidate' | 'rebuild'): void {
    const key = `${which}Timer` as const;
    const id = this[key];
    if (id !== undefined) this.opts.timers.clearTimeout(id);
    this[key] = undefined;
  }

  private clearTimers(): void {
    this.clear('grace');
    this.clear('connect');
    this.clear('candidate');
    this.clear('rebuild');
  }
}
