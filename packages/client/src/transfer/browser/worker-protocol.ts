/** Messages between the page and `transfer.worker.ts` (same origin, our own code: typed, not parsed). */

export type WorkerRequest =
  | { op: 'probe'; id: number }
  | { op: 'open'; id: number; key: string; offset: number; hashState?: Uint8Array | undefined }
  | { op: 'write'; key: string; buffer: ArrayBuffer; start: number; bytes: number; at: number }
  | { op: 'checkpoint'; id: number; key: string }
  | { op: 'finish'; id: number; key: string }
  | { op: 'close'; id: number; key: string }
  | { op: 'remove'; id: number; key: string }
  | { op: 'hash'; id: number; blob: Blob };

export type WorkerReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: string }
  /** A pipelined write failed (it has no id); every later operation on that file fails too. */
  | { id: -1; ok: false; key: string; error: string }
  /** `key` is written and hashed up to `written` (sent every `WRITE_ACK_BYTES`): the receiver's credit. */
  | { id: -2; ok: true; key: string; written: number };

/**
 * The worker reports written bytes in steps of this many bytes (16 frames of 64 KiB), and before it
 * answers a checkpoint or finish.
 */
export const WRITE_ACK_BYTES = 1024 * 1024;

export interface ProbeResult {
  /** `createSyncAccessHandle` works here (OPFS in a dedicated worker). */
  opfs: boolean;
}

/** The folder under the origin's private file system that holds received files. */
export const OPFS_DIRECTORY = 'kopru-transfers';
