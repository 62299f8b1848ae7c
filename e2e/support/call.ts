import { execFileSync } from 'node:child_process';
import { type Browser, expect, type Page } from '@playwright/test';
import { openConversationWith, rename } from './chat.js';
import { CHROMIUM_ARGS } from './env.js';
import { type OpenOptions, openPerson, type Person } from './fixtures.js';

/**
 * Chromium's fake capture offers `device-count` cameras: device 0 (I420, green with a moving pacman),
 * device 1 (Y16, a depth format that crashes the renderer when sent over WebRTC) and device 2 (MJPEG, a
 * darker plain frame with coloured corner squares). Tests that switch cameras use 0 and 2, never 1.
 */
export const THREE_CAMERA_ARGS = CHROMIUM_ARGS.map((arg) =>
  arg === '--use-fake-device-for-media-stream' ? '--use-fake-device-for-media-stream=device-count=3' : arg,
);

/** Test instrumentation (runs before the app): keeps every RTCPeerConnection the page creates. */
export function recordCallConnections(): void {
  const Native = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  (window as unknown as { __callPcs: RTCPeerConnection[] }).__callPcs = all;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      all.push(this);
    }
  };
}

export interface Caller extends Person {
  /** Offers this page has sent through the signaling server (every negotiation starts with one). */
  offers(): number;
}

/** Opens a person whose connections and sent offers the test can observe. */
export async function openCaller(
  browser: Browser,
  roomId: string,
  name: string,
  opts: Pick<OpenOptions, 'baseURL' | 'viewport' | 'colorScheme'> = {},
): Promise<Caller> {
  let offers = 0;
  const person = await openPerson(browser, roomId, {
    ...opts,
    onPage: async (page) => {
      await page.addInitScript(recordCallConnections);
      page.on('websocket', (ws) =>
        ws.on('framesent', ({ payload }) => {
          // socket.io event frames: 42…["signal",{"to":…,"data":{"kind":"description",…"type":"offer"…}}]
          if (typeof payload === 'string' && /"kind":"description".*"type":"offer"/.test(payload))
            offers += 1;
        }),
      );
    },
  });
  await rename(person.page, name);
  return { ...person, offers: () => offers };
}

/** What one RTCPeerConnection of a page receives, summed per kind over its inbound RTP streams. */
export interface Inbound {
  state: RTCPeerConnectionState;
  videoFrames: number;
  videoWidth: number;
  videoHeight: number;
  audioPackets: number;
  audioLevel: number;
}

/**
 * The browser's own counters (getStats), for every live connection of the page, oldest first. A page
 * function (it runs in the page, Chromium or Firefox) over the connections `recordCallConnections` kept.
 */
export async function readInbound(): Promise<Inbound[]> {
  const pcs = (window as unknown as { __callPcs: RTCPeerConnection[] }).__callPcs;
  const out: Inbound[] = [];
  for (const pc of pcs) {
    if (pc.connectionState === 'closed') continue;
    const entry: Inbound = {
      state: pc.connectionState,
      videoFrames: 0,
      videoWidth: 0,
      videoHeight: 0,
      audioPackets: 0,
      audioLevel: 0,
    };
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        entry.videoFrames += s.framesDecoded ?? 0;
        entry.videoWidth = s.frameWidth ?? entry.videoWidth;
        entry.videoHeight = s.frameHeight ?? entry.videoHeight;
      } else {
        entry.audioPackets += s.packetsReceived ?? 0;
        entry.audioLevel = Math.max(entry.audioLevel, s.audioLevel ?? 0);
      }
    });
    out.push(entry);
  }
  return out;
}

/** `readInbound` in a Playwright page. */
export const inbound = (page: Page): Promise<Inbound[]> => page.evaluate(readInbound);

/** Sums video frames and audio packets over the connections `readInbound` found. */
export const sumInbound = (all: Inbound[]): { videoFrames: number; audioPackets: number } => ({
  videoFrames: all.reduce((n, c) => n + c.videoFrames, 0),
  audioPackets: all.reduce((n, c) => n + c.audioPackets, 0),
});

/** Sums over the page's connections. */
export async function totals(page: Page): Promise<{ videoFrames: number; audioPackets: number }> {
  return sumInbound(await inbound(page));
}

/**
 * Waits until the counter grows by at least `by` from its value now (media is flowing). 20 frames take
 * 1 s at the fake camera's 20 fps; the default wait is long because a machine shared with other test
 * runs can slow decoding several times over (seen at a load average of 40 on 2 cores).
 */
export async function expectGrowing(
  read: () => Promise<number>,
  by: number,
  timeout = 20_000,
): Promise<void> {
  const start = await read();
  await expect.poll(read, { timeout }).toBeGreaterThanOrEqual(start + by);
}

