import {
  callPanel,
  connectCall,
  expectGrowing,
  expectStopped,
  inbound,
  liveLocalTracks,
  openCaller,
  tile,
  totals,
} from './support/call.js';
import { expect, peopleList, test } from './support/fixtures.js';

test.describe('calls between two people', () => {
  test('A video-calls B, B accepts: video frames and audio packets flow both ways; B hangs up and every track stops', async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora');
    await connectCall(a.page, 'Ayla', b.page, 'Bora');

    for (const page of [a.page, b.page]) {
      await expectGrowing(async () => (await totals(page)).videoFrames, 20);
      await expectGrowing(async () => (await totals(page)).audioPackets, 20);
    }
    // The remote tile plays the video (decoded frames reach the <video>), and presence says "In a call".
    await expect(tile(a.page, 'Bora').locator('video')).toHaveJSProperty('paused', false);
    await expect(peopleList(b.page).getByRole('button', { name: /^Ayla/ })).toContainText('In a call');
    await expect(peopleList(a.page).getByRole('button', { name: /^Bora/ })).toContainText('In a call');
    expect(await liveLocalTracks(a.page)).toEqual(expect.arrayContaining([expect.stringMatching(/^video:/)]));

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
});
