import { bubbleTexts, messageLog, openConversationWith, openRoomChat, rename, send } from './support/chat.js';
import { E2E_PORT } from './support/env.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import { startServer } from './support/server-process.js';

test('private chat both ways, with delivery and read states; a third person sees nothing', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const c = await openPerson(browser, roomId);
  await rename(a.page, 'Ali');
  await rename(b.page, 'Banu');
  await rename(c.page, 'Cem');

  await openConversationWith(a.page, 'Banu');
  await send(a.page, 'Merhaba Banu');
  await expect(peopleList(b.page).getByRole('button', { name: /^Ali/ })).toContainText('+1');
  await expect(b.page).toHaveTitle('(1) Köprü');

  await openConversationWith(b.page, 'Ali');
  await expect(messageLog(b.page)).toContainText('Merhaba Banu');
  await expect(messageLog(a.page).locator('.bubble.mine')).toContainText('Read');
  await expect(b.page).toHaveTitle('Köprü');

  await b.page.getByRole('textbox', { name: 'Message' }).fill('Selam');
  await expect(a.page.getByText('Banu is typing…')).toBeVisible();
  await send(b.page, 'Selam Ali, nasılsın?');
  await expect(a.page.getByText('Banu is typing…')).toBeHidden();
  await expect(messageLog(a.page)).toContainText('Selam Ali, nasılsın?');
  expect(await bubbleTexts(a.page)).toEqual(['Merhaba Banu', 'Selam Ali, nasılsın?']);

  // C has no conversation with either and no unread badge; its room chat is empty.
  await openConversationWith(c.page, 'Ali');
  await expect(messageLog(c.page).getByRole('listitem')).toHaveCount(0);
  await openRoomChat(c.page);
  await expect(messageLog(c.page).getByRole('listitem')).toHaveCount(0);
  await expect(peopleList(c.page).locator('.badge')).toHaveCount(0);
  expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
});

test('room chat reaches everyone, peer to peer', async ({ browser, roomId }) => {
  const people = [
    await openPerson(browser, roomId),
    await openPerson(browser, roomId),
    await openPerson(browser, roomId),
  ];
  const names = ['Deniz', 'Ece', 'Fatih'];
  for (const [i, p] of people.entries()) await rename(p.page, names[i] ?? '');
  for (const p of people) await openRoomChat(p.page);
  const [d, e, f] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  await send(d.page, 'Herkese merhaba');
  await expect(messageLog(e.page)).toContainText('Herkese merhaba');
  await expect(messageLog(f.page)).toContainText('Herkese merhaba');
  await expect(messageLog(e.page).locator('.sender')).toHaveText('Deniz');
  await send(f.page, 'Selam!');
  await expect(messageLog(d.page)).toContainText('Selam!');
  await expect(messageLog(e.page)).toContainText('Selam!');
  expect(await bubbleTexts(e.page)).toEqual(['Herkese merhaba', 'Selam!']);
  await expect(messageLog(d.page).locator('.bubble.mine')).toContainText('Delivered');
});

test('a reload shows the conversation again, and Clear history empties it', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Gül');
  await rename(b.page, 'Hakan');
  await openConversationWith(a.page, 'Hakan');
  await send(a.page, 'birinci');
  await openConversationWith(b.page, 'Gül');
  await send(b.page, 'ikinci');
  await expect(messageLog(a.page)).toContainText('ikinci');

  await b.page.reload();
  await expect(b.page.getByRole('status')).toHaveText('Connected');
  await openConversationWith(b.page, 'Gül');
  expect(await bubbleTexts(b.page)).toEqual(['birinci', 'ikinci']);
  // Still one conversation after the reload: the same person, chatting on.
  await send(b.page, 'üçüncü');
  await expect(messageLog(a.page)).toContainText('üçüncü');
  expect(await bubbleTexts(a.page)).toEqual(['birinci', 'ikinci', 'üçüncü']);

  await b.page.getByRole('button', { name: 'Clear history' }).click();
  await expect(messageLog(b.page).getByRole('listitem')).toHaveCount(0);
  await b.page.reload();
  await openConversationWith(b.page, 'Gül');
  await expect(messageLog(b.page).getByRole('listitem')).toHaveCount(0);
});

