import {
  callPanel,
  expectGrowing,
  incoming,
  placeCall,
  readInbound,
  recordCallConnections,
  sumInbound,
  tile,
  totals,
} from './support/call.js';
import { messageLog, openConversationWith, rename, send } from './support/chat.js';
import { E2E_BASE_URL } from './support/env.js';
import {
  clickNamed,
  type FirefoxPerson,
  firefoxSaveAndHash,
  firefoxSendFiles,
  launchFirefox,
  openFirefoxConversation,
  openFirefoxPerson,
  waitForText,
} from './support/firefox.js';
import { expect, openPerson, peopleList, test } from './support/fixtures.js';
import { expectVerifiedByLink, inviteLink } from './support/link-proof.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  transfers,
} from './support/transfer.js';

const MiB = 1024 * 1024;
/** One transfer chunk's payload (`PREFERRED_CHUNK_BYTES`): the sizes around it cross a frame boundary. */
const CHUNK = 64 * 1024;
/** The mix: nothing, one byte, a chunk and a byte either side of it, and a large file. */
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 50 * MiB];

test('Chromium and Firefox see each other and chat peer to peer', async ({ browser, roomId }) => {
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Chromium');
    const ff = await openFirefoxPerson(firefox, `${E2E_BASE_URL}/r/${roomId}`, 'Firefox');
    await expect(peopleList(a.page).getByRole('button', { name: /^Firefox/ })).toBeVisible();

    await openConversationWith(a.page, 'Firefox');
    await send(a.page, 'merhaba from Chromium');
    await waitForText(ff.page, 'Chromium');
    await openFirefoxConversation(ff, 'Chromium');
    await waitForText(ff.page, 'merhaba from Chromium');

    const box = await ff.page.waitForSelector('::-p-aria(Message)');
    await box?.type('selam from Firefox');
    await clickNamed(ff.page, 'Send');
    await expect(messageLog(a.page)).toContainText('selam from Firefox');
    await expect(messageLog(a.page).locator('.bubble.mine .delivery')).toHaveText('Read');
    expect(ff.problems).toEqual([]);
  } finally {
    await firefox.close();
  }
});

test('Chromium and Firefox verify each other by the invite link', async ({ browser }) => {
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, '', { link: '/new' });
    await rename(a.page, 'Chromium');
    const link = await inviteLink(a.page);
    expect(link).toMatch(/#k=[A-Za-z0-9_-]{22}$/);

    const ff = await openFirefoxPerson(firefox, link, 'Firefox');
    await openConversationWith(a.page, 'Firefox');
    await expectVerifiedByLink(a.page, 'Firefox');
    await waitForText(ff.page, 'Verified by invite link');
    // The key left Firefox's address bar too.
    expect(ff.page.url()).not.toContain('#');
    expect(ff.problems).toEqual([]);
  } finally {
    await firefox.close();
  }
});

test('files both ways between Chromium and Firefox: 0 B, 1 B, one chunk and a byte either side, 50 MiB; every saved copy hashed', async ({
  browser,
  roomId,
}) => {
  test.setTimeout(300_000);
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, roomId);
    await rename(a.page, 'Chromium');
    const ff = await openFirefoxPerson(firefox, `${E2E_BASE_URL}/r/${roomId}`, 'Firefox');
    await openConversationWith(a.page, 'Firefox');
    await openFirefoxConversation(ff, 'Chromium');
    const dir = scratchDir();

    // Chromium → Firefox
    const toFirefox = SIZES.map((size) => makeFile(dir, `to-firefox-${size}.bin`, size));
    await chooseFiles(
      a.page,
      toFirefox.map((f) => f.path),
    );
    await clickNamed(ff.page, 'Accept');
    let started = Date.now();
    await waitForText(ff.page, 'Complete: every file verified', 240_000);
    console.log(`[firefox] Chromium → Firefox: ${SIZES.length} files, ${mbps(toFirefox, started)} MB/s`);
    for (const file of toFirefox)
      expect(await firefoxSaveAndHash(ff, file.name, file.size)).toBe(file.sha256);

    // Firefox → Chromium
    const toChromium = SIZES.map((size) => makeFile(dir, `to-chromium-${size}.bin`, size));
    await firefoxSendFiles(
      ff,
      toChromium.map((f) => f.path),
    );
    await acceptOffer(a.page);
    const card = transfers(a.page).filter({ hasText: toChromium.at(-1)?.name ?? '' });
    started = Date.now();
    await expect(card).toContainText('Complete: every file verified', { timeout: 240_000 });
    console.log(`[firefox] Firefox → Chromium: ${SIZES.length} files, ${mbps(toChromium, started)} MB/s`);
    for (const file of toChromium)
      expect((await saveAndHash(a.page, card, file.name)).sha256).toBe(file.sha256);
    expect([...a.problems, ...ff.problems]).toEqual([]);
  } finally {
    await firefox.close();
  }
});

