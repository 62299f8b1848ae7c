import type { IceServer, PeerInfo, PeerMessage, ProtocolError, SignalData } from '@kopru/protocol';
import {
  type Clock,
  consoleLogger,
  type Logger,
  type Random,
  systemClock,
  systemTimers,
  type Timers,
  withFields,
} from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { CandidateType } from './candidate-stats.js';
import type { InvalidFrameReason } from './control-channel.js';
import type { DataChannelSpec } from './data-channels.js';
import { EpochLedger, judgeForSession, judgeWithoutSession } from './epochs.js';
import { PeerPair, type SessionWiring } from './peer-pair.js';
import { PeerSession } from './peer-session.js';
import type { PeerPairState } from './recovery-ladder.js';
import {
  browserPeerConnection,
  type CreatePeerConnection,
  type DataChannelLike,
  type TrackEventLike,
} from './rtc-types.js';
import type { DtlsFingerprint } from './sdp.js';

export type PeerMeshEvents = {
  /** To relay through the signaling server: `signalingClient.signal(to, data)`. */
  signal: { to: string; data: SignalData };
  state: { peerId: string; state: PeerPairState };
  /** A new RTCPeerConnection was built for the pair (features re-open their channels and tracks on it). */
  session: { peerId: string; epoch: number };
  /** The control channel (re)opened: resend whatever is unacknowledged. */
  'control-open': { peerId: string };
  'control-closed': { peerId: string };
  message: { peerId: string; message: PeerMessage };
  /** A control frame that failed validation; it was dropped. */
  'invalid-message': { peerId: string; reason: InvalidFrameReason };
  track: { peerId: string } & TrackEventLike;
};

export interface PeerMeshOptions {
  /** Our peer id in the room; a new id (not resumed) needs a new mesh. */
  selfId: string;
  iceServers?: IceServer[];
  /** `relay`: relay-only privacy mode, no host or server-reflexive candidate ever leaves this browser. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** A long-lived DTLS certificate, so our fingerprint (and safety numbers) stay the same across sessions. */
  certificates?: RTCCertificate[];
  createPeerConnection?: CreatePeerConnection;
  clock?: Clock;
  timers?: Timers;
  random?: Random;
  logger?: Logger;
}

/**
 * Owns one `PeerPair` (session + recovery ladder) per remote peer. Input arrives only through `handle*()`
 * (from the room and signaling clients and the browser's online/offline events); output leaves only as
 * typed events. Every signal carries the epoch of its connection (see `epochs.ts`): a newer one than the
 * live session's means the peer rebuilt and ours follows before applying it; an equal one is applied; an
 * older one is stale and dropped.
 */
export class PeerMesh extends TypedEmitter<PeerMeshEvents> {
  private readonly pairs = new Map<string, PeerPair>();
  private readonly selfId: string;
  private readonly createPeerConnection: CreatePeerConnection;
  private readonly epochs: EpochLedger;
  private readonly timers: Timers;
  private readonly random: Random;
  private readonly logger: Logger;
  private configuration: RTCConfiguration;
  private offline = false;
  private closed = false;

  constructor(opts: PeerMeshOptions) {
    const logger = opts.logger ?? consoleLogger('peer');
    super((error) => logger.error('listener threw', { error: String(error) }));
    this.selfId = opts.selfId;
    this.createPeerConnection = opts.createPeerConnection ?? browserPeerConnection;
    this.epochs = new EpochLedger(opts.clock ?? systemClock);
    this.timers = opts.timers ?? systemTimers;
    this.random = opts.random ?? Math.random;
    this.logger = logger;
    // max-bundle: one transport for data and media, so one ICE restart recovers everything.
    this.configuration = {
      iceServers: opts.iceServers ?? [],
      bundlePolicy: 'max-bundle',
      iceTransportPolicy: opts.iceTransportPolicy ?? 'all',
      ...(opts.certificates ? { certificates: opts.certificates } : {}),
    };
  }

