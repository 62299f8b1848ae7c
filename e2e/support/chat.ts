import { expect, type Page } from '@playwright/test';
import { peopleList } from './fixtures.js';

export async function openConversationWith(page: Page, name: string): Promise<void> {
  await peopleList(page)
    .getByRole('button', { name: new RegExp(`^${name}\\b`) })
    .click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
}

export async function openRoomChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Everyone/ }).click();
  await expect(page.getByRole('heading', { name: 'Everyone', exact: true })).toBeVisible();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
}

export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });

/** Texts of the bubbles in the open conversation, in display order. */
export async function bubbleTexts(page: Page): Promise<string[]> {
  return messageLog(page).locator('.bubble-text').allInnerTexts();
}

export async function rename(page: Page, name: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Your name' });
  await box.fill(name);
  await box.press('Enter');
  await expect(page.getByText(`Others see you as ${name}`)).toBeVisible();
}
