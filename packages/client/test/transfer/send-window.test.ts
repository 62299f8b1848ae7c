import type { PeerMessage } from '@kopru/protocol';
import { describe, expect, it, vi } from 'vitest';
import { decodeFrame } from '../../src/transfer/framing.js';
import { MemoryStorage } from '../../src/transfer/memory-storage.js';
import { batchPoint, batchPosition } from '../../src/transfer/offsets.js';
import { SendWindow } from '../../src/transfer/send-window.js';
import type { SourceFile, TransferView } from '../../src/transfer/types.js';
import { BOB, Pair, pattern, sha256 } from './fakes.js';

const KIB = 1024;
const MIB = 1024 * KIB;

describe('batch positions', () => {
  const sizes = [100, 0, 50, 0];
  it('lays the files end to end', () => {
    expect(batchPosition(sizes, 0, 40)).toBe(40);
    expect(batchPosition(sizes, 2, 10)).toBe(110);
  });
  it('maps a position back to a file and offset, a boundary naming the next non-empty file', () => {
    expect(batchPoint(sizes, 40)).toEqual({ fileIndex: 0, offset: 40 });
    expect(batchPoint(sizes, 100)).toEqual({ fileIndex: 2, offset: 0 });
    expect(batchPoint(sizes, 110)).toEqual({ fileIndex: 2, offset: 10 });
    expect(batchPoint(sizes, 150)).toEqual({ fileIndex: 3, offset: 0 });
  });
});

describe('SendWindow', () => {
  it('lets through at most its limit past the last ack', () => {
    const window = new SendWindow([10 * MIB], MIB);
    window.restart(0, 0);
    expect(window.fits(MIB)).toBe(true);
    window.sentTo(0, 768 * KIB);
    expect(window.fits(256 * KIB)).toBe(true);
    expect(window.fits(256 * KIB + 1)).toBe(false);
    window.sentTo(0, MIB);
    expect(window.inFlight()).toBe(MIB);
    expect(window.fits(1)).toBe(false);
  });

  it('opens when an ack arrives, and ignores an ack at or below the last one', () => {
    const window = new SendWindow([10 * MIB], MIB);
    window.restart(0, 0);
    window.sentTo(0, MIB);
    expect(window.ack(0, 256 * KIB)).toBe(true);
    expect(window.fits(256 * KIB)).toBe(true);
    expect(window.ack(0, 256 * KIB)).toBe(false);
    expect(window.ack(0, 128 * KIB)).toBe(false);
    expect(window.inFlight()).toBe(768 * KIB);
  });

  it('counts across the files of a batch', () => {
    const window = new SendWindow([600 * KIB, 600 * KIB], MIB);
    window.restart(0, 0);
    window.sentTo(0, 600 * KIB);
    window.sentTo(1, 424 * KIB);
    expect(window.fits(1)).toBe(false);
    window.ack(1, 0); // the first file written whole
    expect(window.inFlight()).toBe(424 * KIB);
  });

  it('knows when every byte of the batch is sent (its last files still need ending)', () => {
    const window = new SendWindow([MIB, MIB, 0], MIB);
    window.restart(0, 0);
    window.sentTo(1, 0);
    expect(window.allSent()).toBe(false);
    window.sentTo(1, MIB);
    expect(window.fits(1)).toBe(false);
    expect(window.allSent()).toBe(true);
  });

  it('restarts from the resume point, even below the last ack (a receiver back from a reload)', () => {
    const window = new SendWindow([10 * MIB], MIB);
    window.restart(0, 0);
    window.sentTo(0, 4 * MIB);
    window.ack(0, 3 * MIB + 512 * KIB);
    window.restart(0, 2 * MIB);
    expect(window.inFlight()).toBe(0);
    expect(window.ack(0, 2 * MIB)).toBe(false);
    window.sentTo(0, 3 * MIB);
    expect(window.fits(1)).toBe(false);
    expect(window.ack(0, 2 * MIB + KIB)).toBe(true);
  });
});

const source = (path: string, bytes: Uint8Array): SourceFile => ({
  blob: new Blob([bytes as BlobPart]),
  path,
  mime: '',
});
const only = (views: TransferView[]): TransferView => {
  expect(views).toHaveLength(1);
  return views[0] as TransferView;
};

