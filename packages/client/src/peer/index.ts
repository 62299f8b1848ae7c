export { type CandidateType, selectedCandidatePairType } from './candidate-stats.js';
export { type DecodedFrame, decodeControlFrame, type InvalidFrameReason } from './control-channel.js';
export {
  CONTROL_CHANNEL,
  type DataChannelSpec,
  FIRST_FILE_CHANNEL_ID,
  isFeatureChannelId,
  MAX_CHANNEL_ID,
} from './data-channels.js';
export { PeerMesh, type PeerMeshEvents, type PeerMeshOptions } from './peer-mesh.js';
export {
  CONNECT_TIMEOUT_MS,
  DISCONNECTED_GRACE_MS,
  MAX_ICE_RESTARTS,
  type PeerPairState,
  REBUILD_BACKOFF_BASE_MS,
  REBUILD_BACKOFF_MAX_MS,
  REBUILD_JITTER,
  rebuildDelay,
  type SessionStatus,
  sessionStatus,
} from './recovery-ladder.js';
export {
  browserPeerConnection,
  type CreatePeerConnection,
  type DataChannelEventMap,
  type DataChannelLike,
  type IceCandidateEventLike,
  type PeerConnectionEventMap,
  type PeerConnectionLike,
  type SessionDescriptionLike,
  type StatsReportLike,
  type TrackEventLike,
} from './rtc-types.js';
export { type DtlsFingerprint, parseFingerprints, primaryFingerprint } from './sdp.js';
