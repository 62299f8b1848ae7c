import { type Browser, chromium, type Page } from '@playwright/test';
import { callPanel, expectGrowing, incoming, recordCallConnections, totals } from './support/call.js';
import { messageLog, send } from './support/chat.js';
import { CHROMIUM_ARGS, E2E_BASE_URL } from './support/env.js';
import { expect, newRoomId, test } from './support/fixtures.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  transfers,
} from './support/transfer.js';

/** The bound: a device that opens Köprü is listed to the others within 2 s. */
const LISTED_WITHIN_MS = 2_000;

const nearbyList = (page: Page) => page.getByRole('list', { name: /^Nearby devices$|^Yakındaki cihazlar$/ });
const nearbyDevice = (page: Page, name: string) =>
  nearbyList(page).getByRole('button', { name: new RegExp(`^${name}\\b`) });

/** A browser process of its own (not a context of the shared one): two devices, as the issue asks. */
async function launchDevice(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Opens the home screen as `name` (the remembered profile), watching its peer connections. */
async function openHome(
  browser: Browser,
  name: string,
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: E2E_BASE_URL,
    ignoreHTTPSErrors: true,
    locale: 'en-US',
    ...(viewport ? { viewport } : {}),
  });
  const page = await context.newPage();
  await page.addInitScript(recordCallConnections);
  await page.addInitScript(
    (profile) => localStorage.setItem('kopru:profile', profile),
    JSON.stringify({ name }),
  );
  await page.goto('/');
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  return page;
}

async function openConversation(page: Page, name: string): Promise<void> {
  await nearbyDevice(page, name).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
}

