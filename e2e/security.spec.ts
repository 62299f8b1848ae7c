import { TAMPER_ACKNOWLEDGEMENT as TAMPER } from '../packages/server/src/security/test-only-sdp-tamper.js';
import { messageLog, openConversationWith, rename, send } from './support/chat.js';
import { E2E_PORT } from './support/env.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import {
  connectedPair,
  expectedSafetyNumber,
  recordingPeerConnections,
  sdpFingerprint,
  shownSafetyNumber,
} from './support/security.js';
import { startServer } from './support/server-process.js';
import { chooseFiles, makeFile, scratchDir, transfers } from './support/transfer.js';

test('safety numbers match on both sides, verification is remembered, and a changed key raises an alert', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId, { onPage: recordingPeerConnections });
  const b = await openPerson(browser, roomId, { onPage: recordingPeerConnections });
  await rename(a.page, 'Aylin');
  await rename(b.page, 'Burak');
  await openConversationWith(a.page, 'Burak');
  await send(a.page, 'merhaba');
  await openConversationWith(b.page, 'Aylin');
  await expect(messageLog(b.page)).toContainText('merhaba');

  const onA = await shownSafetyNumber(a.page);
  const onB = await shownSafetyNumber(b.page);
  expect(onA).toBe(onB);
  // Recomputed here from the certificates the two browsers actually negotiated.
  const pair = await connectedPair(a.page);
  if (!pair) throw new Error('no connected RTCPeerConnection on A');
  expect(onA).toBe(expectedSafetyNumber(sdpFingerprint(pair.localSdp), sdpFingerprint(pair.remoteSdp)));

  await a.page.getByRole('button', { name: 'Mark as verified' }).click();
  await expect(a.page.getByText('✓ Verified', { exact: true })).toBeVisible();
  await expect(peopleList(a.page).getByRole('button', { name: /^Burak/ })).toContainText('verified');

  // A reload keeps the certificate (IndexedDB) and the verification (localStorage).
  await b.page.reload();
  await expect(b.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await openConversationWith(b.page, 'Aylin');
  await send(b.page, 'yine ben');
  await expect(messageLog(a.page)).toContainText('yine ben');
  await expect(a.page.getByRole('alert')).toHaveCount(0);
  expect(await shownSafetyNumber(b.page)).toBe(onA);

  // Burak's browser loses its certificate (a new device, or someone else under his name): Aylin is warned.
  await b.page.evaluate(
    () =>
      new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('kopru-identity');
        request.onsuccess = request.onerror = request.onblocked = () => resolve(null);
      }),
  );
  await b.page.reload();
  await expect(b.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await openConversationWith(b.page, 'Aylin');
  await send(b.page, 'yeni anahtar');
  await expect(messageLog(a.page)).toContainText('yeni anahtar');
  await expect(a.page.getByRole('alert')).toContainText('security key of Burak has changed');
  await expect(peopleList(a.page).getByRole('button', { name: /^Burak/ })).toContainText('key changed');
  expect(await shownSafetyNumber(a.page)).not.toBe(onA);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('a server that rewrites the DTLS fingerprints in relayed SDP cannot pass unnoticed', async ({
  browser,
  roomId,
}) => {
  const server = await startServer({
    port: E2E_PORT + 6,
    env: { TEST_ONLY_TAMPER_SDP_FINGERPRINTS: TAMPER },
  });
  try {
    const options = { baseURL: server.url, onPage: recordingPeerConnections };
    const a = await openPerson(browser, roomId, options);
    const b = await openPerson(browser, roomId, options);
    await rename(a.page, 'Ayşe');
    await rename(b.page, 'Bora');
    await openConversationWith(a.page, 'Bora');
    await send(a.page, 'kimse okumasın');
    await openConversationWith(b.page, 'Ayşe');

    // DTLS checks the certificate against the (altered) fingerprint: the connection fails...
    await a.page.waitForFunction(() =>
      (window as unknown as { __kopruPcs: { pc: RTCPeerConnection }[] }).__kopruPcs.some(
        (r) => r.pc.connectionState === 'failed',
      ),
    );
    // ...and a server that terminated DTLS itself would still be caught: the two numbers differ.
    const onA = await shownSafetyNumber(a.page);
    const onB = await shownSafetyNumber(b.page);
    expect(onA).not.toBe(onB);
    await expect(messageLog(a.page).locator('.bubble.mine')).not.toContainText('Delivered');
    await expect(messageLog(b.page)).not.toContainText('kimse okumasın');
    await expect(a.page.getByRole('heading', { name: 'Bora' }).locator('..')).not.toContainText(
      'Connected peer to peer',
    );
  } finally {
    await server.stop();
  }
});

test('names, messages and file names that look like HTML are shown as text, never run', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const dialogs: string[] = [];
  for (const p of [a, b]) p.page.on('dialog', (d) => dialogs.push(d.message()));
  const evilName = '<img src=x onerror=alert(1)>';
  await rename(a.page, evilName);
  await rename(b.page, 'Bob');
  await expect(peopleList(b.page).getByText(evilName, { exact: true })).toBeVisible();

  await peopleList(b.page).getByRole('button', { name: evilName }).click();
  await expect(b.page.getByRole('heading', { name: evilName, exact: true })).toBeVisible();
  const messages = [
    '<script>alert("chat")</script>',
    '<img src=x onerror=alert(2)><b>bold?</b>',
    'javascript:alert(3)',
    '<a href="javascript:alert(4)">click</a>',
  ];
  for (const text of messages) await send(b.page, text);
  await openConversationWith(a.page, 'Bob');
  for (const text of messages)
    await expect(messageLog(a.page).getByText(text, { exact: true })).toBeVisible();
  const file = makeFile(scratchDir(), '<img src=x onerror=alert(5)>.txt', 16);
  await chooseFiles(a.page, [file.path]);
  await expect(transfers(b.page).first()).toContainText(file.name);
  await expect(transfers(a.page).first()).toContainText(file.name);

  for (const p of [a, b]) {
    await expect(p.page.locator('img[src="x"], script:not([src]), b, a[href^="javascript:"]')).toHaveCount(0);
  }
  expect(dialogs).toEqual([]);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('room password: the creator sets it; a newcomer is asked, refused when wrong, admitted when right', async ({
  browser,
  roomId,
}) => {
  const owner = await openPerson(browser, roomId);
  await rename(owner.page, 'Oya');
  await owner.page.getByRole('button', { name: 'Invite' }).click();
  const dialog = owner.page.getByRole('dialog', { name: 'Invite to this room' });
  await expect(dialog.getByText('Anyone with the link can join.')).toBeVisible();
  await dialog.getByLabel('Room password', { exact: true }).fill('açıl susam 42');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await expect(dialog.getByText('This room has a password.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  const guest = await openPerson(browser, roomId, { expectConnected: false });
  await expect(
    guest.page.getByRole('heading', { name: 'This room is protected by a password' }),
  ).toBeVisible();
  await expect(peopleList(owner.page).getByRole('listitem')).toHaveCount(0);
  await guest.page.getByLabel('Room password', { exact: true }).fill('kapan susam');
  await guest.page.getByRole('button', { name: 'Join' }).click();
  await expect(guest.page.getByRole('alert')).toHaveText('Wrong password. Try again.');
  await guest.page.getByLabel('Room password', { exact: true }).fill('açıl susam 42');
  await guest.page.getByRole('button', { name: 'Join' }).click();
  await expect(guest.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await rename(guest.page, 'Gizem');
  await expect(peopleList(owner.page).getByRole('button', { name: /^Gizem/ })).toBeVisible();

  // The guest sees that the room is protected, but cannot change it; a reload needs no password.
  await guest.page.getByRole('button', { name: 'Invite' }).click();
  const guestDialog = guest.page.getByRole('dialog', { name: 'Invite to this room' });
  await expect(guestDialog.getByText('This room has a password.')).toBeVisible();
  await expect(guestDialog.getByRole('button', { name: 'Set password' })).toHaveCount(0);
  await guest.page.reload();
  await expect(guest.page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  expect([...owner.problems]).toEqual([]);
});
