import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { executableIn } from '../network/lab.js';
import { recordCallConnections } from './call.js';
import { sha256File } from './transfer.js';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (Playwright's own Firefox build cannot be
 * downloaded here). Fake media and no permission prompts, as found on this machine.
 *
 * With `netns` (the network lab, e2e/network/lab.ts), Firefox runs inside that namespace. Its debugging
 * port then listens on the namespace's own loopback, out of the test runner's reach, so a listener on the
 * same port on the runner's loopback carries each connection over a Unix socket (the file system is
 * shared) to a small relay inside the namespace.
 */
export async function launchFirefox(opts: { netns?: string } = {}): Promise<Browser> {
  const bridge = opts.netns ? await debuggingBridge(opts.netns) : undefined;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'kopru-ff-'));
  const downloads = path.join(userDataDir, 'downloads');
  mkdirSync(downloads);
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: bridge?.executable ?? FIREFOX_PATH,
      ...(bridge ? { args: [`--remote-debugging-port=${bridge.port}`] } : {}),
      headless: true,
      acceptInsecureCerts: true,
      userDataDir,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        // No background traffic: this machine has no network beyond loopback.
        'network.dns.disableIPv6': true,
        'app.update.enabled': false,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        // Host candidates instead of mDNS names, as for Chromium.
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        // A saved file goes straight into `downloads` (no dialog), where the test hashes it.
        'browser.download.folderList': 2,
        'browser.download.dir': downloads,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.download.alwaysOpenPanel': false,
      },
    });
    downloadDirs.set(browser, downloads);
    if (bridge) browser.once('disconnected', bridge.close);
    return browser;
  } catch (error) {
    bridge?.close();
    throw error;
  }
}

async function debuggingBridge(netns: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-ff-bridge-'));
  const socket = path.join(dir, 'bidi.sock');
  const outside: Server = createServer();
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  const address = outside.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const relayScript = `const net=require('node:net');net.createServer(c=>{const t=net.connect(${port},'127.0.0.1');c.pipe(t).pipe(c);t.on('error',()=>c.destroy());c.on('error',()=>t.destroy());}).listen(${JSON.stringify(socket)});`;
  const relay: ChildProcess = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', relayScript], {
    stdio: 'ignore',
  });
  outside.on('connection', (c) => {
    const t = createConnection(socket);
    c.pipe(t).pipe(c);
    t.on('error', () => c.destroy());
    c.on('error', () => t.destroy());
  });
  const deadline = Date.now() + 5_000;
  while (!existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return {
    port,
    executable: executableIn(netns, FIREFOX_PATH),
    close: () => {
      outside.close();
      relay.kill('SIGKILL');
    },
  };
}

const downloadDirs = new WeakMap<Browser, string>();

/** A person in a Firefox page: what a Playwright `Person` is for Chromium. */
export interface FirefoxPerson {
  page: Page;
  label: string;
  /** Uncaught errors of the page. */
  problems: string[];
  /** Where the page's saved files land. */
  downloads: string;
}

/** Waits until `text` appears in the page's body. */
export async function waitForText(page: Page, text: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((t) => (document.body.textContent ?? '').includes(t), { timeout }, text);
}

/** Clicks the element whose accessible name is `name` (puppeteer's ARIA query: role and name, as the UI's). */
export async function clickNamed(page: Page, name: string, timeout = 30_000): Promise<void> {
  const element = await page.waitForSelector(`::-p-aria(${name})`, { timeout });
  await element?.click();
}

/**
 * Opens `url` (a room) in a new Firefox page as `label`, with the call recorder (`recordCallConnections`)
 * installed before the app, as Chromium pages get it.
 */
export async function openFirefoxPerson(
  firefox: Browser,
  url: string,
  label: string,
): Promise<FirefoxPerson> {
  const page = await firefox.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.evaluateOnNewDocument(recordCallConnections);
  await page.goto(url);
  await waitForText(page, 'Connected');
  const nameBox = await page.waitForSelector('::-p-aria(Your name)');
  await nameBox?.click({ count: 3 });
  await nameBox?.type(label);
  await nameBox?.press('Enter');
  return { page, label, problems, downloads: downloadDirs.get(firefox) ?? tmpdir() };
}

/** Opens the conversation with `peer` from the people list. */
export async function openFirefoxConversation(person: FirefoxPerson, peer: string): Promise<void> {
  const button = await person.page.waitForSelector(`::-p-aria(People in this room) ::-p-text(${peer})`);
  await button?.click();
}

/** Chooses files with the conversation's (hidden) file input, as "Send files" would. */
export async function firefoxSendFiles(person: FirefoxPerson, files: string[]): Promise<void> {
  const input = await person.page.waitForSelector('input[type=file]:not([webkitdirectory])');
  await input?.uploadFile(...files);
}

/**
 * Presses "Save <name>" and resolves with the SHA-256 of the file Firefox wrote to its downloads folder,
 * once it is complete there (Firefox writes `<name>.part` first and renames it; nothing signals the end
 * to the test but the file itself).
 */
export async function firefoxSaveAndHash(person: FirefoxPerson, name: string, size: number): Promise<string> {
  await clickNamed(person.page, `Save ${name}`);
  const file = path.join(person.downloads, name);
  await expect
    .poll(() => (existsSync(file) && !existsSync(`${file}.part`) ? statSync(file).size : -1), {
      timeout: 60_000,
    })
    .toBe(size);
  return sha256File(file);
}
