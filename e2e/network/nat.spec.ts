import { expect, test } from '@playwright/test';
import type { Home } from './lab.js';
import { MiB, openAndConnect, openTwo, sendVerifiedFile, videoCall } from './lab-people.js';
import { startWorld } from './lab-world.js';

test('scenario 1: both behind endpoint-independent NATs with STUN connect directly (srflx); chat, 20 MiB file, video call', async () => {
  const world = await startWorld([{ nat: 'cone' }, { nat: 'cone' }], 'stun');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const { a, b } = await openTwo(world, [ha, hb], ['Ayla', 'Bora']);
    const connected = await openAndConnect(a, b, 'scenario 1 (cone NATs, STUN)');
    expect(connected.route).toBe('direct');
    // Through the NAT's one mapping either way: learned from STUN (srflx), or from the peer's check when it
    // answered before our STUN did (prflx, seen once in a loaded CI run). Never host, never relay.
    expect(['srflx', 'prflx']).toContain(connected.pair.local);
    expect(['srflx', 'prflx']).toContain(connected.pair.remote);
    await sendVerifiedFile(a, b, 20 * MiB);
    await videoCall(a, b);
    expect([...a.problems, ...b.problems]).toEqual([]);
  } finally {
    await world.close();
  }
});

test('scenario 2: both behind symmetric NATs connect through TURN by themselves within 10 s; chat, file, video call', async () => {
  const world = await startWorld([{ nat: 'symmetric' }, { nat: 'symmetric' }], 'turn');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const { a, b } = await openTwo(world, [ha, hb], ['Cem', 'Deniz']);
    const connected = await openAndConnect(a, b, 'scenario 2 (symmetric NATs, TURN)', 10_000);
    expect(connected.route).toBe('relayed');
    expect(connected.pair.policy ?? 'all').toBe('all');
    expect([connected.pair.local, connected.pair.remote]).toContain('relay');
    await sendVerifiedFile(a, b, 4 * MiB);
    await videoCall(a, b);
    expect([...a.problems, ...b.problems]).toEqual([]);
  } finally {
    await world.close();
  }
});
