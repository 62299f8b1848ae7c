import type { CallMedia } from '@kopru/protocol';
import type { Logger } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { MediaDevicesLike } from './call-api.js';
import { type MediaProblem, type MediaSource, mediaProblem } from './media-problems.js';

/**
 * Our own sources and switches. What goes out is derived from them (`outgoingAudio`, `outgoingVideo`,
 * `outgoingScreen`).
 */
export interface LocalMediaState {
  readonly microphone: MediaStreamTrack | undefined;
  readonly camera: MediaStreamTrack | undefined;
  readonly screen: MediaStreamTrack | undefined;
  readonly microphoneMuted: boolean;
  /** The user wants the camera on (it may still be starting). */
  readonly cameraOn: boolean;
  /** Preferred devices (from the device menu); undefined: the browser's default. */
  readonly microphoneId: string | undefined;
  readonly cameraId: string | undefined;
}

export const outgoingAudio = (s: LocalMediaState): MediaStreamTrack | null =>
  s.microphoneMuted ? null : (s.microphone ?? null);

/** The camera, while it is on; a screen share goes out beside it, on a sender of its own. */
export const outgoingVideo = (s: LocalMediaState): MediaStreamTrack | null =>
  s.cameraOn ? (s.camera ?? null) : null;

/** The shared screen, while it is shared. */
export const outgoingScreen = (s: LocalMediaState): MediaStreamTrack | null => s.screen ?? null;

export interface DeviceLists {
  microphones: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

type LocalMediaEvents = { change: LocalMediaState; problem: MediaProblem };

/**
 * VGA suits a mesh call: the per-sender bitrate cap (at most 1.5 Mbps, less with more people) cannot
 * carry more, and the screen share (16:9) stays distinguishable from the camera (4:3) on the far side.
 */
const CAMERA_SIZE = { width: { ideal: 640 }, height: { ideal: 480 } } as const;

/**
 * The user's microphone, camera and screen during a call, through the injected `mediaDevices`. Every
 * async step checks a generation number, so a track that arrives after `release()` is stopped at once
 * instead of lighting the camera after hang-up.
 */
export class LocalMedia extends TypedEmitter<LocalMediaEvents> {
  private current: LocalMediaState = {
    microphone: undefined,
    camera: undefined,
    screen: undefined,
    microphoneMuted: false,
    cameraOn: false,
    microphoneId: undefined,
    cameraId: undefined,
  };
  private generation = 0;

  constructor(
    private readonly devices: MediaDevicesLike,
    private readonly logger: Logger,
  ) {
    super((error) => logger.error('local media listener threw', { error: String(error) }));
  }

  get state(): LocalMediaState {
    return this.current;
  }

  /** Opens the microphone (and the camera for a video call); whatever fails is reported, the rest kept. */
  async acquire(media: CallMedia): Promise<void> {
    const generation = this.generation;
    const video = media === 'video';
    this.update({ cameraOn: video, microphoneMuted: false });
    const both = await this.open({ audio: this.audioConstraints(), video: video && this.videoConstraints() });
    if (both.ok) return this.adopt(generation, both.stream);
    // One of the two failed: find out which, and keep the other.
    const audio = await this.open({ audio: this.audioConstraints() });
    if (audio.ok) this.adopt(generation, audio.stream);
    else this.report('microphone', audio.error);
    if (!video) return;
    const camera = await this.open({ video: this.videoConstraints() });
    if (camera.ok) this.adopt(generation, camera.stream);
    else {
      this.report('camera', camera.error);
      if (generation === this.generation) this.update({ cameraOn: false });
    }
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    this.update({ microphoneMuted: muted });
    const mic = this.current.microphone;
    if (mic) mic.enabled = !muted;
    else if (!muted) await this.reopen('microphone'); // it failed at the start: try again now
  }

  async setCameraOn(on: boolean): Promise<void> {
    this.update({ cameraOn: on });
    if (on) {
      if (!this.current.camera) await this.reopen('camera');
      return;
    }
    // Stopped, not just detached: the camera light goes off.
    this.current.camera?.stop();
    this.update({ camera: undefined });
  }

