import type { PeerMessage } from '@kopru/protocol';
import { describe, expect, it, vi } from 'vitest';
import { type FrameStream, OutgoingFiles } from '../../src/transfer/sender.js';
import { batchPoint, batchPosition, decodeFrame } from '../../src/transfer/wire.js';
import {
  BOB,
  diskLike,
  nodeHasher,
  only,
  Pair,
  pattern,
  StallingStorage,
  sha256,
  source,
  until,
  untilStatus,
} from './fakes.js';

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

/** Pulls frames from a stream as the file channel does, while it is ready; returns the bytes sent. */
async function pull(stream: FrameStream, payloadBytes = 64 * KIB): Promise<number> {
  let bytes = 0;
  while (stream.ready(payloadBytes)) {
    let frame = stream.next(payloadBytes);
    if (frame instanceof Promise) frame = await frame;
    if (!frame) break;
    const decoded = decodeFrame(frame);
    if (decoded.ok) bytes += decoded.frame.payloadBytes;
  }
  return bytes;
}

function outgoing(sizes: number[], window: number) {
  const offered = sizes.map((size, i) => ({ path: `f${i}`, size, mime: '', headSha256: 'a'.repeat(64) }));
  const sources = sizes.map((size, i) => ({
    blob: new Blob([pattern(size, i) as BlobPart]),
    path: `f${i}`,
    mime: '',
  }));
  const ended: number[] = [];
  const files = new OutgoingFiles('T'.repeat(16), offered, sources, nodeHasher, window);
  const events = { fileSent: (i: number) => void ended.push(i), readFailed: () => {} };
  return { files, events, ended };
}

describe('the sender window (OutgoingFiles)', () => {
  it('sends at most the window past the credit, and as far as each credit allows', async () => {
    const { files, events } = outgoing([10 * MIB], MIB);
    const stream = files.stream({ fileIndex: 0, offset: 0 }, events);
    expect(await pull(stream)).toBe(MIB);
    expect(files.credit({ fileIndex: 0, offset: 256 * KIB })).toBe(true);
    expect(await pull(stream)).toBe(256 * KIB);
  });

  it('ignores a credit at or below the last one', async () => {
    const { files, events } = outgoing([10 * MIB], MIB);
    const stream = files.stream({ fileIndex: 0, offset: 0 }, events);
    await pull(stream);
    expect(files.credit({ fileIndex: 0, offset: 256 * KIB })).toBe(true);
    expect(files.credit({ fileIndex: 0, offset: 256 * KIB })).toBe(false);
    expect(files.credit({ fileIndex: 0, offset: 128 * KIB })).toBe(false);
    expect(await pull(stream)).toBe(256 * KIB);
  });

  it('counts across the files of a batch, and ends each file as its last byte goes', async () => {
    const { files, events, ended } = outgoing([512 * KIB, 768 * KIB, 0], MIB);
    const stream = files.stream({ fileIndex: 0, offset: 0 }, events);
    expect(await pull(stream)).toBe(MIB);
    expect(ended).toEqual([0]);
    files.credit({ fileIndex: 1, offset: 0 }); // the first file written whole
    expect(await pull(stream)).toBe(256 * KIB);
    expect(ended).toEqual([0, 1, 2]); // once every byte is sent, the stream ends its files whatever the window
  });

  it('a resume point never raises the credit; a lower one (a receiver back from a reload) lowers it', async () => {
    const { files, events } = outgoing([10 * MIB], MIB);
    await pull(files.stream({ fileIndex: 0, offset: 0 }, events));
    files.credit({ fileIndex: 0, offset: 512 * KIB });
    // Resumed at 3 MiB (received, but only 512 KiB written): still a window past 512 KiB.
    expect(await pull(files.stream({ fileIndex: 0, offset: MIB }, events))).toBe(512 * KIB);
    // A reloaded receiver resumes at its checkpoint, 256 KiB: everything before it is written.
    expect(await pull(files.stream({ fileIndex: 0, offset: 256 * KIB }, events))).toBe(MIB);
  });

  it('a stopped stream yields nothing more', async () => {
    const { files, events } = outgoing([10 * MIB], MIB);
    const stream = files.stream({ fileIndex: 0, offset: 0 }, events);
    files.stop();
    expect(stream.ready(64 * KIB)).toBe(false);
    expect(await stream.next(64 * KIB)).toBeUndefined();
  });
});

/**
 * Records, at the moment each frame of `transferId` (one file) is handed to the sender's channel, how far
 * past the receiver's credit *as the sender has received it* it reaches. The credit, as docs/protocol.md
 * defines it: the highest written point acknowledged (`file-progress`), lowered by a resume point below it.
 */
