import { PREFERRED_CHUNK_BYTES } from '../packages/client/src/transfer/constants.js';
import { openConversationWith, rename } from './support/chat.js';
import { expect, openPerson, test } from './support/fixtures.js';
import {
  acceptOffer,
  chooseFiles,
  makeFile,
  saveAndHash,
  scratchDir,
  transfers,
} from './support/transfer.js';

const CHUNK = PREFERRED_CHUNK_BYTES;
const MiB = 1024 * 1024;

test('files of 0, 1, chunk−1, chunk, chunk+1 bytes and 50 MiB, sent together, arrive with matching SHA-256', async ({
  browser,
  roomId,
}) => {
  test.setTimeout(90_000);
  const dir = scratchDir();
  const files = [
    makeFile(dir, 'empty.bin', 0),
    makeFile(dir, 'one.bin', 1),
    makeFile(dir, 'chunk-minus-one.bin', CHUNK - 1),
    makeFile(dir, 'chunk.bin', CHUNK),
    makeFile(dir, 'chunk-plus-one.bin', CHUNK + 1),
    makeFile(dir, 'big.bin', 50 * MiB),
  ];
  const a = await openPerson(browser, roomId);
  const b = await openPerson(browser, roomId);
  await rename(a.page, 'Ada');
  await rename(b.page, 'Baran');
  await openConversationWith(a.page, 'Baran');
  await openConversationWith(b.page, 'Ada');

  await chooseFiles(
    a.page,
    files.map((f) => f.path),
  );
  const offer = transfers(b.page).first();
  await expect(offer).toContainText('Ada wants to send you 6 files');
  for (const f of files) await expect(offer).toContainText(f.name);
  await acceptOffer(b.page);

  await expect(offer).toContainText('Complete: every file verified', { timeout: 60_000 });
  await expect(transfers(a.page).first()).toContainText('Complete: every file verified');
  for (const f of files) {
    const saved = await saveAndHash(b.page, offer, f.name);
    expect(saved.suggested).toBe(f.name);
    expect(saved.sha256, f.name).toBe(f.sha256);
  }
  expect([...a.problems, ...b.problems]).toEqual([]);
});
