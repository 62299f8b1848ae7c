import type { Page } from '@playwright/test';
import {
  aylaCallsBora,
  blockPorts,
  callPanel,
  connectCall,
  expectGrowing,
  expectStopped,
  inbound,
  incoming,
  localCandidatePorts,
  openCaller,
  tile,
  totals,
} from './support/call.js';
import { openRoomChat } from './support/chat.js';
import { E2E_PORT } from './support/env.js';
import { expect, peopleList, test } from './support/fixtures.js';
import { type ServerProcess, startServer } from './support/server-process.js';

/** Waits until `count` of the page's connections deliver video frames that keep advancing. */
async function expectVideoFrom(page: Page, count: number): Promise<void> {
  await expect.poll(async () => (await inbound(page)).filter((c) => c.videoFrames > 0).length).toBe(count);
  const before = await inbound(page);
  await expect
    .poll(async () => {
      const now = await inbound(page);
      return now.filter((c, i) => c.videoFrames >= (before[i]?.videoFrames ?? 0) + 10).length;
    })
    .toBe(count);
}

test.describe('group calls and recovery', () => {
  test('three-way call: A adds C to a call with B; every participant receives every other one’s video', async ({
    browser,
    roomId,
  }) => {
    test.setTimeout(90_000); // three browser contexts, six media streams on two cores
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    const c = await openCaller(browser, roomId, 'Cem');
    await connectCall(a.page, 'Ayla', b.page, 'Bora');

    await callPanel(a.page).getByRole('button', { name: 'Add people' }).click();
    await callPanel(a.page).getByRole('button', { name: 'Add Cem' }).click();
    await expect(incoming(c.page)).toContainText('Ayla is calling');
    await expect(incoming(c.page)).toContainText('Also in the call: Bora');
    await incoming(c.page).getByRole('button', { name: 'Accept' }).click();

    for (const [person, others] of [
      [a, ['Bora', 'Cem']],
      [b, ['Ayla', 'Cem']],
      [c, ['Ayla', 'Bora']],
    ] as const) {
      for (const name of others) await expect(tile(person.page, name)).toBeVisible();
      await expectVideoFrom(person.page, 2);
    }
    await expect(peopleList(a.page).getByRole('button', { name: /^Cem/ })).toContainText('In a call');
    expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
  });

  test('a voice call with everyone in the room: the two who answer also hear each other', async ({
    browser,
    roomId,
  }) => {
    test.setTimeout(90_000); // three browser contexts
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    const c = await openCaller(browser, roomId, 'Cem');
    await openRoomChat(a.page);
    await a.page.getByRole('button', { name: 'Voice call' }).click();
    for (const person of [b, c]) {
      await expect(incoming(person.page)).toContainText('Ayla is calling');
      await incoming(person.page).getByRole('button', { name: 'Accept' }).click();
    }
    for (const [person, others] of [
      [a, ['Bora', 'Cem']],
      [b, ['Ayla', 'Cem']],
      [c, ['Ayla', 'Bora']],
    ] as const) {
      for (const name of others) await expect(tile(person.page, name)).toBeVisible();
      // Audio from each of the two others, on two connections.
      await expect
        .poll(async () => (await inbound(person.page)).filter((conn) => conn.audioPackets > 20).length)
        .toBe(2);
    }
  });

  test('A’s network drops for 3 s mid-call: frames flow again within 5 s without anyone pressing anything', async ({
    browser,
    roomId,
  }) => {
    const { a, b } = await aylaCallsBora(browser, roomId);
    const atB = async () => (await totals(b.page)).videoFrames;
    const atA = async () => (await totals(a.page)).videoFrames;
    await expectGrowing(atB, 20);

    // A real interruption: `context.setOffline` does not touch WebRTC's sockets, so the kernel drops every
    // packet to and from A's ICE ports instead (iptables). The signaling WebSocket is left up, as TCP rides
    // out a 3 s outage by retransmitting; the media path is what must recover.
    const unblock = blockPorts(await localCandidatePorts(a.page));
    const cutAt = Date.now();
    try {
      await expectStopped(atB); // proof that the drop is real: B gets nothing from A
      const outage = 3_000 - (Date.now() - cutAt);
      // The outage itself is the scenario (a network gone for 3 s), not a wait for an event.
      if (outage > 0) await new Promise((r) => setTimeout(r, outage));
    } finally {
      unblock();
    }

    // "Flowing again": frames advance on both sides within 5 s of the network coming back.
    await expectGrowing(atB, 5, 5_000);
    await expectGrowing(atA, 5, 5_000);
    await expect(tile(b.page, 'Ayla')).toBeVisible();
    await expect(callPanel(b.page).getByRole('status')).not.toContainText('Reconnecting…');
  });

  test('A’s old network path dies for good (a network change): both show "Reconnecting…", an ICE restart moves the call to new ports', async ({
    browser,
    roomId,
  }) => {
    test.setTimeout(90_000); // Chromium notices a dead path only after ~5–8 s without consent responses
    const { a, b } = await aylaCallsBora(browser, roomId);
    const atB = async () => (await totals(b.page)).videoFrames;
    await expectGrowing(atB, 20);
    const offers = a.offers() + b.offers();

    // The ports in use now stay blocked for the whole test, like an interface that went away; an ICE
    // restart gathers new candidates on new ports, which are not blocked.
    const unblock = blockPorts(await localCandidatePorts(a.page));
    try {
      await expect(callPanel(b.page).getByRole('status')).toContainText('Reconnecting…', { timeout: 20_000 });
      await expect(callPanel(a.page).getByRole('status')).toContainText('Reconnecting…', { timeout: 20_000 });
      await expectGrowing(atB, 20, 20_000);
      await expect(callPanel(b.page).getByRole('status')).not.toContainText('Reconnecting…');
      expect(a.offers() + b.offers()).toBeGreaterThan(offers); // the restart's offer: ICE, not a new call
      await expect(tile(b.page, 'Ayla')).toBeVisible();
    } finally {
      unblock();
    }
  });
});

test.describe('calls and the signaling server', () => {
  let server: ServerProcess | undefined;
  test.afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('a restart of the signaling server does not end the call', async ({ browser, roomId }) => {
    test.setTimeout(90_000); // a server of its own, stopped and started again
    server = await startServer({ port: E2E_PORT + 1 });
    const { a, b } = await aylaCallsBora(browser, roomId, { baseURL: server.url, media: 'Voice call' });
    await expectGrowing(async () => (await totals(b.page)).audioPackets, 20);

    await server.restart();
    await expect(a.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await expect(b.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();

    await expectGrowing(async () => (await totals(b.page)).audioPackets, 20);
    await expectGrowing(async () => (await totals(a.page)).audioPackets, 20);
    await expect(tile(a.page, 'Bora')).toBeVisible();
    await expect(callPanel(a.page).getByRole('heading', { name: 'In a call with Bora' })).toBeVisible();
  });
});
