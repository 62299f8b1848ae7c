export {
  VIDEO_MAX_BITRATE_BPS,
  VIDEO_MIN_BITRATE_BPS,
  VIDEO_UPLINK_BUDGET_BPS,
  videoBitrateFor,
} from './bitrate.js';
export {
  type CallEvents,
  type CallManagerOptions,
  type CallTransport,
  DEFAULT_MAX_CALL_PARTICIPANTS,
  INCOMING_RING_GRACE_MS,
  type MediaDevicesLike,
  PARTICIPANT_RETURN_GRACE_MS,
  type RemoteTracks,
  RING_TIMEOUT_MS,
  STATS_HISTORY_LENGTH,
  STATS_INTERVAL_MS,
} from './call-api.js';
export { CALL_ERROR_CODES, CallError, type CallErrorCode } from './call-errors.js';
export { CallManager } from './call-manager.js';
export {
  type CallAction,
  type CallEnded,
  type CallEndReason,
  type CallNotice,
  type CallState,
  IDLE,
  type InCallState,
  involvedPeers,
  isInCall,
  type Participant,
  type ParticipantMedia,
  reduceCall,
  type Transition,
} from './call-state.js';
export {
  type CallStatsHistory,
  type CallStatsSnapshot,
  type ConnectionQuality,
  connectionQuality,
  EMPTY_STATS,
  QUALITY_LIMITS,
  reduceStats,
  type StatsSample,
  type StatsSeriesName,
  type VideoFormat,
} from './call-stats.js';
export {
  type DeviceLists,
  type LocalMediaState,
  outgoingAudio,
  outgoingScreen,
  outgoingVideo,
} from './local-media.js';
export {
  MEDIA_PROBLEM_CODES,
  type MediaProblem,
  type MediaProblemCode,
  type MediaSource,
} from './media-problems.js';
