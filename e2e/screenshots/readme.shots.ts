import path from 'node:path';
import type { Page } from '@playwright/test';
import { connectCall, incoming, openCaller, tile } from '../support/call.js';
import { openConversationWith, rename, send } from '../support/chat.js';
import { expect, openPerson, test } from '../support/fixtures.js';
import { chooseFiles, makeFile, progressOf, scratchDir, transfers } from '../support/transfer.js';

/** The pictures of the README, taken from the real app: two or three people, the fake camera. */
const OUT = path.resolve(import.meta.dirname, '../../docs/images');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });

async function conversation(browser: Parameters<typeof openPerson>[0], roomId: string, dark = false) {
  const colorScheme = dark ? ('dark' as const) : ('light' as const);
  const a = await openPerson(browser, roomId, { viewport: DESKTOP, colorScheme });
  const b = await openPerson(browser, roomId, { viewport: DESKTOP });
  await rename(a.page, 'Ayla');
  await rename(b.page, 'Bora');
  await openConversationWith(a.page, 'Bora');
  await openConversationWith(b.page, 'Ayla');
  await send(a.page, 'Hi Bora! Sending you the photos from Saturday.');
  await send(b.page, 'Great, thanks — go ahead.');
  await send(a.page, 'Here they are. The big video follows after.');
  return { a, b };
}

test('room with a conversation', async ({ browser, roomId }) => {
  const { a } = await conversation(browser, roomId);
  await shoot(a.page, 'room');
});

test('dark mode', async ({ browser, roomId }) => {
  const { a } = await conversation(browser, roomId, true);
  await shoot(a.page, 'dark');
});

test('a transfer in progress', async ({ browser, roomId }) => {
  const { a, b } = await conversation(browser, roomId);
  const dir = scratchDir();
  const files = [makeFile(dir, 'holiday-video.mp4', 150_000_000), makeFile(dir, 'notes.txt', 12_000)];
  await chooseFiles(
    a.page,
    files.map((f) => f.path),
  );
  await transfers(b.page).getByRole('button', { name: 'Accept' }).click();
  const bar = transfers(b.page).getByRole('progressbar', { name: 'All files' });
  await expect.poll(() => progressOf(bar), { timeout: 60_000 }).toBeGreaterThan(0.1);
  await shoot(b.page, 'transfer');
  await transfers(b.page).getByRole('button', { name: 'Cancel' }).click();
});

test('a group call of three', async ({ browser, roomId }) => {
  const a = await openCaller(browser, roomId, 'Ayla', { viewport: DESKTOP });
  const b = await openCaller(browser, roomId, 'Bora');
  const c = await openCaller(browser, roomId, 'Cem');
  await connectCall(a.page, 'Ayla', b.page, 'Bora');
  await a.page.getByRole('button', { name: 'Add people' }).click();
  await a.page.getByRole('button', { name: 'Add Cem' }).click();
  await incoming(c.page).getByRole('button', { name: 'Accept' }).click();
  await expect(tile(a.page, 'Cem')).toBeVisible();
  await expect(tile(a.page, 'Cem').locator('video')).toHaveJSProperty('paused', false);
  await shoot(a.page, 'group-call');
});

test('the phone layout', async ({ browser, roomId }) => {
  const a = await openCaller(browser, roomId, 'Ayla');
  const b = await openCaller(browser, roomId, 'Bora', { viewport: PHONE });
  await connectCall(a.page, 'Ayla', b.page, 'Bora');
  await expect(tile(b.page, 'Ayla').locator('video')).toHaveJSProperty('paused', false);
  await shoot(b.page, 'phone');
});

test('the home screen: nearby devices, your devices, starting a room', async ({ browser, roomId }) => {
  const asNamed = (name: string) => async (page: Page) => {
    await page.addInitScript(
      (profile) => localStorage.setItem('kopru:profile', profile),
      JSON.stringify({ name }),
    );
  };
  const ayla = await openPerson(browser, roomId, { viewport: DESKTOP, onPage: asNamed('Ayla') });
  // A room visited before: it shows under the recent rooms.
  await ayla.page.goto('/');
  await expect(ayla.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  for (const name of ['Bora', 'Cem']) await openPerson(browser, '', { link: '/', onPage: asNamed(name) });
  const nearby = ayla.page.getByRole('list', { name: 'Nearby devices' });
  for (const name of ['Bora', 'Cem']) {
    await expect(nearby.getByRole('button', { name: new RegExp(`^${name}\\b`) })).toBeVisible();
  }
  await shoot(ayla.page, 'home');
});
