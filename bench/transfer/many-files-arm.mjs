// @ts-check
/**
 * The many-small-files arms of the transfer benchmark (`--small-files=<count>`, default 2,000): a photo
 * folder of files of 4–64 KiB. Köprü sends them through the real UI (one offer per 256 files, each file
 * hashed on both sides, each opened, written and closed in OPFS); the baseline is the raw DataChannel
 * between the same two pages sending the same bytes as one stream, with a 200-byte header before each file
 * (what any per-file protocol must at least carry).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RAW_CHUNK, RAW_HIGH_WATER } from './raw-arm.mjs';

const KiB = 1024;
/** Bytes the raw baseline sends before each file in place of a real per-file header. */
const RAW_FILE_HEADER_BYTES = 200;

/**
 * Writes `count` files of 4–64 KiB (sizes and contents from a fixed seed) under `dir/small/`.
 * @returns {{ paths: string[], bytes: number }}
 */
export function makeSmallFiles(/** @type {string} */ dir, /** @type {number} */ count) {
  const folder = path.join(dir, 'small');
  mkdirSync(folder, { recursive: true });
  let x = 12345;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
  /** @type {string[]} */
  const paths = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const size = 4 * KiB + (next() % (60 * KiB + 1));
    const words = new Uint32Array(Math.ceil(size / 4));
    for (let j = 0; j < words.length; j++) words[j] = next();
    const data = new Uint8Array(words.buffer, 0, size);
    const file = path.join(folder, `photo-${String(i).padStart(5, '0')}.jpg`);
    writeFileSync(file, data);
    paths.push(file);
    bytes += size;
  }
  return { paths, bytes };
}

const cards = (/** @type {import('playwright').Page} */ page) =>
  page.getByRole('log', { name: 'Messages' }).locator('li.transfer');

/**
 * Köprü: "Send files" with every file at once; done when the receiver shows `transfers` cards, all
 * complete (every file verified by SHA-256). Checks the first file's saved bytes, then clears both lists.
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {{ paths: string[] }} files
 * @param {(seconds: number) => void} onDone
 */
export async function runKopruMany(sender, receiver, files, onDone) {
  const transfers = Math.ceil(files.paths.length / 256);
  await receiver.evaluate((expected) => {
    const w = /** @type {any} */ (window);
    w.benchDoneAt = undefined;
    w.benchObserver?.disconnect();
    w.benchObserver = new MutationObserver(() => {
      const done = document.querySelectorAll('li.transfer[data-status="complete"]').length;
      if (w.benchDoneAt === undefined && done >= expected)
        w.benchDoneAt = performance.timeOrigin + performance.now();
    });
    // Cards and their status only (not every file row's re-render).
    w.benchObserver.observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-status'],
      childList: true,
    });
  }, transfers);
  const chooser = sender.waitForEvent('filechooser');
  await sender.getByRole('button', { name: 'Send files', exact: true }).click();
  const fileChooser = await chooser;
  const startedAt = Date.now();
  await fileChooser.setFiles(files.paths);
  await receiver.waitForFunction(() => /** @type {any} */ (window).benchDoneAt !== undefined, null, {
    polling: 100,
    timeout: 30 * 60_000,
  });
  const doneAt = await receiver.evaluate(() => /** @type {any} */ (window).benchDoneAt);
  const seconds = (doneAt - startedAt) / 1000;
  onDone(seconds);
  // The bytes the user saves, hashed here: the first file of a card, against the source of that name.
  const download = receiver.waitForEvent('download');
  await cards(receiver)
    .first()
    .getByRole('button', { name: /^Save / })
    .first()
    .click();
  const saved = await (await download).path();
  const name = (await download).suggestedFilename();
  const sha256 = createHash('sha256').update(readFileSync(saved)).digest('hex');
  await (await download).delete();
  const original = files.paths.find((p) => path.basename(p) === name);
  const expected = original ? createHash('sha256').update(readFileSync(original)).digest('hex') : undefined;
  // Both lists emptied for the next run, once the sender has every verdict too.
  for (const page of [receiver, sender]) {
    await page.waitForFunction(
      (n) => document.querySelectorAll('li.transfer[data-status="complete"]').length >= n,
      transfers,
      { polling: 200, timeout: 10 * 60_000 },
    );
    for (let left = await cards(page).count(); left > 0; left--) {
      await cards(page).first().getByRole('button', { name: 'Remove from list' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('li.transfer').length < n, left);
    }
  }
  return { seconds, ok: sha256 === expected };
}

/**
 * The raw baseline over the channel `connectRaw` opened (key `benchRaw`): the files given to a hidden
 * input on the sender page, sent one after another as one stream of `RAW_CHUNK` messages, each file
 * preceded by a 200-byte header. Done when the receiver has every byte.
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {{ paths: string[], bytes: number }} files
 * @param {(seconds: number) => void} onDone
 */
export async function runRawMany(sender, receiver, files, onDone, { key = 'benchRaw' } = {}) {
  const input = `${key}-many`;
  await sender.evaluate((id) => {
    if (document.getElementById(id)) return;
    const el = document.createElement('input');
    el.type = 'file';
    el.multiple = true;
    el.id = id;
    el.hidden = true;
    document.body.append(el);
  }, input);
  await sender.setInputFiles(`#${input}`, files.paths);
  const total = files.bytes + files.paths.length * RAW_FILE_HEADER_BYTES;
  const received = receiver.evaluate(
    ({ total: expected, k }) =>
      new Promise((resolve) => {
        const { channel } = /** @type {any} */ (window)[k];
        let bytes = 0;
        channel.onmessage = (/** @type {MessageEvent<ArrayBuffer>} */ e) => {
          bytes += e.data.byteLength;
          if (bytes >= expected) {
            channel.onmessage = null;
            resolve(performance.timeOrigin + performance.now());
          }
        };
      }),
    { total, k: key },
  );
  const startedAt = await sender.evaluate(
    async ({ chunk, highWater, k, id, headerBytes }) => {
      const { channel } = /** @type {any} */ (window)[k];
      const list = /** @type {HTMLInputElement} */ (document.getElementById(id)).files;
      if (!list) throw new Error('no files');
      channel.bufferedAmountLowThreshold = highWater / 2;
      const start = performance.timeOrigin + performance.now();
      const room = async (/** @type {number} */ bytes) => {
        if (channel.bufferedAmount + bytes <= highWater) return;
        await new Promise((resolve) => {
          channel.onbufferedamountlow = () => resolve(undefined);
        });
      };
      for (const file of list) {
        await room(headerBytes);
        channel.send(new Uint8Array(headerBytes));
        const data = new Uint8Array(await file.arrayBuffer());
        for (let o = 0; o < data.byteLength; o += chunk) {
          await room(chunk);
          channel.send(data.slice(o, o + chunk));
        }
      }
      return start;
    },
    { chunk: RAW_CHUNK, highWater: RAW_HIGH_WATER, k: key, id: input, headerBytes: RAW_FILE_HEADER_BYTES },
  );
  const endedAt = /** @type {number} */ (await received);
  const seconds = (endedAt - startedAt) / 1000;
  onDone(seconds);
  return { seconds, ok: true };
}
