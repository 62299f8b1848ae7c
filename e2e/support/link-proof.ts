import { type Browser, chromium, expect, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from './env.js';
import { peopleList } from './fixtures.js';

/** A Chromium of its own (a separate browser process, as two people on two machines would have). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** The invite link the Invite dialog shows (closing the dialog again). */
export async function inviteLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await page.getByRole('textbox', { name: 'Room link' }).inputValue();
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  return link;
}

/** A person's row in the people list, by the name it starts with. */
export const personRow = (page: Page, name: string): Locator =>
  peopleList(page).getByRole('button', { name: new RegExp(`^${name}\\b`) });

export const conversationHeader = (page: Page): Locator => page.locator('header.conversation-header');

/** What the invite-link proof shows for a person in the list: the badge's text, or '' without one. */
export async function linkBadge(page: Page, name: string): Promise<string> {
  const row = personRow(page, name);
  const badge = row.locator('.link-verified-badge, .link-unverified-badge, .link-failed-badge');
  return (await badge.count()) > 0 ? ((await badge.first().textContent()) ?? '').trim() : '';
}

/** Waits until the person's row shows "Verified by invite link" (its accessible name says so too). */
export async function expectVerifiedByLink(page: Page, name: string, timeout?: number): Promise<void> {
  await expect(
    peopleList(page).getByRole('button', { name: new RegExp(`^${name}\\b.*verified by invite link`, 'i') }),
  ).toBeVisible(timeout === undefined ? {} : { timeout });
}

/**
 * An init script: remembers whether the page ever showed "Verified by invite link", so a test can assert it
 * never did (not only that it does not now).
 */
export async function watchForLinkVerified(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const flag = window as unknown as { __everVerifiedByLink: boolean };
    flag.__everVerifiedByLink = false;
    const observer = new MutationObserver(() => {
      if (document.body?.textContent?.includes('Verified by invite link')) flag.__everVerifiedByLink = true;
    });
    document.addEventListener('DOMContentLoaded', () =>
      observer.observe(document.body, { childList: true, subtree: true, characterData: true }),
    );
  });
}

export const everVerifiedByLink = (page: Page): Promise<boolean> =>
  page.evaluate(() => (window as unknown as { __everVerifiedByLink: boolean }).__everVerifiedByLink);
