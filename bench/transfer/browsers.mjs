// @ts-check
/** The two browsers of the transfer benchmark: separate Chromium processes, driven through the real UI. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS } from '../../e2e/support/chromium-args.mjs';

/**
 * One person in its own Chromium process, on an on-disk profile as a real user has. Not a Playwright
 * `newContext()`: those are off-the-record, and Chromium keeps an off-the-record profile's OPFS in the
 * browser process's memory (measured here: +261 MiB in the browser process for 256 MiB written from a
 * worker, +3 MiB on a disk profile), which would be counted as the app's.
 * @param {string} url room URL
 * @param {string} name display name
 * @param {{ initScript?: () => void }} [opts] runs in the page before the app (e.g. recording its connections)
 */
export async function launchPerson(url, name, opts = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'kopru-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  });
  const person = await openPersonIn(context, url, name, opts);
  return {
    ...person,
    /** Pids of every process of this browser (browser, renderers, GPU, network and storage services). */
    pids: () => browserPids(person.page),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * @param {import('playwright').BrowserContext} context
 * @param {string} url room URL
 * @param {string} name display name
 * @param {{ initScript?: () => void }} [opts]
 */
async function openPersonIn(context, url, name, opts = {}) {
  const page = context.pages()[0] ?? (await context.newPage());
  /** @type {string[]} */
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  if (opts.initScript) await page.addInitScript(opts.initScript);
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  const box = page.getByRole('textbox', { name: 'Your name' });
  await box.fill(name);
  await box.press('Enter');
  await page.getByText(`Others see you as ${name}`).waitFor();
  return { context, page, problems };
}

/** @param {import('playwright').Page} page @param {string} other */
export async function openConversation(page, other) {
  await page
    .getByRole('list', { name: 'People in this room' })
    .getByRole('button', { name: new RegExp(`^${other}\\b`) })
    .click();
  await page.getByRole('heading', { name: other, exact: true }).waitFor();
}

/** Pids of every process of the page's browser (CDP SystemInfo), for their resident memory. */
export async function browserPids(/** @type {import('playwright').Page} */ page) {
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser target to ask for its processes');
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = /** @type {{ processInfo: { type: string, id: number }[] }} */ (
    await cdp.send('SystemInfo.getProcessInfo')
  );
  await cdp.detach();
  return processInfo.map((p) => p.id);
}

/** Resident memory of a process in bytes (0 once it is gone). */
export function rss(/** @type {number} */ pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Samples the summed RSS of `pids` every 50 ms until stopped; returns the peak.
 * @param {number[]} pids
 */
export function sampleMemory(pids) {
  let peak = 0;
  const sample = () => {
    peak = Math.max(
      peak,
      pids.reduce((sum, pid) => sum + rss(pid), 0),
    );
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Forces a garbage collection in the page (so the idle baseline is not inflated by the previous run). */
export async function collectGarbage(/** @type {import('playwright').Page} */ page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
}

/** hash-wasm's SHA-256 as a page script (evaluated through DevTools, as the page's CSP forbids injected tags). */
export const HASH_WASM_SOURCE = readFileSync(
  new URL('../../node_modules/hash-wasm/dist/sha256.umd.min.js', import.meta.url),
  'utf8',
);
