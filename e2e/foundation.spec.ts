import { E2E_PORT } from './support/env.js';
import { expect, newRoomId, openPerson, peopleList, test } from './support/fixtures.js';
import { startServer } from './support/server-process.js';

test('two people see each other by name within a second, renames propagate, closing removes', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const [nameA, nameB] = [await a.name(), await b.name()];
  expect(nameA).toMatch(/^[A-Za-z0-9]{5}$/);
  expect(nameA).not.toBe(nameB);

  await expect(peopleList(a.page).getByRole('listitem').filter({ hasText: nameB })).toBeVisible({
    timeout: 1_000,
  });
  await expect(peopleList(b.page).getByRole('listitem').filter({ hasText: nameA })).toBeVisible({
    timeout: 1_000,
  });
  await expect(a.page.getByText('2 people in this room, you included')).toBeVisible();
  await expect(a.page.getByText(`Others see you as ${nameA}`)).toBeVisible();

  const nameBox = a.page.getByRole('textbox', { name: 'Your name' });
  await nameBox.fill('Ayşe');
  await nameBox.press('Enter');
  await expect(peopleList(b.page).getByRole('listitem').filter({ hasText: 'Ayşe' })).toBeVisible({
    timeout: 1_000,
  });
  await expect(peopleList(b.page).getByRole('listitem').filter({ hasText: nameA })).toHaveCount(0);

  await a.context.close();
  await expect(peopleList(b.page).getByRole('listitem')).toHaveCount(0, { timeout: 2_000 });
  await expect(b.page.getByText('1 person in this room (you)')).toBeVisible();
  expect(b.problems).toEqual([]);
});

test('the name is remembered and a reload returns as the same person', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const nameBox = a.page.getByRole('textbox', { name: 'Your name' });
  await nameBox.fill('Mert');
  await nameBox.press('Enter');
  await expect(peopleList(b.page).getByRole('listitem').filter({ hasText: 'Mert' })).toBeVisible();

  await a.page.reload();
  await expect(a.page.getByRole('status')).toHaveText('Connected');
  await expect(a.page.getByRole('textbox', { name: 'Your name' })).toHaveValue('Mert');
  // Same person: B still has exactly one "Mert".
  await expect(peopleList(b.page).getByRole('listitem').filter({ hasText: 'Mert' })).toHaveCount(1);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('search filters people and shows when nobody matches', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const c = await openPerson(browser, roomId);
  for (const [person, name] of [
    [b, 'Zeynep'],
    [c, 'Ömer'],
  ] as const) {
    const box = person.page.getByRole('textbox', { name: 'Your name' });
    await box.fill(name);
    await box.press('Enter');
  }
  const list = peopleList(a.page);
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await a.page.getByRole('textbox', { name: 'Search people' }).fill('zey');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Zeynep');
  await a.page.getByRole('textbox', { name: 'Search people' }).fill('omer');
  await expect(list.getByRole('listitem')).toContainText('Ömer');
  await a.page.getByRole('textbox', { name: 'Search people' }).fill('nobody');
  await expect(list.getByRole('listitem')).toHaveCount(0);
  await expect(a.page.getByText('No one matches “nobody”.')).toBeVisible();
});

test('Invite shows the room link and a QR code; Help explains what the server sees', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  await a.page.getByRole('button', { name: 'Invite' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'Invite to this room' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Room link' })).toHaveValue(new RegExp(`/r/${roomId}$`));
  const qr = dialog.getByRole('img', { name: 'QR code for the room link' });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  await a.page.getByRole('button', { name: 'Help' }).click();
  const help = a.page.getByRole('dialog', { name: 'How Köprü works' });
  await expect(help.getByRole('heading', { name: 'What goes through the server' })).toBeVisible();
  await expect(help.getByRole('heading', { name: 'What goes peer to peer' })).toBeVisible();
  await a.page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  expect(a.problems).toEqual([]);
});

test('switching to Turkish changes the visible strings, and a Turkish browser starts in Turkish', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  await a.page.getByRole('combobox', { name: 'Language' }).selectOption('tr');
  await expect(a.page.getByRole('button', { name: 'Davet et' })).toBeVisible();
  await expect(a.page.getByRole('button', { name: 'Yardım' })).toBeVisible();
  await expect(a.page.getByRole('status')).toHaveText('Bağlısınız');
  await expect(a.page.getByRole('textbox', { name: 'Adınız' })).toBeVisible();
  await expect(a.page.locator('html')).toHaveAttribute('lang', 'tr');

  const t = await openPerson(browser, roomId, { locale: 'tr-TR' });
  await expect(t.page.getByRole('button', { name: 'Yeni oda' })).toBeVisible();
  expect([...a.problems, ...t.problems]).toEqual([]);
});

test('New room goes to a fresh, unguessable room', async ({ browser }) => {
  const roomId = newRoomId();
  const a = await openPerson(browser, roomId);
  await a.page.getByRole('button', { name: 'New room' }).click();
  await expect(a.page).toHaveURL(/\/r\/[A-Za-z0-9_-]{16}$/);
  expect(a.page.url()).not.toContain(roomId);
  await expect(a.page.getByRole('status')).toHaveText('Connected');
});

test('on a phone the layout collapses to one column with tabs', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId, { viewport: { width: 390, height: 800 } });
  const tabs = a.page.getByRole('tablist', { name: 'Sections' });
  await expect(tabs).toBeVisible();
  await expect(tabs.getByRole('tab', { name: 'People' })).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Chat' }).click();
  await expect(a.page.getByRole('tabpanel')).toContainText('Choose someone in the list');
  const width = await a.page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});

test('a bad room link goes to the home screen', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/r/bad!id');
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByRole('heading', { name: 'Nearby' })).toBeVisible();
});

test('a full room says so', async ({ browser, roomId }) => {
  const server = await startServer({ port: E2E_PORT + 1, env: { ROOM_CAPACITY: '2' } });
  try {
    const base = { baseURL: server.url };
    await openPerson(browser, roomId, base);
    await openPerson(browser, roomId, base);
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto(`/r/${roomId}`);
    await expect(page.getByRole('alert')).toHaveText('This room is full.');
    await expect(page.getByRole('status')).toHaveText('Could not join');
  } finally {
    await server.stop();
  }
});
