import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { roomIdSchema } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, startServer } from './support/harness.js';

const tempDirs: string[] = [];

afterEach(async () => {
  await closeAll();
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Parses a CSP header into directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

describe('HTTP', () => {
  it('GET /healthz answers 200 JSON with the uptime from the injected clock', async () => {
    const server = await startServer();
    server.clock.advance(42_000);

    const res = await fetch(`${server.url}/healthz`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok', uptimeSeconds: 42 });
  });

  it('GET /new redirects (302) to a new room with a 16-character id, marked #new for the page to make its key', async () => {
    const server = await startServer();

    const first = await fetch(`${server.url}/new`, { redirect: 'manual' });
    const second = await fetch(`${server.url}/new`, { redirect: 'manual' });

    expect(first.status).toBe(302);
    const location = first.headers.get('location') ?? '';
    // The page makes the invite-link key from `#new`; the server never writes a key into a link.
    const match = /^\/r\/([^/#]+)#new$/.exec(location);
    expect(match?.[1]).toHaveLength(16);
    expect(roomIdSchema.safeParse(match?.[1]).success).toBe(true);
    expect(second.headers.get('location')).not.toBe(location);
  });

  it('POST /share without a service worker redirects (303) home, saying the share could not be kept', async () => {
    const server = await startServer();
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(1024)]), 'photo.jpg');
    form.append('text', 'hello');
    const res = await fetch(`${server.url}/share`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?share=unavailable');
  });

  it('sends the security headers: a strict CSP, nosniff, no framing, no X-Powered-By', async () => {
    const server = await startServer();

    const res = await fetch(`${server.url}/healthz`);

    const csp = parseCsp(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toContain("'self'");
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
    expect(res.headers.get('x-powered-by')).toBeNull();
    // No Referer from a clicked link (the invite-link key is in the fragment, which is never in one anyway).
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sends the security headers on redirects and errors too', async () => {
    const server = await startServer();

    for (const res of [
      await fetch(`${server.url}/new`, { redirect: 'manual' }),
      await fetch(`${server.url}/no/such/page`),
    ]) {
      expect(parseCsp(res.headers.get('content-security-policy')).get('script-src')).toContain("'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('tells the page at /app.json whether to register its service worker', async () => {
    const trusted = await startServer();
    const selfSigned = await startServer({ serviceWorker: false });

    expect(await (await fetch(`${trusted.url}/app.json`)).json()).toEqual({ serviceWorker: true });
    expect(await (await fetch(`${selfSigned.url}/app.json`)).json()).toEqual({ serviceWorker: false });
  });

  it('answers an unknown path with a JSON 404', async () => {
    const server = await startServer();

    const res = await fetch(`${server.url}/no/such/page`);

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such page' } });
  });

  it('answers /r/<room> with 503 when the web app is not built', async () => {
    const server = await startServer({ webDir: path.join(tmpdir(), 'kopru-no-such-web-dir') });

    const res = await fetch(`${server.url}/r/abcdefgh12345678`);

    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('serves the app shell at / and for a valid room id, and sends an invalid one home', async () => {
    const webDir = await mkdtemp(path.join(tmpdir(), 'kopru-web-'));
    tempDirs.push(webDir);
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>Köprü</title>');
    const server = await startServer({ webDir });

    const room = await fetch(`${server.url}/r/abcdefgh12345678`);
    const home = await fetch(`${server.url}/`);
    const invalid = await fetch(`${server.url}/r/bad!room`, { redirect: 'manual' });

    expect(room.status).toBe(200);
    expect(room.headers.get('cache-control')).toBe('no-cache');
    expect(await room.text()).toContain('<title>Köprü</title>');
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    expect(await home.text()).toContain('<title>Köprü</title>');
    expect(invalid.status).toBe(302);
    expect(invalid.headers.get('location')).toBe('/');
  });
});
