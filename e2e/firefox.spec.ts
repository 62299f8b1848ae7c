import type { Page as PuppeteerPage } from 'puppeteer-core';
import { messageLog, openConversationWith, rename, send } from './support/chat.js';
import { E2E_BASE_URL } from './support/env.js';
import { launchFirefox } from './support/firefox.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import { expectVerifiedByLink, inviteLink } from './support/link-proof.js';

/** Waits until `text` appears in the Firefox page's body. */
async function waitForText(page: PuppeteerPage, text: string): Promise<void> {
  await page.waitForFunction((t) => (document.body.textContent ?? '').includes(t), { timeout: 20_000 }, text);
}

test('Chromium and Firefox see each other and chat peer to peer', async ({ browser, roomId }) => {
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Chromium');

    const ff = await firefox.newPage();
    const errors: string[] = [];
    ff.on('pageerror', (e) => errors.push(String(e)));
    await ff.goto(`${E2E_BASE_URL}/r/${roomId}`);
    await waitForText(ff, 'Connected');
    const nameBox = await ff.waitForSelector('::-p-aria(Your name)');
    await nameBox?.click({ count: 3 });
    await nameBox?.type('Firefox');
    await nameBox?.press('Enter');
    await expect(peopleList(a.page).getByRole('button', { name: /^Firefox/ })).toBeVisible();

    await openConversationWith(a.page, 'Firefox');
    await send(a.page, 'merhaba from Chromium');
    await waitForText(ff, 'Chromium');
    await (await ff.waitForSelector('::-p-aria(People in this room) ::-p-text(Chromium)'))?.click();
    await waitForText(ff, 'merhaba from Chromium');

    const box = await ff.waitForSelector('::-p-aria(Message)');
    await box?.type('selam from Firefox');
    await (await ff.waitForSelector('::-p-aria(Send)'))?.click();
    await expect(messageLog(a.page)).toContainText('selam from Firefox');
    await expect(messageLog(a.page).locator('.bubble.mine .delivery')).toHaveText('Read');
    expect(errors).toEqual([]);
  } finally {
    await firefox.close();
  }
});

test('Chromium and Firefox verify each other by the invite link', async ({ browser }) => {
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, '', { link: '/new' });
    await rename(a.page, 'Chromium');
    const link = await inviteLink(a.page);
    expect(link).toMatch(/#k=[A-Za-z0-9_-]{22}$/);

    const ff = await firefox.newPage();
    const errors: string[] = [];
    ff.on('pageerror', (e) => errors.push(String(e)));
    await ff.goto(link);
    await waitForText(ff, 'Connected');
    const nameBox = await ff.waitForSelector('::-p-aria(Your name)');
    await nameBox?.click({ count: 3 });
    await nameBox?.type('Firefox');
    await nameBox?.press('Enter');

    await openConversationWith(a.page, 'Firefox');
    await expectVerifiedByLink(a.page, 'Firefox');
    await waitForText(ff, 'Verified by invite link');
    // The key left Firefox's address bar too.
    expect(ff.url()).not.toContain('#');
    expect(errors).toEqual([]);
  } finally {
    await firefox.close();
  }
});
