import { createSHA256, type IHasher } from 'hash-wasm';
import type { FileSink, SinkCheckpoint, TransferStorage } from './storage.js';

interface MemoryFile {
  parts: Uint8Array[];
  length: number;
}

/**
 * Received files held in memory: the fallback where OPFS is missing (bounded by
 * `MEMORY_FALLBACK_MAX_BYTES`), and the storage of unit tests. Nothing survives a reload.
 */
export class MemoryStorage implements TransferStorage {
  private readonly files = new Map<string, MemoryFile>();
  /** Bytes handed to `write` per key and not yet applied. */
  private readonly pending = new Map<string, number>();
  /** Writes wait for this (tests stall it to play a storage starved of CPU). */
  private gate: Promise<void> = Promise.resolve();

  /** `kind: 'disk'` only in tests, to stand for storage that survives a reload (the same instance is reused). */
  constructor(
    private readonly free: () => Promise<number | undefined> = async () => undefined,
    readonly kind: 'disk' | 'memory' = 'memory',
  ) {}

  open(
    key: string,
    at: { offset: number; hashState?: Uint8Array | undefined },
    onError: (message: string) => void,
  ): FileSink {
    const file = this.files.get(key) ?? { parts: [], length: 0 };
    this.files.set(key, file);
    let failed: string | undefined;
    if (at.offset > file.length)
      failed = `cannot resume ${key} at ${at.offset}: only ${file.length} bytes kept`;
    else truncate(file, at.offset);
    const ready: Promise<IHasher> = createSHA256().then((hasher) => {
      hasher.init();
      if (at.hashState) hasher.load(at.hashState);
      else for (const part of file.parts) hasher.update(part);
      return hasher;
    });
    // Operations run one after another, in call order, like the worker's queue.
    let tail: Promise<unknown> = ready;
    const step = <T>(fn: (hasher: IHasher) => T): Promise<T> => {
      const result = tail.then(async () => {
        if (failed) throw new Error(failed);
        return fn(await ready);
      });
      tail = result.catch(() => undefined);
      return result;
    };
    return {
      write: (buffer, start, bytes, position) => {
        const part = new Uint8Array(buffer, start, bytes);
        this.pending.set(key, (this.pending.get(key) ?? 0) + bytes);
        const gate = this.gate;
        void step(async (hasher) => {
          await gate;
          this.pending.set(key, (this.pending.get(key) ?? 0) - bytes);
          if (position !== file.length) throw new Error(`write at ${position}, file has ${file.length}`);
          file.parts.push(part);
          file.length += bytes;
          hasher.update(part);
        }).catch((error: unknown) => {
          failed ??= String(error);
          onError(failed);
        });
      },
      checkpoint: () => step((hasher): SinkCheckpoint => ({ offset: file.length, hashState: hasher.save() })),
      finish: () => step((hasher) => hasher.digest('hex')),
      close: () => step(() => undefined),
    };
  }

  async file(key: string, name: string, mime: string): Promise<Blob> {
    const file = this.files.get(key);
    if (!file) throw new Error(`no stored file ${key}`);
    const blob = new Blob(file.parts as BlobPart[], { type: mime });
    return typeof File === 'function' ? new File([blob], name, { type: mime }) : blob;
  }

  async remove(key: string): Promise<void> {
    this.files.delete(key);
  }

  /** Tests set this to play a storage that has fallen behind. */
  pendingBytes = 0;

  backlog(): number {
    let total = this.pendingBytes;
    for (const bytes of this.pending.values()) total += bytes;
    return total;
  }

  unwritten(key: string): number {
    return this.pending.get(key) ?? 0;
  }

  /** Tests: writes wait (they stay `unwritten`) until the returned function is called. */
  stallWrites(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = Promise.resolve();
      release();
    };
  }

  freeBytes(): Promise<number | undefined> {
    return this.free();
  }

  close(): void {
    this.files.clear();
  }
}

function truncate(file: MemoryFile, offset: number): void {
  let kept = 0;
  const parts: Uint8Array[] = [];
  for (const part of file.parts) {
    if (kept >= offset) break;
    const take = Math.min(part.byteLength, offset - kept);
    parts.push(take === part.byteLength ? part : part.subarray(0, take));
    kept += take;
  }
  file.parts = parts;
  file.length = kept;
}
