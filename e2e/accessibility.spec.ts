import { expectNoSeriousViolations } from './support/axe.js';
import { callPanel, connectCall, incoming, openCaller, tile } from './support/call.js';
import { openConversationWith, rename, send } from './support/chat.js';
import { expect, openPerson, test } from './support/fixtures.js';
import { acceptOffer, chooseFiles, makeFile, scratchDir, transfers } from './support/transfer.js';

/** Every view, scanned by axe-core in the light and the dark theme (the system's, as a browser reports it). */
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility (${colorScheme} theme)`, () => {
    test('the room, Invite, Help, and a conversation with messages and a transfer', async ({
      browser,
      roomId,
    }) => {
      test.slow(); // two people, a transfer and five scans
      const a = await openPerson(browser, roomId, { colorScheme });
      await expectNoSeriousViolations(a.page, 'empty room');
      await a.page.getByRole('button', { name: 'Invite' }).click();
      const invite = a.page.getByRole('dialog', { name: 'Invite to this room' });
      await expect(invite.getByRole('img', { name: 'QR code for the room link' })).toBeVisible();
      await expectNoSeriousViolations(a.page, 'Invite');
      await a.page.keyboard.press('Escape');
      await expect(invite).toBeHidden();
      // Focus returns to the button that opened the dialog.
      await expect(a.page.getByRole('button', { name: 'Invite' })).toBeFocused();
      await a.page.getByRole('button', { name: 'Help' }).click();
      await expect(a.page.getByRole('dialog', { name: 'How Köprü works' })).toBeVisible();
      await expectNoSeriousViolations(a.page, 'Help');
      await a.page.keyboard.press('Escape');

      const b = await openPerson(browser, roomId, { colorScheme });
      await rename(a.page, 'Ayla');
      await rename(b.page, 'Bora');
      await openConversationWith(a.page, 'Bora');
      await openConversationWith(b.page, 'Ayla');
      await send(a.page, 'Merhaba Bora');
      await send(b.page, 'Hi Ayla');
      const file = makeFile(scratchDir(), 'photo.bin', 50_000);
      await chooseFiles(a.page, [file.path]);
      await acceptOffer(b.page);
      await expect(transfers(b.page).first()).toContainText('Complete: every file verified', {
        timeout: 30_000,
      });
      await expectNoSeriousViolations(b.page, 'conversation with messages and a finished transfer');
      await expectNoSeriousViolations(a.page, 'the sender’s conversation');
    });

    test('the incoming call, the 1:1 stage and the stats panel', async ({ browser, roomId }) => {
      test.slow(); // a video call and three scans
      const a = await openCaller(browser, roomId, 'Ayla', { colorScheme });
      const b = await openCaller(browser, roomId, 'Bora', { colorScheme });
      await openConversationWith(a.page, 'Bora');
      await a.page.getByRole('button', { name: 'Video call' }).click();
      await expect(incoming(b.page)).toContainText('Ayla is calling');
      await expectNoSeriousViolations(b.page, 'incoming-call dialog');
      await incoming(b.page).getByRole('button', { name: 'Accept' }).click();
      await expect(tile(a.page, 'Bora').locator('video')).toHaveJSProperty('paused', false);
      await expectNoSeriousViolations(a.page, '1:1 call stage');

      await tile(a.page, 'Bora').getByRole('button', { name: 'Connection stats for Bora' }).click();
      await expect(a.page.getByRole('region', { name: 'Connection stats for Bora' })).toContainText('Direct');
      await expectNoSeriousViolations(a.page, 'stats panel');
    });

    test('the stage of a three-person call, in the grid and in speaker view', async ({ browser, roomId }) => {
      test.slow(); // three browser contexts in a call
      const a = await openCaller(browser, roomId, 'Ayla', { colorScheme });
      const b = await openCaller(browser, roomId, 'Bora', { colorScheme });
      const c = await openCaller(browser, roomId, 'Cem', { colorScheme });
      await connectCall(a.page, 'Ayla', b.page, 'Bora');
      await a.page.getByRole('button', { name: 'Add people' }).click();
      await a.page.getByRole('button', { name: 'Add Cem' }).click();
      await incoming(c.page).getByRole('button', { name: 'Accept' }).click();
      await expect(tile(a.page, 'Cem')).toBeVisible();
      // Cameras off: the tiles show avatars (a view to scan too), and axe, which runs on the page's main
      // thread, is not starved by three pages encoding and decoding video on two cores.
      for (const page of [a.page, b.page, c.page])
        await callPanel(page).getByRole('button', { name: 'Turn camera off' }).click();
      await expect(tile(a.page, 'Cem').locator('video')).toBeHidden();
      await expectNoSeriousViolations(a.page, 'three-person stage');
      await a.page.getByRole('button', { name: 'Speaker view' }).click();
      await expectNoSeriousViolations(a.page, 'three-person stage, speaker view');
    });
  });
}

test('the call stage on a phone (full screen, the bar at the bottom)', async ({ browser, roomId }) => {
  const a = await openCaller(browser, roomId, 'Ayla');
  const b = await openCaller(browser, roomId, 'Bora', { viewport: { width: 390, height: 844 } });
  await connectCall(a.page, 'Ayla', b.page, 'Bora');
  await expectNoSeriousViolations(b.page, 'phone call stage');
});
