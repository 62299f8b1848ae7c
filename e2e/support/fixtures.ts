import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, test as base, expect, type Page } from '@playwright/test';

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /** The name shown in the "Your name" box once connected. */
  name(): Promise<string>;
}

export interface OpenOptions {
  locale?: string;
  viewport?: { width: number; height: number };
  /** What `prefers-color-scheme` answers (the browser's default is light). */
  colorScheme?: 'light' | 'dark';
  /** Extra origins-scoped permissions, e.g. notifications. */
  permissions?: string[];
  /** Another server than the shared one. */
  baseURL?: string;
  /** Called with the page before it loads the app (init scripts, watching its WebSocket from the start). */
  onPage?: (page: Page) => void | Promise<void>;
  /** False: do not wait for "Connected" (a room that asks for a password). */
  expectConnected?: boolean;
  /** Opens this address (an invite link, with its `#k=` key) instead of `/r/<roomId>`. */
  link?: string;
}

export const newRoomId = (): string => randomBytes(12).toString('base64url');

/** Opens the room in a fresh browser context (its own storage: a different person). */
export async function openPerson(browser: Browser, roomId: string, opts: OpenOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    locale: opts.locale ?? 'en-US',
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
    ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}),
    permissions: opts.permissions ?? [],
    // Contexts of a browser launched by the test itself do not get the config's `use` options.
    ignoreHTTPSErrors: true,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await opts.onPage?.(page);
  await page.goto(opts.link ?? `/r/${roomId}`);
  if (opts.expectConnected !== false) {
    await expect(page.getByRole('status').filter({ hasText: /Connected|Bağlısınız/ })).toBeVisible();
  }
  return {
    context,
    page,
    problems,
    name: () => page.getByRole('textbox', { name: /Your name|Adınız/ }).inputValue(),
  };
}

/** The people list of a page. */
export const peopleList = (page: Page) =>
  page.getByRole('list', { name: /People in this room|Bu odadaki kişiler/ });

export const test = base.extend<{ roomId: string; closeContexts: undefined }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  roomId: async ({}, use) => {
    await use(newRoomId());
  },
  /**
   * Closes every context a test opened with `openPerson` once it ends. The browser lives for the whole
   * worker, so a context left open keeps its page running: its calls keep encoding video for every later
   * test, and its socket keeps reconnecting to whatever later listens on the port it used (a leftover
   * page once joined another test's cluster node through a reused loopback port).
   */
  closeContexts: [
    async ({ browser }, use) => {
      await use(undefined);
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    { auto: true },
  ],
});

export { expect };
