import { describe, expect, it, vi } from 'vitest';
import {
  BOB,
  diskLike,
  frameOffset,
  only,
  Pair,
  pattern,
  sha256,
  source,
  until,
  untilStatus,
} from './fakes.js';

async function midway(size: number, pair: Pair) {
  await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
  pair.connect();
  // The link carries half of the big file, then nothing: the reload always comes mid-file, however fast
  // the fakes run (the whole file fits in the sender's window).
  const link = pair.a.channel;
  let carried = 0;
  if (link) {
    link.tap = (frame) => {
      carried += frame.byteLength;
      if (carried >= size / 2) link.held = true;
      return frame;
    };
  }
  const offered = only(
    await pair.a.manager.sendFiles(BOB, [
      source('big.bin', pattern(size, 7)),
      source('small.txt', pattern(1000, 8)),
    ]),
  );
  await until(pair.b.manager, (views) => views.length === 1, 'the offer');
  await pair.b.manager.accept(offered.id);
  await until(pair.b.manager, (views) => (views[0]?.doneBytes ?? 0) >= size * 0.4, '40 % received');
  return offered.id;
}

describe('resuming after a reload', () => {
  it('the receiver reloads: it resumes from its checkpoint, not from zero, and verifies', async () => {
    const size = 8 * 1024 * 1024;
    const pair = new Pair({ storageB: diskLike() });
    const id = await midway(size, pair);
    const checkpointed = () => pair.b.store.records.get(`room/${BOB}|${id}`)?.files[0]?.offset ?? 0;
    await vi.waitFor(() => expect(checkpointed()).toBeGreaterThan(0)); // a checkpoint of what arrived
    const checkpoint = checkpointed();
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThan(size);

    await pair.reload('b');
    expect(only(pair.b.manager.list())).toMatchObject({ status: 'active', doneBytes: checkpoint });
    pair.connect();
    const offsets: number[] = [];
    if (pair.a.channel) {
      pair.a.channel.tap = (frame) => {
        offsets.push(frameOffset(frame));
        return frame;
      };
    }
    await untilStatus(pair.b.manager, 'complete');
    expect(offsets[0]).toBe(checkpoint);
    const blob = await pair.b.manager.file(id, 0);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(size, 7)));
  });

  it('the sender reloads: the transfer waits until the same files are chosen again, then continues', async () => {
    const size = 4 * 1024 * 1024;
    const pair = new Pair({ storageB: diskLike() });
    const id = await midway(size, pair);
    await pair.reload('a');
    pair.connect();
    await untilStatus(pair.b.manager, 'waiting-source');
    expect(only(pair.a.manager.list())).toMatchObject({ status: 'waiting-source' });

    // A different file with the same name and size is not taken for the original.
    expect(await pair.a.manager.reattach(id, [source('big.bin', pattern(size, 99))])).toBe(2);
    expect(
      await pair.a.manager.reattach(id, [
        source('big.bin', pattern(size, 7)),
        source('small.txt', pattern(1000, 8)),
      ]),
    ).toBe(0);
    await untilStatus(pair.b.manager, 'complete');
    const blob = await pair.b.manager.file(id, 1);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(1000, 8)));
  });

  it('a receiver without persistent storage cannot resume after a reload and says so', async () => {
    const pair = new Pair();
    const id = await midway(4 * 1024 * 1024, pair);
    await pair.reload('b');
    expect(only(pair.b.manager.list())).toMatchObject({
      id,
      status: 'cancelled',
      problem: { code: 'interrupted' },
    });
    pair.connect();
    await untilStatus(pair.a.manager, 'cancelled');
    expect(only(pair.a.manager.list())).toMatchObject({
      status: 'cancelled',
      problem: { code: 'cancelled', by: 'peer' },
    });
  });
});