test('both start a conversation at the same instant (glare) and still chat', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Irmak');
  await rename(b.page, 'Jale');
  await Promise.all([openConversationWith(a.page, 'Jale'), openConversationWith(b.page, 'Irmak')]);
  await Promise.all([send(a.page, 'from A'), send(b.page, 'from B')]);
  await expect(messageLog(a.page)).toContainText('from B');
  await expect(messageLog(b.page)).toContainText('from A');
  await expect(messageLog(a.page).locator('.bubble.theirs')).toHaveCount(1);
  await expect(messageLog(b.page).locator('.bubble.theirs')).toHaveCount(1);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('messages sent while the other is offline arrive exactly once, in order', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Kaan');
  await rename(b.page, 'Lale');
  await openConversationWith(a.page, 'Lale');
  await openConversationWith(b.page, 'Kaan');
  await send(a.page, 'hello');
  await expect(messageLog(b.page)).toContainText('hello');

  await b.context.setOffline(true);
  // The page also says it is offline (a second status, the app's own); this one is the room's link.
  await expect(b.page.getByRole('status').filter({ hasText: /^Reconnecting…$/ })).toBeVisible();
  for (const text of ['one', 'two', 'three']) await send(a.page, text);
  await b.context.setOffline(false);
  await expect(b.page.getByRole('status').filter({ hasText: /^Connected$/ })).toBeVisible();
  await expect(messageLog(b.page).locator('.bubble-text')).toHaveText(['hello', 'one', 'two', 'three']);
  await expect(messageLog(a.page).locator('.bubble.mine .delivery')).toHaveText([
    'Read',
    'Read',
    'Read',
    'Read',
  ]);
});

test('chat continues on the existing peer connection when the server restarts', async ({
  browser,
  roomId,
}) => {
  const server = await startServer({ port: E2E_PORT + 2 });
  try {
    const a = await openPerson(browser, roomId, { baseURL: server.url });
    const b = await openPerson(browser, roomId, { baseURL: server.url });
    await rename(a.page, 'Mine');
    await rename(b.page, 'Nur');
    await openConversationWith(a.page, 'Nur');
    await openConversationWith(b.page, 'Mine');
    await send(a.page, 'before');
    await expect(messageLog(b.page)).toContainText('before');

    await server.stop();
    await expect(a.page.getByRole('status')).toHaveText('Reconnecting…');
    // The server is down: this can only travel over the peer connection.
    await send(a.page, 'while the server is down');
    await expect(messageLog(b.page)).toContainText('while the server is down');

    await server.restart();
    await expect(a.page.getByRole('status')).toHaveText('Connected', { timeout: 20_000 });
    await expect(b.page.getByRole('status')).toHaveText('Connected', { timeout: 20_000 });
    await send(b.page, 'after');
    await expect(messageLog(a.page)).toContainText('after');
    // Same people after the restart: one entry for each, no duplicates.
    await expect(peopleList(a.page).getByRole('listitem')).toHaveCount(1);
  } finally {
    await server.stop();
  }
});

test('markup in a message is shown as text', async ({ browser, roomId }) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Oya');
  await rename(b.page, 'Pars');
  let dialogs = 0;
  b.page.on('dialog', () => {
    dialogs += 1;
  });
  await openConversationWith(a.page, 'Pars');
  await openConversationWith(b.page, 'Oya');
  const payload = '<img src=x onerror=alert(1)> see https://example.org/a?b=1 and javascript:alert(2)';
  await send(a.page, payload);
  await expect(messageLog(b.page).locator('.bubble-text')).toHaveText(payload);
  await expect(messageLog(b.page).locator('img')).toHaveCount(0);
  const links = messageLog(b.page).getByRole('link');
  await expect(links).toHaveCount(1);
  await expect(links).toHaveAttribute('href', 'https://example.org/a?b=1');
  expect(dialogs).toBe(0);
});
