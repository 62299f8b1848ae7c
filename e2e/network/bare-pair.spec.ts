import { expect, type Page, test } from '@playwright/test';
import type { Home } from './lab.js';
import { type IceSetup, startWorld, type World } from './lab-world.js';

/**
 * The lab proven without the app: two bare RTCPeerConnections, their offer and answer carried by the test,
 * behave as the NAT kinds promise. Only then do the app's scenarios mean anything.
 */

interface BareResult {
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
      (window as unknown as { pc: RTCPeerConnection }).pc = pc;
      (window as unknown as { started: number }).started = performance.now();
      if (offer) {
        pc.addEventListener('datachannel', ({ channel }) => {
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
    const w = window as unknown as { pc: RTCPeerConnection; channel: RTCDataChannel; started: number };
    const { pc, channel } = w;
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

async function barePair(world: World, pages: Map<Home, Page>, a: Home, b: Home, ice: IceSetup) {
  const [pa, pb] = [pages.get(a), pages.get(b)];
  if (!pa || !pb) throw new Error('no page for a home');
  const offer = await localDescription(pa, world.iceServers(ice));
  const answer = await localDescription(pb, world.iceServers(ice), offer);
  const result = await connect(pa, answer);
  await Promise.all(
    [pa, pb].map((p) => p.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.close())),
  );
  console.log(
    `bare pair ${a.ns.split('-').at(-1)}↔${b.ns.split('-').at(-1)} (${ice}): ${JSON.stringify(result)}`,
  );
  return result;
}

test('bare RTCPeerConnection pairs: cone NATs hole-punch with STUN, symmetric ones need TURN, no UDP needs TURN over TCP or TLS', async () => {
  const world = await startWorld(
    [
      { nat: 'cone' },
      { nat: 'cone' },
      { nat: 'symmetric' },
      { nat: 'symmetric' },
      { nat: 'cone', blockUdp: true },
    ],
    'turn',
  );
  try {
    const [cone1, cone2, sym1, sym2, noUdp] = world.lab.homes as [Home, Home, Home, Home, Home];
    const pages = new Map<Home, Page>();
    await Promise.all(
      world.lab.homes.map(async (home) => {
        const browser = await world.chromium(home);
        pages.set(home, await browser.newPage());
      }),
    );

    const direct = await barePair(world, pages, cone1, cone2, 'stun');
    expect(direct).toMatchObject({ state: 'connected', local: 'srflx', echoed: 'echo:ping' });
    expect(['srflx', 'prflx']).toContain(direct.remote);

    const stuck = await barePair(world, pages, sym1, sym2, 'stun');
    expect(stuck.state).not.toBe('connected');

    const relayed = await barePair(world, pages, sym1, sym2, 'turn');
    expect(relayed).toMatchObject({ state: 'connected', echoed: 'echo:ping' });
    expect([relayed.local, relayed.remote]).toContain('relay');

    const tcp = await barePair(world, pages, noUdp, cone1, 'turn');
    expect(tcp).toMatchObject({
      state: 'connected',
      local: 'relay',
      relayProtocol: 'tcp',
      echoed: 'echo:ping',
    });

    const tls = await barePair(world, pages, noUdp, cone1, 'turns');
    expect(tls).toMatchObject({
      state: 'connected',
      local: 'relay',
      relayProtocol: 'tls',
      echoed: 'echo:ping',
    });
  } finally {
    await world.close();
  }
});