test.describe('Nearby on the home screen', () => {
  const browsers: Browser[] = [];
  test.afterEach(async () => {
    await Promise.all(browsers.splice(0).map((b) => b.close()));
  });

  test('two browser processes see each other within 2 s, then chat, send a file and make a video call', async () => {
    test.slow();
    browsers.push(await launchDevice(), await launchDevice());
    const [one, two] = browsers as [Browser, Browser];
    const ayla = await openHome(one, 'Ayla');

    const bora = await openHome(two, 'Bora');
    const boraJoined = Date.now();
    await expect(nearbyDevice(ayla, 'Bora')).toBeVisible({ timeout: LISTED_WITHIN_MS });
    await expect(nearbyDevice(bora, 'Ayla')).toBeVisible({
      timeout: Math.max(1, LISTED_WITHIN_MS - (Date.now() - boraJoined)),
    });
    await expect(nearbyDevice(ayla, 'Bora')).toContainText('Computer');

    // Chat.
    await openConversation(ayla, 'Bora');
    await send(ayla, 'hello from across the desk');
    await openConversation(bora, 'Ayla');
    await expect(messageLog(bora)).toContainText('hello from across the desk');
    await expect(messageLog(ayla).getByText(/Delivered|Read/)).toBeVisible();

    // A file, checked by the hash of the saved copy.
    const file = makeFile(scratchDir(), 'photo.bin', 300 * 1024);
    await chooseFiles(ayla, file.path);
    await acceptOffer(bora);
    const card = transfers(bora).filter({ hasText: 'From Ayla' });
    await expect(card).toContainText('Complete: every file verified', { timeout: 30_000 });
    expect((await saveAndHash(bora, card, 'photo.bin')).sha256).toBe(file.sha256);

    // A video call.
    await ayla.getByRole('button', { name: 'Video call' }).click();
    await expect(incoming(bora)).toContainText('Ayla is calling');
    await incoming(bora).getByRole('button', { name: 'Accept' }).click();
    await expect(callPanel(ayla).getByRole('figure', { name: 'Bora', exact: true })).toBeVisible();
    await expect(callPanel(bora).getByRole('figure', { name: 'Ayla', exact: true })).toBeVisible();
    await expectGrowing(async () => (await totals(bora)).videoFrames, 20);
    await expectGrowing(async () => (await totals(ayla)).videoFrames, 20);
    // The same stage as in a room: the conversation waits behind Chat, which opens it beside the call.
    await expect(ayla.getByRole('textbox', { name: 'Message' })).toBeHidden();
    await callPanel(ayla).getByRole('button', { name: /^Chat/ }).click();
    await expect(ayla.getByRole('textbox', { name: 'Message' })).toBeVisible();

    // Leaving removes the device within a second.
    await bora.context().close();
    await expect(nearbyDevice(ayla, 'Bora')).toHaveCount(0, { timeout: 1_000 });
  });

  test('"Visible to nearby devices" off hides this device and is remembered; a room link still opens the room', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const ayla = await openHome(one, 'Ayla');
    const bora = await openHome(one, 'Bora');
    await expect(nearbyDevice(ayla, 'Bora')).toBeVisible({ timeout: LISTED_WITHIN_MS });

    await bora.getByRole('checkbox', { name: 'Visible to nearby devices' }).uncheck();
    await expect(nearbyDevice(ayla, 'Bora')).toHaveCount(0, { timeout: 1_000 });
    await bora.reload();
    await expect(bora.getByRole('checkbox', { name: 'Visible to nearby devices' })).not.toBeChecked();
    await expect(bora.getByText('You are hidden from nearby devices')).toBeVisible();
    await expect(nearbyDevice(ayla, 'Bora')).toHaveCount(0);

    await bora.getByRole('checkbox', { name: 'Visible to nearby devices' }).check();
    await expect(nearbyDevice(ayla, 'Bora')).toBeVisible({ timeout: LISTED_WITHIN_MS });

    await bora.goto('/r/abcdefghijkl');
    await expect(bora.getByRole('button', { name: 'Invite' })).toBeVisible();
    await bora.goto('/');
    await expect(bora.getByRole('link', { name: /abcdefghijkl/ })).toBeVisible();
  });

  test('a room tab is listed to nearby devices, and answers in its own page', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const ayla = await openHome(one, 'Ayla');
    const context = await one.newContext({ baseURL: E2E_BASE_URL, ignoreHTTPSErrors: true, locale: 'en-US' });
    const bora = await context.newPage();
    await bora.addInitScript(() => localStorage.setItem('kopru:profile', JSON.stringify({ name: 'Bora' })));
    await bora.goto(`/r/${newRoomId()}`);
    await expect(bora.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();

    await expect(nearbyDevice(ayla, 'Bora')).toBeVisible({ timeout: LISTED_WITHIN_MS });
    await openConversation(ayla, 'Bora');
    await send(ayla, 'are you in a room?');
    await expect(nearbyDevice(bora, 'Ayla')).toContainText('+1');
    await openConversation(bora, 'Ayla');
    await expect(messageLog(bora)).toContainText('are you in a room?');
    await send(bora, 'yes, and still here');
    await expect(messageLog(ayla)).toContainText('yes, and still here');
  });

  test('relay-only mode keeps a device off Nearby until it is switched on', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const ayla = await openHome(one, 'Ayla');
    const context = await one.newContext({ baseURL: E2E_BASE_URL, ignoreHTTPSErrors: true, locale: 'en-US' });
    const bora = await context.newPage();
    await bora.addInitScript(() => localStorage.setItem('kopru:relay-only', 'on'));
    await bora.goto('/');

    const visible = bora.getByRole('checkbox', { name: 'Visible to nearby devices' });
    await expect(visible).not.toBeChecked();
    await expect(bora.getByText('You are hidden from nearby devices')).toBeVisible();
    await visible.check();
    await expect(nearbyList(ayla).getByRole('button')).toHaveCount(1, { timeout: LISTED_WITHIN_MS });
  });

  test('the home screen works in the 390×844 phone layout', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const ayla = await openHome(one, 'Ayla', { width: 390, height: 844 });
    const bora = await openHome(one, 'Bora', { width: 390, height: 844 });

    for (const control of [
      nearbyDevice(ayla, 'Bora'),
      ayla.getByRole('checkbox', { name: 'Visible to nearby devices' }),
      ayla.getByRole('button', { name: 'Start a room' }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await expect(control).toBeInViewport();
    }
    await nearbyDevice(ayla, 'Bora').click();
    await expect(ayla.getByRole('heading', { name: 'Bora', exact: true })).toBeInViewport();
    await send(ayla, 'from a phone');
    await nearbyDevice(bora, 'Ayla').click();
    await expect(messageLog(bora)).toContainText('from a phone');

    await ayla.getByRole('tab', { name: 'People' }).click();
    await ayla.getByRole('button', { name: 'Start a room' }).click();
    await expect(ayla).toHaveURL(/\/r\/[A-Za-z0-9_-]{16}$/);
  });
});