  /** Opens a session with the peer unless one exists (a conversation opened, a message, a file, a call). */
  ensureSession(peerId: string): void {
    if (this.closed || peerId === this.selfId || this.pairs.has(peerId)) return;
    this.openPair(peerId, this.epochs.next(peerId));
  }

  /**
   * The server refused a signal of ours (`to` when it could read the addressee). Nothing to undo: a peer that
   * left is torn down by presence, and a lost offer or answer is what the recovery ladder renegotiates.
   */
  handleSignalFailed(to: string | undefined, error: ProtocolError): void {
    this.logger.warn('signal refused by the server', { peerId: to, code: error.code, reason: error.message });
  }

  /** A relayed signal; `from` is stamped by the server. */
  handleSignal(from: string, data: SignalData): void {
    if (this.closed || from === this.selfId) return;
    try {
      this.routeSignal(from, data);
    } catch (error) {
      this.logger.error('signal not handled', { peerId: from, error: String(error) });
    }
  }

  /**
   * A peer joined or came back. With a pair that is not connected, retry now. Without one, tell the peer
   * (a `reset` at our next epoch) that we hold no connection: if it still has one with us (we reloaded,
   * or closed ours when it timed out), it rebuilds instead of waiting for ICE to fail.
   */
  handlePeerJoined(peer: Pick<PeerInfo, 'peerId'>): void {
    if (this.closed || peer.peerId === this.selfId) return;
    const pair = this.pairs.get(peer.peerId);
    // Whatever we offered while it was away never reached it (the server drops signals to absent peers).
    if (pair) pair.kick('peer came back', true);
    else this.sendReset(peer.peerId, this.epochs.announce(peer.peerId), 'no connection with a joining peer');
  }

  handlePeerLeft(peerId: string): void {
    const pair = this.pairs.get(peerId);
    if (!pair || this.closed) return;
    this.logger.info('peer left: closing its session', { peerId, epoch: pair.session.epoch });
    this.pairs.delete(peerId);
    pair.close();
  }

  /**
   * A peer is back on a new signaling connection: its old one died (its network changed, or was cut), and
   * whatever we relayed to it meanwhile died too. A pair that is not connected renegotiates now, rolling
   * back an offer of ours that can no longer be answered; left waiting for that answer, the pair ignored
   * (impolite side) the offer the peer makes once back, and the two stalled until the connect timeout.
   * Our own signaling coming back needs nothing here: the room then announces every present peer
   * (`handlePeerJoined`), which kicks the same way.
   */
  handlePeerResumed(peerId: string): void {
    if (!this.closed) this.pairs.get(peerId)?.kick('peer reconnected to the server', true);
  }

  handleOnline(): void {
    this.setOffline(false);
  }

  handleOffline(): void {
    this.setOffline(true);
  }

  /**
   * New ICE servers (e.g. fresh TURN credentials): used by live connections from their next gathering.
   * When a relay appears where there was none (the server was restarted with TURN), pairs that are not
   * connected are rebuilt at once rather than at their next backoff: they may have found no direct path.
   */
  handleIceServers(iceServers: IceServer[]): void {
    if (this.closed) return;
    const relayAppeared = !hasRelay(this.configuration.iceServers ?? []) && hasRelay(iceServers);
    this.configuration = { ...this.configuration, iceServers };
    for (const [peerId, pair] of this.pairs) {
      if (relayAppeared && pair.state !== 'connected') {
        this.logger.info('a relay is configured now: rebuilding a connection that is not up', { peerId });
        pair.replace(this.epochs.next(peerId), true);
      } else {
        pair.session.setConfiguration(this.configuration);
      }
    }
  }

