import path from 'node:path';
import { PREFERRED_CHUNK_BYTES } from '../packages/client/src/transfer/constants.js';
import { openConversationWith, rename } from './support/chat.js';
import { startCoturn } from './support/coturn.mjs';
import { E2E_PORT, E2E_RELAY_PORTS, E2E_TURN_PORT } from './support/env.js';
import { expect, openPerson, test } from './support/fixtures.js';
import { startServer } from './support/server-process.js';
import {
  acceptOffer,
  chooseFiles,
  forceRelay,
  makeFile,
  opfsFiles,
  progressOf,
  recordedTransfer,
  saveAndHash,
  scratchDir,
  sentFrames,
  transfers,
} from './support/transfer.js';

const CHUNK = PREFERRED_CHUNK_BYTES;
const MiB = 1024 * 1024;

test('files of 0, 1, chunk−1, chunk, chunk+1 bytes and 50 MiB, sent together, arrive with matching SHA-256', async ({
  browser,
  roomId,
}) => {
  test.setTimeout(90_000);
  const dir = scratchDir();
  const files = [
    makeFile(dir, 'empty.bin', 0),
    makeFile(dir, 'one.bin', 1),
    makeFile(dir, 'chunk-minus-one.bin', CHUNK - 1),
    makeFile(dir, 'chunk.bin', CHUNK),
    makeFile(dir, 'chunk-plus-one.bin', CHUNK + 1),
    makeFile(dir, 'big.bin', 50 * MiB),
  ];
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Ada');
  await rename(b.page, 'Baran');
  await openConversationWith(a.page, 'Baran');
  await openConversationWith(b.page, 'Ada');

  await chooseFiles(
    a.page,
    files.map((f) => f.path),
  );
  const offer = transfers(b.page).first();
  await expect(offer).toContainText('Ada wants to send you 6 files');
  for (const f of files) await expect(offer).toContainText(f.name);
  await acceptOffer(b.page);

  await expect(offer).toContainText('Complete: every file verified', { timeout: 60_000 });
  await expect(transfers(a.page).first()).toContainText('Complete: every file verified');
  for (const f of files) {
    const saved = await saveAndHash(b.page, offer, f.name);
    expect(saved.suggested).toBe(f.name);
    expect(saved.sha256, f.name).toBe(f.sha256);
  }
  expect([...a.problems, ...b.problems]).toEqual([]);
});

async function twoPeople(browser: Parameters<typeof openPerson>[0], roomId: string) {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Cem');
  await rename(b.page, 'Deniz');
  await openConversationWith(a.page, 'Deniz');
  await openConversationWith(b.page, 'Cem');
  return { a, b };
}

