import { expect, test } from './support/fixtures.js';
import {
  makeFile,
  progressOf,
  recordedTransfer,
  saveAndHash,
  scratchDir,
  sentFrames,
  transfers,
} from './support/transfer.js';

const MiB = 1024 * 1024;

for (const side of ['sender', 'receiver'] as const) {
  test(`pause and resume from the ${side} mid-way: nothing is sent while paused, it continues where the receiver is, verified`, async ({
    browser,
    roomId,
  }) => {
    test.slow(); // a 40 MiB transfer paused and resumed: three times the default timeout
    // Large enough to be caught mid-way on a fast machine (the pause is clicked at > 5 %).
    const file = makeFile(scratchDir(), 'video.mp4', 40 * MiB);
    const { a, b } = await recordedTransfer(browser, roomId, file, ['Nur', 'Oya']);
    const sending = transfers(a.page).first();
    const receiving = transfers(b.page).first();
    const bar = receiving.getByRole('progressbar', { name: 'All files' });
    await expect.poll(() => progressOf(bar), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(0.05);

    const [pauser, other] = side === 'sender' ? [sending, receiving] : [receiving, sending];
    await pauser.getByRole('button', { name: 'Pause' }).click();
    await expect(pauser).toContainText('You paused this transfer.');
    await expect(other).toContainText(`${side === 'sender' ? 'Nur' : 'Oya'} paused this transfer.`);
    await expect(pauser.getByRole('button', { name: 'Resume' })).toBeVisible();
    // Once the sender knows of the pause it sends nothing more (frames already queued may still land).
    const framesAtPause = (await sentFrames(a.page)).length;
    const receivedAtPause = await progressOf(bar);
    expect(receivedAtPause).toBeLessThan(1);
    await expect(receiving).toContainText('Paused');
    expect((await sentFrames(a.page)).length).toBe(framesAtPause);

    await pauser.getByRole('button', { name: 'Resume' }).click();
    await expect(receiving).toContainText('Complete: every file verified', { timeout: 60_000 });
    await expect(sending).toContainText('Complete: every file verified');
    expect((await saveAndHash(b.page, receiving, file.name)).sha256).toBe(file.sha256);

    // It continued from where the receiver was when resumed (at least what it had at the pause), not from
    // zero or an older checkpoint. Bytes the sender had queued past that point are sent again; how many
    // depends on the load, so the annotation records it.
    const frames = await sentFrames(a.page);
    const reached = Math.max(...frames.slice(0, framesAtPause).map((f) => f.offset + f.bytes));
    const after = frames.slice(framesAtPause);
    const resumedAt = Math.min(...after.map((f) => f.offset));
    test.info().annotations.push({
      type: 'resume',
      description: `receiver had ≥ ${Math.floor(receivedAtPause * file.size)} at the pause; sender had sent ${reached}; resumed at ${resumedAt}`,
    });
    expect(resumedAt).toBeGreaterThanOrEqual(Math.floor(receivedAtPause * file.size));
    expect(resumedAt).toBeLessThanOrEqual(reached);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });
}