function watchInFlight(pair: Pair, transferId: string) {
  const watch = { sentEnd: 0, maxInFlight: 0, firstOffset: undefined as number | undefined };
  const channel = pair.a.channel;
  if (!channel) throw new Error('no file channel');
  channel.onSend = (data) => {
    const decoded = decodeFrame(data);
    if (!decoded.ok || decoded.frame.transferId !== transferId) return;
    watch.firstOffset ??= decoded.frame.offset;
    const end = decoded.frame.offset + decoded.frame.payloadBytes;
    watch.sentEnd = Math.max(watch.sentEnd, end);
    let acked = 0;
    for (const m of pair.a.received) {
      if (m.type === 'file-resume' && m.transferId === transferId) acked = Math.min(acked, m.offset);
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

async function stalledTransfer(size: number, window: number) {
  const storageB = new StallingStorage();
  const pair = new Pair({ storageB, sendWindowBytes: window });
  await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
  pair.connect();
  const offered = only(await pair.a.manager.sendFiles(BOB, [source('big.bin', pattern(size, 41))]));
  await until(pair.b.manager, (views) => views.length === 1, 'the offer');
  const watch = watchInFlight(pair, offered.id);
  storageB.stall(); // the receiving machine is starved: nothing gets written
  await pair.b.manager.accept(offered.id);
  await until(
    pair.b.manager,
    (views) => (views[0]?.doneBytes ?? 0) >= Math.min(size, window),
    'a window received',
  );
  await pair.idle();
  return { pair, id: offered.id, watch, release: () => storageB.release() };
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
    await untilStatus(pair.b.manager, 'complete');
    expect(watch.maxInFlight).toBeLessThanOrEqual(MIB);
    const blob = await pair.b.manager.file(id, 0);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(6 * MIB, 41)));
  });

  it('ends a file whose last frame filled the window, though no ack follows it', async () => {
    const { pair, id, watch, release } = await stalledTransfer(MIB, MIB);
    expect(watch.sentEnd).toBe(MIB);
    expect(pair.a.sent).toContainEqual(expect.objectContaining({ type: 'file-end', transferId: id }));
    release();
    await untilStatus(pair.b.manager, 'complete');
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
    await pair.idle();
    expect(watch.sentEnd).toBe(MIB);

    ack(id, 512 * KIB);
    await pair.idle();
    expect(watch.sentEnd).toBe(MIB + 512 * KIB);

    ack(id, 512 * KIB);
    ack(id, 256 * KIB);
    await pair.idle();
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
    await until(
      pair.b.manager,
      (views) => views.find((v) => v.id === other.id)?.doneBytes === MIB,
      'other window',
    );
    await pair.idle();
    expect(otherSent).toBe(MIB);
    expect(watch.sentEnd).toBe(MIB + 512 * KIB);
  });

  it('a receiver resuming with its storage behind gives no credit for what it has not written', async () => {
    const { pair, id, watch, release } = await stalledTransfer(12 * MIB, 8 * MIB);
    expect(watch.sentEnd).toBe(8 * MIB); // 8 MiB arrived, none written
    pair.b.manager.pause(id);
    await untilStatus(pair.a.manager, 'paused');
    pair.b.manager.resume(id);
    await untilStatus(pair.a.manager, 'active');
    await pair.idle();
    const resume = pair.b.sent.filter((m) => m.type === 'file-resume' && m.transferId === id).at(-1);
    expect(resume).toMatchObject({ offset: 8 * MIB }); // continue after what arrived…
    expect(watch.sentEnd).toBe(8 * MIB); // …but nothing more while none of it is written
    release();
    await untilStatus(pair.b.manager, 'complete');
    expect(watch.maxInFlight).toBeLessThanOrEqual(8 * MIB);
  });

  it('keeps pause, resume and a receiver reload working: a resume restarts the window at its offset', async () => {
    const size = 6 * MIB;
    const pair = new Pair({ storageB: diskLike(), sendWindowBytes: MIB });
    await Promise.all([pair.a.manager.load(), pair.b.manager.load()]);
    pair.connect();
    const offered = only(await pair.a.manager.sendFiles(BOB, [source('big.bin', pattern(size, 43))]));
    await until(pair.b.manager, (views) => views.length === 1, 'the offer');
    await pair.b.manager.accept(offered.id);
    await until(pair.b.manager, (views) => (views[0]?.doneBytes ?? 0) >= 2 * MIB, '2 MiB received');

    pair.a.manager.pause(offered.id);
    await untilStatus(pair.b.manager, 'paused');
    expect(only(pair.b.manager.list())).toMatchObject({ status: 'paused', pausedBy: 'peer' });
    pair.b.manager.resume(offered.id);
    await until(pair.b.manager, (views) => (views[0]?.doneBytes ?? 0) >= 4 * MIB, '4 MiB received');
    expect(only(pair.b.manager.list()).status).toBe('active');

    // Until the receiver has saved a checkpoint of what arrived (its timers are sped up).
    await vi.waitFor(() =>
      expect(pair.b.store.records.get(`room/${BOB}|${offered.id}`)?.files[0]?.offset ?? 0).toBeGreaterThan(0),
    );
    await pair.reload('b');
    const checkpoint = only(pair.b.manager.list()).doneBytes;
    pair.connect();
    const watch = watchInFlight(pair, offered.id);
    await Promise.all([untilStatus(pair.b.manager, 'complete'), untilStatus(pair.a.manager, 'complete')]);
    // The first frame after the reload is the reloaded receiver's checkpoint, and from there the sender
    // never ran more than the window ahead of what that receiver acknowledged.
    expect(watch.firstOffset).toBe(checkpoint);
    expect(watch.maxInFlight).toBeLessThanOrEqual(MIB);
    const blob = await pair.b.manager.file(offered.id, 0);
    expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(pattern(size, 43)));
  });
});
