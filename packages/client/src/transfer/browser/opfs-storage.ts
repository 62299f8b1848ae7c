import { MemoryStorage } from '../memory-storage.js';
import type { FileSink, SinkCheckpoint, TransferStorage } from '../storage.js';
import type { SourceHasher } from '../types.js';
import { WorkerClient } from './worker-client.js';
import { OPFS_DIRECTORY, type ProbeResult } from './worker-protocol.js';

/** The worker, bundled by Vite as a module worker (`worker-src 'self'` in the CSP). */
const createWorker = (): Worker =>
  new Worker(new URL('./transfer.worker.ts', import.meta.url), { type: 'module', name: 'kopru-transfer' });

/** `navigator.storage.estimate()`: what this origin may still store; undefined where unsupported. */
export async function estimateFreeBytes(): Promise<number | undefined> {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined ? undefined : Math.max(0, quota - (usage ?? 0));
  } catch {
    return undefined;
  }
}

/** Received files in OPFS, written and hashed by a worker; survives a reload. */
export class OpfsStorage implements TransferStorage {
  readonly kind = 'disk' as const;
  private readonly onError = new Map<string, (message: string) => void>();

  private constructor(private readonly worker: WorkerClient) {
    worker.onWriteError = (key, message) => this.onError.get(key)?.(message);
  }

  /** OPFS when the browser has sync access handles in workers, else files in memory (with its size limit). */
  static async create(): Promise<TransferStorage> {
    const worker = new WorkerClient(createWorker);
    try {
      const { opfs } = await worker.request<ProbeResult>({ op: 'probe' });
      if (opfs) return new OpfsStorage(worker);
    } catch {
      // No workers, or the worker failed to start: fall through to memory.
    }
    worker.close();
    return new MemoryStorage(estimateFreeBytes);
  }

  open(
    key: string,
    at: { offset: number; hashState?: Uint8Array | undefined },
    onError: (message: string) => void,
  ): FileSink {
    const worker = this.worker;
    this.onError.set(key, onError);
    const opened = worker.request<void>({ op: 'open', key, offset: at.offset, hashState: at.hashState });
    opened.catch((error: unknown) => onError(String(error)));
    const done = <T>(result: Promise<T>): Promise<T> => {
      void result
        .finally(() => {
          this.onError.delete(key);
          worker.settled(key); // its writes all ran before this reply
        })
        .catch(() => undefined);
      return result;
    };
    return {
      write: (buffer, start, bytes, position) => worker.write(key, buffer, start, bytes, position),
      checkpoint: () => worker.request<SinkCheckpoint>({ op: 'checkpoint', key }),
      finish: () => done(worker.request<string>({ op: 'finish', key })),
      close: () => done(worker.request<void>({ op: 'close', key })),
    };
  }

  async file(key: string, name: string, mime: string): Promise<File> {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(OPFS_DIRECTORY);
    const stored = await (await dir.getFileHandle(key)).getFile();
    // A new File over the stored one: named for saving, still backed by the file on disk (no copy).
    return new File([stored], name, { type: mime || stored.type });
  }

  async remove(key: string): Promise<void> {
    await this.worker.request<void>({ op: 'remove', key });
  }

  backlog(): number {
    return this.worker.backlog();
  }

  unwritten(key: string): number {
    return this.worker.unwritten(key);
  }

  freeBytes(): Promise<number | undefined> {
    return estimateFreeBytes();
  }

  close(): void {
    this.worker.close();
  }
}

/** Hashes the sender's files in its own worker, so a large file never blocks the page or the receiver's writes. */
export class WorkerSourceHasher implements SourceHasher {
  private worker: WorkerClient | undefined;

  hash(blob: Blob): Promise<string> {
    this.worker ??= new WorkerClient(createWorker);
    return this.worker.request<string>({ op: 'hash', blob });
  }

  close(): void {
    this.worker?.close();
    this.worker = undefined;
  }
}

/**
 * The storage the app uses: OPFS when the worker's probe succeeds, memory otherwise. Usable at once
 * (the probe takes milliseconds); calls made before it answers are queued in order.
 */
export class BrowserTransferStorage implements TransferStorage {
  private impl: TransferStorage | undefined;
  private readonly ready: Promise<TransferStorage>;
  /** Bytes written to a sink opened before the probe answered, per key, not yet passed on to it. */
  private readonly early = new Map<string, number>();

  constructor() {
    this.ready = OpfsStorage.create().then((storage) => {
      this.impl = storage;
      return storage;
    });
  }

  get kind(): 'disk' | 'memory' {
    return this.impl?.kind ?? 'disk';
  }

  open(
    key: string,
    at: { offset: number; hashState?: Uint8Array | undefined },
    onError: (message: string) => void,
  ): FileSink {
    if (this.impl) return this.impl.open(key, at, onError);
    const sink = this.ready.then((storage) => storage.open(key, at, onError));
    const early = this.early;
    return {
      write: (buffer, start, bytes, position) => {
        early.set(key, (early.get(key) ?? 0) + bytes);
        void sink.then((s) => {
          const left = (early.get(key) ?? 0) - bytes; // now counted by the real storage
          if (left > 0) early.set(key, left);
          else early.delete(key);
          s.write(buffer, start, bytes, position);
        });
      },
      checkpoint: () => sink.then((s) => s.checkpoint()),
      finish: () => sink.then((s) => s.finish()),
      close: () => sink.then((s) => s.close()),
    };
  }

  async file(key: string, name: string, mime: string): Promise<File | Blob> {
    return (await this.ready).file(key, name, mime);
  }

  async remove(key: string): Promise<void> {
    return (await this.ready).remove(key);
  }

  backlog(): number {
    let early = 0;
    for (const bytes of this.early.values()) early += bytes;
    return early + (this.impl?.backlog() ?? 0);
  }

  unwritten(key: string): number {
    return (this.early.get(key) ?? 0) + (this.impl?.unwritten(key) ?? 0);
  }

  async freeBytes(): Promise<number | undefined> {
    return (await this.ready).freeBytes();
  }

  close(): void {
    void this.ready.then((storage) => storage.close());
  }
}
