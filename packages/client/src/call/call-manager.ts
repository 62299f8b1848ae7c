import { type CallMedia, type CallMessage, randomId } from '@kopru/protocol';
import { consoleLogger, type Logger, systemTimers, type Timers } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { videoBitrateFor } from './bitrate.js';
import {
  type CallEvents,
  type CallManagerOptions,
  DEFAULT_MAX_CALL_PARTICIPANTS,
  type RemoteTracks,
} from './call-api.js';
import { CallError } from './call-errors.js';
import { CallMonitor } from './call-monitor.js';
import { CallOutbox } from './call-outbox.js';
import {
  type CallAction,
  type CallState,
  IDLE,
  involvedPeers,
  isInCall,
  type ParticipantMedia,
  reduceCall,
} from './call-state.js';
import type { CallStatsHistory } from './call-stats.js';
import { CallTimers } from './call-timers.js';
import {
  type DeviceLists,
  LocalMedia,
  type LocalMediaState,
  outgoingAudio,
  outgoingScreen,
  outgoingVideo,
} from './local-media.js';
import { MediaLinks } from './media-links.js';

/**
 * Voice and video calls, 1:1 and small full-mesh groups, over the peers' existing connections. Input
 * arrives through the commands and `handle*()`, output leaves through the transport seam and typed
 * events. The call itself is the pure reducer in `call-state.ts`; after each step this reconciles timers,
 * transceivers, local devices and stats sampling with the new state.
 */
export class CallManager extends TypedEmitter<CallEvents> {
  private current: CallState = IDLE;
  private readonly local: LocalMedia;
  private readonly links: MediaLinks;
  private readonly outbox: CallOutbox;
  private readonly monitor: CallMonitor;
  private readonly callTimers: CallTimers;
  /** What we last told each participant we send (so changes go out once). */
  private readonly announced = new Map<string, string>();
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly maxParticipants: number;
  private closed = false;

  constructor(private readonly opts: CallManagerOptions) {
    const logger = opts.logger ?? consoleLogger('call');
    super((error) => logger.error('call listener threw', { error: String(error) }));
    this.logger = logger;
    this.timers = opts.timers ?? systemTimers;
    this.maxParticipants = opts.maxParticipants ?? DEFAULT_MAX_CALL_PARTICIPANTS;
    this.local = new LocalMedia(opts.mediaDevices, logger);
    this.links = new MediaLinks(opts.transport, opts.createStream, logger, (peerId, tracks) =>
      this.emit('remote-media', { peerId, tracks }),
    );
    this.callTimers = new CallTimers(this.timers, {
      ringTimeout: (peerId) => this.dispatch({ type: 'ring-timeout', peerId }),
      gone: (peerId) => this.dispatch({ type: 'peer-gone', peerId }),
    });
    this.outbox = new CallOutbox((peerId, message) => opts.transport.send(peerId, message));
    const now = opts.now ?? Date.now;
    this.monitor = new CallMonitor({
      links: this.links,
      timers: this.timers,
      now,
      participants: () => (isInCall(this.current) ? [...this.current.participants.keys()] : []),
      onStats: (peerId, history) => this.emit('stats', { peerId, history }),
      onLevels: (levels) => this.emit('levels', levels),
      onFeedbackResumed: (peerId) => {
        this.logger.info('video feedback resumed after an outage: sending a key frame', { peerId });
        this.links.refreshVideo(peerId);
      },
    });
    this.local.on('change', (state) => {
      this.syncSenders();
      this.announceMedia();
      this.emit('local-media', state);
    });
    this.local.on('problem', (problem) => this.emit('media-problem', problem));
  }

  get state(): CallState {
    return this.current;
  }

  get maxCallParticipants(): number {
    return this.maxParticipants;
  }

  get localMedia(): LocalMediaState {
    return this.local.state;
  }

  remoteTracks(peerId: string): RemoteTracks {
    return this.links.remoteTracks(peerId);
  }

