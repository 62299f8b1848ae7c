import type {
  CreatePeerConnection,
  DataChannelLike,
  Logger,
  PeerConnectionEventMap,
  PeerConnectionLike,
  SessionDescriptionLike,
  StatsReportLike,
} from '@kopru/client';
import { cleanup, type DescriptionType, PeerConnection, type RtcConfig } from 'node-datachannel';
import { RTCDataChannel } from 'node-datachannel/polyfill';
import type { DtlsIdentity } from './identity.js';

type NativePeerConnection = PeerConnection;
type Listener<K extends keyof PeerConnectionEventMap> = (event: PeerConnectionEventMap[K]) => void;

/**
 * libdatachannel's default local `max-message-size` (256 KiB, like Chromium's), announced in our SDP; the
 * usable size is the smaller of both sides' (`maxMessageSize()` once the remote description is set).
 */
const LOCAL_MAX_MESSAGE_SIZE = 256 * 1024;

/** Köprü's ICE servers (browser shape) in libdatachannel's: TURN usernames hold a `:`, so never in a URL. */
export function nativeIceServers(servers: readonly RTCIceServer[]): RtcConfig['iceServers'] {
  const out: RtcConfig['iceServers'] = [];
  for (const server of servers) {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    for (const url of urls) {
      const match = /^(stuns?|turns?):([^:?]+|\[[^\]]+\])(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url);
      if (!match) continue;
      const [, scheme = '', hostname = '', port, transport] = match;
      if (scheme.startsWith('stun')) {
        out.push(`stun:${hostname}:${port ?? '3478'}`);
        continue;
      }
      if (typeof server.username !== 'string' || typeof server.credential !== 'string') continue;
      out.push({
        hostname: hostname.replace(/^\[|\]$/g, ''),
        port: Number(port ?? (scheme === 'turns' ? 5349 : 3478)),
        username: server.username,
        password: server.credential,
        relayType: scheme === 'turns' ? 'TurnTls' : transport === 'tcp' ? 'TurnTcp' : 'TurnUdp',
      });
    }
  }
  return out;
}

/**
 * The RTCPeerConnection the client core expects (`PeerConnectionLike`), on libdatachannel's native
 * `PeerConnection`. node-datachannel's own polyfill is used for the DataChannels, but not for the
 * connection: its `setLocalDescription()` ignores a call without a type and has no rollback, and it
 * negotiates on its own, so perfect negotiation (`perfect-negotiation.ts`) could not drive it. Here
 * automatic negotiation is off and `setLocalDescription()` makes the offer or answer the state calls for,
 * as in a browser. What libdatachannel cannot do: `restartIce` (the recovery ladder then rebuilds the
 * connection) and changing ICE servers on a live connection (new ones apply to the next connection).
 */
export class NodePeerConnection implements PeerConnectionLike {
  private readonly native: NativePeerConnection;
  private readonly listeners = new Map<keyof PeerConnectionEventMap, Set<(event: never) => void>>();
  private readonly channels = new Set<DataChannelLike>();
  private pendingDescription: ((description: SessionDescriptionLike) => void) | undefined;
  private negotiationAnnounced = false;
  private isClosed = false;
  /** Relay-only and libjuice selected a pair that is not relay on both ends: the connection is refused. */
  private refused = false;
  private readonly relayOnly: boolean;

  constructor(
    configuration: RTCConfiguration,
    private readonly logger: Logger,
    identity?: DtlsIdentity,
    private readonly onRefused?: (why: string) => void,
  ) {
    this.relayOnly = configuration.iceTransportPolicy === 'relay';
    this.native = new PeerConnection('kopru', {
      iceServers: nativeIceServers(configuration.iceServers ?? []),
      iceTransportPolicy: configuration.iceTransportPolicy === 'relay' ? 'relay' : 'all',
      disableAutoNegotiation: true,
      maxMessageSize: LOCAL_MAX_MESSAGE_SIZE,
      ...(identity ?? {}),
    });
    this.native.onLocalDescription((sdp, type) => {
      const resolve = this.pendingDescription;
      this.pendingDescription = undefined;
      resolve?.({ type: type as RTCSdpType, sdp });
    });
    this.native.onLocalCandidate((candidate, mid) => {
      if (this.relayOnly && !RELAY_CANDIDATE.test(candidate)) return;
      const init: RTCIceCandidateInit = { candidate, sdpMid: mid, sdpMLineIndex: 0 };
      this.dispatch('icecandidate', { candidate: { toJSON: () => init } });
    });
    this.native.onGatheringStateChange((state) => {
      if (state === 'complete') this.dispatch('icecandidate', { candidate: null });
    });
    this.native.onStateChange((state) => {
      if (state === 'connected') this.enforceRelay();
      this.dispatch('connectionstatechange', {});
    });
    this.native.onIceStateChange(() => this.dispatch('iceconnectionstatechange', {}));
    this.native.onSignalingStateChange(() => this.dispatch('signalingstatechange', {}));
  }