  /** The next camera in the device list (front/back on a phone); false when there is no other one. */
  async switchCamera(): Promise<boolean> {
    const { cameras } = await this.listDevices();
    const currentId = this.current.camera?.getSettings().deviceId ?? this.current.cameraId;
    if (cameras.length < 2) {
      this.emit('problem', { source: 'camera', code: 'no-other-camera', message: 'only one camera' });
      return false;
    }
    const index = cameras.findIndex((c) => c.deviceId === currentId);
    const next = cameras[(index + 1) % cameras.length];
    if (!next) return false;
    await this.selectCamera(next.deviceId);
    return true;
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.update({ cameraId: deviceId });
    if (this.current.cameraOn) await this.reopen('camera');
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.update({ microphoneId: deviceId });
    if (this.current.microphone) await this.reopen('microphone');
  }

  async startScreenShare(): Promise<void> {
    if (this.current.screen) return;
    const generation = this.generation;
    let stream: MediaStream;
    try {
      stream = await this.devices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      this.report('screen', error);
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if (generation !== this.generation) {
      track.stop();
      return;
    }
    // Text stays sharp: the encoder keeps resolution and drops frame rate under a tight bitrate.
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" bar ends the track: end the share the same way as our button.
    track.addEventListener('ended', () => {
      if (this.current.screen === track) this.stopScreenShare();
    });
    this.update({ screen: track });
  }

  stopScreenShare(): void {
    const screen = this.current.screen;
    if (!screen) return;
    screen.stop();
    this.update({ screen: undefined });
  }

  async listDevices(): Promise<DeviceLists> {
    let all: MediaDeviceInfo[] = [];
    try {
      all = await this.devices.enumerateDevices();
    } catch (error) {
      this.logger.warn('enumerateDevices failed', { error: String(error) });
    }
    return {
      microphones: all.filter((d) => d.kind === 'audioinput'),
      cameras: all.filter((d) => d.kind === 'videoinput'),
      speakers: all.filter((d) => d.kind === 'audiooutput'),
    };
  }

  /** Stops every track (no camera or microphone stays live) and forgets the switches; devices stay chosen. */
  release(): void {
    this.generation += 1;
    const { microphone, camera, screen } = this.current;
    for (const track of [microphone, camera, screen]) track?.stop();
    this.update({
      microphone: undefined,
      camera: undefined,
      screen: undefined,
      cameraOn: false,
      microphoneMuted: false,
    });
  }

  private async reopen(source: 'microphone' | 'camera'): Promise<void> {
    const generation = this.generation;
    const constraints =
      source === 'microphone' ? { audio: this.audioConstraints() } : { video: this.videoConstraints() };
    let result = await this.open(constraints);
    const old = this.current[source];
    if (!result.ok && old && mediaProblem(source, result.error).code === 'in-use') {
      // Phones often open one camera at a time: release the old one, then try again.
      old.stop();
      this.update({ [source]: undefined });
      result = await this.open(constraints);
    }
    if (!result.ok) return this.report(source, result.error);
    this.adopt(generation, result.stream);
  }

  /** Takes the tracks of a fresh stream as our microphone and/or camera, stopping the ones they replace. */
  private adopt(generation: number, stream: MediaStream): void {
    if (generation !== this.generation) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const patch: { -readonly [K in keyof LocalMediaState]?: LocalMediaState[K] } = {};
    const mic = stream.getAudioTracks()[0];
    if (mic) {
      mic.enabled = !this.current.microphoneMuted;
      if (this.current.microphone !== mic) this.current.microphone?.stop();
      patch.microphone = mic;
    }
    const camera = stream.getVideoTracks()[0];
    if (camera) {
      if (this.current.camera !== camera) this.current.camera?.stop();
      if (this.current.cameraOn) patch.camera = camera;
      else {
        camera.stop(); // turned off while it was starting
        patch.camera = undefined;
      }
    }
    this.update(patch);
  }

  private async open(
    constraints: MediaStreamConstraints,
  ): Promise<{ ok: true; stream: MediaStream } | { ok: false; error: unknown }> {
    try {
      return { ok: true, stream: await this.devices.getUserMedia(constraints) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private audioConstraints(): MediaTrackConstraints | true {
    const id = this.current.microphoneId;
    return id ? { deviceId: { exact: id } } : true;
  }

  private videoConstraints(): MediaTrackConstraints {
    const id = this.current.cameraId;
    return id ? { ...CAMERA_SIZE, deviceId: { exact: id } } : { ...CAMERA_SIZE };
  }

  private report(source: MediaSource, error: unknown): void {
    const problem = mediaProblem(source, error);
    this.logger.warn('media device problem', { ...problem });
    this.emit('problem', problem);
  }

  private update(patch: Partial<LocalMediaState>): void {
    this.current = { ...this.current, ...patch };
    this.emit('change', this.current);
  }
}