  statsOf(peerId: string): CallStatsHistory | undefined {
    return this.monitor.history(peerId);
  }

  listDevices(): Promise<DeviceLists> {
    return this.local.listDevices();
  }

  /** Rings `peerIds` (one person, or a group). Throws a `CallError` when that cannot start. */
  start(peerIds: readonly string[], media: CallMedia): void {
    if (this.current.phase !== 'idle') throw new CallError('BUSY', 'already in a call');
    const invitees = this.checkInvitees(peerIds, 0);
    this.dispatch({ type: 'start', callId: this.opts.newId?.() ?? randomId(), media, invitees });
    void this.local.acquire(media);
  }

  /** Adds people to the running call. */
  invite(peerIds: readonly string[]): void {
    const state = this.current;
    if (!isInCall(state)) throw new CallError('NOT_IN_CALL', 'no call to add people to');
    const fresh = peerIds.filter((p) => !state.participants.has(p) && !state.ringing.has(p));
    this.dispatch({
      type: 'invite',
      invitees: this.checkInvitees(fresh, state.participants.size + state.ringing.size),
    });
  }

  accept(): void {
    const state = this.current;
    if (state.phase !== 'incoming') return;
    this.dispatch({ type: 'accept' });
    void this.local.acquire(state.media);
  }

  decline(): void {
    this.dispatch({ type: 'decline' });
  }

  /** Leaves the call (or cancels it while it rings, or declines an incoming one). */
  hangup(): void {
    this.dispatch({ type: 'hangup' });
  }

  /** Clears the "call ended" summary. */
  dismiss(): void {
    this.dispatch({ type: 'dismiss' });
  }

  setMicrophoneMuted(muted: boolean): Promise<void> {
    return this.local.setMicrophoneMuted(muted);
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.local.setCameraOn(on);
  }

  switchCamera(): Promise<boolean> {
    return this.local.switchCamera();
  }

  selectCamera(deviceId: string): Promise<void> {
    return this.local.selectCamera(deviceId);
  }

  selectMicrophone(deviceId: string): Promise<void> {
    return this.local.selectMicrophone(deviceId);
  }

  startScreenShare(): Promise<void> {
    return this.local.startScreenShare();
  }

  stopScreenShare(): void {
    this.local.stopScreenShare();
  }

  /** A validated call frame from a peer's control channel. */
  handleMessage(from: string, message: CallMessage): void {
    if (this.closed || from === this.opts.selfPeerId) return;
    this.dispatch({ type: 'received', from, message, maxParticipants: this.maxParticipants });
  }

  handleControlOpen(peerId: string): void {
    if (this.closed) return;
    this.outbox.flush(peerId);
    this.announced.delete(peerId); // a new channel: tell the peer our media state again
    this.announceMedia();
  }

  /**
   * The mesh built a new connection with the peer: transceivers and remote tracks start over on it. They
   * are added at once, call or not, so they ride the connection's first negotiation: a call later needs
   * no offer/answer at all, only `replaceTrack` (measured: the two negotiations a call otherwise starts,
   * which also collide when both sides add media at once, took 200–400 ms of press-to-first-frame).
   * Idle send-only transceivers send no RTP.
   */
  handleSession(peerId: string): void {
    if (this.closed) return;
    this.links.sessionReplaced(peerId);
    this.monitor.reset(peerId);
    this.links.ensure(peerId, this.bitrateCap());
    this.syncSenders();
  }

  handleTrack(
    peerId: string,
    track: MediaStreamTrack,
    receiver: RTCRtpReceiver,
    streams: readonly MediaStream[] = [],
  ): void {
    if (!this.closed) this.links.handleTrack(peerId, track, receiver, streams);
  }

  handlePeerJoined(peerId: string): void {
    if (!this.closed) this.dispatch({ type: 'peer-back', peerId });
  }

