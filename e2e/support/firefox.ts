import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { executableIn } from '../network/lab.js';

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
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: bridge?.executable ?? FIREFOX_PATH,
      ...(bridge ? { args: [`--remote-debugging-port=${bridge.port}`] } : {}),
      headless: true,
      acceptInsecureCerts: true,
      userDataDir: mkdtempSync(path.join(tmpdir(), 'kopru-ff-')),
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
      },
    });
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
