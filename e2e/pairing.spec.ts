import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { expectNoSeriousViolations } from './support/axe.js';
import { messageLog, send } from './support/chat.js';
import { CHROMIUM_ARGS, E2E_BASE_URL } from './support/env.js';
import { expect, newRoomId, test } from './support/fixtures.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  transfers,
} from './support/transfer.js';

/**
 * Pairing (issue #13): a code brings two devices together once; then they find each other under Your
 * devices on any network, verified by the pair key. Both devices here are hidden from Nearby, so the only
 * way they can see each other is the pair's rendezvous.
 */

const deviceList = (page: Page) => page.getByRole('list', { name: 'Paired devices' });
const pairedDevice = (page: Page, name: string) =>
  deviceList(page).getByRole('button', { name: new RegExp(`^${name}\\b`) });

async function launchDevice(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Every socket.io frame a page sends or receives, as text (for the "server never sees the secret" check). */
function recordFrames(page: Page, frames: string[]): void {
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => frames.push(String(payload)));
    ws.on('framereceived', ({ payload }) => frames.push(String(payload)));
  });
  page.on('request', (request) => frames.push(`${request.url()} ${request.postData() ?? ''}`));
}

/** The home screen as `name`, hidden from Nearby (as if on another network). */
async function openHome(
  browser: Browser,
  name: string,
  frames: string[],
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    baseURL: E2E_BASE_URL,
    ignoreHTTPSErrors: true,
    locale: 'en-US',
    ...(viewport ? { viewport } : {}),
  });
  const page = await context.newPage();
  recordFrames(page, frames);
  await page.addInitScript((profile) => {
    localStorage.setItem('kopru:profile', profile);
    localStorage.setItem('kopru:nearby-visible', 'off');
  }, JSON.stringify({ name }));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Your devices' })).toBeVisible();
  await expect(page.getByText('You are hidden from nearby devices')).toBeVisible();
  return page;
}

