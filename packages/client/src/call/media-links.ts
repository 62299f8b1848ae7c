import type { StatsReportLike } from '../peer/rtc-types.js';
import type { Logger } from '../util/seams.js';
import type { CallTransport, RemoteTracks } from './call-api.js';

type Outgoing = 'audio' | 'video' | 'screen';

/** Our three send-only transceivers on one peer's connection, and what we last put on them. */
interface PeerLink {
  readonly senders: Readonly<Record<Outgoing, RTCRtpTransceiver>>;
  readonly sent: Record<Outgoing, MediaStreamTrack | null>;
  maxBitrate: number | undefined;
}

interface RemoteTrack {
  readonly track: MediaStreamTrack;
  readonly receiver: RTCRtpReceiver;
  /** The sender's stream (msid): the camera shares one with the audio, the screen has its own. */
  readonly streamId: string | undefined;
}

/** Audio levels older than this are from before the peer muted: `getSynchronizationSources` keeps 10 s. */
const LEVEL_FRESH_MS = 1_000;

/**
 * The media side of a call, per peer and per connection. Each side adds its own three **send-only**
 * transceivers (audio, camera, screen) once per connection and keeps them for the connection's life; the
 * other side receives them as recv-only. Which track goes out is then only `RTCRtpSender.replaceTrack` —
 * mute, camera off/on, switching camera or microphone, sharing the screen beside the camera, even the next
 * call — and never a new offer/answer. A rebuilt connection (`sessionReplaced`) starts over with fresh
 * transceivers.
 *
 * The far side tells the camera from the screen by stream: audio and camera go in one stream (one msid,
 * kept in sync), the screen in a second. No message names them, so a peer that sends its screen on the
 * camera's transceiver (one video sender) still shows, as the camera's track.
 */
export class MediaLinks {
  private readonly links = new Map<string, PeerLink>();
  private readonly remote = new Map<string, { audio?: RemoteTrack; videos: RemoteTrack[] }>();
  private stream: MediaStream | undefined;
  private screenStream: MediaStream | undefined;

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
    if (this.remote.delete(peerId)) {
      this.onRemote(peerId, { audio: undefined, video: undefined, screen: undefined });
    }
  }

  /** A remote track arrived (the peer's send-only transceiver, received on our side). */
  handleTrack(
    peerId: string,
    track: MediaStreamTrack,
    receiver: RTCRtpReceiver,
    streams: readonly MediaStream[] = [],
  ): void {
    if (track.kind !== 'audio' && track.kind !== 'video') return;
    const side = this.remote.get(peerId) ?? { videos: [] };
    const arrived: RemoteTrack = { track, receiver, streamId: streams[0]?.id };
    if (track.kind === 'audio') side.audio = arrived;
    else side.videos = [...side.videos.filter((v) => v.receiver !== receiver), arrived];
    this.remote.set(peerId, side);
    this.onRemote(peerId, this.remoteTracks(peerId));
  }

  remoteTracks(peerId: string): RemoteTracks {
    const side = this.remote.get(peerId);
    const { camera, screen } = cameraAndScreen(side?.videos ?? [], side?.audio?.streamId);
    return { audio: side?.audio?.track, video: camera?.track, screen: screen?.track };
  }

  /** Puts these tracks on the peer's senders (null: send nothing); only what changed is replaced. */
  send(peerId: string, tracks: Record<Outgoing, MediaStreamTrack | null>): void {
    const link = this.links.get(peerId);
    if (!link) return;
    for (const kind of ['audio', 'video', 'screen'] as const) {
      if (link.sent[kind] === tracks[kind]) continue;
      link.sent[kind] = tracks[kind];
      this.replace(peerId, link.senders[kind].sender, tracks[kind]);
    }
  }

  /**
   * Caps the camera and screen senders (bits per second each) without renegotiating (`setParameters`).
   * Both at once only while the screen is shared, when the camera is a filmstrip tile on the far side.
   */
  capVideo(peerId: string, maxBitrate: number): void {
    const link = this.links.get(peerId);
    if (!link || link.maxBitrate === maxBitrate) return;
    link.maxBitrate = maxBitrate;
    for (const sender of [link.senders.video.sender, link.senders.screen.sender]) {
      try {
        const params = sender.getParameters();
        const first = params.encodings[0];
        if (!first) continue; // before negotiation in some browsers: the init's sendEncodings still apply
        first.maxBitrate = maxBitrate;
        sender.setParameters(params).catch((error: unknown) => {
          this.logger.warn('setParameters refused', { peerId, error: String(error) });
        });
      } catch (error) {
        this.logger.warn('bitrate cap failed', { peerId, error: String(error) });
      }
    }
  }

  /**
   * Makes the video encoder start over with a key frame: pausing and resuming the encoding does that in
   * Chromium at once (measured: `keyFramesEncoded` +1 within 300 ms), where WebRTC 1.0 has no direct call.
   */
  refreshVideo(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link?.sent.video) return;
    const sender = link.senders.video.sender;
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
    if (link) sources.push(link.senders.audio.sender, link.senders.video.sender, link.senders.screen.sender);
    if (side?.audio) sources.push(side.audio.receiver);
    for (const video of side?.videos ?? []) sources.push(video.receiver);
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
    this.screenStream ??= this.createStream?.();
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
      const screen = this.transport.addTransceiver(peerId, 'video', {
        direction: 'sendonly',
        streams: this.screenStream ? [this.screenStream] : [],
        sendEncodings: [{ maxBitrate }],
      });
      if (!screen) return undefined;
      this.logger.info('call transceivers added', { peerId });
      return {
        senders: { audio, video, screen },
        sent: { audio: null, video: null, screen: null },
        maxBitrate,
      };
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

/**
 * Which of a peer's video tracks is the camera and which the screen: the camera is in the audio's stream.
 * Before the audio is known (or from a sender without streams), the first video is the camera: a sender
 * adds its camera's transceiver before its screen's, and m-lines keep that order.
 */
function cameraAndScreen(
  videos: readonly RemoteTrack[],
  audioStreamId: string | undefined,
): { camera: RemoteTrack | undefined; screen: RemoteTrack | undefined } {
  const camera =
    (audioStreamId === undefined ? undefined : videos.find((v) => v.streamId === audioStreamId)) ?? videos[0];
  return { camera, screen: videos.find((v) => v !== camera) };
}
