import { describe, expect, it, vi } from 'vitest';
import { type MediaProblem, STATS_INTERVAL_MS } from '../../src/index.js';
import { type FakeTrack, settle } from './fakes.js';
import { answeredCall, connect, type Side, side } from './harness.js';

/** Alice video-calls Bob and Bob accepts; both managers live on fake devices and a fake mesh. */
async function videoCall(): Promise<{ alice: Side; bob: Side }> {
  const alice = side('alice', ['bob']);
  const bob = side('bob', ['alice']);
  connect(alice, bob);
  await answeredCall(alice, bob, 'video');
  return { alice, bob };
}

const labelOf = (track: MediaStreamTrack | null | undefined) =>
  (track as FakeTrack | null | undefined)?.label;

describe('CallManager: media on pre-created transceivers', () => {
  it('adds send-only audio, camera and screen transceivers per peer, and sends nothing before the answer', async () => {
    const alice = side('alice', ['bob']);
    alice.manager.start(['bob'], 'video');
    await settle();
    const transceivers = alice.transport.transceivers.get('bob') ?? [];
    expect(transceivers.map((t) => [t.kind, t.init.direction])).toEqual([
      ['audio', 'sendonly'],
      ['video', 'sendonly'],
      ['video', 'sendonly'],
    ]);
    // The screen has a stream of its own: that is how the far side tells it from the camera.
    const [audio, camera, screen] = transceivers.map((t) => t.init.streams?.[0]);
    expect(camera).toBe(audio);
    expect(screen).toBeDefined();
    expect(screen).not.toBe(audio);
    // The camera is on for the local preview, but nothing goes out while it rings.
    expect(alice.manager.localMedia.camera).toBeDefined();
    expect(alice.transport.sender('bob', 'audio')?.track).toBeNull();
    expect(alice.transport.sender('bob', 'video')?.track).toBeNull();
  });

  it('adds idle send-only transceivers as soon as a connection exists, so that a call adds none', async () => {
    const alice = side('alice', []);
    alice.transport.connect('bob'); // the mesh opened a session (a chat, a file…): its first negotiation
    expect(alice.transport.transceivers.get('bob')?.map((t) => [t.kind, t.sender.track])).toEqual([
      ['audio', null],
      ['video', null],
      ['video', null],
    ]);
    alice.transport.open.add('bob');
    alice.manager.start(['bob'], 'video');
    await settle();
    expect(alice.transport.transceivers.get('bob')).toHaveLength(3);
  });

  it('puts microphone and camera on both sides once answered, with no further transceivers', async () => {
    const { alice, bob } = await videoCall();
    for (const [s, peer] of [
      [alice, 'bob'],
      [bob, 'alice'],
    ] as const) {
      expect(labelOf(s.transport.sender(peer, 'audio')?.track)).toBe('mic');
      expect(labelOf(s.transport.sender(peer, 'video')?.track)).toBe('camera');
      expect(s.transport.transceivers.get(peer)).toHaveLength(3);
    }
  });

  it('mute and camera off replace the sent tracks with nothing, tell the peer, and stop the camera', async () => {
    const { alice, bob } = await videoCall();
    const camera = alice.manager.localMedia.camera as unknown as FakeTrack;

    await alice.manager.setMicrophoneMuted(true);
    await alice.manager.setCameraOn(false);
    await settle();

    expect(alice.transport.sender('bob', 'audio')?.track).toBeNull();
    expect(alice.transport.sender('bob', 'video')?.track).toBeNull();
    expect(camera.readyState).toBe('ended');
    const state = bob.manager.state;
    expect(state.phase === 'active' && state.participants.get('alice')).toMatchObject({
      microphone: false,
      camera: false,
    });

    await alice.manager.setCameraOn(true);
    await settle();
    expect(labelOf(alice.transport.sender('bob', 'video')?.track)).toBe('camera');
    expect(alice.transport.transceivers.get('bob')).toHaveLength(3);
  });

  it('switches to the next camera and back, stopping the one it leaves', async () => {
    const { alice } = await videoCall();
    const first = alice.manager.localMedia.camera as unknown as FakeTrack;
    expect(await alice.manager.switchCamera()).toBe(true);
    await settle();
    const deviceOf = () => (alice.transport.sender('bob', 'video')?.track as FakeTrack | undefined)?.deviceId;
    expect(deviceOf()).toBe('cam-2');
    expect(first.readyState).toBe('ended');
    await alice.manager.switchCamera();
    await settle();
    expect(deviceOf()).toBe('cam-1');
  });

  it('shares the screen beside the camera, on its own sender; the browser ending the share stops only that', async () => {
    const { alice, bob } = await videoCall();
    await alice.manager.startScreenShare();
    await settle();
    const screen = alice.transport.sender('bob', 'screen')?.track as unknown as FakeTrack;
    expect(screen?.label).toBe('screen');
    expect(screen.contentHint).toBe('detail');
    expect(labelOf(alice.transport.sender('bob', 'video')?.track)).toBe('camera');
    expect(alice.transport.transceivers.get('bob')).toHaveLength(3);
    const atBob = bob.manager.state;
    expect(atBob.phase === 'active' && atBob.participants.get('alice')).toMatchObject({
      camera: true,
      screen: true,
    });

    screen.endFromBrowser();
    await settle();
    expect(alice.transport.sender('bob', 'screen')?.track).toBeNull();
    expect(labelOf(alice.transport.sender('bob', 'video')?.track)).toBe('camera');
    expect(alice.manager.localMedia.screen).toBeUndefined();
  });

  it('hang-up stops every local track on both sides and sends nothing more', async () => {
    const { alice, bob } = await videoCall();
    await alice.manager.startScreenShare();
    alice.manager.hangup();
    await settle();
    expect(alice.devices.live()).toEqual([]);
    expect(bob.devices.live()).toEqual([]);
    expect(alice.transport.sender('bob', 'video')?.track).toBeNull();
    expect(bob.transport.sender('alice', 'audio')?.track).toBeNull();
    expect(bob.manager.state).toMatchObject({ phase: 'idle', ended: { reason: 'remote-hung-up' } });
  });

  it('stops a device that only finished starting after the hang-up', async () => {
    const alice = side('alice', ['bob']);
    let release = () => {};
    alice.devices.hold = new Promise((resolve) => {
      release = resolve;
    });
    alice.manager.start(['bob'], 'video');
    alice.manager.hangup();
    release();
    await settle();
    expect(alice.devices.opened.length).toBeGreaterThan(0);
    expect(alice.devices.live()).toEqual([]);
  });

  it('continues with audio only when the camera is denied, and says so', async () => {
    const alice = side('alice', ['bob']);
    alice.devices.failVideo = 'NotAllowedError';
    const problems: MediaProblem[] = [];
    alice.manager.on('media-problem', (p) => problems.push(p));
    alice.manager.start(['bob'], 'video');
    await settle();
    expect(problems).toEqual([expect.objectContaining({ source: 'camera', code: 'denied' })]);
    expect(alice.manager.localMedia.microphone).toBeDefined();
    expect(alice.manager.localMedia.cameraOn).toBe(false);
    expect(alice.manager.state.phase).toBe('outgoing');
  });

  it('re-adds transceivers with the current tracks when the mesh rebuilds the connection', async () => {
    const { alice } = await videoCall();
    await alice.manager.setMicrophoneMuted(true);
    alice.transport.rebuild('bob');
    await settle();
    expect(alice.transport.transceivers.get('bob')).toHaveLength(3);
    expect(alice.transport.sender('bob', 'audio')?.track).toBeNull();
    expect(labelOf(alice.transport.sender('bob', 'video')?.track)).toBe('camera');
  });

  it('emits remote tracks per peer and forgets them when the connection is replaced', async () => {
    const { alice } = await videoCall();
    const remote = vi.fn();
    alice.manager.on('remote-media', remote);
    const track = { kind: 'video' } as MediaStreamTrack;
    alice.manager.handleTrack('bob', track, {} as RTCRtpReceiver);
    expect(alice.manager.remoteTracks('bob')).toEqual({ audio: undefined, video: track, screen: undefined });
    alice.transport.rebuild('bob');
    expect(alice.manager.remoteTracks('bob')).toEqual({
      audio: undefined,
      video: undefined,
      screen: undefined,
    });
    expect(remote).toHaveBeenCalledTimes(2);
  });

  it('tells the camera from the screen by stream: the camera is in the audio’s, whatever the order', async () => {
    const { alice } = await videoCall();
    const stream = (id: string) => ({ id }) as MediaStream;
    const screen = { kind: 'video' } as MediaStreamTrack;
    const camera = { kind: 'video' } as MediaStreamTrack;
    const audio = { kind: 'audio' } as MediaStreamTrack;
    // The screen's track arrives first, before the audio that names the camera's stream.
    alice.manager.handleTrack('bob', screen, {} as RTCRtpReceiver, [stream('s2')]);
    alice.manager.handleTrack('bob', camera, {} as RTCRtpReceiver, [stream('s1')]);
    alice.manager.handleTrack('bob', audio, {} as RTCRtpReceiver, [stream('s1')]);
    expect(alice.manager.remoteTracks('bob')).toEqual({ audio, video: camera, screen });
  });

  it('asks its encoder for a key frame when the reports on our video return after an outage', async () => {
    vi.useFakeTimers();
    try {
      const { alice } = await videoCall();
      const sender = alice.transport.sender('bob', 'video');
      if (!sender) throw new Error('no video sender');
      const reportAt = (timestamp: number) => {
        sender.stats = new Map([['RI', { type: 'remote-inbound-rtp', kind: 'video', timestamp }]]);
      };
      const activeToggles = () => sender.parameterLog.filter((e) => e[0]?.active !== undefined);
      reportAt(1_000);
      await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
      reportAt(2_000); // reports every second: all is well
      await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS * 3); // then none: an outage
      expect(activeToggles()).toEqual([]);

      reportAt(5_500); // the first report after 3.5 s
      await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
      expect(activeToggles().map((e) => e[0]?.active)).toEqual([false, true]);
    } finally {
      vi.useRealTimers();
    }
  });
});
