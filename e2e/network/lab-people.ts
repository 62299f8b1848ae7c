import { expect, type Page } from '@playwright/test';
import { connectCall, expectGrowing, recordCallConnections, totals } from '../support/call.js';
import { messageLog, openConversationWith, rename, send } from '../support/chat.js';
import { newRoomId, openPerson, type Person } from '../support/fixtures.js';
import { recordPeerConnections, type SelectedPair, waitForPair } from '../support/security.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  transfers,
} from '../support/transfer.js';
import type { Home } from './lab.js';
import type { World } from './lab-world.js';

export const MiB = 1024 * 1024;

export interface LabPerson extends Person {
  label: string;
}

/** Opens a person in a Chromium inside `home`, with the connection recorders the checks read. */
export async function openIn(world: World, home: Home, roomId: string, label: string): Promise<LabPerson> {
  const browser = await world.chromium(home);
  const person = await openPerson(browser, roomId, {
    baseURL: world.server.url,
    onPage: async (page) => {
      await page.addInitScript(recordPeerConnections);
      await page.addInitScript(recordCallConnections);
    },
  });
  await rename(person.page, label);
  return { ...person, label };
}

/** Two people, one per home, in a fresh room. */
export async function openTwo(world: World, [ha, hb]: [Home, Home], [na, nb]: [string, string]) {
  const roomId = newRoomId();
  const a = await openIn(world, ha, roomId, na);
  const b = await openIn(world, hb, roomId, nb);
  return { a, b, roomId };
}

/** The conversation header's status line (presence · link · route). */
export const conversationStatus = (page: Page, peer: string) =>
  page.getByRole('heading', { name: peer, exact: true }).locator('..');

const CONNECTED = /Connected peer to peer · (direct|relayed)/;

export interface Connected {
  ms: number;
  route: 'direct' | 'relayed';
  pair: SelectedPair;
}

/**
 * A opens the conversation with B (B already has A's open) and sends the first message; resolves with the
 * time from the click to the header saying *direct* or *relayed*, and the browser's own selected pair.
 */
export async function openAndConnect(
  a: LabPerson,
  b: LabPerson,
  scenario: string,
  within = 30_000,
): Promise<Connected> {
  await openConversationWith(b.page, a.label);
  const started = Date.now();
  await openConversationWith(a.page, b.label);
  await send(a.page, `hello ${b.label}`);
  const status = conversationStatus(a.page, b.label);
  await expect(status).toContainText(CONNECTED, { timeout: within });
  const ms = Date.now() - started;
  const route = CONNECTED.exec((await status.textContent()) ?? '')?.[1] === 'relayed' ? 'relayed' : 'direct';
  await expect(messageLog(b.page)).toContainText(`hello ${b.label}`);
  const pair = await waitForPair(a.page, () => true);
  console.log(
    `[lab] ${scenario}: connected in ${ms} ms, ${route}, selected pair ${pair.local}${pair.relayProtocol ? `/${pair.relayProtocol}` : ''} ↔ ${pair.remote}`,
  );
  return { ms, route, pair };
}

/** A sends B a file of `size` random bytes; B accepts and saves it; the saved copy's hash must match. */
export async function sendVerifiedFile(a: LabPerson, b: LabPerson, size: number, timeout = 120_000) {
  const file = makeFile(scratchDir(), `lab-${size}-${Date.now()}.bin`, size);
  const started = Date.now();
  await chooseFiles(a.page, [file.path]);
  await acceptOffer(b.page);
  const card = transfers(b.page).filter({ hasText: file.name });
  await expect(card).toContainText('Complete: every file verified', { timeout });
  const seconds = (Date.now() - started) / 1000;
  const saved = await saveAndHash(b.page, card, file.name);
  expect(saved.sha256).toBe(file.sha256);
  return { seconds, mbps: size / 1e6 / seconds, card, file };
}

/** A video call from A to B; resolves once frames from each reach the other. */
export async function videoCall(a: LabPerson, b: LabPerson): Promise<void> {
  await connectCall(a.page, a.label, b.page, b.label);
  await expectGrowing(async () => (await totals(b.page)).videoFrames, 20);
  await expectGrowing(async () => (await totals(a.page)).videoFrames, 20);
}

/** The transfer cards of the open conversation (re-exported for the scenarios). */
export { transfers };

/** Inbound video over the page's call connections, summed: frames decoded and freezes (getStats). */
async function videoCounters(page: Page): Promise<{ frames: number; freezes: number }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __callPcs: RTCPeerConnection[] }).__callPcs;
    let frames = 0;
    let freezes = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
        frames += s.framesDecoded ?? 0;
        freezes += s.freezeCount ?? 0;
      });
    }
    return { frames, freezes };
  });
}

/**
 * Frames per second decoded and freezes counted by the browser (inbound-rtp `framesDecoded`,
 * `freezeCount`) over a window of `seconds`: how a call fares on the path as it is now. The window is the
 * measurement itself, so it is a fixed wait.
 */
export async function videoQuality(page: Page, seconds: number): Promise<{ fps: number; freezes: number }> {
  const before = await videoCounters(page);
  const started = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await videoCounters(page);
  const elapsed = (Date.now() - started) / 1000;
  return {
    fps: Math.round(((after.frames - before.frames) / elapsed) * 10) / 10,
    freezes: after.freezes - before.freezes,
  };
}
