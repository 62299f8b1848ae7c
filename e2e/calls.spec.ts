import {
  aylaCallsBora,
  callPanel,
  connectCall,
  expectGrowing,
  expectStopped,
  inbound,
  incoming,
  liveLocalTracks,
  openCaller,
  placeCall,
  tile,
  totals,
} from './support/call.js';
import { expect, peopleList, test } from './support/fixtures.js';

test.describe('calls between two people', () => {
  test('A video-calls B, B accepts: video frames and audio packets flow both ways; B hangs up and every track stops', async ({
    browser,
    roomId,
  }) => {
    test.setTimeout(90_000); // the longest call test: media both ways, stats, focus, hang-up, silence
    const { a, b } = await aylaCallsBora(browser, roomId);

    for (const page of [a.page, b.page]) {
      await expectGrowing(async () => (await totals(page)).videoFrames, 20);
      await expectGrowing(async () => (await totals(page)).audioPackets, 20);
    }
    // The remote tile plays the video (decoded frames reach the <video>), and presence says "In a call".
    await expect(tile(a.page, 'Bora').locator('video')).toHaveJSProperty('paused', false);
    await expect(peopleList(b.page).getByRole('button', { name: /^Ayla/ })).toContainText('In a call');
    await expect(peopleList(a.page).getByRole('button', { name: /^Bora/ })).toContainText('In a call');
    expect(await liveLocalTracks(a.page)).toEqual(expect.arrayContaining([expect.stringMatching(/^video:/)]));

    // The connection stats panel for Bora: path, codecs and live charts, filled from getStats samples.
    await tile(a.page, 'Bora').getByRole('button', { name: 'Connection stats for Bora' }).click();
    const stats = callPanel(a.page).getByRole('region', { name: 'Connection stats for Bora' });
    await expect(stats).toContainText('Direct (host ↔ host, udp)');
    await expect(stats).toContainText('opus, VP8');
    await expect(stats).toContainText(/Receiving\s*[1-9]\d* kbps/);
    await expect(stats.getByRole('img', { name: 'Round trip over the last minute' })).toBeVisible();
    // One tile can be focused (shown large).
    await tile(a.page, 'Bora').getByRole('button', { name: 'Focus Bora' }).click();
    await expect(tile(a.page, 'Bora').getByRole('button', { name: 'Focus Bora' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await callPanel(b.page).getByRole('button', { name: 'Hang up' }).click();

    await expect(callPanel(b.page).getByRole('status')).toContainText('Call ended.');
    await expect(callPanel(a.page).getByRole('status')).toContainText('Bora ended the call.');
    await expect.poll(() => liveLocalTracks(b.page)).toEqual([]);
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
    await expect(peopleList(b.page).getByRole('button', { name: /^Ayla/ })).toContainText('Available');
    // Nothing is sent any more: the counters on both sides stand still.
    await expectStopped(async () => (await totals(a.page)).videoFrames);
    expect((await inbound(b.page)).every((c) => c.state === 'connected')).toBe(true);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });

  test("B declines: the call ends for both and the caller's microphone is released", async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    await placeCall(a.page, 'Bora', 'Voice call');
    await expect(incoming(b.page)).toContainText('Voice call');
    await expect(tile(a.page, 'Bora')).toContainText('Ringing…');

    await incoming(b.page).getByRole('button', { name: 'Decline' }).click();

    await expect(incoming(b.page)).toBeHidden();
    await expect(callPanel(a.page).getByRole('status')).toContainText('Bora declined the call.');
    await expect(callPanel(b.page).getByRole('status')).toContainText('You declined the call from Ayla.');
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
    expect(await liveLocalTracks(b.page)).toEqual([]);
  });

  test("the caller cancels while it rings: the callee's dialog closes and shows a missed call", async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    await placeCall(a.page, 'Bora', 'Video call');
    await expect(incoming(b.page)).toContainText('Ayla is calling');

    await callPanel(a.page).getByRole('button', { name: 'Hang up' }).click();

    await expect(incoming(b.page)).toBeHidden();
    await expect(callPanel(b.page).getByRole('status')).toContainText('Missed call from Ayla.');
    await expect(callPanel(a.page).getByRole('status')).toContainText('Call cancelled.');
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
  });

  test('nobody answers: after the ring timeout both ends stop, the caller with "No answer"', async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    // The ring timeout is the real 30 s constant; the caller's page clock jumps over it instead of waiting.
    await a.page.clock.install();
    await placeCall(a.page, 'Bora', 'Video call');
    await expect(incoming(b.page)).toContainText('Ayla is calling');

    await a.page.clock.fastForward('00:31');

    await expect(callPanel(a.page).getByRole('status')).toContainText('No answer from Bora.');
    await expect(incoming(b.page)).toBeHidden();
    await expect(callPanel(b.page).getByRole('status')).toContainText('Missed call from Ayla.');
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
  });

  test("busy: B is in a call with C, so A's call to B ends as busy, and B's call goes on", async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    const c = await openCaller(browser, roomId, 'Cem');
    await connectCall(b.page, 'Bora', c.page, 'Cem', 'Voice call');

    await placeCall(a.page, 'Bora', 'Video call');

    await expect(callPanel(a.page).getByRole('status')).toContainText('Bora is in another call.');
    await expect(incoming(b.page)).toBeHidden();
    await expect(tile(b.page, 'Cem')).toBeVisible();
    await expectGrowing(async () => (await totals(c.page)).audioPackets, 20);
    await expect.poll(() => liveLocalTracks(a.page)).toEqual([]);
  });
});
