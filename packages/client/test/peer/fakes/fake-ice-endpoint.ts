import type { CandidateType } from '../../../src/peer/candidate-stats.js';
import type { DataChannelLike, PeerConnectionEventMap } from '../../../src/peer/rtc-types.js';
import { FakeDataChannel } from './fake-data-channel.js';
import { FakeEventTarget } from './fake-event-target.js';
import type { FakeRtcWorld } from './fake-rtc-world.js';

export const invalidState = (what: string) => new DOMException(what, 'InvalidStateError');

/**
 * The transport half of a fake connection: ICE state (driven by the world, or by a test), candidates per
 * ICE generation, pre-negotiated data channels that open when both ends are connected, and `getStats`.
 * `FakePeerConnection` adds the JSEP half on top.
 */
export abstract class FakeIceEndpoint extends FakeEventTarget<PeerConnectionEventMap> {
  readonly id: string;
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  readonly channels = new Map<number, FakeDataChannel>();
  localCandidateType: CandidateType = 'host';
  /** Gathers nothing from now on, ICE restarts included (what Chromium did after a rolled-back first offer). */
  gatheringStuck = false;
  closed = false;
  private readonly remoteUfragsWithCandidates = new Set<string>();
  private generation = '';

  constructor(
    protected readonly world: FakeRtcWorld,
    readonly owner: string,
    readonly number: number,
  ) {
    super();
    this.id = `pc${number}`;
  }

  /** Our ufrag and the remote one in use (from the current descriptions). */
  protected abstract currentUfrags(): { local: string | undefined; remote: string | undefined };
  protected abstract get applicationNegotiated(): boolean;
  /** A channel was created: the JSEP half updates its negotiation-needed flag. */
  protected abstract channelAdded(): void;

  createDataChannel(label: string, init: RTCDataChannelInit): DataChannelLike {
    if (this.closed) throw invalidState('closed');
    if (!init.negotiated || init.id === undefined) throw new Error('the fake only has negotiated channels');
    const existing = this.channels.get(init.id);
    if (existing && existing.readyState !== 'closed') throw new DOMException('id in use', 'OperationError');
    const channel = new FakeDataChannel(
      label,
      init.id,
      init,
      (from, data) => this.world.later(() => this.world.peerOf(this)?.channels.get(from.id)?.deliver(data)),
      (from) => this.world.later(() => this.world.peerOf(this)?.channels.get(from.id)?.remoteClosed()),
    );
    this.channels.set(init.id, channel);
    this.channelAdded();
    this.world.scheduleEvaluate();
    return channel;
  }

  async getStats(): Promise<Map<string, unknown>> {
    const report = new Map<string, unknown>();
    const peer = this.world.peerOf(this);
    if (this.iceConnectionState === 'connected' && peer) {
      report.set('T01', { type: 'transport', selectedCandidatePairId: 'CP1' });
      report.set('CP1', { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' });
      report.set('L1', { type: 'local-candidate', candidateType: this.localCandidateType });
      report.set('R1', { type: 'remote-candidate', candidateType: peer.localCandidateType });
    } else {
      report.set('T01', { type: 'transport' });
    }
    return report;
  }

  /** Test control: what the browser reports when ICE gives up or consent checks stop. */
  drive(state: 'disconnected' | 'failed' | 'checking'): void {
    this.setIceState(state);
  }

  /** Called by the world after anything that can change connectivity. */
  evaluateLink(up: boolean): void {
    if (this.closed) return;
    if (up) {
      this.setIceState('connected');
      for (const channel of this.channels.values()) {
        const other = this.world.peerOf(this)?.channels.get(channel.id);
        if (this.applicationNegotiated && other && other.readyState !== 'closed') channel.open();
      }
      return;
    }
    const { local, remote } = this.currentUfrags();
    const generation = `${local}/${remote}`;
    if (remote !== undefined && generation !== this.generation) {
      this.generation = generation; // a new ICE generation starts its checks over
      this.setIceState('checking');
    } else if (this.iceConnectionState === 'connected') {
      this.setIceState('disconnected');
    }
  }

  hasCandidatesFor(ufrag: string | undefined): boolean {
    return ufrag !== undefined && this.remoteUfragsWithCandidates.has(ufrag);
  }

  protected candidateAdded(ufrag: string): void {
    this.remoteUfragsWithCandidates.add(ufrag);
    this.world.scheduleEvaluate();
  }

  /** One host (or configured type) candidate for the generation, then the end of candidates. */
  protected gather(ufrag: string): void {
    this.world.later(() => {
      if (this.closed || this.gatheringStuck) return;
      const init: RTCIceCandidateInit = {
        candidate: `candidate:1 1 udp 2122260223 10.0.0.${this.number} 50000 typ ${this.localCandidateType}`,
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: ufrag,
      };
      this.fire('icecandidate', { candidate: { toJSON: () => init } });
      this.fire('icecandidate', { candidate: null });
    });
  }

  /** `close()`: no state events (per spec); our channels close silently, the peer's see a close. */
  protected closeTransport(): void {
    this.closed = true;
    this.iceConnectionState = 'closed';
    this.connectionState = 'closed';
    const peer = this.world.peerOf(this);
    for (const channel of this.channels.values()) {
      channel.abort();
      if (peer) this.world.later(() => peer.channels.get(channel.id)?.remoteClosed());
    }
    this.world.scheduleEvaluate();
  }

  /**
   * What libdatachannel does when the peer ends DTLS or aborts SCTP: the connection reports `closed` (with
   * events, unlike our own `close()`).
   */
  closeFromRemote(): void {
    if (this.closed) return;
    this.closeTransport();
    this.fire('iceconnectionstatechange', {});
    this.fire('connectionstatechange', {});
  }

  private setIceState(state: RTCIceConnectionState): void {
    if (this.closed || this.iceConnectionState === state) return;
    this.iceConnectionState = state;
    this.connectionState = state === 'checking' ? 'connecting' : (state as RTCPeerConnectionState);
    this.fire('iceconnectionstatechange', {});
    this.fire('connectionstatechange', {});
  }
}
