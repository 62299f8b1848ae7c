import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { FileSink, SinkCheckpoint, SinkEvents, TransferStorage } from '@kopru/client';

/** Where a storage key's bytes go: `<out>/<path>.kopru-part` (the receive folder decides). */
export type PartPath = (key: string) => string | undefined;

/** The suffix of a file still arriving; renamed into place once verified. */
export const PART_SUFFIX = '.kopru-part';

/**
 * The client core's `TransferStorage` on the local disk, for `kopru receive`: each file is written to a
 * partial file beside where it will end up, and hashed as it is written (`node:crypto`, incremental).
 * Operations on a sink run in call order, like the browser worker's queue, so `write` returns at once.
 * A resumed file is opened at the receiver's checkpoint: the partial file is cut there and its bytes hashed
 * again (a `node:crypto` hash cannot be saved, so `hashState` is not used; reading back runs at disk speed).
 */
export class DiskStorage implements TransferStorage {
  readonly kind = 'disk' as const;

  constructor(
    private readonly partPath: PartPath,
    private readonly folder: string,
  ) {}

  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
    const file = this.partPath(key);
    let failed: string | undefined = file ? undefined : `no destination for ${key}`;
    let written = at.offset;
    let handle: FileHandle | undefined;
    let hash: Hash = createHash('sha256');
    const ready = (async () => {
      if (!file) return;
      await mkdir(path.dirname(file), { recursive: true });
      handle = await open(file, 'a+');
      const { size } = await handle.stat();
      if (size < at.offset)
        throw new Error(`cannot resume ${path.basename(file)} at ${at.offset}: only ${size} bytes kept`);
      await handle.truncate(at.offset);
      hash = await hashPrefix(file, at.offset);
    })().catch((error: unknown) => {
      failed = describe(error);
      events.failed(failed);
    });
    let tail: Promise<unknown> = ready;
    const step = <T>(fn: (handle: FileHandle) => Promise<T>): Promise<T> => {
      const result = tail.then(async () => {
        if (failed || !handle) throw new Error(failed ?? 'closed');
        return fn(handle);
      });
      tail = result.catch(() => undefined);
      return result;
    };
    return {
      write: (buffer, start, bytes, position) => {
        const data = new Uint8Array(buffer, start, bytes);
        void step(async (h) => {
          if (position !== written) throw new Error(`out-of-order write at ${position}, expected ${written}`);
          await h.write(data, 0, bytes, position);
          hash.update(data);
          written += bytes;
          // The receiver's credit to the sender: bytes on disk (handed to the kernel) and hashed.
          events.written(written);
        }).catch((error: unknown) => {
          if (!failed) {
            failed = describe(error);
            events.failed(failed);
          }
        });
      },
      // Written means handed to the kernel: that survives the process being killed, which is what a
      // resume needs. No fsync: it stalled the write queue for the length of a disk flush twice a second.
      checkpoint: () =>
        step(async (): Promise<SinkCheckpoint> => ({ offset: written, hashState: undefined })),
      finish: () =>
        step(async (h) => {
          await h.close();
          handle = undefined;
          return hash.digest('hex');
        }),
      close: async () => {
        await tail;
        await handle?.close().catch(() => undefined);
        handle = undefined;
      },
    };
  }

  async file(key: string): Promise<Blob> {
    const file = this.partPath(key);
    if (!file) throw new Error(`no file for ${key}`);
    const { openAsBlob } = await import('node:fs');
    return openAsBlob(file);
  }

  async remove(key: string): Promise<void> {
    const file = this.partPath(key);
    if (file) await rm(file, { force: true });
  }

  async freeBytes(): Promise<number | undefined> {
    try {
      const stats = await statfs(this.folder);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  }

  close(): void {}
}

async function hashPrefix(file: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 }))
    hash.update(chunk as Buffer);
  return hash;
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EACCES' || code === 'EPERM') return 'the folder cannot be written';
  return error instanceof Error ? error.message : String(error);
}