test('video calls both ways between Chromium and Firefox, and Chromium’s screen seen in Firefox', async ({
  browser,
  roomId,
}) => {
  test.setTimeout(180_000);
  const firefox = await launchFirefox();
  try {
    const a = await openPerson(browser, roomId, {
      onPage: async (page) => {
        await page.addInitScript(recordCallConnections);
      },
    });
    await rename(a.page, 'Chromium');
    const ff = await openFirefoxPerson(firefox, `${E2E_BASE_URL}/r/${roomId}`, 'Firefox');
    const atFirefox = async () => sumInbound(await ff.page.evaluate(readInbound)).videoFrames;
    const atChromium = async () => (await totals(a.page)).videoFrames;

    // Chromium calls, Firefox answers: frames decoded on both sides.
    await placeCall(a.page, 'Firefox', 'Video call');
    await waitForText(ff.page, 'Chromium is calling');
    await clickNamed(ff.page, 'Accept');
    await expect(tile(a.page, 'Firefox')).toBeVisible();
    await Promise.all([expectGrowing(atFirefox, 20), expectGrowing(atChromium, 20)]);

    // Chromium shares its screen (the fake 1280×720 one) beside its camera: Firefox plays the screen in a
    // tile of its own at that shape, and the camera (640×480) in Chromium's tile.
    await callPanel(a.page).getByRole('button', { name: 'Share screen' }).click();
    await expect
      .poll(() => firefoxTileAspect(ff, 'Chromium’s screen'), { timeout: 20_000 })
      .toBeCloseTo(16 / 9, 1);
    expect(await firefoxTileAspect(ff, 'Chromium')).toBeCloseTo(4 / 3, 1);
    await waitForText(ff.page, 'Sharing screen');
    await expectGrowing(atFirefox, 20);
    await callPanel(a.page).getByRole('button', { name: 'Hang up' }).click();
    await waitForText(ff.page, 'Chromium ended the call.');

    // Firefox calls, Chromium answers.
    await clickNamed(ff.page, 'Video call');
    await expect(incoming(a.page)).toContainText('Firefox is calling');
    await incoming(a.page).getByRole('button', { name: 'Accept' }).click();
    await expect(tile(a.page, 'Firefox')).toBeVisible();
    await Promise.all([expectGrowing(atFirefox, 20), expectGrowing(atChromium, 20)]);
    expect([...a.problems, ...ff.problems]).toEqual([]);
  } finally {
    await firefox.close();
  }
});

/** Width over height of the video a call tile plays in Firefox (0 before its first frame). */
async function firefoxTileAspect(ff: FirefoxPerson, name: string): Promise<number> {
  return ff.page.evaluate((label) => {
    const figure = [...document.querySelectorAll('figure')].find(
      (f) => f.getAttribute('aria-label') === label,
    );
    const video = figure?.querySelector('video');
    return video && video.videoHeight > 0 ? video.videoWidth / video.videoHeight : 0;
  }, name);
}

function mbps(files: { size: number }[], since: number): string {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  return (bytes / 1e6 / ((Date.now() - since) / 1000)).toFixed(1);
}
