import type { PeerMessage, SignalData } from '@kopru/protocol';
import type { Logger } from '../util/seams.js';
import { type CandidateType, selectedCandidatePairType } from './candidate-stats.js';
import { ControlChannel, type InvalidFrameReason } from './control-channel.js';
import {
  CONTROL_CHANNEL,
  type DataChannelSpec,
  isFeatureChannelId,
  openNegotiatedChannel,
} from './data-channels.js';
import { PerfectNegotiation } from './perfect-negotiation.js';
import { type SessionStatus, sessionStatus } from './recovery-ladder.js';
import type { DataChannelLike, PeerConnectionLike, TrackEventLike } from './rtc-types.js';
import { type DtlsFingerprint, primaryFingerprint } from './sdp.js';

/** How a session reports to its owner; nothing is reported after `close()` except the control channel closing. */
export interface PeerSessionHooks {
  signal(data: SignalData): void;
  statusChanged(status: SessionStatus): void;
  /** The first description went out or came in: ICE candidates should follow within moments. */
  negotiationStarted(): void;
  controlOpen(): void;
  controlClosed(): void;
  message(message: PeerMessage): void;
  invalidMessage(reason: InvalidFrameReason): void;
  track(event: TrackEventLike): void;
}

export interface PeerSessionOptions {
  peerId: string;
  epoch: number;
  polite: boolean;
  /** This side rebuilt and sent a `reset`: answer the peer's offer rather than cross it (see the negotiation). */
  awaitPeerOffer?: boolean;
  pc: PeerConnectionLike;
  logger: Logger;
  hooks: PeerSessionHooks;
}

/**
 * One RTCPeerConnection with one peer, under one epoch: perfect negotiation, the control channel, and
 * pass-throughs for feature channels and media. A rebuild replaces the whole session.
 */
export class PeerSession {
  readonly peerId: string;
  readonly epoch: number;
  private closed = false;
  private lastStatus: SessionStatus | undefined;
  private negotiating = false;
  private localCandidates = 0;
  private remoteCandidates = 0;
  private readonly pc: PeerConnectionLike;
  private readonly negotiation: PerfectNegotiation;
  private readonly control: ControlChannel;

