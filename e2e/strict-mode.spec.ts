import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { messageLog, openConversationWith, rename, send } from './support/chat.js';
import { E2E_PORT } from './support/env.js';
import { expect, openPerson, test } from './support/fixtures.js';
import { type ServerProcess, startServer } from './support/server-process.js';

const WEB = path.resolve(import.meta.dirname, '../packages/web');

let server: ServerProcess;
let webDir: string;

/**
 * The app's development build: React's development runtime, where `<StrictMode>` (main.tsx) mounts every
 * component, unmounts it and mounts it again, and calls state initializers twice. A session made as a side
 * effect of rendering, or never closed, shows up here as a second mesh answering the same peer.
 */
test.beforeAll(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), 'kopru-dev-web-'));
  execFileSync(
    path.resolve(WEB, '../../node_modules/.bin/vite'),
    ['build', '--mode', 'development', '--outDir', webDir, '--emptyOutDir'],
    { cwd: WEB, env: { ...process.env, NODE_ENV: 'development' }, stdio: 'pipe' },
  );
  // Proof that this is React's development runtime (production React reports "Minified React error").
  const bundle = readdirSync(path.join(webDir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(path.join(webDir, 'assets', f), 'utf8'))
    .join('\n');
  expect(bundle).toContain('Invalid hook call');
  expect(bundle).not.toContain('Minified React error');
  server = await startServer({ port: E2E_PORT + 9, env: { WEB_DIR: webDir } });
});

test.afterAll(async () => {
  await server?.stop();
  if (webDir) rmSync(webDir, { recursive: true, force: true });
});

test('under StrictMode (development build) one mesh answers a peer', async ({ browser, roomId }) => {
  let answers = 0;
  const a = await openPerson(browser, roomId, {
    baseURL: server.url,
    onPage: async (page) => {
      await page.addInitScript(() => {
        const Native = window.RTCPeerConnection;
        const w = window as unknown as { __pcCount: number };
        w.__pcCount = 0;
        window.RTCPeerConnection = class extends Native {
          constructor(config?: RTCConfiguration) {
            super(config);
            w.__pcCount += 1;
          }
        };
      });
      page.on('websocket', (ws) =>
        ws.on('framesent', ({ payload }) => {
          // socket.io event frames: 42["signal",{"to":…,"data":{"kind":"description",…"type":"answer"…}}]
          if (typeof payload === 'string' && /"kind":"description".*"type":"answer"/.test(payload))
            answers += 1;
        }),
      );
    },
  });
  const b = await openPerson(browser, roomId, { baseURL: server.url });
  await rename(a.page, 'Ayla');
  await rename(b.page, 'Baran');

  // B calls on A: A's mesh answers B's offer, and the message crosses the DataChannel that answer opened.
  await openConversationWith(b.page, 'Ayla');
  await send(b.page, 'Merhaba Ayla');
  await expect(messageLog(b.page).locator('.bubble.mine')).toContainText('Delivered');
  await openConversationWith(a.page, 'Baran');
  await expect(messageLog(a.page)).toContainText('Merhaba Ayla');
  await expect(messageLog(b.page).locator('.bubble.mine')).toContainText('Read');

  expect(answers).toBe(1);
  expect(await a.page.evaluate(() => (window as unknown as { __pcCount: number }).__pcCount)).toBe(1);
  expect([...a.problems, ...b.problems]).toEqual([]);
});
