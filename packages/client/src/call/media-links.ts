import type { StatsReportLike } from '../peer/rtc-types.js';
import type { Logger } from '../util/seams.js';
import type { CallTransport, RemoteTracks } from './call-api.js';

/** Our two send-only transceivers on one peer's connection, and what we last put on them. */
interface PeerLink {
  readonly audio: RTCRtpTransceiver;
  readonly video: RTCRtpTransceiver;
  sentAudio: MediaStreamTrack | null;
  sentVideo: MediaStreamTrack | null;
  maxBitrate: number | undefined;
}

interface RemoteTrack {
  readonly track: MediaStreamTrack;
  readonly receiver: RTCRtpReceiver;
}

/** Audio levels older than this are from before the peer muted: `getSynchronizationSources` keeps 10 s. */
const LEVEL_FRESH_MS = 1_000;

/**
 * The media side of a call, per peer and per connection. Each side adds its own two **send-only**
 * transceivers (audio, video) once per connection and keeps them for the connection's life; the other
 * side receives them as recv-only. Which track goes out is then only `RTCRtpSender.replaceTrack` — mute,
 * camera off/on, switching camera or microphone, sharing the screen, even the next call — and never a new
 * offer/answer. A rebuilt connection (`sessionReplaced`) starts over with fresh transceivers.
 */
export class MediaLinks {
  private readonly links = new Map<string, PeerLink>();
  private readonly remote = new Map<string, { audio?: RemoteTrack; video?: RemoteTrack }>();
  private stream: MediaStream | undefined;

  constructor(
    private readonly transport: CallTransport,
    private readonly createStream: (() => MediaStream) | undefined,
    private readonly logger: Logger,
    private readonly onRemote: (peerId: string, tracks: RemoteTracks) => void,
  ) {}

  has(peerId: string): boolean {
    return this.links.has(peerId);
  }

  /** Peers we hold transceivers with (on their live connection). */
  peers(): string[] {
    return [...this.links.keys()];
  }

  /** Adds the transceivers on the live connection (opening one if needed); false when that failed. */
  ensure(peerId: string, maxBitrate: number): boolean {
    if (this.links.has(peerId)) return true;
    let link = this.create(peerId, maxBitrate);
    if (!link) {
      // `connect` reports the new session synchronously, and `sessionReplaced` → the owner calls us again.
      this.transport.connect(peerId);
      if (this.links.has(peerId)) return true;
      link = this.create(peerId, maxBitrate);
    }
    if (link) this.links.set(peerId, link);
    return link !== undefined;
  }

  /** The peer's connection was rebuilt (or closed): its transceivers and remote tracks died with it. */
  sessionReplaced(peerId: string): void {
    this.links.delete(peerId);
    if (this.remote.delete(peerId)) this.onRemote(peerId, { audio: undefined, video: undefined });
  }

  /** A remote track arrived (the peer's send-only transceiver, received on our side). */
  handleTrack(peerId: string, track: MediaStreamTrack, receiver: RTCRtpReceiver): void {
    if (track.kind !== 'audio' && track.kind !== 'video') return;
    const side = { ...this.remote.get(peerId), [track.kind]: { track, receiver } };
    this.remote.set(peerId, side);
    this.onRemote(peerId, this.remoteTracks(peerId));
  }

  remoteTracks(peerId: string): RemoteTracks {
    const side = this.remote.get(peerId);
    return { audio: side?.audio?.track, video: side?.video?.track };
  }

  /** Puts these tracks on the peer's senders (null: send nothing); only what changed is replaced. */
  send(peerId: string, audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void {
    const link = this.links.get(peerId);
    if (!link) return;
    if (link.sentAudio !== audio) {
      link.sentAudio = audio;
      this.replace(peerId, link.audio.sender, audio);
    }
    if (link.sentVideo !== video) {
      link.sentVideo = video;
      this.replace(peerId, link.video.sender, video);
    }
  }

  /** Caps the video sender (bits per second) without renegotiating (`setParameters`). */
  capVideo(peerId: string, maxBitrate: number): void {
    const link = this.links.get(peerId);
    if (!link || link.maxBitrate === maxBitrate) return;
    link.maxBitrate = maxBitrate;
    const sender = link.video.sender;
    try {
      const params = sender.getParameters();
      const first = params.encodings[0];
      if (!first) return; // before negotiation in some browsers: the init's sendEncodings still apply
      first.maxBitrate = maxBitrate;
      sender.setParameters(params).catch((error: unknown) => {
        this.logger.warn('setParameters refused', { peerId, error: String(error) });
      });
    } catch (error) {
      this.logger.warn('bitrate cap failed', { peerId, error: String(error) });
    }
  }

  /**
   * Makes the video encoder start over with a key frame: pausing and resuming the encoding does that in
   * Chromium at once (measured: `keyFramesEncoded` +1 within 300 ms), where WebRTC 1.0 has no direct call.
   */
  refreshVideo(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link?.sentVideo) return;
    const sender = link.video.sender;
    const setActive = async (active: boolean) => {
      const params = sender.getParameters();
      const first = params.encodings[0];
      if (!first) return;
      first.active = active;
      await sender.setParameters(params);
    };
    setActive(false)
      .then(() => setActive(true))
      .catch((error: unknown) =>
        this.logger.warn('key frame refresh failed', { peerId, error: String(error) }),
      );
  }

  /** The stats of our senders and the peer's receivers on this connection (several partial reports). */
  async reports(peerId: string): Promise<StatsReportLike[]> {
    const link = this.links.get(peerId);
    const side = this.remote.get(peerId);
    const sources: { getStats(): Promise<StatsReportLike> }[] = [];
    if (link) sources.push(link.audio.sender, link.video.sender);
    if (side?.audio) sources.push(side.audio.receiver);
    if (side?.video) sources.push(side.video.receiver);
    const settled = await Promise.allSettled(sources.map((s) => s.getStats()));
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /** The peer's current audio level (0–1), 0 when nothing recent arrived. */
  level(peerId: string, now: number): number {
    const receiver = this.remote.get(peerId)?.audio?.receiver;
    if (!receiver) return 0;
    let level = 0;
    for (const source of receiver.getSynchronizationSources()) {
      if (now - source.timestamp <= LEVEL_FRESH_MS) level = Math.max(level, source.audioLevel ?? 0);
    }
    return level;
  }

  /** The peer left the room: its connection is closed. */
  forget(peerId: string): void {
    this.sessionReplaced(peerId);
  }

  private create(peerId: string, maxBitrate: number): PeerLink | undefined {
    this.stream ??= this.createStream?.();
    const streams = this.stream ? [this.stream] : [];
    try {
      const audio = this.transport.addTransceiver(peerId, 'audio', { direction: 'sendonly', streams });
      if (!audio) return undefined;
      const video = this.transport.addTransceiver(peerId, 'video', {
        direction: 'sendonly',
        streams,
        sendEncodings: [{ maxBitrate }],
      });
      if (!video) return undefined;
      this.logger.info('call transceivers added', { peerId });
      return { audio, video, sentAudio: null, sentVideo: null, maxBitrate };
    } catch (error) {
      this.logger.warn('addTransceiver failed', { peerId, error: String(error) });
      return undefined;
    }
  }

  private replace(peerId: string, sender: RTCRtpSender, track: MediaStreamTrack | null): void {
    sender.replaceTrack(track).catch((error: unknown) => {
      this.logger.warn('replaceTrack failed', { peerId, error: String(error) });
    });
  }
}
