import { createSHA256, type IHasher } from 'hash-wasm';

/**
 * Where received files go. The browser implementation writes to the Origin Private File System from a
 * worker (`browser/opfs-storage.ts`); `MemoryStorage` is the fallback where OPFS is missing, and the
 * storage of unit tests. Calls on a sink are pipelined: `write` returns at once and the storage applies
 * operations in order, so a frame never waits for the previous one's disk write.
 */
export interface TransferStorage {
  /** `disk`: survives a reload and holds any size; `memory`: neither. */
  readonly kind: 'disk' | 'memory';
  /**
   * Opens (or creates) the file `key`, truncated to `offset`, with the SHA-256 state saved at that
   * offset (`hashState`; without it the first `offset` bytes are read back and hashed again).
   */
  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink;
  /** The finished file, for saving (backed by the stored file: no copy in memory). */
  file(key: string, name: string, mime: string): Promise<File | Blob>;
  remove(key: string): Promise<void>;
  /** Bytes this origin may still store (`navigator.storage.estimate`); undefined when unknown. */
  freeBytes(): Promise<number | undefined>;
  close(): void;
}

/** What a sink reports while it works: the receiver's one byte ledger is built from `written`. */
export interface SinkEvents {
  /**
   * The file is written and hashed up to `offset` (the storage reports it in steps, and always before a
   * checkpoint or finish resolves). What the receiver acknowledges to the sender as credit.
   */
  written(offset: number): void;
  /** A pipelined write failed; every later operation on this sink fails too. */
  failed(message: string): void;
}

export interface SinkCheckpoint {
  /** Bytes flushed to storage. */
  offset: number;
  /** Serialized SHA-256 state at `offset` (hash-wasm `save()`), to resume hashing after a reload. */
  hashState?: Uint8Array | undefined;
}

export interface FileSink {
  /** Writes `bytes` bytes of `buffer` from `start` at file position `at`; `buffer` may be transferred. */
  write(buffer: ArrayBuffer, start: number, bytes: number, at: number): void;
  checkpoint(): Promise<SinkCheckpoint>;
  /** Flushes, closes and returns the SHA-256 (hex) of the whole file. */
  finish(): Promise<string>;
  /** Flushes and closes, keeping the partial file for a later `open`. */
  close(): Promise<void>;
}

interface MemoryFile {
  parts: Uint8Array[];
  length: number;
}

/**
 * Received files held in memory: the fallback where OPFS is missing (bounded by
 * `MEMORY_FALLBACK_MAX_BYTES`), and the storage of unit tests. Nothing survives a reload.
 */
export class MemoryStorage implements TransferStorage {
  readonly kind = 'memory' as const;
  private readonly files = new Map<string, MemoryFile>();

  constructor(private readonly free: () => Promise<number | undefined> = async () => undefined) {}

  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
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
        void step((hasher) => {
          if (position !== file.length) throw new Error(`write at ${position}, file has ${file.length}`);
          file.parts.push(part);
          file.length += bytes;
          hasher.update(part);
          events.written(file.length);
        }).catch((error: unknown) => {
          if (failed) return;
          failed = String(error);
          events.failed(failed);
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

/** The storage key of one received file (OPFS file name): unique per transfer and index. */
export const storageKey = (transferId: string, fileIndex: number): string => `${transferId}.${fileIndex}`;
