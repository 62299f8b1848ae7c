import { expect, test } from '@playwright/test';
import { callPanel, expectGrowing, tile, totals } from '../support/call.js';
import { bubbleTexts, messageLog, send } from '../support/chat.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  progressOf,
  saveAndHash,
  scratchDir,
  transfers,
} from '../support/transfer.js';
import type { Home } from './lab.js';
import { MiB, openAndConnect, openTwo, videoCall } from './lab-people.js';
import { startWorld } from './lab-world.js';

/** The outage: longer than ICE's 30 s failure timeout would need, shorter than a ring. */
const CUT_MS = 30_000;

test('scenario 7: a client’s network is cut for 30 s and comes back: messages sent meanwhile arrive exactly once, the transfer resumes and verifies, the call rejoins by itself', async () => {
  test.setTimeout(300_000);
  const world = await startWorld([{ nat: 'cone' }, { nat: 'cone' }], 'stun');
  try {
    const [ha, hb] = world.lab.homes as [Home, Home];
    const { a, b } = await openTwo(world, [ha, hb], ['Oya', 'Pelin']);
    await openAndConnect(a, b, 'scenario 7 (cone NATs)');
    await videoCall(a, b);
    // The call's stage covers the conversation; Chat opens it beside the call (the file, the messages).
    for (const page of [a.page, b.page]) await callPanel(page).getByRole('button', { name: /^Chat/ }).click();

    const file = makeFile(scratchDir(), 'cut.bin', 16 * MiB);
    await chooseFiles(b.page, [file.path]);
    await acceptOffer(a.page);
    const card = transfers(a.page).filter({ hasText: file.name });
    const bar = card.getByRole('progressbar', { name: 'All files' });
    await expect.poll(() => progressOf(bar), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(0.2);

    world.lab.setLink(ha, false);
    const cutAt = Date.now();
    const during = ['kesinti 1', 'kesinti 2', 'kesinti 3'];
    for (const text of during) await send(b.page, text);
    const outage = CUT_MS - (Date.now() - cutAt);
    // The outage itself is the scenario: a network gone for 30 s, not a wait for an event.
    if (outage > 0) await new Promise((r) => setTimeout(r, outage));
    world.lab.setLink(ha, true);
    const back = Date.now();

    await expect(messageLog(a.page)).toContainText('kesinti 3', { timeout: 60_000 });
    console.log(
      `[lab] scenario 7: messages sent during the cut arrived ${Date.now() - back} ms after the link came back`,
    );
    expect((await bubbleTexts(a.page)).filter((t) => t.startsWith('kesinti'))).toEqual(during);
    // The call rejoins by itself: it was never ended (a 30 s gap is shorter than anything that ends a
    // call), and the recovery ladder's ICE restart carries its media again once the path is back.
    const atB = async () => (await totals(b.page)).videoFrames;
    const atA = async () => (await totals(a.page)).videoFrames;
    await Promise.all([expectGrowing(atB, 10, 30_000), expectGrowing(atA, 10, 30_000)]);
    console.log(
      `[lab] scenario 7: call frames flowing both ways ${Date.now() - back} ms after the link came back`,
    );
    await expect(tile(b.page, 'Oya')).toBeVisible();
    await expect(callPanel(a.page).getByRole('heading', { name: 'In a call with Pelin' })).toBeVisible();
    await expect(callPanel(b.page).getByRole('status')).not.toContainText('Reconnecting…');
    await expect(card).toContainText('Complete: every file verified', { timeout: 120_000 });
    console.log(`[lab] scenario 7: transfer complete ${Date.now() - back} ms after the link came back`);
    expect((await saveAndHash(a.page, card, file.name)).sha256).toBe(file.sha256);
  } finally {
    await world.close();
  }
});
