// @ts-check
/**
 * The Chromium arms of `bench:cli`, one Chromium person ("Web", its own process on a disk profile, as in
 * bench:transfer) receiving:
 * - `kopru send` → Chromium through the real UI (the person opens the conversation and clicks Accept), timed
 *   in the page from the card turning *active* to it turning *complete* (every byte on OPFS and verified);
 *   the bench then saves the file through the UI and hashes the download itself;
 * - the raw ceiling beside it: a bare node-datachannel sender (bare-peer.mjs: one channel, 64 KiB
 *   messages, 1 MiB high-water mark) → a plain RTCPeerConnection in the same page that only counts, timed
 *   from the sender's channel opening to the page's last byte.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openConversation } from '../transfer/browsers.mjs';
import { sha256File } from '../transfer/kopru-arm.mjs';

const BARE_PEER = fileURLToPath(new URL('./bare-peer.mjs', import.meta.url));

/** The transfers of the open conversation: entries of its timeline, like messages. */
const cards = (/** @type {import('playwright').Page} */ page) =>
  page.getByRole('log', { name: 'Messages' }).locator('li.transfer');

/**
 * `kopru send` (`start(args)` runs it and resolves when it exits 0) → the page's person, through the UI.
 * @param {import('playwright').Page} page
 * @param {(args: string[]) => Promise<unknown>} start
 * @param {string} link
 * @param {{ file: string, sha256: string }} source
 * @param {number} bytes
 * @param {number} run
 */
export async function cliToChromium(page, start, link, source, bytes, run) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.benchActiveAt = undefined;
    w.benchDoneAt = undefined;
    w.benchObserver?.disconnect();
    w.benchObserver = new MutationObserver(() => {
      const now = performance.timeOrigin + performance.now();
      if (w.benchActiveAt === undefined && document.querySelector('li.transfer[data-status="active"]'))
        w.benchActiveAt = now;
      if (w.benchDoneAt === undefined && document.querySelector('li.transfer[data-status="complete"]'))
        w.benchDoneAt = now;
    });
    w.benchObserver.observe(document.body, {
      subtree: true,
      attributes: true,
      childList: true,
      attributeFilter: ['data-status'],
    });
  });
  const name = `Cli${run}`;
  const sent = start(['send', link, source.file, '--to', 'Web', '--name', name]);
  await openConversation(page, name);
  const card = cards(page)
    .filter({ has: page.getByRole('button', { name: 'Accept' }) })
    .last();
  // The CLI starts, joins, connects and offers first: slow on a loaded machine.
  await card.getByRole('button', { name: 'Accept' }).click({ timeout: 180_000 });
  await sent;
  await page.waitForFunction(() => /** @type {any} */ (window).benchDoneAt !== undefined, null, {
    polling: 100,
    timeout: 30 * 60_000,
  });
  const { activeAt, doneAt } = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    return { activeAt: w.benchActiveAt, doneAt: w.benchDoneAt };
  });
  const done = cards(page).first();
  const download = page.waitForEvent('download');
  await done
    .getByRole('button', { name: /^Save / })
    .first()
    .click();
  const saved = await (await download).path();
  const ok = (await sha256File(saved)) === source.sha256;
  await (await download).delete();
  await done.getByRole('button', { name: 'Remove from list' }).click();
  await done.waitFor({ state: 'detached' });
  return { mbps: bytes / 1e6 / ((doneAt - activeAt) / 1000), ok };
}

/**
 * A bare node-datachannel sender → a plain RTCPeerConnection in `page` that counts what arrives.
 * @param {import('playwright').Page} page
 * @param {string} file
 * @param {number} bytes
 */
export async function rawToChromium(page, file, bytes) {
  await page.evaluate((total) => {
    const w = /** @type {any} */ (window);
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('bench', { negotiated: true, id: 900, ordered: true });
    channel.binaryType = 'arraybuffer';
    const state = { pc, candidates: /** @type {RTCIceCandidateInit[]} */ ([]), received: 0, doneAt: 0 };
    w.benchBare = state;
    pc.onicecandidate = (e) => {
      if (e.candidate) state.candidates.push(e.candidate.toJSON());
    };
    channel.onmessage = (e) => {
      state.received += /** @type {ArrayBuffer} */ (e.data).byteLength;
      if (state.received === total) state.doneAt = performance.timeOrigin + performance.now();
    };
  }, bytes);
  const sender = fork(BARE_PEER, ['sender', file, String(bytes)], { stdio: 'inherit' });
  let startedAt = 0;
  let trickling = true;
  // libdatachannel takes candidates only once it has the answer: the page's wait until it is sent.
  let answered = false;
  sender.on('message', (/** @type {any} */ m) => {
    if (m.started) startedAt = m.started;
    else if (m.sdp) {
      void page
        .evaluate(
          async (offer) => {
            const { pc } = /** @type {any} */ (window).benchBare;
            await pc.setRemoteDescription(offer);
            await pc.setLocalDescription();
            return pc.localDescription.toJSON();
          },
          /** @type {RTCSessionDescriptionInit} */ ({ type: m.type, sdp: m.sdp }),
        )
        .then((answer) => {
          sender.send({ sdp: answer.sdp, type: answer.type });
          answered = true;
        });
    } else if (m.candidate) {
      void page.evaluate(
        (c) => /** @type {any} */ (window).benchBare.pc.addIceCandidate(c),
        /** @type {RTCIceCandidateInit} */ ({ candidate: m.candidate.replace(/^a=/, ''), sdpMid: m.mid }),
      );
    }
  });
  const trickle = (async () => {
    while (trickling) {
      if (!answered) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const fresh = await page.evaluate(() => /** @type {any} */ (window).benchBare.candidates.splice(0));
      for (const c of fresh) sender.send({ candidate: c.candidate, mid: c.sdpMid ?? '0' });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await page.waitForFunction(() => /** @type {any} */ (window).benchBare.doneAt > 0, null, {
    polling: 100,
    timeout: 30 * 60_000,
  });
  trickling = false;
  await trickle;
  const doneAt = await page.evaluate(() => {
    const bare = /** @type {any} */ (window).benchBare;
    bare.pc.close();
    return bare.doneAt;
  });
  sender.kill();
  return { mbps: bytes / 1e6 / ((doneAt - startedAt) / 1000) };
}
