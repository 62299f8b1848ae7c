import type { DataChannelLike, PeerConnectionLike } from './rtc-types.js';

/**
 * DataChannels are pre-negotiated (`negotiated: true`, fixed ids): both sides create the same channels on
 * every new RTCPeerConnection, so there is no `ondatachannel` race and no in-band open handshake. A channel
 * opens when the SCTP association is up and the other side created the same id.
 */
export interface DataChannelSpec {
  /** SCTP stream id; the same on both sides. */
  id: number;
  label: string;
  ordered: boolean;
  /** Partial reliability (at most one of the two); omit both for a reliable channel. */
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
}

/** JSON `PeerMessage` frames (chat, acks, typing; later file offers and call control): reliable, ordered. */
export const CONTROL_CHANNEL: DataChannelSpec = { id: 0, label: 'control', ordered: true };

/** File data gets its own channels, ids from here up, so a bulk transfer never delays a chat frame. */
export const FIRST_FILE_CHANNEL_ID = 1;

/** Chromium allots 1024 SCTP streams per association (`kMaxSctpStreams`); a higher id fails to open. */
export const MAX_CHANNEL_ID = 1023;

/** True for an id a feature may claim with `openDataChannel` (everything but the control channel). */
export function isFeatureChannelId(id: number): boolean {
  return Number.isInteger(id) && id >= FIRST_FILE_CHANNEL_ID && id <= MAX_CHANNEL_ID;
}

/** Creates one pre-negotiated channel; binary frames arrive as ArrayBuffer (not Blob) everywhere. */
export function openNegotiatedChannel(pc: PeerConnectionLike, spec: DataChannelSpec): DataChannelLike {
  const init: RTCDataChannelInit = { negotiated: true, id: spec.id, ordered: spec.ordered };
  if (spec.maxRetransmits !== undefined) init.maxRetransmits = spec.maxRetransmits;
  if (spec.maxPacketLifeTime !== undefined) init.maxPacketLifeTime = spec.maxPacketLifeTime;
  const channel = pc.createDataChannel(spec.label, init);
  channel.binaryType = 'arraybuffer';
  return channel;
}
