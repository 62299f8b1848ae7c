import { createHash, createHmac } from 'node:crypto';
import { expect, type Page } from '@playwright/test';

/** For `openPerson({ onPage })`: records the page's RTCPeerConnections from its first script on. */
export async function recordingPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(recordPeerConnections);
}

/**
 * An init script (runs in the page before the app): keeps every RTCPeerConnection the app makes, with its
 * configuration, so a test can ask the browser itself how a connection runs — not the app's own report.
 */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const recorded: { pc: RTCPeerConnection; config: RTCConfiguration | undefined }[] = [];
  (window as unknown as { __kopruPcs: typeof recorded }).__kopruPcs = recorded;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      recorded.push({ pc: this, config });
    }
  };
}

export interface SelectedPair {
  local: string | undefined;
  remote: string | undefined;
  /** How the local relay candidate reaches TURN (udp, tcp, tls); undefined for other types. */
  relayProtocol: string | undefined;
  policy: string | undefined;
  /** Candidate types in our local description (what we told the peer about ourselves). */
  offeredTypes: string[];
  /** Bytes that went out and came in over the selected pair (DTLS/SCTP framing included). */
  bytesSent: number;
  bytesReceived: number;
  iceServers: RTCIceServer[];
  localSdp: string;
  remoteSdp: string;
}

/** The browser's own view of the newest connected RTCPeerConnection: the selected pair's candidate types. */
export async function connectedPair(page: Page): Promise<SelectedPair | undefined> {
  return page.evaluate(async () => {
    const recorded = (
      window as unknown as { __kopruPcs: { pc: RTCPeerConnection; config?: RTCConfiguration }[] }
    ).__kopruPcs;
    const live = recorded.filter((r) => r.pc.connectionState === 'connected').at(-1);
    if (!live) return undefined;
    const stats = new Map<string, Record<string, unknown>>();
    (await live.pc.getStats()).forEach((value: Record<string, unknown>, key: string) => {
      stats.set(key, value);
    });
    const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.get(String(transport?.selectedCandidatePairId));
    const sdp = live.pc.localDescription?.sdp ?? '';
    return {
      local: stats.get(String(pair?.localCandidateId))?.candidateType as string | undefined,
      remote: stats.get(String(pair?.remoteCandidateId))?.candidateType as string | undefined,
      relayProtocol: stats.get(String(pair?.localCandidateId))?.relayProtocol as string | undefined,
      policy: live.config?.iceTransportPolicy,
      offeredTypes: [...sdp.matchAll(/ typ (\w+)/g)].map((m) => m[1] ?? ''),
      bytesSent: Number(pair?.bytesSent ?? 0),
      bytesReceived: Number(pair?.bytesReceived ?? 0),
      iceServers: live.config?.iceServers ?? [],
      localSdp: sdp,
      remoteSdp: live.pc.remoteDescription?.sdp ?? '',
    };
  });
}

/**
 * Waits until the page holds a connected RTCPeerConnection whose selected pair satisfies `check`;
 * `poll` overrides the expect timeout and polling intervals (to time a reconnection).
 */
export async function waitForPair(
  page: Page,
  check: (pair: SelectedPair) => boolean,
  poll: { timeout?: number; intervals?: number[] } = {},
): Promise<SelectedPair> {
  let last: SelectedPair | undefined;
  await expect
    .poll(async () => {
      last = await connectedPair(page);
      return last !== undefined && check(last);
    }, poll)
    .toBe(true);
  return last as SelectedPair;
}

/** The first SHA-256 fingerprint in an SDP, as the browser wrote it. */
export function sdpFingerprint(sdp: string): { algorithm: string; value: string } {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)/m.exec(sdp);
  if (!match?.[1] || !match[2]) throw new Error('no fingerprint in SDP');
  return { algorithm: match[1].toLowerCase(), value: match[2].toUpperCase() };
}

/**
 * The safety number of two fingerprints, computed here from the construction documented in
 * docs/security.md with node:crypto — independently of the app's code.
 */
export function expectedSafetyNumber(...fingerprints: { algorithm: string; value: string }[]): string {
  const half = ({ algorithm, value }: { algorithm: string; value: string }) => {
    const input = Buffer.from(`KOPRU-SAFETY-NUMBER-1|${algorithm}|${value}`);
    let hash = createHash('sha256').update(input).digest();
    for (let i = 1; i < 1024; i += 1) hash = createHash('sha256').update(hash).update(input).digest();
    return (hash.readBigUInt64BE(0) % 10n ** 15n).toString().padStart(15, '0');
  };
  return fingerprints
    .map(half)
    .sort()
    .join('')
    .replace(/(\d{5})(?=\d)/g, '$1 ');
}

/** Opens the conversation's "Security details" and returns the safety number shown. */
export async function shownSafetyNumber(page: Page): Promise<string> {
  const details = page.locator('details.security-details');
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) {
    await page.getByText('Security details', { exact: true }).click();
  }
  const output = page.getByRole('status', { name: 'Safety number' });
  await expect(output).toHaveText(/^\d{5}( \d{5}){5}$/);
  return (await output.textContent()) ?? '';
}

/** A TURN REST credential made here, for a given secret (to prove a wrong one is refused by coturn). */
export const turnPassword = (secret: string, username: string): string =>
  createHmac('sha1', secret).update(username).digest('base64');

/** What a page's RTCPeerConnection gathers with `iceServers` in relay-only mode, and the errors it reports. */
export async function gatherRelay(
  page: Page,
  iceServers: RTCIceServer[],
): Promise<{ relay: number; other: number; errors: number[] }> {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    const result = { relay: 0, other: 0, errors: [] as number[] };
    pc.addEventListener('icecandidate', (e) => {
      if (!e.candidate) return;
      if (e.candidate.type === 'relay') result.relay += 1;
      else result.other += 1;
    });
    pc.addEventListener('icecandidateerror', (e) =>
      result.errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode),
    );
    const complete = new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription();
    await complete;
    pc.close();
    return result;
  }, iceServers);
}
