// @ts-check
/** One Köprü transfer through the real UI: "Send files" on the sender, auto-accepted by the receiver. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const cards = (/** @type {import('playwright').Page} */ page) =>
  page.getByRole('log', { name: 'Messages' }).locator('li.transfer');

/** SHA-256 of a file on disk, streamed. */
export function sha256File(/** @type {string} */ file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * Offers `filePath`; with `acceptManually` the receiver clicks Accept (ticking "Always accept"), later runs are
 * accepted automatically. Resolves when the receiver's card says every file is verified.
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {string} filePath
 * @param {{ acceptManually?: boolean, onDone?: (seconds: number) => void }} [opts]
 */
export async function runKopru(sender, receiver, filePath, opts = {}) {
  // The receiver notes the moment its card turns complete (no polling delay in the figure).
  await receiver.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.benchDoneAt = undefined;
    w.benchObserver?.disconnect();
    w.benchObserver = new MutationObserver(() => {
      if (w.benchDoneAt === undefined && document.querySelector('li.transfer[data-status="complete"]')) {
        w.benchDoneAt = performance.timeOrigin + performance.now();
      }
    });
    w.benchObserver.observe(document.body, {
      subtree: true,
      attributes: true,
      childList: true,
      attributeFilter: ['data-status'],
    });
  });
  const chooser = sender.waitForEvent('filechooser');
  await sender.getByRole('button', { name: 'Send files', exact: true }).click();
  const fileChooser = await chooser;
  const startedAt = Date.now();
  await fileChooser.setFiles(filePath);
  const card = cards(receiver).first();
  if (opts.acceptManually) {
    await card.getByRole('checkbox', { name: 'Always accept from this person' }).check();
    await card.getByRole('button', { name: 'Accept' }).click();
  }
  await receiver.waitForFunction(() => /** @type {any} */ (window).benchDoneAt !== undefined, null, {
    polling: 100,
    timeout: 30 * 60_000,
  });
  const doneAt = await receiver.evaluate(() => /** @type {any} */ (window).benchDoneAt);
  if (process.env.BENCH_DEBUG) {
    console.error(
      '[bench] cards',
      await cards(receiver).evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-status')} ${e.textContent?.slice(0, 80)}`),
      ),
    );
  }
  const seconds = (doneAt - startedAt) / 1000;
  opts.onDone?.(seconds);
  // The check that matters: the bytes the user saves, hashed here, not the app's own verdict.
  const download = receiver.waitForEvent('download');
  await card
    .getByRole('button', { name: /^Save / })
    .first()
    .click();
  const saved = await (await download).path();
  const sha256 = await sha256File(saved);
  await (await download).delete();
  // Free the OPFS copy and empty both lists for the next run.
  for (const page of [receiver, sender]) {
    await cards(page).first().getByRole('button', { name: 'Remove from list' }).click();
    await cards(page).first().waitFor({ state: 'detached' });
  }
  return { seconds, sha256 };
}
