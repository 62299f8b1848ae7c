import { expect, test } from '@playwright/test';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { messageLog, openConversationWith } from '../support/chat.js';
import { newRoomId } from '../support/fixtures.js';
import type { Home } from './lab.js';
import { conversationStatus, openIn } from './lab-people.js';
import { startWorld } from './lab-world.js';

async function waitForText(page: PuppeteerPage, text: string): Promise<void> {
  await page.waitForFunction((t) => (document.body.textContent ?? '').includes(t), { timeout: 30_000 }, text);
}

test('scenario 2 with one Firefox: Chromium and Firefox ESR behind symmetric NATs connect through TURN by themselves within 10 s', async () => {
  const world = await startWorld([{ nat: 'symmetric' }, { nat: 'symmetric' }], 'turn');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const roomId = newRoomId();
    const a = await openIn(world, ha, roomId, 'Chromium');
    const firefox = await world.firefox(hb);
    const ff = await firefox.newPage();
    await ff.goto(`${world.server.url}/r/${roomId}`);
    await waitForText(ff, 'Connected');
    const nameBox = await ff.waitForSelector('::-p-aria(Your name)');
    await nameBox?.click({ count: 3 });
    await nameBox?.type('Firefox');
    await nameBox?.press('Enter');
    await (await ff.waitForSelector('::-p-aria(People in this room) ::-p-text(Chromium)'))?.click();
    const started = Date.now();
    await openConversationWith(a.page, 'Firefox');
    await a.page.getByRole('textbox', { name: 'Message' }).fill('merhaba Firefox');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(conversationStatus(a.page, 'Firefox')).toContainText('Connected peer to peer · relayed', {
      timeout: 10_000,
    });
    console.log(`[lab] scenario 2 with Firefox: connected in ${Date.now() - started} ms, relayed`);
    await waitForText(ff, 'merhaba Firefox');
    const box = await ff.waitForSelector('::-p-aria(Message)');
    await box?.type('selam Chromium');
    await (await ff.waitForSelector('::-p-aria(Send)'))?.click();
    await expect(messageLog(a.page)).toContainText('selam Chromium');
  } finally {
    await world.close();
  }
});