  /**
   * Switches relay-only mode on or off. Candidates already sent cannot be taken back and a live connection
   * keeps using its pair, so every pair is rebuilt (the peer follows our reset) under the new policy: a new
   * RTCPeerConnection, not `setConfiguration`. Our new one answers the peer's offer (see `PeerPair.replace`).
   */
  handleTransportPolicy(policy: RTCIceTransportPolicy): void {
    if (this.closed || this.configuration.iceTransportPolicy === policy) return;
    this.configuration = { ...this.configuration, iceTransportPolicy: policy };
    this.logger.info('ICE transport policy changed: rebuilding every connection', { policy });
    for (const [peerId, pair] of this.pairs) pair.replace(this.epochs.next(peerId), true);
  }

  get iceTransportPolicy(): RTCIceTransportPolicy {
    return this.configuration.iceTransportPolicy ?? 'all';
  }

  /** Restarts ICE with the peer (new candidates, e.g. TURN allocations with fresh credentials); DTLS stays. */
  restartIce(peerId: string): void {
    this.pairs.get(peerId)?.session.restartIce();
  }

  /** Sends on the control channel; false when it is not open (the caller keeps its own queue). */
  send(peerId: string, message: PeerMessage): boolean {
    return this.pairs.get(peerId)?.session.send(message) ?? false;
  }

  isOpen(peerId: string): boolean {
    return this.pairs.get(peerId)?.session.controlOpen ?? false;
  }

  stateOf(peerId: string): PeerPairState | undefined {
    return this.pairs.get(peerId)?.state;
  }

  /** The epoch of the live session with the peer. */
  epochOf(peerId: string): number | undefined {
    return this.pairs.get(peerId)?.session.epoch;
  }

  /** How the pair is connected ('relay' = through TURN); undefined without a selected candidate pair. */
  async selectedCandidatePairType(peerId: string): Promise<CandidateType | undefined> {
    return this.pairs.get(peerId)?.session.selectedCandidatePairType();
  }

  /** The largest DataChannel message the live session with the peer carries (file chunk sizing). */
  maxMessageSize(peerId: string): number | undefined {
    return this.pairs.get(peerId)?.session.maxMessageSize;
  }

  /** Our DTLS fingerprint on the connection with the peer (for safety numbers). */
  localFingerprint(peerId: string): DtlsFingerprint | undefined {
    return this.pairs.get(peerId)?.session.localFingerprint;
  }

  remoteFingerprint(peerId: string): DtlsFingerprint | undefined {
    return this.pairs.get(peerId)?.session.remoteFingerprint;
  }

  /** A feature channel on the live session (see `PeerSession.openDataChannel`); undefined without one. */
  openDataChannel(peerId: string, spec: DataChannelSpec): DataChannelLike | undefined {
    return this.pairs.get(peerId)?.session.openDataChannel(spec);
  }

  /** Media on the live session (calls); undefined without one. Re-add after a `session` event. */
  addTransceiver(
    peerId: string,
    trackOrKind: MediaStreamTrack | string,
    init?: RTCRtpTransceiverInit,
  ): RTCRtpTransceiver | undefined {
    return this.pairs.get(peerId)?.session.addTransceiver(trackOrKind, init);
  }

  /** Closes every session once; later calls and inputs do nothing. */
  close(): void {
    if (this.closed) return;
    const pairs = [...this.pairs.values()];
    this.pairs.clear();
    for (const pair of pairs) pair.close();
    this.closed = true;
  }

