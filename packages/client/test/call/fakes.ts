import type { CallMessage } from '@kopru/protocol';
import type { CallManager, CallTransport, MediaDevicesLike } from '../../src/index.js';

/** A MediaStreamTrack stand-in: what the call layer reads and calls, and an `ended` it can dispatch. */
export class FakeTrack extends EventTarget {
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  contentHint = '';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
    readonly deviceId: string,
  ) {
    super();
  }
  stop(): void {
    this.readyState = 'ended';
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  /** What the browser does when the user presses its own "Stop sharing". */
  endFromBrowser(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

export const asTrack = (track: FakeTrack): MediaStreamTrack => track as unknown as MediaStreamTrack;

class FakeStream {
  constructor(private readonly tracks: FakeTrack[]) {}
  getTracks = () => this.tracks.map(asTrack);
  getAudioTracks = () => this.tracks.filter((t) => t.kind === 'audio').map(asTrack);
  getVideoTracks = () => this.tracks.filter((t) => t.kind === 'video').map(asTrack);
}

const domError = (name: string) => Object.assign(new Error(`${name} (fake)`), { name });

const device = (kind: MediaDeviceKind, deviceId: string, label: string): MediaDeviceInfo =>
  ({ kind, deviceId, label, groupId: deviceId, toJSON: () => ({}) }) as MediaDeviceInfo;

/** `navigator.mediaDevices` with two cameras, two microphones and a screen; failures can be switched on. */
export class FakeMediaDevices implements MediaDevicesLike {
  readonly opened: FakeTrack[] = [];
  failAudio: string | undefined;
  failVideo: string | undefined;
  failScreen: string | undefined;
  devices: MediaDeviceInfo[] = [
    device('audioinput', 'mic-1', 'Microphone 1'),
    device('audioinput', 'mic-2', 'Microphone 2'),
    device('videoinput', 'cam-1', 'Camera 1'),
    device('videoinput', 'cam-2', 'Camera 2'),
    device('audiooutput', 'spk-1', 'Speaker 1'),
  ];
  /** Resolves `getUserMedia` only when released (to test hang-up while a device is starting). */
  hold: Promise<void> | undefined;

  live(): FakeTrack[] {
    return this.opened.filter((t) => t.readyState === 'live');
  }

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    if (this.hold) await this.hold;
    const tracks: FakeTrack[] = [];
    if (constraints.audio) {
      if (this.failAudio) throw domError(this.failAudio);
      tracks.push(new FakeTrack('audio', 'mic', deviceIdOf(constraints.audio) ?? 'mic-1'));
    }
    if (constraints.video) {
      if (this.failVideo) throw domError(this.failVideo);
      tracks.push(new FakeTrack('video', 'camera', deviceIdOf(constraints.video) ?? 'cam-1'));
    }
    this.opened.push(...tracks);
    return new FakeStream(tracks) as unknown as MediaStream;
  }

  async getDisplayMedia(): Promise<MediaStream> {
    if (this.failScreen) throw domError(this.failScreen);
    const screen = new FakeTrack('video', 'screen', 'screen:0');
    this.opened.push(screen);
    return new FakeStream([screen]) as unknown as MediaStream;
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices;
  }
}

function deviceIdOf(constraint: boolean | MediaTrackConstraints): string | undefined {
  if (typeof constraint !== 'object') return undefined;
  const id = constraint.deviceId;
  return typeof id === 'object' && id !== null && 'exact' in id ? String(id.exact) : undefined;
}

/** An RTCRtpSender stand-in recording every replaceTrack and setParameters. */
export class FakeSender {
  track: MediaStreamTrack | null = null;
  readonly replaced: (MediaStreamTrack | null)[] = [];
  encodings: RTCRtpEncodingParameters[] = [{}];
  /** Every `setParameters`, in order. */
  readonly parameterLog: RTCRtpEncodingParameters[][] = [];
  /** What `getStats()` answers (e.g. the peer's receiver reports). */
  stats = new Map<string, unknown>();
  replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
    this.replaced.push(track);
    return Promise.resolve();
  }
  getParameters(): RTCRtpSendParameters {
    return { encodings: this.encodings.map((e) => ({ ...e })) } as RTCRtpSendParameters;
  }
  setParameters(params: RTCRtpSendParameters): Promise<void> {
    this.encodings = params.encodings;
    this.parameterLog.push(params.encodings.map((e) => ({ ...e })));
    return Promise.resolve();
  }
  getStats(): Promise<Map<string, unknown>> {
    return Promise.resolve(this.stats);
  }
}

export interface FakeTransceiver {
  kind: 'audio' | 'video';
  init: RTCRtpTransceiverInit;
  sender: FakeSender;
}

/** The mesh as the call layer sees it: control channels that can be open or not, sessions, transceivers. */
export class FakeCallTransport implements CallTransport {
  readonly sent: { to: string; message: CallMessage }[] = [];
  readonly open = new Set<string>();
  readonly sessions = new Set<string>();
  /** Transceivers per peer, on its current session (cleared by `rebuild`). */
  readonly transceivers = new Map<string, FakeTransceiver[]>();
  manager: CallManager | undefined;
  /** Delivers to another manager (back-to-back tests); `from` is this side's peer id. */
  deliverTo: ((to: string, message: CallMessage) => void) | undefined;

  send(peerId: string, message: CallMessage): boolean {
    if (!this.open.has(peerId)) return false;
    this.sent.push({ to: peerId, message });
    this.deliverTo?.(peerId, message);
    return true;
  }

  addTransceiver(peerId: string, kind: 'audio' | 'video', init: RTCRtpTransceiverInit) {
    if (!this.sessions.has(peerId)) return undefined;
    const transceiver: FakeTransceiver = { kind, init, sender: new FakeSender() };
    // Like the browser: the init's encodings are the sender's parameters from the start.
    if (init.sendEncodings) transceiver.sender.encodings = init.sendEncodings.map((e) => ({ ...e }));
    this.transceivers.set(peerId, [...(this.transceivers.get(peerId) ?? []), transceiver]);
    return transceiver as unknown as RTCRtpTransceiver;
  }

  connect(peerId: string): void {
    if (this.sessions.has(peerId)) return;
    this.sessions.add(peerId);
    this.manager?.handleSession(peerId);
  }

  /** The mesh rebuilt the connection: new session, no transceivers yet. */
  rebuild(peerId: string): void {
    this.sessions.add(peerId);
    this.transceivers.delete(peerId);
    this.manager?.handleSession(peerId);
  }

  /** The sender of our audio, camera (the first video transceiver) or screen (the second). */
  sender(peerId: string, kind: 'audio' | 'video' | 'screen'): FakeSender | undefined {
    const all = this.transceivers.get(peerId) ?? [];
    if (kind === 'screen') return all.filter((t) => t.kind === 'video')[1]?.sender;
    return all.find((t) => t.kind === kind)?.sender;
  }

  messagesTo(peerId: string): CallMessage[] {
    return this.sent.filter((s) => s.to === peerId).map((s) => s.message);
  }
}

/** Lets queued promise callbacks (fake getUserMedia, replaceTrack) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