test('a folder of nested files arrives with its relative paths', async ({ browser, roomId }) => {
  const dir = scratchDir();
  const files = [
    makeFile(dir, 'album/cover.png', 2_000),
    makeFile(dir, 'album/2024/summer/beach.jpg', 70_000),
    makeFile(dir, 'album/notes/readme.txt', 10),
  ];
  const { a, b } = await twoPeople(browser, roomId);
  await chooseFiles(a.page, path.join(dir, 'album'), true);
  const offer = transfers(b.page).first();
  await expect(offer).toContainText('Cem wants to send you 3 files');
  await acceptOffer(b.page);
  await expect(offer).toContainText('Complete: every file verified');
  for (const f of files) {
    await expect(offer.getByText(f.name, { exact: true })).toBeVisible();
    expect((await saveAndHash(b.page, offer, f.name)).sha256, f.name).toBe(f.sha256);
  }
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('declining tells the sender and stores nothing', async ({ browser, roomId }) => {
  const file = makeFile(scratchDir(), 'secret.pdf', 300_000);
  const { a, b } = await twoPeople(browser, roomId);
  await chooseFiles(a.page, [file.path]);
  await expect(transfers(a.page).first()).toContainText('Waiting for Deniz to accept');
  const offer = transfers(b.page).first();
  await offer.getByRole('button', { name: 'Decline' }).click();
  await expect(offer).toContainText('You declined these files.');
  await expect(transfers(a.page).first()).toContainText('Deniz declined these files.');
  expect(await opfsFiles(b.page)).toEqual([]);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

for (const side of ['sender', 'receiver'] as const) {
  test(`cancel from the ${side} mid-way stops both sides and deletes the partial file`, async ({
    browser,
    roomId,
  }) => {
    const file = makeFile(scratchDir(), 'movie.mkv', 200 * MiB);
    const { a, b } = await twoPeople(browser, roomId);
    await chooseFiles(a.page, [file.path]);
    await acceptOffer(b.page);
    const receiving = transfers(b.page).first();
    await expect
      .poll(() => progressOf(receiving.getByRole('progressbar', { name: 'All files' })), { timeout: 60_000 })
      .toBeGreaterThan(0.05);
    const canceller = side === 'sender' ? a.page : b.page;
    await transfers(canceller).first().getByRole('button', { name: 'Cancel' }).click();
    const [self, other] = side === 'sender' ? [a.page, b.page] : [b.page, a.page];
    await expect(transfers(self).first()).toContainText('You cancelled this transfer.');
    await expect(transfers(other).first()).toContainText(
      `${side === 'sender' ? 'Cem' : 'Deniz'} cancelled this transfer.`,
    );
    await expect.poll(() => opfsFiles(b.page)).toEqual([]);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });
}

test('an offer that does not fit the free quota is refused with a clear message on both sides', async ({
  browser,
  roomId,
}) => {
  const file = makeFile(scratchDir(), 'backup.tar', 40 * MiB);
  const { a, b } = await twoPeople(browser, roomId);
  // A nearly full disk, as the browser reports it. (DevTools' Storage.overrideQuotaForOrigin limits the
  // writes in this Chromium but not what `navigator.storage.estimate()` answers, so the test makes the
  // browser's estimate say 8 MiB are left; the app must refuse before writing anything.)
  await b.page.addInitScript(() => {
    const left = 8 * 1024 * 1024;
    navigator.storage.estimate = async () => ({ quota: 10 * left, usage: 9 * left });
  });
  await b.page.reload();
  await openConversationWith(b.page, 'Cem');
  await chooseFiles(a.page, [file.path]);
  await acceptOffer(b.page);
  await expect(transfers(b.page).first().getByRole('alert')).toContainText(
    'Not enough free space: these files need 41.9 MB',
  );
  await expect(transfers(a.page).first()).toContainText(
    'Deniz does not have enough free space for these files.',
  );
  expect(await opfsFiles(b.page)).toEqual([]);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('the receiver reloads at ~40 %: it resumes from its checkpoint (not from zero) and verifies', async ({
  browser,
  roomId,
}) => {
  test.slow(); // a 120 MiB transfer and a reload: three times the default timeout
  const file = makeFile(scratchDir(), 'disk.img', 120 * MiB);
  const { a, b } = await recordedTransfer(browser, roomId, file, ['Ece', 'Fikret']);
  const bar = transfers(b.page).first().getByRole('progressbar', { name: 'All files' });
  await expect.poll(() => progressOf(bar), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(0.4);

  await b.page.reload();
  const sentBefore = await sentFrames(a.page);
  await openConversationWith(b.page, 'Ece');
  const card = transfers(b.page).first();
  await expect(card).toContainText('Complete: every file verified', { timeout: 60_000 });
  expect((await saveAndHash(b.page, card, file.name)).sha256).toBe(file.sha256);

  const after = (await sentFrames(a.page)).slice(sentBefore.length);
  const reachedBefore = Math.max(...sentBefore.map((f) => f.offset + f.bytes));
  const resumedAt = Math.min(...after.map((f) => f.offset));
  const resent = after.reduce((sum, f) => sum + f.bytes, 0) - (file.size - reachedBefore);
  test.info().annotations.push({
    type: 'resume',
    description: `sent ${reachedBefore} bytes before the reload; resumed at ${resumedAt}; ${resent} bytes sent twice`,
  });
  // Not from zero: it continued from the receiver's last checkpoint. What was sent twice is what arrived after
  // that checkpoint plus what was still in flight (a restart would resend all `reachedBefore` bytes). How
  // much that is depends on the machine's load (checkpoints are twice a second); the annotation records it.
  expect(resumedAt).toBeGreaterThan(0);
  expect(resent).toBe(reachedBefore - resumedAt);
  expect(resent).toBeLessThan(reachedBefore);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('the receiver goes offline at ~40 % and comes back: the transfer completes and verifies', async ({
  browser,
  roomId,
}) => {
  test.slow(); // an 80 MiB relayed transfer and a drop: three times the default timeout
  // How the drop is made real: Playwright's setOffline cuts the page's HTTP and WebSocket (signaling) and
  // fires `offline`, but not WebRTC. So both browsers are made to talk only through a TURN relay (coturn on
  // loopback, credentials from the server's TURN_URLS/TURN_SECRET; the test forces `iceTransportPolicy:
  // relay` in the pages, as the app's relay-only mode does), and the test freezes the relay (SIGSTOP): every
  // packet between the two is lost, as when a laptop leaves the Wi-Fi. No hook in the app is involved.
  const turn = await startCoturn({
    port: E2E_TURN_PORT,
    minRelayPort: E2E_RELAY_PORTS.min,
    maxRelayPort: E2E_RELAY_PORTS.max,
  });
  const server = await startServer({
    port: E2E_PORT + 1,
    env: { TURN_URLS: turn.udpUrl, TURN_SECRET: turn.secret },
  });
  try {
    const file = makeFile(scratchDir(), 'archive.zip', 80 * MiB);
    const a = await openPerson(browser, roomId, { baseURL: server.url });
    const b = await openPerson(browser, roomId, { baseURL: server.url });
    for (const person of [a, b]) {
      await forceRelay(person.page);
      await person.page.reload();
    }
    await rename(a.page, 'Gül');
    await rename(b.page, 'Hakan');
    await openConversationWith(a.page, 'Hakan');
    await openConversationWith(b.page, 'Gül');
    await chooseFiles(a.page, [file.path]);
    await acceptOffer(b.page);
    const card = transfers(b.page).first();
    const bar = card.getByRole('progressbar', { name: 'All files' });
    await expect.poll(() => progressOf(bar), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(0.4);

    turn.pause();
    await b.context.setOffline(true);
    // The peer connection itself noticed (ICE consent failed): the conversation header shows the link to
    // Gül recovering (the people status alone would only say that signaling is down).
    await expect(b.page.locator('.conversation-header')).toContainText('Reconnecting…', {
      timeout: 30_000,
    });
    const stalledAt = await progressOf(bar);
    expect(stalledAt).toBeLessThan(1);

    turn.resume();
    await b.context.setOffline(false);
    await expect(card).toContainText('Complete: every file verified', { timeout: 60_000 });
    await expect(transfers(a.page).first()).toContainText('Complete: every file verified');
    expect((await saveAndHash(b.page, card, file.name)).sha256).toBe(file.sha256);
  } finally {
    await server.stop();
    await turn.stop();
  }
});
