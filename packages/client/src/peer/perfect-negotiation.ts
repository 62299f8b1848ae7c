import type { SignalData } from '@kopru/protocol';
import type { Logger } from '../util/seams.js';
import type { IceCandidateEventLike, PeerConnectionLike, SessionDescriptionLike } from './rtc-types.js';

/** A signal as the negotiation sees it: the session adds the epoch. */
export type NegotiationSignal =
  | Omit<Extract<SignalData, { kind: 'description' }>, 'epoch'>
  | Omit<Extract<SignalData, { kind: 'candidate' }>, 'epoch'>;

type RemoteDescription = Extract<SignalData, { kind: 'description' }>['description'];
type RemoteCandidate = Extract<SignalData, { kind: 'candidate' }>['candidate'];

export interface NegotiationOptions {
  /** The polite side yields in glare (rolls back its own offer); the impolite side ignores the other's. */
  polite: boolean;
  /**
   * Hold our own offers until the peer's arrives (or `stopAwaitingPeerOffer`): this side rebuilt and told
   * the peer with a `reset`, so the peer's new connection offers, and ours answers it instead of crossing
   * it. Crossed first offers make the polite side roll back the offer that created its ICE transport, and
   * Chromium then sometimes never gathers candidates on it (docs/architecture.md, "Rebuilds").
   */
  awaitPeerOffer?: boolean;
  send(signal: NegotiationSignal): void;
  /** Our pending offer is being rolled back: the ICE candidates gathered for it are void. */
  rolledBack?(): void;
  /** A remote candidate was accepted by the connection (not one of an ignored offer). */
  remoteCandidateAdded?(): void;
  logger: Logger;
}

/**
 * The W3C/MDN "perfect negotiation" pattern for one RTCPeerConnection: either side may renegotiate at any
 * time (data channels now, media later) and a collision of offers still ends in one stable session.
 * `setLocalDescription()` without arguments creates the offer or answer the state calls for, and
 * `setRemoteDescription(offer)` in `have-local-offer` rolls back implicitly. Incoming signals are applied
 * one at a time, in arrival order; like the pattern, this relies on an ordered signaling channel (socket.io).
 */
