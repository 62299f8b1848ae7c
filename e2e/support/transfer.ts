import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, expect, type Locator, type Page } from '@playwright/test';
import { openConversationWith, rename } from './chat.js';
import { openPerson, type Person } from './fixtures.js';

export interface TestFile {
  path: string;
  /** Relative path inside a chosen folder, or the bare name. */
  name: string;
  size: number;
  sha256: string;
}

export const sha256File = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Every test file of this worker lives under one directory, removed when the worker exits: the
 * transfer tests write several hundred MiB per run, which would otherwise pile up in /tmp.
 */
let scratchRoot: string | undefined;

/** A fresh directory for one test's files. */
export const scratchDir = (): string => {
  if (!scratchRoot) {
    const root = mkdtempSync(path.join(tmpdir(), 'kopru-files-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    scratchRoot = root;
  }
  return mkdtempSync(path.join(scratchRoot, 'test-'));
};

/** Writes `size` random bytes to `dir/name` (creating folders) and returns its path and SHA-256. */
export function makeFile(dir: string, name: string, size: number): TestFile {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  const bytes = randomBytes(size);
  writeFileSync(file, bytes);
  return { path: file, name, size, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The transfers of the open conversation: entries of its timeline (the message log), like messages. */
export const transfers = (page: Page): Locator =>
  page.getByRole('log', { name: 'Messages' }).locator('li.transfer');

/** Chooses files with the "Send files" button (or a folder with "Send folder"). */
export async function chooseFiles(page: Page, files: string[] | string, folder = false): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: folder ? 'Send folder' : 'Send files', exact: true }).click();
  await (await chooser).setFiles(files);
}

/** Accepts the newest offer on the page. */
export async function acceptOffer(page: Page, opts: { always?: boolean } = {}): Promise<Locator> {
  const card = transfers(page)
    .filter({ has: page.getByRole('button', { name: 'Accept' }) })
    .last();
  await expect(card).toBeVisible();
  if (opts.always) await card.getByRole('checkbox', { name: 'Always accept from this person' }).check();
  await card.getByRole('button', { name: 'Accept' }).click();
  return card;
}

/** Clicks a card's "Save <name>" button and returns the SHA-256 of the downloaded file, read from disk. */
export async function saveAndHash(
  page: Page,
  card: Locator,
  name: string,
): Promise<{ sha256: string; suggested: string }> {
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: `Save ${name}`, exact: true }).click();
  const file = await (await download).path();
  return { sha256: sha256File(file), suggested: (await download).suggestedFilename() };
}

/** The value of a progress bar as a fraction of its maximum. */
export async function progressOf(bar: Locator): Promise<number> {
  return bar.evaluate((el) => {
    const progress = el as HTMLProgressElement;
    return progress.max > 0 ? progress.value / progress.max : 0;
  });
}

/**
 * Test instrumentation (added by the test, not the app): records the header of every frame the page
 * sends on a DataChannel labelled `file` — its file index, offset and payload size — decoded from the
 * documented frame layout (docs/protocol.md). Read back with `sentFrames`.
 */
export async function recordFileFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const frames: { index: number; offset: number; bytes: number }[] = [];
    (window as unknown as { __fileFrames: typeof frames }).__fileFrames = frames;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      if (this.label === 'file' && (data as unknown) instanceof ArrayBuffer) {
        const view = new DataView(data as unknown as ArrayBuffer);
        const offset = view.getUint32(4) * 2 ** 32 + view.getUint32(8);
        frames.push({ index: view.getUint16(2), offset, bytes: view.byteLength - 28 });
      }
      return send.call(this, data);
    };
  });
}

export async function sentFrames(page: Page): Promise<{ index: number; offset: number; bytes: number }[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __fileFrames: { index: number; offset: number; bytes: number }[] })
        .__fileFrames,
  );
}

/**
 * Test instrumentation (added by the test, not the app): records the header of every frame the page
 * receives on a DataChannel labelled `file` (the channel is pre-negotiated, so the page creates it with
 * `createDataChannel`). Read back with `receivedFrames`.
 */
export async function recordReceivedFileFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const frames: { index: number; offset: number; bytes: number }[] = [];
    (window as unknown as { __receivedFileFrames: typeof frames }).__receivedFileFrames = frames;
    const create = RTCPeerConnection.prototype.createDataChannel;
    RTCPeerConnection.prototype.createDataChannel = function (
      this: RTCPeerConnection,
      ...args: Parameters<RTCPeerConnection['createDataChannel']>
    ) {
      const channel = create.apply(this, args);
      if (channel.label === 'file') {
        channel.addEventListener('message', (event: MessageEvent) => {
          if (!(event.data instanceof ArrayBuffer)) return;
          const view = new DataView(event.data);
          const offset = view.getUint32(4) * 2 ** 32 + view.getUint32(8);
          frames.push({ index: view.getUint16(2), offset, bytes: view.byteLength - 28 });
        });
      }
      return channel;
    };
  });
}

export async function receivedFrames(
  page: Page,
): Promise<{ index: number; offset: number; bytes: number }[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __receivedFileFrames: { index: number; offset: number; bytes: number }[] })
        .__receivedFileFrames,
  );
}

/** Names of the files in the app's OPFS folder, read directly by the test. */
export async function opfsFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle('kopru-transfers');
    } catch {
      return [];
    }
    const names: string[] = [];
    for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
    return names.filter((n) => !n.startsWith('.'));
  });
}

/** Test instrumentation: every RTCPeerConnection of the page gathers only relay (TURN) candidates. */
export async function forceRelay(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = RTCPeerConnection;
    const relay = (config?: RTCConfiguration): RTCConfiguration => ({
      ...config,
      iceTransportPolicy: 'relay',
    });
    class RelayOnly extends Native {
      constructor(config?: RTCConfiguration) {
        super(relay(config));
      }
      override setConfiguration(config?: RTCConfiguration): void {
        super.setConfiguration(relay(config));
      }
    }
    window.RTCPeerConnection = RelayOnly;
  });
}

/**
 * A sends `file` to B, B accepts: each in a fresh context of `roomId`, with A's sent file frames recorded
 * (`sentFrames`) from the start. Returns once B has accepted.
 */
export async function recordedTransfer(
  browser: Browser,
  roomId: string,
  file: TestFile,
  [senderName, receiverName]: [string, string],
): Promise<{ a: Person; b: Person }> {
  const a = await openPerson(browser, roomId);
  await recordFileFrames(a.page);
  await a.page.reload(); // the recorder is installed on load
  const b = await openPerson(browser, roomId);
  await rename(a.page, senderName);
  await rename(b.page, receiverName);
  await openConversationWith(a.page, receiverName);
  await openConversationWith(b.page, senderName);
  await chooseFiles(a.page, [file.path]);
  await acceptOffer(b.page);
  return { a, b };
}
