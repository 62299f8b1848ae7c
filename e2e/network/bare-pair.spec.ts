import { expect, type Page, test } from '@playwright/test';
import { barePair, closeBarePair } from './bare-pair.js';
import type { Home } from './lab.js';
import { type IceSetup, startWorld, type World } from './lab-world.js';

async function proveLab(world: World, pages: Map<Home, Page>, a: Home, b: Home, ice: IceSetup) {
  const [pa, pb] = [pages.get(a), pages.get(b)];
  if (!pa || !pb) throw new Error('no page for a home');
  const label = `${a.ns.split('-').at(-1)}↔${b.ns.split('-').at(-1)} (${ice})`;
  const result = await barePair(pa, pb, world.iceServers(ice), label);
  await closeBarePair(pa, pb);
  return result;
}

/**
 * The lab proven without the app: two bare RTCPeerConnections, their offer and answer carried by the test,
 * behave as the NAT kinds promise. Only then do the app's scenarios mean anything.
 */

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

    const direct = await proveLab(world, pages, cone1, cone2, 'stun');
    expect(direct).toMatchObject({ state: 'connected', local: 'srflx', echoed: 'echo:ping' });
    expect(['srflx', 'prflx']).toContain(direct.remote);

    const stuck = await proveLab(world, pages, sym1, sym2, 'stun');
    expect(stuck.state).not.toBe('connected');

    const relayed = await proveLab(world, pages, sym1, sym2, 'turn');
    expect(relayed).toMatchObject({ state: 'connected', echoed: 'echo:ping' });
    expect([relayed.local, relayed.remote]).toContain('relay');

    const tcp = await proveLab(world, pages, noUdp, cone1, 'turn');
    expect(tcp).toMatchObject({
      state: 'connected',
      local: 'relay',
      relayProtocol: 'tcp',
      echoed: 'echo:ping',
    });

    const tls = await proveLab(world, pages, noUdp, cone1, 'turns');
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
