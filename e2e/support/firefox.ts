import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (Playwright's own Firefox build cannot be
 * downloaded here). Fake media and no permission prompts, as measured in ../shared/MEASURED.md.
 */
export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
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
}
