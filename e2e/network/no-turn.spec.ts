import { expect, test } from '@playwright/test';
import { bubbleTexts, messageLog, openConversationWith, send } from '../support/chat.js';
import type { Home } from './lab.js';
import { conversationStatus, openTwo } from './lab-people.js';
import { startWorld } from './lab-world.js';

test('scenario 4: symmetric NATs and no TURN: within 20 s the UI says a direct connection is impossible and a TURN server is needed; messages wait and go out once the server has TURN', async () => {
  const world = await startWorld([{ nat: 'symmetric' }, { nat: 'symmetric' }], 'stun');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const { a, b } = await openTwo(world, [ha, hb], ['Irmak', 'Jale']);
    await openConversationWith(b.page, 'Irmak');
    const started = Date.now();
    await openConversationWith(a.page, 'Jale');
    await send(a.page, 'ilk mesaj');

    for (const [page, peer] of [
      [a.page, 'Jale'],
      [b.page, 'Irmak'],
    ] as const) {
      await expect(page.getByRole('alert')).toContainText(
        `A direct connection with ${peer} is impossible from your two networks, and this server has no relay (TURN) configured. A TURN server is needed`,
        { timeout: 20_000 - (Date.now() - started) },
      );
      await expect(conversationStatus(page, peer)).toContainText('No direct connection possible');
    }
    console.log(
      `[lab] scenario 4 (symmetric NATs, no TURN): "impossible, TURN needed" shown after ${Date.now() - started} ms`,
    );
    await send(a.page, 'ikinci mesaj');
    await expect(messageLog(a.page).locator('.bubble.mine .delivery')).toHaveText(['Waiting', 'Waiting']);

    await world.restartServer('turn');
    const restarted = Date.now();
    await expect(messageLog(b.page)).toContainText('ikinci mesaj', { timeout: 30_000 });
    console.log(
      `[lab] scenario 4: waiting messages delivered ${Date.now() - restarted} ms after the restart with TURN`,
    );
    await expect(messageLog(a.page).locator('.bubble.mine .delivery')).toHaveText(['Read', 'Read']);
    await expect(conversationStatus(a.page, 'Jale')).toContainText('Connected peer to peer · relayed');
    await expect(a.page.getByRole('alert')).toHaveCount(0);
    expect(await bubbleTexts(b.page)).toEqual(['ilk mesaj', 'ikinci mesaj']); // each exactly once
  } finally {
    await world.close();
  }
});
