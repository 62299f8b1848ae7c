import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { E2E_PORT } from './support/env.js';
import { expect, test } from './support/fixtures.js';
import { type ServerProcess, startServer } from './support/server-process.js';

/**
 * Plain HTTP on 127.0.0.1: a secure context browsers allow service workers on, unlike the self-signed
 * HTTPS of the other tests (a certificate error forbids them). Its own port: E2E_PORT + 9.
 */
const PORT = E2E_PORT + 9;
const WEB_DIST = path.resolve(import.meta.dirname, '../packages/web/dist');

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), read by the test, not by the app. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const controlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller !== null);

/** Opens the home screen, waits for the service worker, reloads: the page must now be controlled. */
async function openControlled(browser: Browser, server: ServerProcess) {
  const context = await browser.newContext({ baseURL: server.url, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  expect(await controlled(page)).toBe(true);
  return { context, page };
}

test.describe('installable app', () => {
  let server: ServerProcess | undefined;
  test.afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('the manifest validates: its fields, and icons that exist at their declared sizes', async ({
    request,
  }) => {
    server = await startServer({ port: PORT, env: { TLS: 'off' } });
    const res = await request.get(`${server.url}/manifest.webmanifest`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as Record<string, unknown> & { icons: ManifestIcon[] };

    expect(manifest).toMatchObject({
      name: 'Köprü',
      short_name: 'Köprü',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
    });
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    expect(pngs.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of pngs) {
      const image = await request.get(`${server.url}${icon.src}`);
      expect(image.status(), icon.src).toBe(200);
      const { width, height } = pngSize(await image.body());
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    }
  });

  test('the service worker controls the page after a reload; offline, a reload shows the app and says so', async ({
    browser,
  }) => {
    server = await startServer({ port: PORT, env: { TLS: 'off' } });
    const { context, page } = await openControlled(browser, server);
    await expect(page.getByRole('heading', { name: 'Nearby' })).toBeVisible();

    // Nothing but the shell and the build's files is answered from the cache.
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const urls: string[] = [];
      for (const name of names) {
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/');
    // Every built script and style, the lazily loaded ones (call stage, stats, QR code) too, so a call or
    // a dialog opened offline finds its chunk: listed from dist/ by the test.
    const built = readdirSync(path.join(WEB_DIST, 'assets'))
      .filter((name) => !name.endsWith('.map'))
      .map((name) => `/assets/${name}`);
    expect(built.some((name) => name.includes('CallStage'))).toBe(true);
    expect(cached).toEqual(expect.arrayContaining(built));
    expect(
      cached.filter((u) => u.startsWith('/socket.io') || /healthz|readyz|metrics|\/new/.test(u)),
    ).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByText('You are offline — waiting for the network.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Nearby' })).toBeVisible();
    await page.goto('/r/abcdefghijkl');
    await expect(page.getByRole('button', { name: 'Invite' })).toBeVisible();
    await expect(page.getByText('You are offline — waiting for the network.')).toBeVisible();

    await context.setOffline(false);
    await expect(page.getByText('You are offline — waiting for the network.')).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  });

  test('after a new deploy, "Reload to update" brings the new version in', async ({ browser }) => {
    const webDir = mkdtempSync(path.join(tmpdir(), 'kopru-web-'));
    try {
      cpSync(WEB_DIST, webDir, { recursive: true });
      server = await startServer({ port: PORT, env: { TLS: 'off', WEB_DIR: webDir } });
      const { page } = await openControlled(browser, server);
      await page.evaluate(() => {
        (window as unknown as { oldPage: boolean }).oldPage = true;
      });

      // "Deploy" a new build: a service worker that differs by a byte is a new version to a browser.
      appendFileSync(path.join(webDir, 'sw.js'), '\n// the next build\n');
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      // Awaited before asking the page anything: an evaluate that meets the reload midway throws.
      const reloaded = page.waitForEvent('load');
      await page.getByRole('button', { name: 'Reload to update' }).click();
      await reloaded;

      // The page reloaded (its old globals are gone) under the new worker, with nothing left waiting.
      expect(await page.evaluate(() => 'oldPage' in window)).toBe(false);
      await expect(page.getByRole('heading', { name: 'Nearby' })).toBeVisible();
      expect(await controlled(page)).toBe(true);
      expect(
        await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.waiting ?? null)),
      ).toBeNull();
    } finally {
      rmSync(webDir, { recursive: true, force: true });
    }
  });
});
