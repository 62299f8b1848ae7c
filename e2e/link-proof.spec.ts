import { connectCall, tile } from './support/call.js';
import { messageLog, openConversationWith, openRoomChat, rename, send } from './support/chat.js';
import { E2E_BASE_URL, E2E_PORT } from './support/env.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import {
  conversationHeader,
  everVerifiedByLink,
  expectVerifiedByLink,
  inviteLink,
  launchChromium,
  linkBadge,
  watchForLinkVerified,
} from './support/link-proof.js';
import { startManInTheMiddle } from './support/mitm.js';
import { startRecordingProxy } from './support/recording-proxy.js';
import { shownSafetyNumber } from './support/security.js';
import { startServer } from './support/server-process.js';
import { acceptOffer, chooseFiles, makeFile, scratchDir, transfers } from './support/transfer.js';

const INVITE = /^https:\/\/127\.0\.0\.1:\d+\/r\/([A-Za-z0-9_-]{16})#k=([A-Za-z0-9_-]{22})$/;

test('two browsers that opened the invite link are verified by it; one without the key is not, and nobody is alarmed', async ({
  browser,
}) => {
  test.slow();
  const [one, two] = await Promise.all([launchChromium(), launchChromium()]);
  try {
    // Aylin starts a room as everyone does: `/` redirects to a fresh room, whose page makes the key.
    const a = await openPerson(one, '', { baseURL: E2E_BASE_URL, link: '/new' });
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
    // In Turkish too.
    await b.page.getByRole('combobox', { name: 'Language' }).selectOption('tr');
    await expect(
      peopleList(b.page).getByRole('button', { name: /^Aylin\b.*davet bağlantısıyla doğrulandı/i }),
    ).toBeVisible();
    await expect(conversationHeader(b.page).getByText('Davet bağlantısıyla doğrulandı')).toBeVisible();
    await b.page.getByRole('combobox', { name: 'Dil' }).selectOption('en');
    // Cem's reload does not repeat the damaged-link notice (the fragment is gone).
    await c.page.reload();
    await expect(c.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await expect(c.page.getByText('security key is damaged')).toHaveCount(0);

    expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('a man in the middle that terminates DTLS twice raises the alarm on both sides; once it is gone, both are verified again', async ({
  browser,
}) => {
  test.slow();
  const mitm = await startManInTheMiddle(browser);
  mitm.active = false;
  const [one, two] = await Promise.all([launchChromium(), launchChromium()]);
  const dir = scratchDir();
  try {
    const a = await openPerson(one, '', {
      baseURL: E2E_BASE_URL,
      link: '/new',
      onPage: async (page) => {
        await mitm.intercept(page, 'A');
        await watchForLinkVerified(page);
      },
    });
    const link = await inviteLink(a.page);
    const roomId = INVITE.exec(link)?.[1] ?? '';
    const b = await openPerson(two, roomId, {
      baseURL: E2E_BASE_URL,
      link,
      onPage: async (page) => {
        await mitm.intercept(page, 'B');
        await watchForLinkVerified(page);
      },
    });
    await rename(a.page, 'Aylin');
    await rename(b.page, 'Burak');

    // Honest first: verified, and Burak chooses "Always accept from this person" for Aylin's files.
    await openConversationWith(a.page, 'Burak');
    await expectVerifiedByLink(a.page, 'Burak');
    await openConversationWith(b.page, 'Aylin');
    await expectVerifiedByLink(b.page, 'Aylin');
    await chooseFiles(a.page, [makeFile(dir, 'first.bin', 2048).path]);
    await acceptOffer(b.page, { always: true });
    await expect(b.page.getByRole('button', { name: 'Save first.bin', exact: true })).toBeVisible();
    await chooseFiles(a.page, [makeFile(dir, 'second.bin', 2048).path]);
    // Accepted without asking: that is the auto-accept the alarm must suspend.
    await expect(b.page.getByRole('button', { name: 'Save second.bin', exact: true })).toBeVisible();
    const honestNumber = await shownSafetyNumber(a.page);

    // The server turns liar: Aylin's next connection to Burak goes through the relay.
    mitm.active = true;
    await a.page.reload();
    await expect(a.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await openConversationWith(a.page, 'Burak');
    await send(a.page, 'kimse okumasın');
    // The relay carries the conversation (DTLS terminated twice, each side with the relay's certificate)...
    await expect(messageLog(b.page)).toContainText('kimse okumasın');
    expect(await mitm.forwardedFrames()).toBeGreaterThan(0);
    expect(await shownSafetyNumber(a.page)).not.toBe(honestNumber);
    // ...and both sides see that the link cannot confirm it.
    const alarm = 'Köprü could not confirm this connection with the invite link';
    await expect(a.page.getByRole('alert').filter({ hasText: alarm })).toBeVisible();
    await expect(b.page.getByRole('alert').filter({ hasText: alarm })).toBeVisible();
    // Verified by the link before, so the new certificate also warns as a changed key does.
    await expect(
      a.page.getByRole('alert').filter({ hasText: 'security key of Burak has changed' }),
    ).toBeVisible();
    await expect(
      b.page.getByRole('alert').filter({ hasText: 'security key of Aylin has changed' }),
    ).toBeVisible();
    expect(await linkBadge(a.page, 'Burak')).toContain('not confirmed');
    expect(await linkBadge(b.page, 'Aylin')).toContain('not confirmed');
    // "Always accept" is not honoured while the alarm stands: Burak is asked.
    await chooseFiles(a.page, [makeFile(dir, 'third.bin', 2048).path]);
    await expect(
      transfers(b.page).filter({ hasText: 'third.bin' }).getByRole('button', { name: 'Accept' }),
    ).toBeVisible();
    await expect(b.page.getByRole('button', { name: 'Save third.bin', exact: true })).toHaveCount(0);
    // A call with him shows the warning on his tile.
    await connectCall(a.page, 'Aylin', b.page, 'Burak', 'Voice call');
    await expect(tile(a.page, 'Burak')).toContainText('Not confirmed by invite link');
    await expect(tile(b.page, 'Aylin')).toContainText('Not confirmed by invite link');
    await a.page.getByRole('button', { name: 'Hang up' }).click();

    // The liar is gone: after a reload both are verified by the link again.
    mitm.active = false;
    await mitm.closeRelay();
    await b.page.reload();
    await expect(b.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await a.page.reload();
    await expect(a.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await openConversationWith(a.page, 'Burak');
    await expectVerifiedByLink(a.page, 'Burak');
    await openConversationWith(b.page, 'Aylin');
    await expectVerifiedByLink(b.page, 'Aylin');
    expect(await shownSafetyNumber(a.page)).toBe(honestNumber);
    for (const page of [a.page, b.page]) await expect(page.getByRole('alert')).toHaveCount(0);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('a man in the middle that drops the proofs only gets "Not verified": never verified, no alarm', async ({
  browser,
}) => {
  test.slow();
  const mitm = await startManInTheMiddle(browser);
  await mitm.setDropProofs(true);
  const [one, two] = await Promise.all([launchChromium(), launchChromium()]);
  try {
    const a = await openPerson(one, '', {
      baseURL: E2E_BASE_URL,
      link: '/new',
      onPage: async (page) => {
        await mitm.intercept(page, 'A');
        await watchForLinkVerified(page);
      },
    });
    const link = await inviteLink(a.page);
    const roomId = INVITE.exec(link)?.[1] ?? '';
    const b = await openPerson(two, roomId, {
      baseURL: E2E_BASE_URL,
      link,
      onPage: async (page) => {
        await mitm.intercept(page, 'B');
        await watchForLinkVerified(page);
      },
    });
    await rename(a.page, 'Aylin');
    await rename(b.page, 'Burak');
    await openConversationWith(a.page, 'Burak');
    await send(a.page, 'kimse okumasın');
    await openConversationWith(b.page, 'Aylin');
    await expect(messageLog(b.page)).toContainText('kimse okumasın');
    expect(await mitm.forwardedFrames()).toBeGreaterThan(0);
    const alarm = 'Köprü could not confirm this connection with the invite link';
    for (const [page, name] of [
      [a.page, 'Burak'],
      [b.page, 'Aylin'],
    ] as const) {
      await expect(conversationHeader(page)).toContainText(`${name} has not shown this room’s key`, {
        timeout: 25_000,
      });
      expect(await linkBadge(page, name)).toBe('Not verified');
      await expect(page.getByRole('alert').filter({ hasText: alarm })).toHaveCount(0);
      expect(await everVerifiedByLink(page)).toBe(false);
    }
    expect(await mitm.droppedProofs()).toBeGreaterThanOrEqual(2);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('the server never receives the link key: every byte two browsers send it in a whole session, searched', async ({
  browser,
}) => {
  test.slow();
  const server = await startServer({ port: E2E_PORT + 11, env: { TLS: 'off', LOG_LEVEL: 'debug' } });
  const proxy = await startRecordingProxy(E2E_PORT + 12, E2E_PORT + 11);
  const dir = scratchDir();
  try {
    const a = await openPerson(browser, '', { baseURL: proxy.url, link: '/new' });
    const link = await inviteLink(a.page);
    const [, roomId, key] = /\/r\/([A-Za-z0-9_-]{16})#k=([A-Za-z0-9_-]{22})$/.exec(link) ?? [];
    if (!roomId || !key) throw new Error(`not an invite link: ${link}`);
    const b = await openPerson(browser, roomId, { baseURL: proxy.url, link });
    await rename(a.page, 'Aylin');
    await rename(b.page, 'Burak');
    await openConversationWith(a.page, 'Burak');
    await send(a.page, 'merhaba');
    await openConversationWith(b.page, 'Aylin');
    await expect(messageLog(b.page)).toContainText('merhaba');
    await expectVerifiedByLink(a.page, 'Burak');
    await expectVerifiedByLink(b.page, 'Aylin');
    await chooseFiles(a.page, [makeFile(dir, 'notes.bin', 4096).path]);
    await acceptOffer(b.page);
    await expect(b.page.getByRole('button', { name: 'Save notes.bin', exact: true })).toBeVisible();
    // Reloads (the key comes from storage now), Help, Invite again: everything a session does.
    await b.page.reload();
    await openConversationWith(b.page, 'Aylin');
    await expectVerifiedByLink(b.page, 'Aylin');
    await a.page.getByRole('button', { name: 'Help', exact: true }).click();
    const help = a.page.getByRole('dialog', { name: 'How Köprü works' });
    await expect(help.getByRole('heading', { name: 'Invite links and room passwords' })).toBeVisible();
    // The build people can compare with a release (docs/security.md#invite-link-proof).
    await expect(help).toContainText(/Build ([0-9a-f]{12}|unknown):/);
    await help.getByRole('button', { name: 'Close', exact: true }).click();
    expect(await inviteLink(b.page)).toBe(link);
    await a.context.close();
    await b.context.close();

    const { text, websocketFrames, compressedFrames, connections } = proxy.received();
    // The recording is complete and readable: page loads, the socket's frames (names, signals) decoded.
    expect(connections).toBeGreaterThan(2);
    expect(compressedFrames).toBe(0);
    expect(websocketFrames).toBeGreaterThan(20);
    expect(text).toContain(`GET /r/${roomId} HTTP/1.1`);
    expect(text).toContain('"Aylin"');
    expect(text).toContain('"kind":"description"');
    // ...and the key is in it in no form.
    const bytes = Buffer.from(key, 'base64url');
    for (const form of [
      key,
      encodeURIComponent(key),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      key.slice(0, 16),
    ]) {
      expect(text).not.toContain(form);
    }
  } finally {
    await proxy.close();
    await server.stop();
  }
});
