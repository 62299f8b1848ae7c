import { describe, expect, it, vi } from 'vitest';
import type { FileSink, SinkCheckpoint, SinkEvents } from '../../src/transfer/storage.js';
import type { TransferView } from '../../src/transfer/types.js';
import {
  ALICE,
  BOB,
  frameOffset,
  only,
  Pair,
  pattern,
  StallingStorage,
  sha256,
  source,
  until,
  untilStatus,
} from './fakes.js';

const CHUNK = 64 * 1024;

async function receivedHash(pair: Pair, transferId: string, index: number): Promise<string> {
  const blob = await pair.b.manager.file(transferId, index);
  return sha256(new Uint8Array(await blob.arrayBuffer()));
}

async function started(opts: ConstructorParameters<typeof Pair>[0] = {}) {
  const pair = new Pair(opts);
  await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
  pair.connect();
  return pair;
}

/** The receiver has the offer. */
const offered = (pair: Pair, id: string) =>
  until(pair.b.manager, (views) => views.some((v) => v.id === id), 'the offer');

/** Both sides see the only transfer with this status. */
const bothStatus = (pair: Pair, status: TransferView['status']) =>
  Promise.all([untilStatus(pair.a.manager, status), untilStatus(pair.b.manager, status)]);

/** The receiver's only transfer has at least this many bytes. */
const receivedAtLeast = (pair: Pair, bytes: number) =>
  until(pair.b.manager, (views) => (views[0]?.doneBytes ?? 0) >= bytes, `${bytes} bytes received`);

/** Storage that logs when a file and when the storage itself are closed. */
class ClosingLog extends StallingStorage {
  readonly log: string[] = [];

  override open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
    const sink = super.open(key, at, events);
    return {
      ...sink,
      close: async () => {
        await sink.close();
        this.log.push(`file ${key} closed`);
      },
    };
  }

  override close(): void {
    this.log.push('storage closed');
  }
}