/**
 * Waits until the counter stops: two reads `quietMs` apart are equal (nothing arrived in between).
 * Polling with a gap is the observable here: "no packets" has no event to wait for.
 */
export async function expectStopped(read: () => Promise<number>, quietMs = 1_000, timeout = 10_000) {
  await expect
    .poll(
      async () => {
        const before = await read();
        await new Promise((r) => setTimeout(r, quietMs));
        return (await read()) - before;
      },
      { timeout, intervals: [0] },
    )
    .toBe(0);
}

/** The call column of a page. */
export const callPanel = (page: Page) => page.getByRole('region', { name: /^Call$/ });

/** A person's tile in the call column (a <figure> named after them). */
export const tile = (page: Page, name: string) => callPanel(page).getByRole('figure', { name, exact: true });

/** From the caller's open conversation with `callee`, presses "Video call" or "Voice call". */
export async function placeCall(caller: Page, calleeName: string, media: 'Video call' | 'Voice call') {
  await openConversationWith(caller, calleeName);
  await caller.getByRole('button', { name: media }).click();
}

/** The callee's incoming-call dialog. */
export const incoming = (page: Page) => page.getByRole('dialog', { name: /is calling$/ });

/** Places a call and accepts it; returns once both sides show each other's tile. */
export async function connectCall(
  caller: Page,
  callerName: string,
  callee: Page,
  calleeName: string,
  media: 'Video call' | 'Voice call' = 'Video call',
): Promise<void> {
  await placeCall(caller, calleeName, media);
  await expect(incoming(callee)).toContainText(`${callerName} is calling`);
  await incoming(callee).getByRole('button', { name: 'Accept' }).click();
  await expect(tile(caller, calleeName)).toBeVisible();
  await expect(tile(callee, callerName)).toBeVisible();
}

/** Ayla calls Bora (each in a fresh context, in `roomId`) and Bora accepts: the usual start of a call test. */
export async function aylaCallsBora(
  browser: Browser,
  roomId: string,
  opts: { baseURL?: string; media?: 'Video call' | 'Voice call' } = {},
): Promise<{ a: Caller; b: Caller }> {
  const open = opts.baseURL ? { baseURL: opts.baseURL } : {};
  const a = await openCaller(browser, roomId, 'Ayla', open);
  const b = await openCaller(browser, roomId, 'Bora', open);
  await connectCall(a.page, 'Ayla', b.page, 'Bora', opts.media);
  return { a, b };
}

/** Live local tracks (camera, microphone, screen) still held by the page: what lights the camera. */
export async function liveLocalTracks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __callPcs: RTCPeerConnection[] }).__callPcs;
    const tracks = new Set<MediaStreamTrack>();
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) if (sender.track) tracks.add(sender.track);
    }
    for (const el of document.querySelectorAll('video, audio')) {
      const stream = (el as HTMLMediaElement).srcObject;
      if (stream instanceof MediaStream) for (const t of stream.getTracks()) tracks.add(t);
    }
    return [...tracks]
      .filter((t) => t.readyState === 'live' && !isRemote(t))
      .map((t) => `${t.kind}:${t.label}`);

    function isRemote(track: MediaStreamTrack): boolean {
      return pcs.some((pc) => pc.getReceivers().some((r) => r.track === track));
    }
  });
}

/**
 * Drops every packet to or from these local ports at the kernel (iptables and ip6tables, UDP and TCP, on
 * the loopback path the browsers use): a real network interruption of one browser's ICE sockets. Chromium
 * gathers IPv4 and IPv6 candidates and ICE-TCP ones, so all of them go, or ICE would just switch paths.
 * Other tests' traffic and the signaling WebSocket (another port) are untouched. Needs root and iptables
 * (scripts/test.sh installs it).
 */
export function blockPorts(ports: number[]): () => void {
  const rules = ['iptables', 'ip6tables'].flatMap((tool) =>
    ['udp', 'tcp'].map((protocol) => ({
      tool,
      rule: ['INPUT', '-p', protocol, '-m', 'multiport', '--ports', ports.join(','), '-j', 'DROP'],
    })),
  );
  for (const { tool, rule } of rules) execFileSync(tool, ['-I', ...rule]);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const { tool, rule } of rules) execFileSync(tool, ['-D', ...rule]);
  };
}

/** The local ports of every ICE candidate of the page's live connections (what `blockPorts` needs). */
export async function localCandidatePorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __callPcs: RTCPeerConnection[] }).__callPcs;
    const ports = new Set<number>();
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'local-candidate' && typeof s.port === 'number' && s.port > 0) ports.add(s.port);
      });
    }
    return [...ports];
  });
}