  /** The peer's presence left. A participant gets a grace period (it may come back); others are gone. */
  handlePeerLeft(peerId: string): void {
    if (this.closed) return;
    this.links.forget(peerId);
    const state = this.current;
    const participant = isInCall(state) && state.participants.has(peerId);
    this.dispatch({ type: participant ? 'peer-away' : 'peer-gone', peerId });
  }

  /** Hangs up if in a call, stops every device and timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.dispatch({ type: 'hangup' });
    this.closed = true;
    this.local.release();
    this.monitor.stop();
    this.callTimers.clear();
    this.removeAllListeners();
  }

  private checkInvitees(peerIds: readonly string[], alreadyInvolved: number): string[] {
    const invitees = [...new Set(peerIds)].filter((p) => p !== this.opts.selfPeerId);
    if (invitees.length === 0) throw new CallError('NO_PEERS', 'nobody to call');
    if (alreadyInvolved + invitees.length + 1 > this.maxParticipants) {
      throw new CallError('CALL_FULL', `calls hold up to ${this.maxParticipants} people`);
    }
    return invitees;
  }

  private dispatch(action: CallAction): void {
    if (this.closed) return;
    const previous = this.current;
    const { state, send } = reduceCall(previous, action);
    if (state === previous && send.length === 0) return;
    this.current = state;
    for (const { to, message } of send) this.outbox.deliver(to, message);
    if (state !== previous) {
      this.logger.info('call state', { action: action.type, phase: state.phase });
      this.reconcile(previous, state);
      this.emit('state', state);
    }
  }

  private reconcile(previous: CallState, next: CallState): void {
    this.callTimers.follow(next);
    const callId = next.phase === 'idle' ? undefined : next.callId;
    this.outbox.dropStale(callId);
    if (next.phase === 'idle') {
      this.local.release();
      this.monitor.stop();
      this.announced.clear();
      this.syncSenders();
      return;
    }
    for (const peerId of involvedPeers(next)) this.links.ensure(peerId, this.bitrateCap());
    this.syncSenders();
    this.announceMedia();
    if (next.phase === 'active') this.monitor.start();
    const previousId = previous.phase === 'idle' ? undefined : previous.callId;
    if (next.phase === 'incoming' && (previous.phase !== 'incoming' || previousId !== next.callId)) {
      this.emit('ringing', { callId: next.callId, from: next.from });
    }
  }

  /** Participants get our outgoing tracks (capped for their number); everyone else gets nothing. */
  private syncSenders(): void {
    const state = this.current;
    const media = this.local.state;
    const receivers = isInCall(state) ? state.participants : new Map();
    const cap = this.bitrateCap();
    for (const peerId of this.links.peers()) {
      const inCall = receivers.has(peerId);
      this.links.send(peerId, {
        audio: inCall ? outgoingAudio(media) : null,
        video: inCall ? outgoingVideo(media) : null,
        screen: inCall ? outgoingScreen(media) : null,
      });
      if (inCall) this.links.capVideo(peerId, cap);
    }
  }

  private bitrateCap(): number {
    const state = this.current;
    return videoBitrateFor(isInCall(state) ? Math.max(1, state.participants.size) : 1);
  }

  /** Tells each participant what we send, when it changed since we last told them. */
  private announceMedia(): void {
    const state = this.current;
    if (!isInCall(state)) return;
    const media = this.local.state;
    const flags: ParticipantMedia = {
      microphone: outgoingAudio(media) !== null,
      camera: outgoingVideo(media) !== null,
      screen: outgoingScreen(media) !== null,
    };
    const key = `${state.callId}:${flags.microphone}:${flags.camera}:${flags.screen}`;
    for (const peerId of state.participants.keys()) {
      if (this.announced.get(peerId) === key) continue;
      this.announced.set(peerId, key);
      this.outbox.deliver(peerId, { type: 'call-media', callId: state.callId, ...flags });
    }
  }
}