describe('TransferManager', () => {
  it('moves files of 0, 1, chunk−1, chunk, chunk+1 bytes and a few MiB together, each verified', async () => {
    const pair = await started();
    const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * 1024 * 1024 + 3];
    const files = sizes.map((size, i) => source(`f${i}.bin`, pattern(size, i + 1)));
    const sent = only(await pair.a.manager.sendFiles(BOB, files));
    await offered(pair, sent.id);
    const incoming = only(pair.b.manager.list(ALICE));
    expect(incoming).toMatchObject({ status: 'offered', totalBytes: sizes.reduce((a, b) => a + b, 0) });
    await pair.b.manager.accept(sent.id);
    await bothStatus(pair, 'complete');
    for (const [i, size] of sizes.entries()) {
      expect(await receivedHash(pair, sent.id, i)).toBe(sha256(pattern(size, i + 1)));
    }
    expect(pair.a.channel?.maxBuffered).toBeLessThanOrEqual(1024 * 1024);
  });

  it('runs two transfers to the same peer at once, their frames interleaved on the one file channel', async () => {
    const pair = await started();
    const first = only(await pair.a.manager.sendFiles(BOB, [source('one', pattern(3 * 1024 * 1024, 21))]));
    const second = only(
      (await pair.a.manager.sendFiles(BOB, [source('two', pattern(3 * 1024 * 1024, 22))])).filter(
        (v) => v.id !== first.id,
      ),
    );
    await offered(pair, second.id);
    const order: string[] = [];
    const channel = pair.a.channel;
    if (channel) {
      channel.tap = (frame) => {
        order.push(new TextDecoder().decode(new Uint8Array(frame, 12, 16)));
        return frame;
      };
    }
    await Promise.all([pair.b.manager.accept(first.id), pair.b.manager.accept(second.id)]);
    await until(pair.b.manager, (views) => views.every((t) => t.status === 'complete'), 'both complete');
    const firstFrameOfSecond = order.indexOf(second.id);
    expect(firstFrameOfSecond).toBeGreaterThanOrEqual(0);
    expect(order.lastIndexOf(first.id)).toBeGreaterThan(firstFrameOfSecond); // interleaved, not one after the other
    expect(await receivedHash(pair, first.id, 0)).toBe(sha256(pattern(3 * 1024 * 1024, 21)));
    expect(await receivedHash(pair, second.id, 0)).toBe(sha256(pattern(3 * 1024 * 1024, 22)));
  });

  it('holds the sender at its window while the receiver storage writes nothing, then continues', async () => {
    const storageB = new StallingStorage();
    const window = 2 * 1024 * 1024;
    const pair = await started({ storageB, sendWindowBytes: window });
    const size = 6 * 1024 * 1024;
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(size, 31))]));
    await offered(pair, sent.id);
    storageB.stall(); // the worker is starved of CPU
    await pair.b.manager.accept(sent.id);
    await receivedAtLeast(pair, window);
    await pair.idle();
    expect(only(pair.b.manager.list())).toMatchObject({ status: 'active', doneBytes: window });
    expect(only(pair.a.manager.list()).status).toBe('active'); // not a pause anyone sees

    storageB.release();
    await bothStatus(pair, 'complete');
    expect(await receivedHash(pair, sent.id, 0)).toBe(sha256(pattern(size, 31)));
  });

  it('keeps relative paths of a folder', async () => {
    const pair = await started();
    const files = ['album/a.jpg', 'album/2024/b.jpg', 'album/2024/deep/c.txt'].map((p, i) =>
      source(p, pattern(10 + i)),
    );
    const sent = only(await pair.a.manager.sendFiles(BOB, files));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await untilStatus(pair.b.manager, 'complete');
    expect(only(pair.b.manager.list()).files.map((f) => [f.path, f.state])).toEqual([
      ['album/a.jpg', 'verified'],
      ['album/2024/b.jpg', 'verified'],
      ['album/2024/deep/c.txt', 'verified'],
    ]);
  });

  it('declines: the sender learns it and nothing is stored', async () => {
    const pair = await started();
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('x', pattern(100))]));
    await offered(pair, sent.id);
    pair.b.manager.decline(sent.id);
    await untilStatus(pair.a.manager, 'declined');
    expect(only(pair.a.manager.list())).toMatchObject({
      status: 'declined',
      problem: { code: 'declined', reason: 'declined', by: 'peer' },
    });
    expect(pair.a.channel?.maxBuffered).toBe(0);
  });

  it('refuses an offer that does not fit the free quota, and says so on both sides', async () => {
    const pair = await started({ freeBytes: 1024 * 1024 });
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(2 * 1024 * 1024))]));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await bothStatus(pair, 'declined');
    expect(only(pair.b.manager.list())).toMatchObject({
      status: 'declined',
      problem: { code: 'declined', reason: 'quota', by: 'self' },
    });
    expect(only(pair.a.manager.list())).toMatchObject({
      status: 'declined',
      problem: { reason: 'quota', by: 'peer' },
    });
  });

  it.each(['sender', 'receiver'] as const)('cancels from the %s mid-way', async (who) => {
    const pair = await started();
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(4 * 1024 * 1024))]));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await receivedAtLeast(pair, 1);
    const canceller = who === 'sender' ? pair.a : pair.b;
    canceller.manager.cancel(sent.id);
    await bothStatus(pair, 'cancelled');
    for (const side of [pair.a, pair.b]) {
      expect(only(side.manager.list())).toMatchObject({
        status: 'cancelled',
        problem: { code: 'cancelled' },
      });
    }
    await expect(pair.b.manager.file(sent.id, 0)).rejects.toThrow();
  });

  it('pauses and resumes from either side without resending what arrived', async () => {
    const pair = await started();
    const size = 4 * 1024 * 1024;
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(size, 9))]));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await receivedAtLeast(pair, 1);
    pair.b.manager.pause(sent.id);
    await until(
      pair.a.manager,
      (v) => v[0]?.status === 'paused' && v[0].pausedBy === 'peer',
      'sender paused',
    );
    await pair.idle();
    let sentWhilePaused = 0;
    if (pair.a.channel) pair.a.channel.onSend = () => void sentWhilePaused++;
    const before = only(pair.b.manager.list()).doneBytes;
    expect(before).toBeLessThan(size);
    await pair.idle();
    expect(sentWhilePaused).toBe(0);
    const offsets: number[] = [];
    if (pair.a.channel) pair.a.channel.onSend = (frame) => void offsets.push(frameOffset(frame));
    pair.a.manager.resume(sent.id);
    await bothStatus(pair, 'complete');
    expect(offsets[0]).toBe(before); // from where the receiver was, nothing resent
    expect(await receivedHash(pair, sent.id, 0)).toBe(sha256(pattern(size, 9)));
  });

  it('resumes after a dropped connection from where the receiver is', async () => {
    const pair = await started();
    const size = 6 * 1024 * 1024;
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(size, 3))]));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await receivedAtLeast(pair, 1);
    pair.disconnect();
    const at = only(pair.b.manager.list()).doneBytes;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(size);
    await pair.idle();
    pair.connect();
    let firstOffset: number | undefined;
    const channel = pair.a.channel;
    if (channel) {
      channel.tap = (frame) => {
        firstOffset ??= Number(new DataView(frame).getBigUint64(4));
        return frame;
      };
    }
    await bothStatus(pair, 'complete');
    expect(firstOffset).toBeGreaterThanOrEqual(at);
    expect(await receivedHash(pair, sent.id, 0)).toBe(sha256(pattern(size, 3)));
  });

  it('reports a hash mismatch and does not offer the file for saving', async () => {
    const pair = await started();
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('x', pattern(200_000, 5))]));
    await offered(pair, sent.id);
    const channel = pair.a.channel;
    if (channel) {
      channel.tap = (frame) => {
        const copy = frame.slice(0);
        const bytes = new Uint8Array(copy);
        bytes[40] = (bytes[40] ?? 0) ^ 0xff; // a bit flip the transport did not catch
        return copy;
      };
    }
    await pair.b.manager.accept(sent.id);
    await bothStatus(pair, 'failed');
    expect(only(pair.b.manager.list())).toMatchObject({
      status: 'failed',
      problem: { code: 'mismatch', files: 1 },
    });
    expect(only(pair.a.manager.list())).toMatchObject({ status: 'failed', problem: { code: 'mismatch' } });
    await expect(pair.b.manager.file(sent.id, 0)).rejects.toThrow();
  });

  it('accepts at once from a trusted peer ("always accept")', async () => {
    const pair = await started();
    const first = only(await pair.a.manager.sendFiles(BOB, [source('a', pattern(10))]));
    await offered(pair, first.id);
    await pair.b.manager.accept(first.id, { always: true });
    await untilStatus(pair.b.manager, 'complete');
    const second = only(
      (await pair.a.manager.sendFiles(BOB, [source('b', pattern(20))])).filter((v) => v.id !== first.id),
    );
    await until(
      pair.b.manager,
      (views) => views.find((t) => t.id === second.id)?.status === 'complete',
      'second complete',
    );
    expect(pair.b.manager.isTrusted(ALICE)).toBe(true);
  });

  it('asks about offers from a trusted peer while auto-accept is held for it (a failed invite-link proof)', async () => {
    let held = false;
    const pair = await started({ autoAcceptHeld: (peerId) => held && peerId === ALICE });
    const statusOf = (id: string) => pair.b.manager.list().find((t) => t.id === id)?.status;
    const first = only(await pair.a.manager.sendFiles(BOB, [source('a', pattern(10))]));
    await offered(pair, first.id);
    await pair.b.manager.accept(first.id, { always: true });
    await until(pair.b.manager, () => statusOf(first.id) === 'complete', 'first complete');
    held = true;
    const second = only(await pair.a.manager.sendFiles(BOB, [source('b', pattern(20))]));
    await offered(pair, second.id);
    await pair.idle();
    expect(statusOf(second.id)).toBe('offered');
    // Still trusted: once the hold ends, the next offer is accepted at once again.
    expect(pair.b.manager.isTrusted(ALICE)).toBe(true);
    held = false;
    const third = only(await pair.a.manager.sendFiles(BOB, [source('c', pattern(30))]));
    await until(pair.b.manager, () => statusOf(third.id) === 'complete', 'third complete');
  });

  it('sends to everyone: one transfer per peer in the room', async () => {
    const pair = await started();
    const views = await pair.a.manager.sendFiles('room', [source('a', pattern(10))]);
    expect(views.map((v) => [v.peerId, v.conversationId])).toEqual([[BOB, 'room']]);
    await offered(pair, views[0]?.id ?? '');
    expect(only(pair.b.manager.list('room')).status).toBe('offered');
  });

  it('ignores frames and messages about transfers it does not know, and answers them with a cancel', async () => {
    const pair = await started();
    pair.b.manager.handleMessage(ALICE, {
      type: 'file-end',
      transferId: 'ZZZZZZZZZZZZZZZZ',
      fileIndex: 0,
      sha256: 'a'.repeat(64),
    });
    expect(pair.b.sent).toContainEqual({ type: 'file-cancel', transferId: 'ZZZZZZZZZZZZZZZZ' });
    expect(pair.b.manager.list()).toEqual([]);
  });

  it('closes the open file, then the storage, once however often it is closed', async () => {
    const storageB = new ClosingLog();
    const pair = await started({ storageB, sendWindowBytes: 1024 * 1024 });
    const sent = only(await pair.a.manager.sendFiles(BOB, [source('big', pattern(4 * 1024 * 1024, 5))]));
    await offered(pair, sent.id);
    await pair.b.manager.accept(sent.id);
    await receivedAtLeast(pair, 1);
    storageB.stall(); // the file's close waits behind its writes, as in a busy worker
    pair.b.manager.close();
    pair.b.manager.close();
    await pair.idle();
    expect(storageB.log).toEqual([]); // not while the file is still open

    storageB.release();
    await vi.waitFor(() => expect(storageB.log).toEqual([`file ${sent.id}.0 closed`, 'storage closed']));
    pair.b.manager.close();
    await pair.idle();
    expect(storageB.log).toHaveLength(2);
    expect(pair.b.manager.list()[0]?.status).toBe('active'); // kept for the next load, not ended
  });
});