/**
 * Records, at the moment each frame of `transferId` (one file) is handed to the sender's channel, how far
 * past the receiver's acknowledged point *as the sender has received it* it reaches: the last resume point,
 * raised by later progress acks. Only messages received after the watch starts count.
 */
function watchInFlight(pair: Pair, transferId: string) {
  const watch = { sentEnd: 0, maxInFlight: 0, firstOffset: undefined as number | undefined };
  const since = pair.a.received.length;
  const channel = pair.a.channel;
  if (!channel) throw new Error('no file channel');
  channel.onSend = (data) => {
    const decoded = decodeFrame(data);
    if (!decoded.ok || decoded.frame.transferId !== transferId) return;
    watch.firstOffset ??= decoded.frame.offset;
    const end = decoded.frame.offset + decoded.frame.payloadBytes;
    watch.sentEnd = Math.max(watch.sentEnd, end);
    let acked = 0;
    for (const m of pair.a.received.slice(since)) {
      if (m.type === 'file-resume' && m.transferId === transferId) acked = m.offset;
      if (m.type === 'file-progress' && m.transferId === transferId) acked = Math.max(acked, m.offset);
    }
    watch.maxInFlight = Math.max(watch.maxInFlight, end - acked);
  };
  return watch;
}

const progressOf = (messages: readonly PeerMessage[], transferId: string) =>
  messages.filter(
    (m): m is Extract<PeerMessage, { type: 'file-progress' }> =>
      m.type === 'file-progress' && m.transferId === transferId,
  );

/** Runs the network until the receiver's transfer is complete (a small window takes many ack rounds). */
async function pumpUntilComplete(pair: Pair): Promise<void> {
  for (let i = 0; i < 100 && only(pair.b.manager.list()).status !== 'complete'; i++) await pair.pump(20);
}

async function stalledTransfer(size: number, window: number) {
  const storageB = new MemoryStorage();
  const pair = new Pair({ storageB, sendWindowBytes: window });
  await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
  pair.connect();
  const offered = only(await pair.a.manager.sendFiles(BOB, [source('big.bin', pattern(size, 41))]));
  await pair.pump(5);
  const watch = watchInFlight(pair, offered.id);
  const release = storageB.stallWrites(); // the receiving machine is starved: nothing gets written
  await pair.b.manager.accept(offered.id);
  await pair.pump(60);
  return { pair, id: offered.id, watch, release };
}