  private routeSignal(from: string, data: SignalData): void {
    const pair = this.pairs.get(from);
    const fields = { peerId: from, kind: data.kind, epoch: data.epoch };
    if (!pair) {
      switch (judgeWithoutSession(data, this.epochs.floor(from))) {
        case 'stale':
          this.logger.debug('stale signal dropped', { ...fields, floor: this.epochs.floor(from) });
          return;
        case 'note':
          this.epochs.raise(from, data.epoch);
          return;
        case 'open':
          this.openPair(from, data.epoch).session.handleSignal(data);
          return;
        case 'unknown-connection':
          // Its offer was lost, or we reloaded: have the peer start over rather than patch a new connection.
          this.sendReset(
            from,
            this.epochs.announce(from, data.epoch + 1),
            'signal for an unknown connection',
          );
          return;
      }
    }
    const current = pair.session.epoch;
    switch (judgeForSession(data, current)) {
      case 'stale-offer':
        this.logger.debug('stale signal dropped', { ...fields, current });
        // The peer may be behind: its signaling was down while we rebuilt, so it missed our reset. Ask it
        // to catch up, once per session, and only when ours is not working (a late flush is harmless then).
        if (pair.session.status !== 'connected' && pair.claimStaleOfferReply()) {
          this.sendReset(from, this.epochs.announce(from, current + 1), 'stale offer: peer is behind');
        }
        return;
      case 'stale':
        this.logger.debug('stale signal dropped', { ...fields, current });
        return;
      case 'follow':
        this.logger.info('peer rebuilt: following its epoch', {
          peerId: from,
          from: current,
          to: data.epoch,
        });
        pair.replace(data.epoch, false);
        break;
      case 'apply':
        // A reset at our own epoch: both sides rebuilt in the same millisecond and both hold their offers.
        if (data.kind === 'reset') pair.session.handlePeerRebuiltToo();
        break;
    }
    if (data.kind !== 'reset') pair.session.handleSignal(data);
  }

  private sendReset(peerId: string, epoch: number, reason: string): void {
    this.logger.info('sending reset', { peerId, epoch, reason });
    this.emit('signal', { to: peerId, data: { kind: 'reset', epoch } });
  }

  private openPair(peerId: string, epoch: number): PeerPair {
    const pair = new PeerPair({
      peerId,
      epoch,
      offline: this.offline,
      timers: this.timers,
      random: this.random,
      logger: withFields(this.logger, { peerId }),
      createSession: (sessionEpoch, wiring) => this.createSession(peerId, sessionEpoch, wiring),
      nextEpoch: () => this.epochs.next(peerId),
      onState: (state) => this.emit('state', { peerId, state }),
      onSessionStarted: (sessionEpoch) => this.emit('session', { peerId, epoch: sessionEpoch }),
      sendReset: (resetEpoch) => this.sendReset(peerId, resetEpoch, 'rebuilt'),
      canRelay: () => hasRelay(this.configuration.iceServers ?? []),
    });
    this.pairs.set(peerId, pair);
    pair.start(); // after registering, so `session` listeners can already open channels on it
    return pair;
  }

  private createSession(peerId: string, epoch: number, wiring: SessionWiring): PeerSession {
    this.epochs.used(peerId, epoch);
    return new PeerSession({
      peerId,
      epoch,
      // Deterministic per pair, so the two sides always disagree: the smaller id yields.
      polite: this.selfId < peerId,
      awaitPeerOffer: wiring.awaitPeerOffer,
      pc: this.createPeerConnection(this.configuration),
      logger: withFields(this.logger, { peerId, epoch }),
      hooks: {
        signal: (data) => this.emit('signal', { to: peerId, data }),
        statusChanged: wiring.statusChanged,
        negotiationStarted: wiring.negotiationStarted,
        controlOpen: () => this.emit('control-open', { peerId }),
        controlClosed: () => this.emit('control-closed', { peerId }),
        message: (message) => this.emit('message', { peerId, message }),
        invalidMessage: (reason) => {
          this.logger.warn('invalid control frame dropped', { peerId, reason });
          this.emit('invalid-message', { peerId, reason });
        },
        track: ({ track, streams, transceiver }) =>
          this.emit('track', { peerId, track, streams, transceiver }),
      },
    });
  }

  private setOffline(offline: boolean): void {
    if (this.closed) return;
    this.offline = offline;
    for (const pair of this.pairs.values()) pair.setOffline(offline);
  }
}

/** True when the list holds a TURN server (`turn:` or `turns:`), so relay candidates can be gathered. */
function hasRelay(iceServers: readonly RTCIceServer[]): boolean {
  return iceServers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/.test(url)),
  );
}