export class PerfectNegotiation {
  private makingOffer = false;
  private ignoreOffer = false;
  private closed = false;
  private awaitingPeerOffer: boolean;
  /** `negotiationneeded` fired while we held our offers: make one when the hold ends without a peer offer. */
  private deferredNegotiation = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pc: PeerConnectionLike,
    private readonly opts: NegotiationOptions,
  ) {
    this.awaitingPeerOffer = opts.awaitPeerOffer ?? false;
    pc.addEventListener('negotiationneeded', () => this.handleNegotiationNeeded());
    pc.addEventListener('icecandidate', (event) => this.sendCandidate(event));
  }

  /** Ends the hold: the peer's offer is not coming (its reset was lost, or both held); offer if needed. */
  stopAwaitingPeerOffer(reason: string): void {
    if (this.closed || !this.awaitingPeerOffer) return;
    this.awaitingPeerOffer = false;
    this.opts.logger.info("no longer waiting for the peer's offer", {
      reason,
      offering: this.deferredNegotiation,
    });
    if (!this.deferredNegotiation) return;
    this.deferredNegotiation = false;
    void this.negotiate();
  }

  handleDescription(description: RemoteDescription): void {
    this.enqueue(() => this.applyDescription(description));
  }

  handleCandidate(candidate: RemoteCandidate): void {
    this.enqueue(() => this.applyCandidate(candidate));
  }

  /**
   * New ICE credentials on the next offer; `negotiationneeded` follows once the state is stable. With
   * `stalled`, an offer still waiting for its answer is rolled back first: the answer was lost (our offer
   * was dropped, or the peer's signaling was down), and the state would otherwise never return to stable.
   */
  restartIce(stalled = false): void {
    if (this.closed) return;
    if (!stalled || this.pc.signalingState !== 'have-local-offer') {
      this.opts.logger.info('ICE restart');
      this.pc.restartIce();
      // Recovery cannot keep waiting for the peer: a held offer goes out now, carrying the restart.
      this.stopAwaitingPeerOffer('ICE restart');
      return;
    }
    this.enqueue(async () => {
      if (this.pc.signalingState === 'have-local-offer' && !this.makingOffer) {
        this.opts.logger.info('ICE restart: rolling back an unanswered offer');
        this.opts.rolledBack?.();
        await this.pc.setLocalDescription({ type: 'rollback' });
      }
      this.pc.restartIce();
    });
  }

  close(): void {
    this.closed = true;
  }

  private handleNegotiationNeeded(): void {
    if (!this.awaitingPeerOffer) {
      void this.negotiate();
      return;
    }
    // The browser keeps its negotiation-needed flag; it fires again after our answer if still needed.
    this.opts.logger.debug("negotiation needed: holding our offer for the peer's");
    this.deferredNegotiation = true;
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      // Usually an offer; an answer if a remote offer got in first. Either way it is what the peer needs.
      this.sendDescription(this.pc.localDescription);
    } catch (error) {
      this.opts.logger.warn('negotiation failed', { error: String(error) });
    } finally {
      this.makingOffer = false;
    }
  }

  private async applyDescription(description: RemoteDescription): Promise<void> {
    const pc = this.pc;
    if (description.type === 'rollback') {
      this.opts.logger.warn('dropped a remote rollback description');
      return;
    }
    // Applied one at a time, so an answer is never "being set" while the next message is examined.
    const readyForOffer = !this.makingOffer && pc.signalingState === 'stable';
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.opts.polite && offerCollision;
    if (this.ignoreOffer) {
      this.opts.logger.debug('glare: ignoring the remote offer (impolite side)');
      return;
    }
    if (offerCollision) {
      this.opts.logger.debug('glare: rolling back our offer (polite side)');
      this.opts.rolledBack?.();
    }
    if (description.type === 'offer' && this.awaitingPeerOffer) {
      // What we held for. Once our answer makes the state stable the browser re-evaluates its
      // negotiation-needed flag and fires again for anything the peer's offer did not cover (our media).
      this.awaitingPeerOffer = false;
      this.deferredNegotiation = false;
    }
    this.opts.logger.debug('set remote description', { type: description.type, sdp: description.sdp });
    await pc.setRemoteDescription(description);
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.sendDescription(pc.localDescription);
    }
  }

  private async applyCandidate(candidate: RemoteCandidate): Promise<void> {
    this.opts.logger.debug('add remote candidate', { candidate: candidate?.candidate ?? null });
    try {
      await this.pc.addIceCandidate(candidate);
      if (candidate?.candidate) this.opts.remoteCandidateAdded?.();
    } catch (error) {
      // Candidates of an offer we ignored are expected to fail; anything else is worth a line in the log.
      if (this.ignoreOffer) return;
      this.opts.logger.warn('remote candidate refused', { error: String(error) });
    }
  }

  private sendDescription(description: SessionDescriptionLike | null): void {
    if (this.closed || !description) return;
    this.opts.logger.debug('send description', { type: description.type, sdp: description.sdp });
    this.opts.send({ kind: 'description', description: { type: description.type, sdp: description.sdp } });
  }

  private sendCandidate(event: IceCandidateEventLike): void {
    if (this.closed) return;
    if (!event.candidate) {
      this.opts.send({ kind: 'candidate', candidate: null });
      return;
    }
    const init = event.candidate.toJSON();
    this.opts.logger.debug('send candidate', { candidate: init.candidate });
    this.opts.send({
      kind: 'candidate',
      candidate: {
        candidate: init.candidate ?? '',
        sdpMid: init.sdpMid ?? null,
        sdpMLineIndex: init.sdpMLineIndex ?? null,
        usernameFragment: init.usernameFragment ?? null,
      },
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (error) {
        this.opts.logger.warn('remote signal not applied', { error: String(error) });
      }
    });
  }
}
