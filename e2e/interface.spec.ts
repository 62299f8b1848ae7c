import type { Page } from '@playwright/test';
import { callPanel, connectCall, incoming, openCaller, tile } from './support/call.js';
import { openConversationWith, rename } from './support/chat.js';
import { expect, openPerson, test } from './support/fixtures.js';
import { acceptOffer, chooseFiles, makeFile, scratchDir, transfers } from './support/transfer.js';

const MiB = 1024 * 1024;

/** The share of the viewport an element's box covers. */
async function viewportShare(page: Page, box: { width: number; height: number } | null): Promise<number> {
  const size = page.viewportSize();
  if (!box || !size) return 0;
  return (box.width * box.height) / (size.width * size.height);
}

test.describe('the call stage', () => {
  test('a 1:1 video call at 1280×800: the other person’s video covers at least 40 % of the screen', async ({
    browser,
    roomId,
  }) => {
    const desktop = { viewport: { width: 1280, height: 800 } };
    const a = await openCaller(browser, roomId, 'Ayla', desktop);
    const b = await openCaller(browser, roomId, 'Bora', desktop);
    await connectCall(a.page, 'Ayla', b.page, 'Bora');
    const video = tile(a.page, 'Bora').locator('video');
    await expect(video).toHaveJSProperty('paused', false);
    expect(await viewportShare(a.page, await video.boundingBox())).toBeGreaterThanOrEqual(0.4);
    // Our own preview is a small inset, movable from the keyboard.
    const self = tile(a.page, 'You');
    const before = await self.boundingBox();
    expect(await viewportShare(a.page, before)).toBeLessThan(0.1);
    await self.getByRole('button', { name: 'Move your preview' }).click();
    await expect.poll(async () => (await self.boundingBox())?.x).not.toBe(before?.x);

    // Chat opens the conversation beside the stage, and closes it again; the unread count shows on it.
    const chat = callPanel(a.page).getByRole('button', { name: /^Chat/ });
    await expect(a.page.getByRole('textbox', { name: 'Message' })).toBeHidden();
    await b.page.getByRole('button', { name: /^Chat/ }).click();
    await b.page.getByRole('textbox', { name: 'Message' }).fill('can you see me?');
    await b.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(chat).toHaveAccessibleName('Chat, 1 unread');
    await chat.click();
    await expect(a.page.getByRole('log', { name: 'Messages' })).toContainText('can you see me?');
    await expect(chat).toHaveAccessibleName('Chat');
  });

  test('on a phone (390×844) the call fills the screen: the other person’s video covers at least 60 %', async ({
    browser,
    roomId,
  }) => {
    const a = await openCaller(browser, roomId, 'Ayla');
    const b = await openCaller(browser, roomId, 'Bora', { viewport: { width: 390, height: 844 } });
    await connectCall(a.page, 'Ayla', b.page, 'Bora');
    const video = tile(b.page, 'Ayla').locator('video');
    await expect(video).toHaveJSProperty('paused', false);
    expect(await viewportShare(b.page, await video.boundingBox())).toBeGreaterThanOrEqual(0.6);
    // The bar is at the bottom, where the thumb is.
    const hangUp = await callPanel(b.page).getByRole('button', { name: 'Hang up' }).boundingBox();
    expect((hangUp?.y ?? 0) + (hangUp?.height ?? 0)).toBeGreaterThan(844 * 0.85);
  });

  test('three people: every tile is visible without scrolling, in the grid and in speaker view', async ({
    browser,
    roomId,
  }) => {
    test.setTimeout(90_000); // three browser contexts in a call
    const a = await openCaller(browser, roomId, 'Ayla', { viewport: { width: 1280, height: 800 } });
    const b = await openCaller(browser, roomId, 'Bora');
    const c = await openCaller(browser, roomId, 'Cem');
    await connectCall(a.page, 'Ayla', b.page, 'Bora');
    await callPanel(a.page).getByRole('button', { name: 'Add people' }).click();
    await callPanel(a.page).getByRole('button', { name: 'Add Cem' }).click();
    await incoming(c.page).getByRole('button', { name: 'Accept' }).click();
    await expect(tile(a.page, 'Cem')).toBeVisible();
    for (const view of ['Grid view', 'Speaker view']) {
      await callPanel(a.page).getByRole('button', { name: view }).click();
      await expect(callPanel(a.page).getByRole('button', { name: view })).toHaveAttribute(
        'aria-pressed',
        'true',
      );
      for (const name of ['You', 'Bora', 'Cem'])
        await expect(tile(a.page, name)).toBeInViewport({ ratio: 1 });
      expect(await a.page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(800);
    }
  });
});

/**
 * Test instrumentation: a stand-in `navigator.wakeLock` that records requests and releases, and a count of
 * the page's `beforeunload` listeners over time (the real API needs a visible, activated page).
 */
async function observeKeepAwake(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: string[] = [];
    let listeners = 0;
    const w = window as unknown as { __keepAwake: { log: string[]; listeners: number[] } };
    w.__keepAwake = { log, listeners: [0] };
    Object.defineProperty(navigator, 'wakeLock', {
      value: {
        request: async (type: string) => {
          log.push(`request:${type}`);
          const sentinel = new EventTarget() as EventTarget & { released: boolean; release(): Promise<void> };
          sentinel.released = false;
          sentinel.release = async () => {
            sentinel.released = true;
            log.push('release');
          };
          return sentinel;
        },
      },
    });
    const add = window.addEventListener.bind(window);
    const remove = window.removeEventListener.bind(window);
    window.addEventListener = ((type: string, ...rest: never[]) => {
      if (type === 'beforeunload') {
        listeners += 1;
        w.__keepAwake.listeners.push(listeners);
      }
      return (add as (...a: unknown[]) => void)(type, ...rest);
    }) as typeof window.addEventListener;
    window.removeEventListener = ((type: string, ...rest: never[]) => {
      if (type === 'beforeunload') {
        listeners -= 1;
        w.__keepAwake.listeners.push(listeners);
      }
      return (remove as (...a: unknown[]) => void)(type, ...rest);
    }) as typeof window.removeEventListener;
  });
}

