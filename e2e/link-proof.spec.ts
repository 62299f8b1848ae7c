import { openConversationWith, openRoomChat, rename } from './support/chat.js';
import { E2E_BASE_URL } from './support/env.js';
import { expect, openPerson, test } from './support/fixtures.js';
import {
  conversationHeader,
  expectVerifiedByLink,
  inviteLink,
  launchChromium,
  linkBadge,
} from './support/link-proof.js';

const INVITE = /^https:\/\/127\.0\.0\.1:\d+\/r\/([A-Za-z0-9_-]{16})#k=([A-Za-z0-9_-]{22})$/;

test('two browsers that opened the invite link are verified by it; one without the key is not, and nobody is alarmed', async ({
  browser,
}) => {
  test.slow();
  const [one, two] = await Promise.all([launchChromium(), launchChromium()]);
  try {
    // Aylin starts a room as everyone does: `/` redirects to a fresh room, whose page makes the key.
    const a = await openPerson(one, '', { baseURL: E2E_BASE_URL, link: '/' });
    const link = await inviteLink(a.page);
    const [, roomId, key] = INVITE.exec(link) ?? [];
    if (!roomId || !key) throw new Error(`not an invite link: ${link}`);
    // The key left the address bar (and so the history entry) at once.
    expect(a.page.url()).toBe(`${E2E_BASE_URL}/r/${roomId}`);

    const b = await openPerson(two, roomId, { baseURL: E2E_BASE_URL, link });
    expect(b.page.url()).toBe(`${E2E_BASE_URL}/r/${roomId}`);
    expect(await inviteLink(b.page)).toBe(link);
    await rename(a.page, 'Aylin');
    await rename(b.page, 'Burak');

    await openConversationWith(a.page, 'Burak');
    await expect(conversationHeader(a.page)).toContainText('Connected peer to peer');
    // Within 5 s of the connection: both lists, and the conversation.
    await expectVerifiedByLink(a.page, 'Burak', 5_000);
    await expectVerifiedByLink(b.page, 'Aylin', 5_000);
    await expect(conversationHeader(a.page).getByText('Verified by invite link')).toBeVisible();

    // Cem comes with a damaged link: the room opens without a key, says so once, and he is not verified.
    const c = await openPerson(browser, roomId, { link: `/r/${roomId}#k=${key.slice(0, 12)}` });
    await expect(c.page.getByRole('status').filter({ hasText: 'security key is damaged' })).toBeVisible();
    await rename(c.page, 'Cem');
    await openConversationWith(a.page, 'Cem');
    await openConversationWith(b.page, 'Cem');
    await expect(conversationHeader(a.page)).toContainText('Connected peer to peer');
    await expect(conversationHeader(b.page)).toContainText('Connected peer to peer');
    expect(await linkBadge(a.page, 'Cem')).toBe('Not verified');
    expect(await linkBadge(b.page, 'Cem')).toBe('Not verified');
    // No proof within 10 s: a neutral hint, never an alarm.
    for (const page of [a.page, b.page]) {
      await expect(conversationHeader(page)).toContainText('Cem has not shown this room’s key', {
        timeout: 15_000,
      });
    }
    for (const page of [a.page, b.page, c.page]) await expect(page.getByRole('alert')).toHaveCount(0);
    // Cem holds no key, so he verifies nobody and is shown nothing about it; his invite link has no key.
    expect(await linkBadge(c.page, 'Aylin')).toBe('');
    expect(await inviteLink(c.page)).toBe(`${E2E_BASE_URL}/r/${roomId}`);

    // The room conversation counts the others verified by link.
    await openRoomChat(a.page);
    await expect(conversationHeader(a.page)).toContainText('1 of 2 others verified by invite link');

    // Burak reloads (no fragment now: the key was kept for the room) and is verified again, on a new connection.
    await b.page.reload();
    await expect(b.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await openConversationWith(b.page, 'Aylin');
    await expect(conversationHeader(b.page)).toContainText('Connected peer to peer');
    await expectVerifiedByLink(b.page, 'Aylin', 5_000);
    await expectVerifiedByLink(a.page, 'Burak', 5_000);
    // Cem's reload does not repeat the damaged-link notice (the fragment is gone).
    await c.page.reload();
    await expect(c.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await expect(c.page.getByText('security key is damaged')).toHaveCount(0);

    expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});
