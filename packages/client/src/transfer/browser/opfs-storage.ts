import {
  type FileSink,
  MemoryStorage,
  type SinkCheckpoint,
  type SinkEvents,
  type TransferStorage,
} from '../storage.js';
import type { SourceHasher } from '../types.js';
import { OPFS_DIRECTORY, type ProbeResult, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** The worker, bundled by Vite as a module worker (`worker-src 'self'` in the CSP). */
const createWorker = (): Worker =>
  new Worker(new URL('./transfer.worker.ts', import.meta.url), { type: 'module', name: 'kopru-transfer' });

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Request/reply over one `transfer.worker.ts`; pipelined writes have no reply, only written reports. */
class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** The sink events of each open file, for the worker's reports. */
  readonly sinks = new Map<string, SinkEvents>();
  private nextId = 1;
  private closed = false;

  constructor(create: () => Worker) {
    this.worker = create();
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(`transfer worker failed: ${event.message}`);
    };
  }

  request<T>(message: DistributiveOmit<Exclude<WorkerRequest, { op: 'write' }>, 'id'>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('transfer worker closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id } as WorkerRequest);
    });
  }

  /** Hands the buffer over to the worker (transferred, not copied). */
  write(key: string, buffer: ArrayBuffer, start: number, bytes: number, at: number): void {
    if (this.closed) return;
    const message: WorkerRequest = { op: 'write', key, buffer, start, bytes, at };
    this.worker.postMessage(message, [buffer]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.terminate();
    this.failAll('transfer worker closed');
  }

  private receive(reply: WorkerReply): void {
    if ('written' in reply) {
      this.sinks.get(reply.key)?.written(reply.written);
      return;
    }
    if ('key' in reply) {
      this.sinks.get(reply.key)?.failed(reply.error);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve('result' in reply ? reply.result : undefined);
    else pending.reject(new Error(reply.error));
  }

  private failAll(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
  }
}

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

  private constructor(private readonly worker: WorkerClient) {}

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

  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
    const worker = this.worker;
    worker.sinks.set(key, events);
    const opened = worker.request<void>({ op: 'open', key, offset: at.offset, hashState: at.hashState });
    opened.catch((error: unknown) => events.failed(String(error)));
    const done = <T>(result: Promise<T>): Promise<T> => {
      void result
        .finally(() => {
          if (worker.sinks.get(key) === events) worker.sinks.delete(key);
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

  constructor() {
    this.ready = OpfsStorage.create().then((storage) => {
      this.impl = storage;
      return storage;
    });
  }

  get kind(): 'disk' | 'memory' {
    return this.impl?.kind ?? 'disk';
  }

  open(key: string, at: SinkCheckpoint, events: SinkEvents): FileSink {
    if (this.impl) return this.impl.open(key, at, events);
    const sink = this.ready.then((storage) => storage.open(key, at, events));
    return {
      write: (buffer, start, bytes, position) =>
        void sink.then((s) => s.write(buffer, start, bytes, position)),
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

  async freeBytes(): Promise<number | undefined> {
    return (await this.ready).freeBytes();
  }

  close(): void {
    void this.ready.then((storage) => storage.close());
  }
}