describe('the sender window over the receiver’s written offset', () => {
  it('stops at the window while the receiver writes nothing, and acks only written bytes', async () => {
    const { pair, id, watch, release } = await stalledTransfer(6 * MIB, MIB);
    expect(watch.sentEnd).toBe(MIB);
    expect(watch.maxInFlight).toBe(MIB);
    expect(only(pair.b.manager.list()).doneBytes).toBe(MIB); // arrived…
    // …but not written, so not acknowledged: one ack at 0, never repeated while nothing moves (a message
    // every checkpoint would keep Chromium's SCTP from retransmitting what a stalled link lost).
    expect(progressOf(pair.b.sent, id).map((m) => m.offset)).toEqual([0]);
    expect(only(pair.a.manager.list()).status).toBe('active'); // a stall, not a pause anyone sees

    release();
    await pumpUntilComplete(pair);
    expect(only(pair.b.manager.list()).status).toBe('complete');
    expect(watch.maxInFlight).toBeLessThanOrEqual(MIB);
    const blob = await pair.b.manager.file(id, 0);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(6 * MIB, 41)));
  });

  it('ends a file whose last frame filled the window, though no ack follows it', async () => {
    const { pair, id, watch, release } = await stalledTransfer(MIB, MIB);
    expect(watch.sentEnd).toBe(MIB);
    expect(pair.a.sent).toContainEqual(expect.objectContaining({ type: 'file-end', transferId: id }));
    release();
    await pumpUntilComplete(pair);
    expect(only(pair.b.manager.list()).status).toBe('complete');
  });

  it('continues as far as an ack allows; an ack for another transfer or a lower offset moves nothing', async () => {
    const { pair, id, watch } = await stalledTransfer(6 * MIB, MIB);
    expect(watch.sentEnd).toBe(MIB);
    const other = only(
      (await pair.a.manager.sendFiles(BOB, [source('other.bin', pattern(4 * MIB, 42))])).filter(
        (v) => v.id !== id,
      ),
    );
    const ack = (transferId: string, offset: number) => {
      const message = { type: 'file-progress', transferId, fileIndex: 0, offset } as const;
      pair.a.received.push(message);
      pair.a.manager.handleMessage(BOB, message);
    };

    ack(other.id, 3 * MIB); // the other transfer is only offered: this must not open ours
    await pair.pump(20);
    expect(watch.sentEnd).toBe(MIB);

    ack(id, 512 * KIB);
    await pair.pump(20);
    expect(watch.sentEnd).toBe(MIB + 512 * KIB);

    ack(id, 512 * KIB);
    ack(id, 256 * KIB);
    await pair.pump(20);
    expect(watch.sentEnd).toBe(MIB + 512 * KIB);
    expect(watch.maxInFlight).toBe(MIB);

    // A transfer whose window is full does not hold another one on the same channel.
    let otherSent = 0;
    const channel = pair.a.channel;
    const onSend = channel?.onSend;
    if (channel) {
      channel.onSend = (data) => {
        onSend?.(data);
        const decoded = decodeFrame(data);
        if (decoded.ok && decoded.frame.transferId === other.id) otherSent += decoded.frame.payloadBytes;
      };
    }
    await pair.b.manager.accept(other.id);
    await pair.pump(40);
    expect(otherSent).toBe(MIB);
    expect(watch.sentEnd).toBe(MIB + 512 * KIB);
  });

  it('a receiver resuming with its storage behind names the resume point only once it has written', async () => {
    const { pair, id, watch, release } = await stalledTransfer(12 * MIB, 8 * MIB);
    expect(watch.sentEnd).toBe(8 * MIB); // 8 MiB arrived, none written: over BACKLOG_LOW_BYTES
    pair.b.manager.pause(id);
    await pair.pump(10);
    pair.b.manager.resume(id);
    await pair.pump(20);
    const resumes = () => pair.b.sent.filter((m) => m.type === 'file-resume' && m.transferId === id);
    const before = resumes().length;
    expect(watch.sentEnd).toBe(8 * MIB); // not restarted over 8 MiB that only sit in memory
    release();
    await pumpUntilComplete(pair);
    expect(resumes().length).toBeGreaterThan(before);
    expect(only(pair.b.manager.list()).status).toBe('complete');
    expect(watch.maxInFlight).toBeLessThanOrEqual(8 * MIB);
  });

  it('keeps pause, resume and a receiver reload working: a resume restarts the window at its offset', async () => {
    const size = 6 * MIB;
    const storageB = new MemoryStorage(async () => undefined, 'disk');
    const pair = new Pair({ storageB, sendWindowBytes: MIB });
    await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
    pair.connect();
    const offered = only(await pair.a.manager.sendFiles(BOB, [source('big.bin', pattern(size, 43))]));
    await pair.pump(5);
    await pair.b.manager.accept(offered.id);
    for (let i = 0; i < 50 && only(pair.b.manager.list()).doneBytes < 2 * MIB; i++) await pair.pump(1);

    pair.a.manager.pause(offered.id);
    await pair.pump(20);
    expect(only(pair.b.manager.list())).toMatchObject({ status: 'paused', pausedBy: 'peer' });
    pair.b.manager.resume(offered.id);
    for (let i = 0; i < 50 && only(pair.b.manager.list()).doneBytes < 4 * MIB; i++) await pair.pump(1);
    expect(only(pair.b.manager.list()).status).toBe('active');

    // Until the receiver has saved a checkpoint of what arrived (its timers are sped up).
    await vi.waitFor(() =>
      expect(pair.b.store.records.get(`room/${BOB}|${offered.id}`)?.files[0]?.offset ?? 0).toBeGreaterThan(0),
    );
    await pair.reload('b');
    const checkpoint = only(pair.b.manager.list()).doneBytes;
    pair.connect();
    const watch = watchInFlight(pair, offered.id);
    await pumpUntilComplete(pair);
    expect(only(pair.b.manager.list()).status).toBe('complete');
    expect(only(pair.a.manager.list()).status).toBe('complete');
    // The first frame after the reload is the reloaded receiver's checkpoint, and from there the sender
    // never ran more than the window ahead of what that receiver acknowledged.
    expect(watch.firstOffset).toBe(checkpoint);
    expect(watch.maxInFlight).toBeLessThanOrEqual(MIB);
    const blob = await pair.b.manager.file(offered.id, 0);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(size, 43)));
  });
});
