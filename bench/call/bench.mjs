// @ts-check
/**
 * `npm run bench:call [-- --runs=7]`: time from pressing "Video call" (the callee accepts automatically)
 * to the first decoded remote video frame on each side, between two headless Chromium processes through
 * the real server with fake camera and microphone; interleaved with a bare RTCPeerConnection between the
 * same two processes (getUserMedia + offer/answer relayed by this script) as the baseline. Prints the
 * median and every run. The peer connection of the conversation is already up when the button is
 * pressed, as it is when someone looks at a conversation. Loopback only; everything started is stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS } from '../../e2e/support/chromium-args.mjs';
import { median, option, startServer } from '../support/setup.mjs';
import { installBaseline, instrumentCallPage } from './instrument.mjs';

const runs = option('runs', 7);
const port = option('port', Number(process.env.KOPRU_BENCH_PORT ?? 22_450));
const origin = `https://127.0.0.1:${port}`;
/** A run that shows no frame within this long failed (the target is 0.5 s). */
const RUN_TIMEOUT_MS = 15_000;
/**
 * How often this script looks for the results. The times themselves are taken in the pages; polling only
 * costs CPU, which on two cores would slow the very thing measured, so not too often.
 */
const POLL_MS = 100;

/** A fresh person (own context: own storage) in one of the two browser processes. */
async function person(
  /** @type {import('playwright').Browser} */ browser,
  /** @type {string} */ name,
  autoAccept = false,
) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  // The profile the app reads at start: no renaming through the UI needed.
  await context.addInitScript(
    (n) => localStorage.setItem('kopru:profile', JSON.stringify({ name: n })),
    name,
  );
  await context.addInitScript(instrumentCallPage, { autoAccept });
  const page = await context.newPage();
  return { context, page };
}

/**
 * @param {import('playwright').Page} page
 * @returns {Promise<{ pressedAt?: number, acceptedAt?: number, firstFrameAt?: number }>}
 */
const benchState = (page) => page.evaluate(() => /** @type {any} */ (window).__callBench);

/** One Köprü run: a new room, both join, the caller opens the conversation, then presses "Video call". */
async function runKopru(/** @type {import('playwright').Browser[]} */ [browserA, browserB]) {
  const room = `${origin}/r/bench${randomBytes(8).toString('hex')}`;
  const a = await person(browserA, 'Caller');
  const b = await person(browserB, 'Callee', true);
  try {
    await Promise.all([a.page.goto(room), b.page.goto(room)]);
    const people = a.page.getByRole('list', { name: 'People in this room' });
    await people.getByRole('button', { name: /^Callee\b/ }).click();
    await a.page.getByText('Connected peer to peer').waitFor({ timeout: RUN_TIMEOUT_MS });
    await a.page.getByRole('button', { name: 'Video call' }).click();
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const [sa, sb] = await Promise.all([benchState(a.page), benchState(b.page)]);
      if (sa.pressedAt && sa.firstFrameAt && sb.firstFrameAt) {
        return { caller: sa.firstFrameAt - sa.pressedAt, callee: sb.firstFrameAt - sa.pressedAt };
      }
      if (Date.now() > deadline) throw new Error(`no frames: ${JSON.stringify({ sa, sb })}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await a.page
      .getByRole('button', { name: 'Hang up' })
      .click({ timeout: 2_000 })
      .catch(() => {});
    await Promise.all([a.context.close(), b.context.close()]);
  }
}

/** One baseline run: the same two processes, a bare RTCPeerConnection each, signaling relayed here. */
async function runBaseline(/** @type {import('playwright').Browser[]} */ [browserA, browserB]) {
  const pages = await Promise.all(
    [browserA, browserB].map(async (browser) => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      await context.addInitScript(installBaseline);
      const page = await context.newPage();
      return { context, page };
    }),
  );
  const [a, b] = /** @type {[typeof pages[0], typeof pages[0]]} */ (pages);
  try {
    // A secure context from the same server, so getUserMedia is available; the app itself is not used.
    await Promise.all([a.page.goto(`${origin}/healthz`), b.page.goto(`${origin}/healthz`)]);
    await a.page.exposeFunction('__relay', (/** @type {unknown} */ m) =>
      b.page.evaluate((msg) => /** @type {any} */ (window).__baseline.receive(msg), m),
    );
    await b.page.exposeFunction('__relay', (/** @type {unknown} */ m) =>
      a.page.evaluate((msg) => /** @type {any} */ (window).__baseline.receive(msg), m),
    );
    const startedAt = await a.page.evaluate(() => {
      const t = performance.timeOrigin + performance.now();
      void (/** @type {any} */ (window).__baseline.call());
      return t;
    });
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const read = (/** @type {import('playwright').Page} */ p) =>
        p.evaluate(() => /** @type {any} */ (window).__baseline.result.firstFrameAt);
      const [fa, fb] = await Promise.all([read(a.page), read(b.page)]);
      if (fa && fb) return { caller: fa - startedAt, callee: fb - startedAt };
      if (Date.now() > deadline) throw new Error('baseline: no frames');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await Promise.all(
      pages.map((p) => p.page.evaluate(() => /** @type {any} */ (window).__baseline.close())),
    );
    await Promise.all(pages.map((p) => p.context.close()));
  }
}

/** 1-minute load average: on 2 cores, above ~2 something else is taking CPU from the measurement. */
const load = () => (loadavg()[0] ?? 0).toFixed(1);

async function main() {
  const loadAtStart = load();
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-call-'));
  const server = await startServer(port, dir);
  const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  // Two separate browser processes: caller and callee share nothing but the network.
  const browsers = await Promise.all([launch(), launch()]);
  /** @type {Record<string, { caller: number[], callee: number[] }>} */
  const results = {
    'Köprü (press → first frame)': { caller: [], callee: [] },
    'bare RTCPeerConnection': { caller: [], callee: [] },
  };
  try {
    await runKopru(browsers); // warm-up, not counted: first-use costs (codecs, device open) land here
    await runBaseline(browsers);
    for (let run = 0; run < runs; run++) {
      const arms = [
        ['Köprü (press → first frame)', runKopru],
        ['bare RTCPeerConnection', runBaseline],
      ];
      for (const [name, arm] of run % 2 === 0 ? arms : arms.reverse()) {
        const r = await /** @type {typeof runKopru} */ (arm)(browsers);
        const slot = results[/** @type {string} */ (name)];
        slot?.caller.push(r.caller);
        slot?.callee.push(r.callee);
        console.log(
          `run ${run + 1} ${String(name).padEnd(28)} caller ${r.caller.toFixed(0).padStart(4)} ms  callee ${r.callee.toFixed(0).padStart(4)} ms`,
        );
      }
    }
    console.log(
      `\n${runs} runs each, two Chromium processes, loopback, fake camera 640×480 @ 20 fps, load ${loadAtStart} → ${load()}`,
    );
    console.log(
      '| Arm | caller first frame, median (ms) | callee first frame, median (ms) | runs caller / callee (ms) |',
    );
    console.log('|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      const list = r.caller.map((c, i) => `${c.toFixed(0)}/${(r.callee[i] ?? 0).toFixed(0)}`).join(', ');
      console.log(`| ${name} | ${median(r.caller).toFixed(0)} | ${median(r.callee).toFixed(0)} | ${list} |`);
    }
  } finally {
    await Promise.allSettled(browsers.map((b) => b.close()));
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
