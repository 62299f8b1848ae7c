import type { Page } from '@playwright/test';

/**
 * Two bare RTCPeerConnections, their offer and answer carried by the test: the lab proven without the app
 * (bare-pair.spec.ts), and the raw DataChannel the app's transfer is compared with (loss.spec.ts).
 */

export interface BareResult {
  state: string;
  ms: number;
  local?: string;
  remote?: string;
  /** The local relay candidate's transport to TURN (udp, tcp, tls). */
  relayProtocol?: string;
  echoed?: string;
}

/** Runs in a page: the offering (`offer` undefined) or answering side; resolves with its local SDP. */
async function localDescription(page: Page, iceServers: RTCIceServer[], offer?: string): Promise<string> {
  return page.evaluate(
    async ({ iceServers, offer }) => {
      const pc = new RTCPeerConnection({ iceServers });
      (window as unknown as { barePc: RTCPeerConnection }).barePc = pc;
      (window as unknown as { started: number }).started = performance.now();
      if (offer) {
        pc.addEventListener('datachannel', ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          (window as unknown as { bareIncoming: RTCDataChannel }).bareIncoming = channel;
          channel.onmessage = (e) => channel.send(`echo:${e.data}`);
        });
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      } else {
        const channel = pc.createDataChannel('probe');
        (window as unknown as { channel: RTCDataChannel }).channel = channel;
      }
      const gathered = new Promise<void>((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve();
        });
      });
      await pc.setLocalDescription();
      // Unanswered STUN to a blocked port takes Chromium ~10 s to give up; what gathered by then is enough.
      await Promise.race([gathered, new Promise((r) => setTimeout(r, 8_000))]);
      return pc.localDescription?.sdp ?? '';
    },
    { iceServers, offer },
  );
}

/** Runs in the offering page once it has the answer: waits for connected (or failure) and echoes a message. */
async function connect(page: Page, answer: string): Promise<BareResult> {
  return page.evaluate(async (answer) => {
    const w = window as unknown as { barePc: RTCPeerConnection; channel: RTCDataChannel; started: number };
    const { barePc: pc, channel } = w;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const state = await new Promise<string>((resolve) => {
      const check = () => {
        if (pc.connectionState === 'connected' || pc.connectionState === 'failed')
          resolve(pc.connectionState);
      };
      pc.addEventListener('connectionstatechange', check);
      check();
      setTimeout(() => resolve(pc.connectionState), 20_000);
    });
    const ms = Math.round(performance.now() - w.started);
    if (state !== 'connected') return { state, ms };
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((v: Record<string, unknown>, k: string) => {
      stats.set(k, v);
    });
    const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.get(String(transport?.selectedCandidatePairId));
    const local = stats.get(String(pair?.localCandidateId));
    const remote = stats.get(String(pair?.remoteCandidateId));
    if (channel.readyState !== 'open')
      await new Promise((r) => channel.addEventListener('open', r, { once: true }));
    const echoed = await new Promise<string>((resolve) => {
      channel.onmessage = (e) => resolve(String(e.data));
      channel.send('ping');
    });
    return {
      state,
      ms,
      local: local?.candidateType as string,
      remote: remote?.candidateType as string,
      relayProtocol: local?.relayProtocol as string | undefined,
      echoed,
    };
  }, answer);
}

/**
 * Connects a bare RTCPeerConnection in page A (offering, with a `probe` DataChannel) to one in page B, the
 * test carrying offer and answer (candidates gathered in full first). The connections stay open, as
 * `window.barePc`, until `closeBarePair`.
 */
export async function barePair(pa: Page, pb: Page, iceServers: RTCIceServer[], label: string) {
  const offer = await localDescription(pa, iceServers);
  const answer = await localDescription(pb, iceServers, offer);
  const result = await connect(pa, answer);
  console.log(`[lab] bare pair ${label}: ${JSON.stringify(result)}`);
  return result;
}

export async function closeBarePair(pa: Page, pb: Page): Promise<void> {
  await Promise.all(
    [pa, pb].map((p) =>
      p.evaluate(() => (window as unknown as { barePc: RTCPeerConnection }).barePc.close()),
    ),
  );
}

/**
 * Sends `bytes` from A to B on the bare pair's channel as fast as it takes them: 64 KiB messages with a
 * 1 MiB low-water mark, the best measured on this machine (docs/benchmarks.md). Resolves with MB/s from
 * the first send to B holding the last byte.
 */
export async function rawTransfer(pa: Page, pb: Page, bytes: number): Promise<number> {
  const received = pb.evaluate((total) => {
    const w = window as unknown as { bareIncoming: RTCDataChannel };
    return new Promise<void>((resolve) => {
      let got = 0;
      w.bareIncoming.onmessage = (e) => {
        got += (e.data as ArrayBuffer).byteLength;
        if (got >= total) resolve();
      };
    });
  }, bytes);
  const started = Date.now();
  await pa.evaluate(async (total) => {
    const channel = (window as unknown as { channel: RTCDataChannel }).channel;
    channel.bufferedAmountLowThreshold = 1 << 20;
    const chunk = crypto.getRandomValues(new Uint8Array(65_536));
    for (let sent = 0; sent < total; sent += chunk.byteLength) {
      if (channel.bufferedAmount > 4 << 20) {
        await new Promise((r) => channel.addEventListener('bufferedamountlow', r, { once: true }));
      }
      channel.send(chunk);
    }
  }, bytes);
  await received;
  return bytes / 1e6 / ((Date.now() - started) / 1000);
}