  constructor(private readonly opts: PeerSessionOptions) {
    const { pc, hooks, logger } = opts;
    this.peerId = opts.peerId;
    this.epoch = opts.epoch;
    this.pc = pc;
    pc.addEventListener('iceconnectionstatechange', () => this.reportStatus());
    pc.addEventListener('connectionstatechange', () => this.reportStatus());
    pc.addEventListener('track', (event) => {
      if (!this.closed) hooks.track(event);
    });
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate) this.localCandidates += 1;
    });
    this.negotiation = new PerfectNegotiation(pc, {
      polite: opts.polite,
      awaitPeerOffer: opts.awaitPeerOffer ?? false,
      logger,
      send: (signal) => {
        if (this.closed) return;
        if (signal.kind === 'description') this.noteNegotiationStarted();
        hooks.signal({ ...signal, epoch: this.epoch });
      },
      rolledBack: () => {
        this.localCandidates = 0;
      },
      remoteCandidateAdded: () => {
        this.remoteCandidates += 1;
      },
    });
    // Created at once on both sides: the first channel makes `negotiationneeded` fire.
    this.control = new ControlChannel(
      openNegotiatedChannel(pc, CONTROL_CHANNEL),
      {
        open: () => {
          if (!this.closed) hooks.controlOpen();
        },
        close: () => hooks.controlClosed(),
        message: (message) => {
          if (!this.closed) hooks.message(message);
        },
        invalid: (reason) => {
          if (!this.closed) hooks.invalidMessage(reason);
        },
      },
      logger,
    );
  }

  get status(): SessionStatus {
    return this.closed ? 'closed' : sessionStatus(this.pc.iceConnectionState, this.pc.connectionState);
  }

  get controlOpen(): boolean {
    return !this.closed && this.control.isOpen;
  }

  /** `pc.sctp.maxMessageSize` once the SCTP transport exists (Chromium: 256 KiB); undefined before. */
  get maxMessageSize(): number | undefined {
    return this.closed ? undefined : (this.pc.sctp?.maxMessageSize ?? undefined);
  }

  get localFingerprint(): DtlsFingerprint | undefined {
    return primaryFingerprint(this.pc.localDescription?.sdp);
  }

  get remoteFingerprint(): DtlsFingerprint | undefined {
    return primaryFingerprint(this.pc.remoteDescription?.sdp);
  }

  /**
   * ICE candidates that can take part in checks: gathered here since our last rolled-back offer (those of
   * a rolled-back offer are void), and accepted from the peer (trickled, or in its SDP; a browser also
   * lists added candidates in the descriptions, hence the larger of the two, not the sum).
   */
  get candidates(): { local: number; remote: number } {
    const inSdp = (sdp: string | undefined) => sdp?.match(/^a=candidate:/gm)?.length ?? 0;
    return {
      local: Math.max(this.localCandidates, inSdp(this.pc.localDescription?.sdp)),
      remote: Math.max(this.remoteCandidates, inSdp(this.pc.remoteDescription?.sdp)),
    };
  }

  /** A signal whose epoch the owner has already matched to this session. */
  handleSignal(data: SignalData): void {
    if (this.closed) return;
    if (data.kind === 'description') {
      this.noteNegotiationStarted();
      this.negotiation.handleDescription(data.description);
    } else if (data.kind === 'candidate') {
      this.negotiation.handleCandidate(data.candidate);
    }
  }

  /** Stop holding our offers for the peer's: it is not coming (see `PerfectNegotiation`). */
  stopAwaitingPeerOffer(reason: string): void {
    if (!this.closed) this.negotiation.stopAwaitingPeerOffer(reason);
  }

  /**
   * The peer announced a rebuild at this very epoch: both sides rebuilt in the same millisecond and each
   * holds its offers for the other's. The impolite side stops holding, so exactly one offers.
   */
  handlePeerRebuiltToo(): void {
    if (!this.opts.polite) this.stopAwaitingPeerOffer('the peer rebuilt at the same epoch');
  }

  send(message: PeerMessage): boolean {
    return !this.closed && this.control.send(message);
  }

  /** See `PerfectNegotiation.restartIce`. */
  restartIce(stalled = false): void {
    if (!this.closed) this.negotiation.restartIce(stalled);
  }

  setConfiguration(configuration: RTCConfiguration): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration(configuration);
    } catch (error) {
      this.opts.logger.warn('setConfiguration refused', { error: String(error) });
    }
  }

  /**
   * Extension point for file transfer: a pre-negotiated channel with an id in 1..MAX_CHANNEL_ID. Both sides
   * must open the same id (agreed over the control channel); it dies with this session.
   */
  openDataChannel(spec: DataChannelSpec): DataChannelLike {
    if (!isFeatureChannelId(spec.id))
      throw new RangeError(`data channel id ${spec.id} is reserved or out of range`);
    if (this.closed) throw new Error('session closed');
    return openNegotiatedChannel(this.pc, spec);
  }

  /** Extension point for calls: media added here raises `negotiationneeded`, handled like any other. */
  addTransceiver(trackOrKind: MediaStreamTrack | string, init?: RTCRtpTransceiverInit): RTCRtpTransceiver {
    if (this.closed) throw new Error('session closed');
    return this.pc.addTransceiver(trackOrKind, init);
  }

  async selectedCandidatePairType(): Promise<CandidateType | undefined> {
    if (this.closed) return undefined;
    try {
      return selectedCandidatePairType(await this.pc.getStats());
    } catch (error) {
      this.opts.logger.debug('getStats failed', { error: String(error) });
      return undefined;
    }
  }

  /** Closes the connection and everything on it. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.negotiation.close();
    this.control.close();
    this.pc.close();
  }

  private noteNegotiationStarted(): void {
    if (this.negotiating) return;
    this.negotiating = true;
    this.opts.hooks.negotiationStarted();
  }

  private reportStatus(): void {
    if (this.closed) return;
    const status = this.status;
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.opts.hooks.statusChanged(status);
  }
}
