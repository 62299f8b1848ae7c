/**
 * Where received files go. The browser implementation writes to the Origin Private File System from a
 * worker (`browser/opfs-storage.ts`); `MemoryStorage` is the fallback where OPFS is missing, and the test
 * double. Calls on a sink are pipelined: `write` returns at once and the storage applies operations in
 * order, so a frame never waits for the previous one's disk write.
 */
export interface TransferStorage {
  /** `disk`: survives a reload and holds any size; `memory`: neither. */
  readonly kind: 'disk' | 'memory';
  /**
   * Opens (or creates) the file `key`, truncated to `offset`, with the SHA-256 state saved at that
   * offset (`hashState`; without it the first `offset` bytes are read back and hashed again).
   */
  open(
    key: string,
    at: { offset: number; hashState?: Uint8Array | undefined },
    onError: (message: string) => void,
  ): FileSink;
  /** The finished file, for saving (backed by the stored file: no copy in memory). */
  file(key: string, name: string, mime: string): Promise<File | Blob>;
  remove(key: string): Promise<void>;
  /** Bytes handed to `write` but not yet written (flow control; see `BACKLOG_HIGH_BYTES`). */
  backlog(): number;
  /**
   * Bytes of `key` handed to `write` and not yet written and hashed (0 once its sink finished or closed):
   * what the receiver subtracts from what arrived to acknowledge only written bytes (`SEND_WINDOW_BYTES`).
   */
  unwritten(key: string): number;
  /** Bytes this origin may still store (`navigator.storage.estimate`); undefined when unknown. */
  freeBytes(): Promise<number | undefined>;
  close(): void;
}

export interface SinkCheckpoint {
  /** Bytes flushed to storage. */
  offset: number;
  /** Serialized SHA-256 state at `offset` (hash-wasm `save()`), to resume hashing after a reload. */
  hashState: Uint8Array | undefined;
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
