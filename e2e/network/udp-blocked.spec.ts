import { expect, test } from '@playwright/test';
import type { Home } from './lab.js';
import { MiB, openAndConnect, openTwo, sendVerifiedFile } from './lab-people.js';
import { startWorld } from './lab-world.js';

test('scenario 3: a network that drops all UDP connects through TURN over TCP, and with only turns: configured over TLS on 443; chat and file', async () => {
  const world = await startWorld([{ nat: 'cone', blockUdp: true }, { nat: 'cone' }], 'turn');
  try {
    const [blocked, open] = world.lab.homes as [Home, Home];
    const { a, b } = await openTwo(world, [blocked, open], ['Ece', 'Ferit']);
    const tcp = await openAndConnect(a, b, 'scenario 3 (UDP blocked, TURN over TCP)');
    expect(tcp.route).toBe('relayed');
    expect(tcp.pair).toMatchObject({ local: 'relay', relayProtocol: 'tcp' });
    await sendVerifiedFile(a, b, 2 * MiB);
    expect([...a.problems, ...b.problems]).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);

    // The same two, once the server offers only `turns:` (TLS on 443, what such offices let out).
    await world.restartServer('turns');
    const again = await openTwo(world, [blocked, open], ['Gül', 'Hakan']);
    const tls = await openAndConnect(again.a, again.b, 'scenario 3 (UDP blocked, turns: only, TLS on 443)');
    expect(tls.route).toBe('relayed');
    expect(tls.pair).toMatchObject({ local: 'relay', relayProtocol: 'tls' });
    await sendVerifiedFile(again.a, again.b, 2 * MiB);
    expect([...again.a.problems, ...again.b.problems]).toEqual([]);
  } finally {
    await world.close();
  }
});