  get signalingState(): RTCSignalingState {
    return this.isClosed ? 'closed' : this.native.signalingState();
  }

  get iceConnectionState(): RTCIceConnectionState {
    if (this.refused) return 'failed';
    if (this.isClosed) return 'closed';
    const state = this.native.iceState();
    return state === 'completed' ? 'connected' : state;
  }

  get connectionState(): RTCPeerConnectionState {
    if (this.refused) return 'failed';
    return this.isClosed ? 'closed' : this.native.state();
  }

  get localDescription(): SessionDescriptionLike | null {
    return this.ownDescription(this.native.localDescription());
  }

  get remoteDescription(): SessionDescriptionLike | null {
    return this.description(this.native.remoteDescription());
  }

  get sctp(): { readonly maxMessageSize: number } | null {
    if (this.isClosed || !this.native.remoteDescription()) return null;
    return { maxMessageSize: this.native.maxMessageSize() };
  }

  async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
    if (description?.type === 'rollback') {
      this.native.setLocalDescription('rollback');
      return;
    }
    const made = new Promise<SessionDescriptionLike>((resolve) => {
      this.pendingDescription = resolve;
    });
    // Without a type, what the state calls for (as a browser does): an answer to a remote offer, else an offer.
    const type: DescriptionType =
      (description?.type as DescriptionType | undefined) ??
      (this.native.signalingState() === 'have-remote-offer' ? 'answer' : 'offer');
    this.native.setLocalDescription(type);
    await made;
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (!description.sdp) throw new Error('remote description without SDP');
    // A browser rolls back its own offer when the peer's arrives (perfect negotiation's polite side relies
    // on it); libdatachannel needs it said.
    if (description.type === 'offer' && this.native.signalingState() === 'have-local-offer') {
      this.native.setLocalDescription('rollback');
    }
    this.native.setRemoteDescription(
      this.relayOnly ? relayCandidatesOnly(description.sdp) : description.sdp,
      description.type as DescriptionType,
    );
  }

  async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    // An empty candidate (end of candidates) needs nothing: libdatachannel keeps checking what it has.
    if (!candidate?.candidate) return;
    // Relay-only: the peer's direct addresses are never paired with (see `enforceRelay`).
    if (this.relayOnly && !RELAY_CANDIDATE.test(candidate.candidate)) return;
    this.native.addRemoteCandidate(candidate.candidate, candidate.sdpMid ?? '0');
  }

  restartIce(): void {
    this.logger.info('ICE restart is not supported by libdatachannel; the recovery ladder will rebuild');
  }

  setConfiguration(_configuration: RTCConfiguration): void {
    // libdatachannel fixes ICE servers at construction; fresh TURN credentials reach the next connection.
  }

  createDataChannel(label: string, init: RTCDataChannelInit): DataChannelLike {
    const native = this.native.createDataChannel(label, {
      negotiated: init.negotiated ?? false,
      ...(init.id === undefined ? {} : { id: init.id }),
      unordered: init.ordered === false,
      ...(init.maxRetransmits === undefined ? {} : { maxRetransmits: init.maxRetransmits }),
      ...(init.maxPacketLifeTime === undefined ? {} : { maxPacketLifeTime: init.maxPacketLifeTime }),
    });
    // As in a browser, the first channel of a connection without a description needs a negotiation.
    if (!this.negotiationAnnounced && !this.native.localDescription()) {
      this.negotiationAnnounced = true;
      queueMicrotask(() => {
        if (!this.isClosed) this.dispatch('negotiationneeded', {});
      });
    }
    const channel = new RTCDataChannel(native, init) as unknown as DataChannelLike;
    this.channels.add(channel);
    return channel;
  }

  addTransceiver(): RTCRtpTransceiver {
    throw new Error('media is not available on the command line');
  }

  async getStats(): Promise<StatsReportLike> {
    const report = new Map<string, unknown>();
    if (!this.isClosed) this.enforceRelay(); // libjuice may switch pairs after `connected`
    const pair = this.isClosed ? null : this.native.getSelectedCandidatePair();
    if (!pair) return report;
    this.logger.debug('selected candidate pair', {
      local: pair.local.candidate,
      remote: pair.remote.candidate,
    });
    report.set('local', { type: 'local-candidate', candidateType: pair.local.type });
    report.set('remote', { type: 'remote-candidate', candidateType: pair.remote.type });
    report.set('pair', {
      type: 'candidate-pair',
      localCandidateId: 'local',
      remoteCandidateId: 'remote',
      bytesSent: this.native.bytesSent(),
      bytesReceived: this.native.bytesReceived(),
    });
    report.set('transport', { type: 'transport', selectedCandidatePairId: 'pair' });
    return report;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // A browser's channels report `close` when their connection closes (the session and the transfers
    // learn the link is down from it); libdatachannel's do only when closed themselves, so close them first.
    for (const channel of this.channels) channel.close();
    this.native.close();
    this.dispatch('connectionstatechange', {});
  }

  addEventListener<K extends keyof PeerConnectionEventMap>(type: K, listener: Listener<K>): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: never) => void);
    this.listeners.set(type, set);
  }

  private dispatch<K extends keyof PeerConnectionEventMap>(type: K, event: PeerConnectionEventMap[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        this.logger.error('peer connection listener threw', { type, error: String(error) });
      }
    }
  }

  /**
   * Relay-only, strictly. libjuice (libdatachannel's ICE agent) has no relay policy of its own
   * (libdatachannel issue #1587, libjuice issue #345): it only stops announcing non-relay candidates, and
   * still pairs its host socket with every remote candidate. So the peer's non-relay candidates are never
   * given to it (`addIceCandidate`, `setRemoteDescription`), which leaves host → peer's relay as the only
   * other pair; a TURN server drops those checks unless our address happens to be one it has a permission
   * for (the peer's relay address itself: on loopback, or a TURN server on this very machine). If the pair
   * libjuice selects is still not relay on both ends, the connection is refused (it reports `failed`, the
   * recovery ladder builds a new one) and the user is told why.
   */
  private enforceRelay(): void {
    if (!this.relayOnly || this.refused || this.isClosed) return;
    const pair = this.native.getSelectedCandidatePair();
    if (!pair || (pair.local.type === 'relay' && pair.remote.type === 'relay')) return;
    const why = `the connection took a ${pair.local.type} ↔ ${pair.remote.type} path instead of relay ↔ relay`;
    this.logger.warn('relay-only: refused a connection', {
      local: pair.local.candidate,
      remote: pair.remote.candidate,
    });
    this.refused = true;
    for (const channel of this.channels) channel.close();
    this.native.close();
    this.onRefused?.(why);
    queueMicrotask(() => {
      this.dispatch('iceconnectionstatechange', {});
      this.dispatch('connectionstatechange', {});
    });
  }

  private description(value: { type: string; sdp: string } | null): SessionDescriptionLike | null {
    if (this.isClosed || !value) return null;
    return { type: value.type as RTCSdpType, sdp: value.sdp };
  }

  /**
   * Relay-only: libdatachannel puts the host candidates it has gathered so far into the SDP it makes,
   * whatever the policy; a relay-only peer must never hand those out, so they are cut here.
   */
  private ownDescription(value: { type: string; sdp: string } | null): SessionDescriptionLike | null {
    const description = this.description(value);
    if (!description || !this.relayOnly) return description;
    return { type: description.type, sdp: relayCandidatesOnly(description.sdp) };
  }
}

const RELAY_CANDIDATE = / typ relay\b/;

/** An SDP without its non-relay `a=candidate` lines. */
function relayCandidatesOnly(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((line) => !line.startsWith('a=candidate:') || RELAY_CANDIDATE.test(line))
    .join(eol);
}

/** The client core's `createPeerConnection` seam, on node-datachannel, with our long-lived certificate. */
export function nodePeerConnection(
  logger: Logger,
  identity?: DtlsIdentity,
  onRefused?: (why: string) => void,
): CreatePeerConnection {
  return (configuration) => new NodePeerConnection(configuration, logger, identity, onRefused);
}

/** Lets the process exit: libdatachannel's threads otherwise keep it alive. */
export function releaseNodeDataChannel(): void {
  cleanup();
}
