import type { TransferRecord, TransferStore } from './transfer-store.js';

/**
 * Writes transfer records one at a time; a record changed again while queued is written once, in its
 * latest state (a checkpoint a second per transfer never piles up behind a slow IndexedDB).
 */
export class RecordWriter {
  private readonly queue = new Map<string, TransferRecord>();
  private writing = false;
  private closed = false;

  constructor(
    private readonly store: TransferStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  write(record: TransferRecord): void {
    if (this.closed) return;
    this.queue.set(record.id, record);
    if (!this.writing) void this.drain();
  }

  /** Stops accepting writes; what is queued still goes out. */
  close(): void {
    this.closed = true;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let next = this.queue.entries().next(); !next.done; next = this.queue.entries().next()) {
        const [id, record] = next.value;
        this.queue.delete(id);
        try {
          await this.store.put(record);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