const keepAwake = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __keepAwake: { log: string[]; listeners: number[] } }).__keepAwake,
  );

test('a running transfer holds a wake lock and asks before leaving; both end with it', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId, { onPage: observeKeepAwake });
  const b = await openPerson(browser, roomId, { onPage: observeKeepAwake });
  await rename(a.page, 'Ayla');
  await rename(b.page, 'Bora');
  await openConversationWith(a.page, 'Bora');
  await openConversationWith(b.page, 'Ayla');
  // Nothing runs: no wake lock, no question on leaving.
  expect(await keepAwake(b.page)).toEqual({ log: [], listeners: [0] });

  const file = makeFile(scratchDir(), 'big.bin', 24 * MiB);
  await chooseFiles(a.page, [file.path]);
  await acceptOffer(b.page);
  await expect.poll(async () => (await keepAwake(b.page)).log).toContain('request:screen');
  await expect(transfers(b.page).first()).toContainText('Complete: every file verified', { timeout: 60_000 });
  for (const page of [a.page, b.page]) {
    await expect.poll(async () => (await keepAwake(page)).log).toEqual(['request:screen', 'release']);
    const { listeners } = await keepAwake(page);
    expect(Math.max(...listeners), 'a beforeunload listener while the transfer ran').toBe(1);
    expect(listeners.at(-1), 'none once it finished').toBe(0);
  }
});

test('theme: a dark system gives a dark page; the choice in the card is remembered', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId, { colorScheme: 'dark' });
  const background = () =>
    a.page.evaluate(() => {
      const [r, g, b] =
        getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g)?.map(Number) ?? [];
      return ((r ?? 0) + (g ?? 0) + (b ?? 0)) / 3;
    });
  expect(await background()).toBeLessThan(60);
  const theme = a.page.getByRole('combobox', { name: 'Theme' });
  await expect(theme).toHaveValue('system');
  await theme.selectOption({ label: 'Light' });
  expect(await background()).toBeGreaterThan(200);
  await a.page.reload();
  await expect(a.page.getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
  expect(await background()).toBeGreaterThan(200);
  await a.page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
  expect(await background()).toBeLessThan(60);
});

test('keyboard: arrow keys move the phone tabs, the skip link lands in the message box', async ({
  browser,
  roomId,
}) => {
  const a = await openPerson(browser, roomId, { viewport: { width: 390, height: 844 } });
  const tabs = a.page.getByRole('tablist', { name: 'Sections' });
  await tabs.getByRole('tab', { name: 'People' }).focus();
  await a.page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Chat' })).toBeFocused();
  await expect(tabs.getByRole('tab', { name: 'Chat' })).toHaveAttribute('aria-selected', 'true');
  await a.page.keyboard.press('End');
  await expect(tabs.getByRole('tab', { name: 'Call' })).toHaveAttribute('aria-selected', 'true');
  await a.page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'People' })).toHaveAttribute('aria-selected', 'true');

  const b = await openPerson(browser, roomId);
  await rename(b.page, 'Bora');
  await rename(a.page, 'Ayla');
  await openConversationWith(b.page, 'Ayla');
  // The skip link is the first stop of the Tab order, and shows when it has focus.
  const firstStop = await b.page.evaluate(
    () => document.querySelector('a[href], button, input, select, textarea, [tabindex]')?.textContent,
  );
  expect(firstStop).toBe('Skip to conversation');
  const skip = b.page.getByRole('button', { name: 'Skip to conversation' });
  await skip.focus();
  await expect(skip).toBeInViewport();
  await b.page.keyboard.press('Enter');
  await expect(b.page.getByRole('textbox', { name: 'Message' })).toBeFocused();
});
