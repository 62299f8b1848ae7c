import type { PeerConnectionLike, SessionDescriptionLike } from '../../../src/peer/rtc-types.js';
import { FakeIceEndpoint, invalidState } from './fake-ice-endpoint.js';
import type { FakeRtcWorld } from './fake-rtc-world.js';
import { type FakeSdp, fakeFingerprint, readFakeSdp, writeFakeSdp } from './fake-sdp.js';

type Described = { type: RTCSdpType; sdp: FakeSdp };

/**
 * A JSEP state machine faithful enough for perfect negotiation: `stable` / `have-local-offer` /
 * `have-remote-offer`, rollback (explicit and implicit), argument-less `setLocalDescription()` making the
 * offer or answer the state calls for, an operations chain, the negotiation-needed flag (data channels,
 * transceivers, `restartIce`), and new ICE credentials on restarts. The transport half is in the base.
 */
export class FakePeerConnection extends FakeIceEndpoint implements PeerConnectionLike {
  readonly fingerprint: string;
  signalingState: RTCSignalingState = 'stable';
  readonly configurations: RTCConfiguration[] = [];
  restartIceCalls = 0;
  remoteDescriptionsSet = 0;
  /** Local offers rolled back, implicitly (a remote offer in glare) or explicitly. */
  rollbacks = 0;
  /** The ICE generation in use: our ufrag and the remote one, once an offer/answer completed. */
  currentLocal: Described | undefined;
  currentRemote: Described | undefined;
  private pendingLocal: Described | undefined;
  private pendingRemote: Described | undefined;
  private wantsApplication = false;
  private transceivers = 0;
  private negotiatedApplication = false;
  private negotiatedMedia = 0;
  private restartRequested = false;
  private negotiationNeeded = false;
  private opsPending = 0;
  private chain: Promise<void> = Promise.resolve();
  private version = 1;

  constructor(
    world: FakeRtcWorld,
    owner: string,
    number: number,
    readonly configuration: RTCConfiguration,
  ) {
    super(world, owner, number);
    this.fingerprint = fakeFingerprint(number);
  }

  get localDescription(): SessionDescriptionLike | null {
    return describe(this.pendingLocal ?? this.currentLocal);
  }

  get remoteDescription(): SessionDescriptionLike | null {
    return describe(this.pendingRemote ?? this.currentRemote);
  }

  /** Media sections negotiated so far. */
  get remoteMedia(): number {
    return this.negotiatedMedia;
  }

  setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
    if (description && description.type !== 'rollback') {
      return Promise.reject(new Error('the fake supports setLocalDescription() and rollback only'));
    }
    return this.operation(() => {
      if (description) this.rollback();
      else if (this.signalingState === 'have-remote-offer') this.answer();
      else if (this.signalingState === 'stable' || this.signalingState === 'have-local-offer') this.offer();
      else throw invalidState(`setLocalDescription in ${this.signalingState}`);
    });
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.operation(() => {
      const sdp = readFakeSdp(description.sdp ?? '');
      const mediaBefore = this.negotiatedMedia;
      this.remoteDescriptionsSet += 1;
      if (description.type === 'offer') {
        if (this.signalingState === 'have-local-offer') {
          this.pendingLocal = undefined; // implicit rollback
          this.rollbacks += 1;
          // Seen in Chromium 156 (e2e logs): rolling back the offer that created the ICE transport leaves
          // the connection without candidates for its answer and for every later offer, restarts included.
          if (!this.currentLocal && this.world.firstOfferRollbackStopsGathering) this.gatheringStuck = true;
        } else if (this.signalingState !== 'stable' && this.signalingState !== 'have-remote-offer') {
          throw invalidState(`remote offer in ${this.signalingState}`);
        }
        this.pendingRemote = { type: 'offer', sdp };
        this.setSignalingState('have-remote-offer');
      } else if (description.type === 'answer') {
        if (this.signalingState !== 'have-local-offer' || !this.pendingLocal) {
          throw invalidState(`remote answer in ${this.signalingState}`);
        }
        this.complete(this.pendingLocal, { type: 'answer', sdp }, this.pendingLocal.sdp);
      } else {
        throw new Error(`the fake does not support remote ${description.type}`);
      }
      this.fireTracks(mediaBefore, sdp.media);
    });
  }

  addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    return this.operation(() => {
      const remote = this.pendingRemote ?? this.currentRemote;
      if (!remote) throw invalidState('no remote description');
      if (!candidate?.candidate) return; // end of candidates
      const ufrag = candidate.usernameFragment ?? remote.sdp.ufrag;
      if (ufrag !== this.pendingRemote?.sdp.ufrag && ufrag !== this.currentRemote?.sdp.ufrag) {
        throw new DOMException(`unknown ufrag ${ufrag}`, 'OperationError');
      }
      this.candidateAdded(ufrag);
    });
  }

  restartIce(): void {
    this.restartIceCalls += 1;
    this.restartRequested = true;
    this.updateNegotiationNeeded();
  }

  setConfiguration(configuration: RTCConfiguration): void {
    if (this.closed) throw invalidState('closed');
    this.configurations.push(configuration);
  }

  addTransceiver(): RTCRtpTransceiver {
    if (this.closed) throw invalidState('closed');
    this.transceivers += 1;
    this.updateNegotiationNeeded();
    return { mid: null, direction: 'sendrecv' } as unknown as RTCRtpTransceiver;
  }

  close(): void {
    if (this.closed) return;
    this.signalingState = 'closed';
    this.closeTransport();
  }

  protected currentUfrags() {
    return { local: this.currentLocal?.sdp.ufrag, remote: this.currentRemote?.sdp.ufrag };
  }

  protected get applicationNegotiated(): boolean {
    return this.negotiatedApplication;
  }

  protected channelAdded(): void {
    this.wantsApplication = true;
    this.updateNegotiationNeeded();
  }

  private rollback(): void {
    if (this.signalingState !== 'have-local-offer' && this.signalingState !== 'have-remote-offer') {
      throw invalidState(`rollback in ${this.signalingState}`);
    }
    if (this.signalingState === 'have-local-offer') this.rollbacks += 1;
    this.pendingLocal = undefined;
    this.pendingRemote = undefined;
    this.negotiationNeeded = false;
    this.setSignalingState('stable');
  }

  private offer(): void {
    const restart = this.restartRequested || !this.currentLocal;
    const ufrag = restart ? this.world.newUfrag() : (this.currentLocal?.sdp.ufrag ?? '');
    const media = Math.max(this.transceivers, this.negotiatedMedia);
    const application = this.wantsApplication || this.negotiatedApplication;
    this.pendingLocal = { type: 'offer', sdp: this.sdp(ufrag, application, media) };
    this.setSignalingState('have-local-offer');
    if (ufrag !== this.currentLocal?.sdp.ufrag) this.gather(ufrag);
  }

  private answer(): void {
    const remote = this.pendingRemote;
    if (!remote) throw invalidState('no remote offer');
    // An ICE restart by either side gives both sides new credentials (RFC 8839).
    const remoteRestart =
      this.currentRemote !== undefined && this.currentRemote.sdp.ufrag !== remote.sdp.ufrag;
    const fresh = !this.currentLocal || remoteRestart || this.restartRequested;
    const ufrag = fresh ? this.world.newUfrag() : (this.currentLocal?.sdp.ufrag ?? '');
    const answer: Described = {
      type: 'answer',
      sdp: this.sdp(ufrag, remote.sdp.application, remote.sdp.media),
    };
    this.complete(answer, remote, remote.sdp);
    if (fresh) this.gather(ufrag);
  }

  /** An offer/answer exchange finished: the described session becomes current, the state stable. */
  private complete(local: Described, remote: Described, offer: FakeSdp): void {
    if (local.sdp.ufrag !== this.currentLocal?.sdp.ufrag) this.restartRequested = false;
    this.currentLocal = local;
    this.currentRemote = remote;
    this.pendingLocal = undefined;
    this.pendingRemote = undefined;
    this.negotiatedApplication = offer.application;
    this.negotiatedMedia = offer.media;
    // Spec: reaching stable clears the flag; it is re-evaluated when the operations chain empties.
    this.negotiationNeeded = false;
    this.setSignalingState('stable');
    this.world.scheduleEvaluate();
  }

  private sdp(ufrag: string, application: boolean, media: number): FakeSdp {
    this.version += 1;
    return { pcId: this.id, ufrag, fingerprint: this.fingerprint, application, media, version: this.version };
  }

  private updateNegotiationNeeded(): void {
    if (this.closed || this.opsPending > 0 || this.signalingState !== 'stable') return;
    const needed =
      (this.wantsApplication && !this.negotiatedApplication) ||
      this.transceivers > this.negotiatedMedia ||
      this.restartRequested;
    if (!needed) {
      this.negotiationNeeded = false;
      return;
    }
    if (this.negotiationNeeded) return;
    this.negotiationNeeded = true;
    this.world.later(() => {
      if (this.closed || this.opsPending > 0 || this.signalingState !== 'stable') return;
      if (this.negotiationNeeded) this.fire('negotiationneeded', {});
    });
  }

  /** JSEP operations run one at a time, each in its own task. */
  private operation(run: () => void): Promise<void> {
    if (this.closed) return Promise.reject(invalidState('closed'));
    this.opsPending += 1;
    const result = this.chain.then(
      () =>
        new Promise<void>((resolve, reject) =>
          this.world.later(() => {
            try {
              if (this.closed) throw invalidState('closed');
              run();
              resolve();
            } catch (error) {
              reject(error);
            }
          }),
        ),
    );
    const done = () => {
      this.opsPending -= 1;
      if (this.opsPending === 0) this.updateNegotiationNeeded();
    };
    this.chain = result.then(done, done);
    return result;
  }

  private fireTracks(from: number, to: number): void {
    for (let i = from; i < to; i += 1) {
      this.world.later(() =>
        this.fire('track', {
          track: { kind: 'audio', id: `${this.id}-track-${i}` } as unknown as MediaStreamTrack,
          streams: [],
          transceiver: { mid: String(i) } as unknown as RTCRtpTransceiver,
        }),
      );
    }
  }

  private setSignalingState(state: RTCSignalingState): void {
    if (this.signalingState === state) return;
    this.signalingState = state;
    this.fire('signalingstatechange', {});
  }
}

function describe(d: Described | undefined): SessionDescriptionLike | null {
  return d ? { type: d.type, sdp: writeFakeSdp(d.sdp) } : null;
}
