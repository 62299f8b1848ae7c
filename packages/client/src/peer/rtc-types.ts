/**
 * The slice of WebRTC this layer uses, declared minimally so tests can drive it with small fakes
 * (simple-peer's `opts.wrtc` idea). The browser's `RTCPeerConnection` satisfies these interfaces as is.
 */

/** What `icecandidate` carries: a browser `RTCIceCandidate` (only `toJSON` is used), or null at the end. */
export interface IceCandidateEventLike {
  readonly candidate: { toJSON(): RTCIceCandidateInit } | null;
}

export interface TrackEventLike {
  readonly track: MediaStreamTrack;
  readonly streams: readonly MediaStream[];
  readonly transceiver: RTCRtpTransceiver;
}

export interface PeerConnectionEventMap {
  negotiationneeded: unknown;
  icecandidate: IceCandidateEventLike;
  iceconnectionstatechange: unknown;
  connectionstatechange: unknown;
  signalingstatechange: unknown;
  track: TrackEventLike;
}

export interface MessageEventLike {
  readonly data: unknown;
}

export interface DataChannelEventMap {
  open: unknown;
  close: unknown;
  error: unknown;
  message: MessageEventLike;
  /** `bufferedAmount` fell to `bufferedAmountLowThreshold` (senders pace on it). */
  bufferedamountlow: unknown;
}

export interface DataChannelLike {
  readonly id: number | null;
  readonly label: string;
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: BinaryType;
  send(data: string): void;
  send(data: ArrayBuffer): void;
  close(): void;
  addEventListener<K extends keyof DataChannelEventMap>(
    type: K,
    listener: (event: DataChannelEventMap[K]) => void,
  ): void;
}

export interface SessionDescriptionLike {
  readonly type: RTCSdpType;
  readonly sdp: string;
}

export interface StatsReportLike {
  forEach(callback: (value: unknown, key: string) => void): void;
}

export interface PeerConnectionLike {
  readonly signalingState: RTCSignalingState;
  readonly iceConnectionState: RTCIceConnectionState;
  readonly connectionState: RTCPeerConnectionState;
  readonly localDescription: SessionDescriptionLike | null;
  readonly remoteDescription: SessionDescriptionLike | null;
  /** The SCTP transport once negotiated; its `maxMessageSize` bounds one DataChannel message. */
  readonly sctp?: { readonly maxMessageSize: number } | null;
  /** Without an argument: the offer or answer the signaling state calls for (perfect negotiation). */
  setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void>;
  restartIce(): void;
  setConfiguration(configuration: RTCConfiguration): void;
  createDataChannel(label: string, init: RTCDataChannelInit): DataChannelLike;
  addTransceiver(trackOrKind: MediaStreamTrack | string, init?: RTCRtpTransceiverInit): RTCRtpTransceiver;
  getStats(): Promise<StatsReportLike>;
  close(): void;
  addEventListener<K extends keyof PeerConnectionEventMap>(
    type: K,
    listener: (event: PeerConnectionEventMap[K]) => void,
  ): void;
}

/** Builds one connection; the default is `new RTCPeerConnection(configuration)`. */
export type CreatePeerConnection = (configuration: RTCConfiguration) => PeerConnectionLike;

export const browserPeerConnection: CreatePeerConnection = (configuration) =>
  new RTCPeerConnection(configuration);
