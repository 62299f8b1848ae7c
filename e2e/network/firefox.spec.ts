import { expect, test } from '@playwright/test';
import { expectGrowing, placeCall, readInbound, sumInbound, tile, totals } from '../support/call.js';
import { messageLog, openConversationWith, send } from '../support/chat.js';
import {
  clickNamed,
  firefoxSaveAndHash,
  openFirefoxConversation,
  openFirefoxPerson,
  waitForText,
} from '../support/firefox.js';
import { newRoomId } from '../support/fixtures.js';
import { chooseFiles, makeFile, scratchDir } from '../support/transfer.js';
import type { Home } from './lab.js';
import { conversationStatus, MiB, openIn } from './lab-people.js';
import { startWorld } from './lab-world.js';

test('scenario 2 with one Firefox: Chromium and Firefox ESR behind symmetric NATs connect through TURN by themselves within 10 s; chat both ways, a file (hash checked), a video call with frames both ways', async () => {
  test.setTimeout(180_000);
  const world = await startWorld([{ nat: 'symmetric' }, { nat: 'symmetric' }], 'turn');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const roomId = newRoomId();
    const a = await openIn(world, ha, roomId, 'Chromium');
    const ff = await openFirefoxPerson(await world.firefox(hb), `${world.server.url}/r/${roomId}`, 'Firefox');
    await openFirefoxConversation(ff, 'Chromium');
    const started = Date.now();
    await openConversationWith(a.page, 'Firefox');
    await send(a.page, 'merhaba Firefox');
    await expect(conversationStatus(a.page, 'Firefox')).toContainText('Connected peer to peer · relayed', {
      timeout: 10_000,
    });
    console.log(`[lab] scenario 2 with Firefox: connected in ${Date.now() - started} ms, relayed`);
    await waitForText(ff.page, 'merhaba Firefox');
    const box = await ff.page.waitForSelector('::-p-aria(Message)');
    await box?.type('selam Chromium');
    await clickNamed(ff.page, 'Send');
    await expect(messageLog(a.page)).toContainText('selam Chromium');

    // Small: the relayed path is what is proven, not the rate (the loopback test sends 50 MiB each way).
    const file = makeFile(scratchDir(), 'lab-to-firefox.bin', 4 * MiB);
    await chooseFiles(a.page, [file.path]);
    await clickNamed(ff.page, 'Accept');
    await waitForText(ff.page, 'Complete: every file verified', 60_000);
    expect(await firefoxSaveAndHash(ff, file.name, file.size)).toBe(file.sha256);

    await placeCall(a.page, 'Firefox', 'Video call');
    await waitForText(ff.page, 'Chromium is calling');
    await clickNamed(ff.page, 'Accept');
    await expect(tile(a.page, 'Firefox')).toBeVisible();
    await Promise.all([
      expectGrowing(async () => sumInbound(await ff.page.evaluate(readInbound)).videoFrames, 20),
      expectGrowing(async () => (await totals(a.page)).videoFrames, 20),
    ]);
    expect([...a.problems, ...ff.problems]).toEqual([]);
  } finally {
    await world.close();
  }
});
