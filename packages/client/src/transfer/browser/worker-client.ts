import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Request/reply over one `transfer.worker.ts`; pipelined writes have no reply unless they fail. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** A pipelined write failed for this key. */
  onWriteError: (key: string, message: string) => void = () => {};
  /** Bytes handed to `write` per key and not yet acknowledged as written. */
  private readonly pendingWrites = new Map<string, number>();

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
    this.pendingWrites.set(key, (this.pendingWrites.get(key) ?? 0) + bytes);
    const message: WorkerRequest = { op: 'write', key, buffer, start, bytes, at };
    this.worker.postMessage(message, [buffer]);
  }

  /** Bytes handed to the worker and not yet written, over all files. */
  backlog(): number {
    let total = 0;
    for (const bytes of this.pendingWrites.values()) total += bytes;
    return total;
  }

  /** Bytes of `key` handed to the worker and not yet acknowledged as written (in `WRITE_ACK_BYTES` steps). */
  unwritten(key: string): number {
    return this.pendingWrites.get(key) ?? 0;
  }

  /** Everything written for `key` so far is accounted for (it was finished, closed or removed). */
  settled(key: string): void {
    this.pendingWrites.delete(key);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.terminate();
    this.failAll('transfer worker closed');
  }

  private receive(reply: WorkerReply): void {
    if ('written' in reply) {
      this.pendingWrites.set(
        reply.key,
        Math.max(0, (this.pendingWrites.get(reply.key) ?? 0) - reply.written),
      );
      return;
    }
    if ('key' in reply) {
      this.pendingWrites.delete(reply.key);
      this.onWriteError(reply.key, reply.error);
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