/** "Pair a device" on `maker`: the six digits it shows. */
async function makeCode(maker: Page): Promise<string> {
  await maker.getByRole('button', { name: 'Pair a device' }).click();
  const dialog = maker.getByRole('dialog', { name: 'Pair a device' });
  const code = dialog.getByRole('status', { name: 'Pairing code' });
  await expect(code).toHaveText(/^\d{6}$/);
  await expect(dialog.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expect(dialog).toContainText(/Valid for [12]:\d\d, once/);
  return (await code.textContent()) ?? '';
}

async function claimCode(page: Page, code: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Pairing code' }).fill(code);
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
}

/** The pair secrets this page keeps in IndexedDB. */
async function storedSecrets(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('kopru-devices');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('devices')) return resolve([]);
          const all = db.transaction('devices').objectStore('devices').getAll();
          all.onsuccess = () => resolve((all.result as { secret: string }[]).map((d) => d.secret));
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

test.describe('Pairing devices', () => {
  const browsers: Browser[] = [];
  test.afterEach(async () => {
    await Promise.all(browsers.splice(0).map((b) => b.close()));
  });

  test('pair with a code; after a reload and in different rooms, not in Nearby, they find each other verified, chat, send a file, and forget', async () => {
    test.slow();
    browsers.push(await launchDevice(), await launchDevice());
    const [one, two] = browsers as [Browser, Browser];
    const frames: string[] = [];
    const laptop = await openHome(one, 'Laptop', frames);
    const phone = await openHome(two, 'Phone', frames);

    const code = await makeCode(laptop);
    await claimCode(phone, code);
    await expect(phone.getByRole('status').filter({ hasText: 'Paired with Laptop.' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(laptop.getByRole('dialog').getByRole('status')).toHaveText('Paired with Phone.');
    await laptop.getByRole('button', { name: 'Close' }).click();

    await expect(pairedDevice(laptop, 'Phone')).toContainText('Verified', { timeout: 20_000 });
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 20_000 });

    // The same secret on both sides, and never in anything that went through the server.
    const [secret] = await storedSecrets(laptop);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await storedSecrets(phone)).toEqual([secret]);
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.filter((f) => f.includes(secret as string))).toEqual([]);

    // Both reload: the pair survives, and the two meet again, verified, without Nearby.
    await Promise.all([laptop.reload(), phone.reload()]);
    await expect(pairedDevice(laptop, 'Phone')).toContainText('Verified', { timeout: 20_000 });
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 20_000 });
    await expect(laptop.getByRole('list', { name: 'Nearby devices' })).toHaveCount(0);

    // Each opens a different room: Your devices is there too, and the pair meets again, verified.
    await laptop.goto(`/r/${newRoomId()}`);
    await phone.goto(`/r/${newRoomId()}`);
    await expect(pairedDevice(laptop, 'Phone')).toContainText('Verified', { timeout: 20_000 });
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 20_000 });

    await pairedDevice(laptop, 'Phone').click();
    await expect(laptop.getByRole('heading', { name: 'Phone', exact: true })).toBeVisible();
    // The conversation says so too: the pair key's proof, not the invite link's.
    await expect(laptop.getByRole('paragraph').filter({ hasText: /^\W*Verified$/ })).toBeVisible();
    await send(laptop, 'from my laptop');
    await pairedDevice(phone, 'Laptop').click();
    await expect(messageLog(phone)).toContainText('from my laptop');

    const file = makeFile(scratchDir(), 'holiday.jpg', 256 * 1024);
    await chooseFiles(laptop, file.path);
    await acceptOffer(phone);
    const card = transfers(phone).filter({ hasText: 'From Laptop' });
    await expect(card).toContainText('Complete: every file verified', { timeout: 30_000 });
    expect((await saveAndHash(phone, card, 'holiday.jpg')).sha256).toBe(file.sha256);
    expect(frames.filter((f) => f.includes(secret as string))).toEqual([]);

    // Unpair: gone on both sides, and from both browsers' storage.
    await laptop.getByRole('button', { name: 'Unpair: Phone' }).click();
    await expect(deviceList(laptop)).toHaveCount(0);
    await expect(deviceList(phone)).toHaveCount(0, { timeout: 10_000 });
    expect(await storedSecrets(laptop)).toEqual([]);
    expect(await storedSecrets(phone)).toEqual([]);
  });

  test('a wrong code, a used code and a malformed one say so, and pair nothing; the QR link pairs', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const frames: string[] = [];
    const laptop = await openHome(one, 'Laptop', frames);
    const phone = await openHome(one, 'Phone', frames);
    const tablet = await openHome(one, 'Tablet', frames);

    const code = await makeCode(laptop);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await claimCode(phone, wrong);
    await expect(phone.getByRole('alert')).toHaveText(
      'That code is wrong. Check the six digits on the other device.',
    );
    await claimCode(phone, '12a45');
    await expect(phone.getByRole('alert')).toHaveText('A pairing code is six digits.');

    await claimCode(phone, code);
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 20_000 });
    await claimCode(tablet, code);
    await expect(tablet.getByRole('alert')).toHaveText(
      'That code was already used. Make a new one on the other device.',
    );
    await expect(deviceList(tablet)).toHaveCount(0);

    // The QR code's link (`/#pair=<code>`) pairs by itself when opened.
    await laptop.getByRole('button', { name: 'Close' }).click();
    const scanned = await makeCode(laptop);
    const camera = tablet.context();
    await tablet.close();
    const opened = await camera.newPage();
    await opened.goto(`/#pair=${scanned}`);
    await expect(pairedDevice(opened, 'Laptop')).toContainText('Verified', { timeout: 20_000 });
    await expect(opened).toHaveURL(/\/$/);
  });

  test('pairing works in the 390×844 phone layout, with no serious accessibility violation', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const frames: string[] = [];
    const phoneSize = { width: 390, height: 844 };
    const laptop = await openHome(one, 'Laptop', frames, phoneSize);
    const phone = await openHome(one, 'Phone', frames, phoneSize);

    const pairButton = laptop.getByRole('button', { name: 'Pair a device' });
    await pairButton.scrollIntoViewIfNeeded();
    await expect(pairButton).toBeInViewport();
    const code = await makeCode(laptop);
    await expect(laptop.getByRole('dialog').getByRole('status', { name: 'Pairing code' })).toBeInViewport();
    await expectNoSeriousViolations(laptop, 'the Pair a device dialog');

    for (const control of [
      phone.getByRole('textbox', { name: 'Pairing code' }),
      phone.getByRole('button', { name: 'Pair', exact: true }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await expect(control).toBeInViewport();
    }
    await claimCode(phone, code);
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 20_000 });
    for (const control of [
      pairedDevice(phone, 'Laptop'),
      phone.getByRole('button', { name: 'Unpair: Laptop' }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await expect(control).toBeInViewport();
    }
    await expectNoSeriousViolations(phone, 'Your devices with a paired device');
    await pairedDevice(phone, 'Laptop').click();
    await expect(phone.getByRole('heading', { name: 'Laptop', exact: true })).toBeInViewport();
  });

  test('one tab of a browser connects to its paired devices; another says so, and takes over when it closes', async () => {
    browsers.push(await launchDevice());
    const [one] = browsers as [Browser];
    const frames: string[] = [];
    const laptop = await openHome(one, 'Laptop', frames);
    const phone = await openHome(one, 'Phone', frames);
    await claimCode(phone, await makeCode(laptop));
    await expect(pairedDevice(laptop, 'Phone')).toContainText('Verified', { timeout: 20_000 });

    // A second tab of the laptop's browser (same storage, same pair secret) in a room.
    const second = await laptop.context().newPage();
    await second.goto(`/r/${newRoomId()}`);
    await expect(second.getByText('Your paired devices are connected in another Köprü tab')).toBeVisible();
    await expect(deviceList(second)).toHaveCount(0);
    // The phone still sees one laptop, not the second tab passing the pair proof as another.
    await expect(deviceList(phone).getByRole('listitem')).toHaveCount(1);

    await laptop.close();
    // The takeover waits for the closed tab's lock and its departure from the rendezvous before the new
    // connection and its proof: one CI run (a whole suite on two cores) took over 20 s for it.
    await expect(pairedDevice(second, 'Phone')).toContainText('Verified', { timeout: 40_000 });
    await expect(pairedDevice(phone, 'Laptop')).toContainText('Verified', { timeout: 40_000 });
  });
});
