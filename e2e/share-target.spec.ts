import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { E2E_PORT } from './support/env.js';
import { expect, test } from './support/fixtures.js';
import { type ServerProcess, startServer } from './support/server-process.js';
import { acceptOffer, saveAndHash, transfers } from './support/transfer.js';

/**
 * The phone's share sheet (issue #13): the manifest's `share_target` POSTs a multipart form to `/share`,
 * the service worker keeps it and opens the home screen with "Send to…". Plain HTTP on 127.0.0.1 (a secure
 * context, so service workers run); its own port.
 */
const PORT = E2E_PORT + 14;

interface SharedFile {
  name: string;
  base64: string;
  sha256: string;
}

const sharedFile = (name: string, size: number): SharedFile => {
  const bytes = randomBytes(size);
  return { name, base64: bytes.toString('base64'), sha256: createHash('sha256').update(bytes).digest('hex') };
};

async function openHome(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(
    (profile) => localStorage.setItem('kopru:profile', profile),
    JSON.stringify({ name }),
  );
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Nearby' })).toBeVisible();
  return page;
}

/** Opens the home screen and reloads it once the service worker is ready: it then controls the page. */
async function openControlled(context: BrowserContext, name: string): Promise<Page> {
  const page = await openHome(context, name);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  return page;
}

/** What a share sheet does: a multipart POST of `files` (and `text`) to the share target's action. */
async function share(page: Page, files: SharedFile[], text = ''): Promise<void> {
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  const target = manifest.share_target as { action: string; method: string; enctype: string };
  expect(target).toMatchObject({ action: '/share', method: 'POST', enctype: 'multipart/form-data' });
  const navigated = page.waitForURL((url) => url.pathname === '/' && !url.search.includes('share'));
  await page.evaluate(
    ({ files, text, target }) => {
      const form = document.createElement('form');
      form.method = target.method;
      form.enctype = target.enctype;
      form.action = target.action;
      const input = document.createElement('input');
      input.type = 'file';
      input.name = 'files';
      input.multiple = true;
      const picked = new DataTransfer();
      for (const file of files) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        picked.items.add(new File([bytes], file.name, { type: 'application/octet-stream' }));
      }
      input.files = picked.files;
      const textField = document.createElement('input');
      textField.name = 'text';
      textField.value = text;
      form.append(input, textField);
      document.body.append(form);
      form.submit();
    },
    { files, text, target },
  );
  await navigated;
}

const sendTo = (page: Page) => page.getByRole('dialog', { name: 'Send to…' });

async function storedShares(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('kopru-share');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('shares')) return resolve(0);
          const count = db.transaction('shares').objectStore('shares').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
  );
}

test.describe('share target', () => {
  let server: ServerProcess | undefined;
  test.afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('two files shared to Köprü are staged in "Send to…", and sent to a nearby device arrive verified', async ({
    browser,
  }) => {
    test.slow();
    server = await startServer({ port: PORT, env: { TLS: 'off' } });
    const phoneContext = await browser.newContext({ baseURL: server.url, locale: 'en-US' });
    const laptopContext = await browser.newContext({ baseURL: server.url, locale: 'en-US' });
    const phone = await openControlled(phoneContext, 'Phone');
    const laptop = await openHome(laptopContext, 'Laptop');
    await expect(
      phone.getByRole('list', { name: 'Nearby devices' }).getByRole('button', { name: /^Laptop/ }),
    ).toBeVisible();

    const files = [sharedFile('sunset.jpg', 200 * 1024), sharedFile('notes.pdf', 64 * 1024 + 7)];
    await share(phone, files);
    const chooser = sendTo(phone);
    await expect(chooser).toBeVisible();
    await expect(chooser.getByRole('list', { name: 'Shared files' }).getByRole('listitem')).toHaveText([
      /^sunset\.jpg/,
      /^notes\.pdf/,
    ]);
    expect(await storedShares(phone)).toBe(1);
    await chooser
      .getByRole('list', { name: 'Send to' })
      .getByRole('button', { name: /^Laptop/ })
      .click();
    await expect(chooser).toBeHidden();

    await laptop
      .getByRole('list', { name: 'Nearby devices' })
      .getByRole('button', { name: /^Phone/ })
      .click();
    await acceptOffer(laptop);
    const card = transfers(laptop).filter({ hasText: 'From Phone' });
    await expect(card).toContainText('Complete: every file verified', { timeout: 30_000 });
    for (const file of files) expect((await saveAndHash(laptop, card, file.name)).sha256).toBe(file.sha256);
    // Sent: the staged copy is deleted.
    await expect.poll(() => storedShares(phone)).toBe(0);
  });

  test('text goes to the message box; an empty file, an empty share, and a share without the worker say so', async ({
    browser,
  }) => {
    server = await startServer({ port: PORT, env: { TLS: 'off' } });
    const phoneContext = await browser.newContext({ baseURL: server.url, locale: 'en-US' });
    const laptopContext = await browser.newContext({ baseURL: server.url, locale: 'en-US' });
    const phone = await openControlled(phoneContext, 'Phone');
    await openHome(laptopContext, 'Laptop');
    await phone.setViewportSize({ width: 390, height: 844 });

    await share(phone, [sharedFile('photo.jpg', 1000), sharedFile('empty.txt', 0)]);
    await expect(sendTo(phone).getByRole('alert')).toContainText(
      'A shared file is empty (0 bytes). Nothing was sent',
    );
    await expect(sendTo(phone).getByRole('list', { name: 'Send to' })).toHaveCount(0);
    await sendTo(phone).getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => storedShares(phone)).toBe(0);

    await share(phone, []);
    await expect(sendTo(phone).getByRole('alert')).toHaveText('Nothing was shared: no files, no text.');
    await sendTo(phone).getByRole('button', { name: 'Discard' }).click();

    await share(phone, [], 'https://example.org/a-link');
    // The 390×844 phone layout: the chooser's choices are on screen.
    const laptopChoice = sendTo(phone)
      .getByRole('list', { name: 'Send to' })
      .getByRole('button', { name: /^Laptop/ });
    await laptopChoice.scrollIntoViewIfNeeded();
    await expect(laptopChoice).toBeInViewport();
    await laptopChoice.click();
    await expect(phone.getByRole('textbox', { name: 'Message' })).toHaveValue('https://example.org/a-link');

    // Without a service worker (never installed here), the server answers the POST, and the page says so.
    const plain = await openHome(
      await browser.newContext({ baseURL: server.url, locale: 'en-US', serviceWorkers: 'block' }),
      'Tablet',
    );
    await share(plain, [sharedFile('photo.jpg', 1000)]);
    await expect(sendTo(plain).getByRole('alert')).toContainText('could not receive the share here');
  });
});
