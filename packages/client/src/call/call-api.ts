import type { CallMessage } from '@kopru/protocol';
import type { Logger, Timers } from '../util/seams.js';
import type { CallState } from './call-state.js';
import type { CallStatsHistory } from './call-stats.js';
import type { LocalMediaState } from './local-media.js';
import type { MediaProblem } from './media-problems.js';

/**
 * What `CallManager` takes and gives: its options, the transport and media seams it is wired through,
 * its events, and the timing and size constants with why each was chosen.
 */

/**
 * A full mesh uploads one copy of each stream per other participant: at 6 people that is 5 video uploads,
 * which the per-sender cap (`videoBitrateFor`) squeezes to the 250 kbps floor within a 2.5 Mbps uplink.
 * Beyond that, video quality falls below usable on a typical home uplink, so the default stops there.
 */
export const DEFAULT_MAX_CALL_PARTICIPANTS = 6;

/** How long an invitation rings before it counts as unanswered (a phone's usual ring time). */
export const RING_TIMEOUT_MS = 30_000;

/**
 * The callee stops ringing on its own this much later than the caller gives up, in case the caller's
 * `call-cancel` never arrives (its tab closed); later than the caller so the normal path is the message.
 */
export const INCOMING_RING_GRACE_MS = 5_000;

/**
 * A participant whose presence left (its signaling dropped: a network change, a server restart) stays in
 * the call this long, shown as reconnecting. socket.io's reconnect backoff tops out at 5 s and a rejoin
 * takes well under a second on loopback, so 20 s covers a few attempts on a slow network.
 */
export const PARTICIPANT_RETURN_GRACE_MS = 20_000;

/** One sample a second over a minute: what the stats panel charts. */
export const STATS_INTERVAL_MS = 1_000;
export const STATS_HISTORY_LENGTH = 60;

/** Speaking indicators refresh five times a second: fast enough to follow speech, cheap on 2 cores. */
export const LEVEL_INTERVAL_MS = 200;

/** Calls messages held for a peer whose control channel is not open yet (an invite, a hang-up…). */
export const OUTBOX_MAX_PER_PEER = 32;

/** What the call layer needs from the peer mesh; the session wires it. Never a socket or a raw pc. */
export interface CallTransport {
  /** Writes to the peer's control channel; false when it is not open (the manager queues and retries). */
  send(peerId: string, message: CallMessage): boolean;
  /** Adds a transceiver to the live session with the peer; undefined when there is none yet. */
  addTransceiver(
    peerId: string,
    kind: 'audio' | 'video',
    init: RTCRtpTransceiverInit,
  ): RTCRtpTransceiver | undefined;
  /** Opens a session with the peer (its `session` event reaches `handleSession` synchronously). */
  connect(peerId: string): void;
}

/** The slice of `navigator.mediaDevices` calls use, injected so tests run without a browser. */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia(options?: DisplayMediaStreamOptions): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

export interface CallManagerOptions {
  selfPeerId: string;
  transport: CallTransport;
  /** `navigator.mediaDevices` in the browser. */
  mediaDevices: MediaDevicesLike;
  maxParticipants?: number;
  timers?: Timers;
  /** ms since the epoch (for audio level freshness and stats sample times). */
  now?: () => number;
  /** Call ids; `randomId` by default. */
  newId?: () => string;
  /**
   * Groups a sender's audio and camera (same msid), so the far side keeps them in sync; the screen goes in
   * a second stream, which is how the far side tells it from the camera.
   */
  createStream?: () => MediaStream;
  logger?: Logger;
}

/** The remote tracks of one peer (its sendonly transceivers, received on our side). */
export interface RemoteTracks {
  readonly audio: MediaStreamTrack | undefined;
  /** The camera. */
  readonly video: MediaStreamTrack | undefined;
  /** The shared screen (its own transceiver, so the camera keeps going beside it). */
  readonly screen: MediaStreamTrack | undefined;
}

export type CallEvents = {
  /** The call changed (phase, participants, ringing, their mute states, how it ended). */
  state: CallState;
  /** Our own tracks or their switches changed (mute, camera, screen, device). */
  'local-media': LocalMediaState;
  /** A peer's remote tracks arrived or were replaced (new connection). */
  'remote-media': { peerId: string; tracks: RemoteTracks };
  /** Audio level (0–1) per participant, for speaking indicators. */
  levels: ReadonlyMap<string, number>;
  /** A new stats sample for one participant. */
  stats: { peerId: string; history: CallStatsHistory };
  /** A device could not be used; the call continues with what is available. */
  'media-problem': MediaProblem;
  /** An invitation started ringing here (for the ring tone and a desktop notification). */
  ringing: { callId: string; from: string };
};
