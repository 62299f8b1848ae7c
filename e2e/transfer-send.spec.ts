import { openConversationWith, openRoomChat, rename } from './support/chat.js';
import { expect, openPerson, type Person, test } from './support/fixtures.js';
import { dataTransferWith } from './support/page-files.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  type TestFile,
  transfers,
} from './support/transfer.js';

/** Two people in a private conversation with each other: Ilkay sends, Jale receives. */
async function pair(browser: Parameters<typeof openPerson>[0], roomId: string) {
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Ilkay');
  await rename(b.page, 'Jale');
  await openConversationWith(a.page, 'Jale');
  await openConversationWith(b.page, 'Ilkay');
  return { a, b };
}

/** The receiver accepts the newest offer; every file completes and its saved copy hashes as the source. */
async function receiveAndVerify(receiver: Person, sender: string, files: readonly TestFile[]): Promise<void> {
  await acceptOffer(receiver.page);
  const card = transfers(receiver.page).filter({ hasText: `From ${sender}` });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('Complete: every file verified', { timeout: 30_000 });
  for (const f of files) {
    const saved = await saveAndHash(receiver.page, card, f.name);
    expect(saved.suggested, f.name).toBe(f.name);
    expect(saved.sha256, f.name).toBe(f.sha256);
  }
}

test('files dropped onto the conversation are offered, and arrive verified', async ({ browser, roomId }) => {
  const dir = scratchDir();
  const files = [makeFile(dir, 'dropped.bin', 300_000), makeFile(dir, 'picture.png', 4_000)];
  const { a, b } = await pair(browser, roomId);
  const conversation = a.page.getByRole('region', { name: 'Conversation' });
  const drag = await dataTransferWith(a.page, files);

  await conversation.dispatchEvent('dragenter', { dataTransfer: drag });
  await conversation.dispatchEvent('dragover', { dataTransfer: drag });
  await expect(conversation.getByText('Drop files or folders here to send them')).toBeVisible();
  await conversation.dispatchEvent('drop', { dataTransfer: drag });
  await expect(conversation.getByText('Drop files or folders here to send them')).toBeHidden();

  await expect(transfers(a.page).first()).toContainText('Waiting for Jale to accept');
  const offer = transfers(b.page).first();
  await expect(offer).toContainText('Ilkay wants to send you 2 files');
  for (const f of files) await expect(offer).toContainText(f.name);
  await receiveAndVerify(b, 'Ilkay', files);
  await expect(transfers(a.page).first()).toContainText('Complete: every file verified');
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('a file pasted into the message box is offered, not typed, and arrives verified', async ({
  browser,
  roomId,
}) => {
  const file = makeFile(scratchDir(), 'pasted.bin', 200_001);
  const { a, b } = await pair(browser, roomId);
  const box = a.page.getByRole('textbox', { name: 'Message' });
  await box.fill('draft stays');
  const clipboard = await dataTransferWith(a.page, [file]);
  // What the browser fires for Ctrl+V with copied files (the real clipboard is not reachable headless).
  const defaultPrevented = await box.evaluate(
    (element, data) =>
      !element.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      ),
    clipboard,
  );
  expect(defaultPrevented).toBe(true); // the app took the files: nothing is pasted as text
  await expect(box).toHaveValue('draft stays');

  const offer = transfers(b.page).first();
  await expect(offer).toContainText('Ilkay wants to send you 1 file');
  await expect(offer).toContainText(file.name);
  await receiveAndVerify(b, 'Ilkay', [file]);
  expect([...a.problems, ...b.problems]).toEqual([]);
});

test('files sent to Everyone reach both others in a room of three, each verified', async ({
  browser,
  roomId,
}) => {
  const dir = scratchDir();
  const files = [makeFile(dir, 'minutes.txt', 12_345), makeFile(dir, 'slides.bin', 700_000)];
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  const c = await openPerson(browser, roomId);
  await rename(a.page, 'Kerem');
  await rename(b.page, 'Lale');
  await rename(c.page, 'Mert');
  for (const person of [b, c]) await expect(person.page.getByText('3 people in this room')).toBeVisible();
  await openRoomChat(a.page);
  await chooseFiles(
    a.page,
    files.map((f) => f.path),
  );
  // One transfer per person, both shown in the room conversation of the sender.
  await expect(transfers(a.page)).toHaveCount(2);
  await expect(transfers(a.page).filter({ hasText: 'To Lale' })).toHaveCount(1);
  await expect(transfers(a.page).filter({ hasText: 'To Mert' })).toHaveCount(1);

  for (const receiver of [b, c]) {
    // Neither has the room conversation open: the offer waits in a banner that leads to it.
    const pending = receiver.page.getByRole('list', { name: 'Offers waiting for your answer' });
    await expect(pending).toContainText('Kerem wants to send you 2 files');
    await pending.getByRole('button', { name: 'Show' }).click();
    await expect(receiver.page.getByRole('heading', { name: 'Everyone', exact: true })).toBeVisible();
    await receiveAndVerify(receiver, 'Kerem', files);
  }
  await expect(transfers(a.page).filter({ hasText: 'Complete: every file verified' })).toHaveCount(2);
  expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
});
