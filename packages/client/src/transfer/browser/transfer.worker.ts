/// <reference lib="webworker" />
import { createSHA256, type IHasher } from 'hash-wasm';
import { OPFS_DIRECTORY, type WorkerReply, type WorkerRequest, WRITE_ACK_BYTES } from './worker-protocol.js';

/**
 * Writes received files to the Origin Private File System with a sync access handle and hashes them as
 * they are written (measured: sync handle in a worker 839–1144 MB/s, hash-wasm 333–403 MB/s, both far
 * above the link; docs/benchmarks.md). Also hashes whole source files for the sender. Operations run strictly in order.
 */

interface OpenFile {
  handle: FileSystemSyncAccessHandle;
  hasher: IHasher;
  position: number;
  /** Position at the last written report. */
  reported: number;
  failed?: string;
}

/** Blocks read back when a hash state is missing, and when hashing a sender's file. */
const READ_BLOCK_BYTES = 4 * 1024 * 1024;

const scope = self as unknown as DedicatedWorkerGlobalScope;

/**
 * SHA-256 states no longer in use, reused for the next file: a hash-wasm instance costs a WebAssembly
 * instantiation, which a folder of thousands of small files would otherwise pay per file.
 */
const spareHashers: IHasher[] = [];

async function takeHasher(): Promise<IHasher> {
  const hasher = spareHashers.pop() ?? (await createSHA256());
  hasher.init();
  return hasher;
}

const giveBack = (hasher: IHasher): void => void spareHashers.push(hasher);

/** Files up to this size are hashed in one `crypto.subtle` call (native, no WebAssembly state needed). */
const WHOLE_HASH_MAX_BYTES = 8 * 1024 * 1024;
const files = new Map<string, OpenFile>();
let queue: Promise<void> = Promise.resolve();

/**
 * Files whose lock was asked for as their `open` arrived, ahead of the queue. Taking a sync access handle
 * is two round trips to the browser process (1.5 ms a file on this machine, 5–14 ms under load); a folder
 * of small files has many opens waiting behind the writes in the queue, and asking for their handles at
 * once overlaps those round trips instead of paying them one after another (docs/benchmarks.md, many
 * small files).
 */
const locking = new Map<string, Promise<FileSystemSyncAccessHandle>>();

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  // Not for a file still open here (a resume re-opens it: its lock is only free once `open` closed it).
  if (request.op === 'open' && !files.has(request.key) && !locking.has(request.key)) {
    const lock = lockFile(request.key);
    lock.catch(() => undefined); // reported by the `open` that takes it
    locking.set(request.key, lock);
  }
  queue = queue.then(() => handle(request)).catch(() => undefined);
};

const reply = (message: WorkerReply) => scope.postMessage(message);

async function handle(request: WorkerRequest): Promise<void> {
  if (request.op === 'write') {
    write(request);
    return;
  }
  try {
    reply({ id: request.id, ok: true, result: await run(request) });
  } catch (error) {
    reply({ id: request.id, ok: false, error: describe(error) });
  }
}

/** Tells the page how far `key` is written and hashed (its credit to the sender). */
function report(key: string, file: OpenFile): void {
  file.reported = file.position;
  reply({ id: -2, ok: true, key, written: file.position });
}

function write(request: Extract<WorkerRequest, { op: 'write' }>): void {
  const file = files.get(request.key);
  if (!file || file.failed) return;
  try {
    if (request.at !== file.position) throw new Error(`write at ${request.at}, file at ${file.position}`);
    const data = new Uint8Array(request.buffer, request.start, request.bytes);
    const written = file.handle.write(data, { at: request.at });
    // Chromium reports a write past the quota as a short (or negative) count rather than throwing.
    if (written !== request.bytes)
      throw new Error('no space left: the storage quota for this site is used up');
    file.hasher.update(data);
    file.position += written;
    if (file.position - file.reported >= WRITE_ACK_BYTES) report(request.key, file);
    // The frame is left to the worker's GC. Never detach it here (`buffer.transfer(0)`): in Chromium 156 a
    // DataChannel message transferred to a worker and detached there is never freed — measured with a bare
    // channel, 512 MiB received: +534 MiB in the renderer when the worker detached each message, +111 MiB
    // when it let them go (+120 MiB when the page kept them on its own thread).
  } catch (error) {
    file.failed = describe(error);
    reply({ id: -1, ok: false, key: request.key, error: file.failed });
  }
}

async function run(request: Exclude<WorkerRequest, { op: 'write' }>): Promise<unknown> {
  switch (request.op) {
    case 'probe':
      return { opfs: await probe() };
    case 'open':
      await open(request.key, request.offset, request.hashState);
      return undefined;
    case 'checkpoint': {
      const file = opened(request.key);
      file.handle.flush();
      report(request.key, file);
      return { offset: file.position, hashState: file.hasher.save() };
    }
    case 'finish': {
      const file = opened(request.key);
      // Closed without `flush()` (an fsync: 2–10 ms a file here, the worker's largest cost per small
      // file). The bytes are with the operating system, so a crash or reload of the browser loses none;
      // only a power cut soon after could lose the tail of a file already verified. Checkpoints, which
      // a resume relies on, still flush.
      file.handle.close();
      files.delete(request.key);
      report(request.key, file);
      const sha256 = file.hasher.digest('hex');
      giveBack(file.hasher);
      return sha256;
    }
    case 'close': {
      const file = files.get(request.key);
      files.delete(request.key);
      if (file) {
        file.handle.flush();
        file.handle.close();
        giveBack(file.hasher);
      }
      return undefined;
    }
    case 'remove': {
      const file = files.get(request.key);
      files.delete(request.key);
      file?.handle.close();
      try {
        await (await directory()).removeEntry(request.key);
      } catch (error) {
        if ((error as DOMException).name !== 'NotFoundError') throw error;
      }
      return undefined;
    }
    case 'hash':
      return hashBlob(request.blob);
  }
}

function opened(key: string): OpenFile {
  const file = files.get(key);
  if (!file) throw new Error(`${key} is not open`);
  if (file.failed) throw new Error(file.failed);
  return file;
}

async function open(key: string, offset: number, hashState: Uint8Array | undefined): Promise<void> {
  const previous = files.get(key);
  if (previous) {
    files.delete(key);
    previous.handle.close();
  }
  const early = locking.get(key);
  locking.delete(key);
  const handle = await (early ?? lockFile(key));
  try {
    const size = handle.getSize();
    if (offset > size) throw new Error(`cannot resume ${key} at ${offset}: ${size} bytes kept`);
    // Bytes past the checkpoint may be incomplete or not covered by the saved hash state: drop them. (Not
    // for a new file: each call on the handle is a synchronous trip to the browser process.)
    if (size !== offset) handle.truncate(offset);
    const hasher = await takeHasher();
    if (hashState && offset > 0) hasher.load(hashState);
    else if (offset > 0) rehash(handle, offset, hasher);
    files.set(key, { handle, hasher, position: offset, reported: offset });
  } catch (error) {
    handle.close();
    throw error;
  }
}

/**
 * After a reload the previous page's worker may still hold the file's lock for a moment while it shuts
 * down (`NoModificationAllowedError`); waiting up to `LOCK_WAIT_MS` lets the new page take over.
 */
const LOCK_WAIT_MS = 5_000;
const LOCK_RETRY_MS = 100;

async function lockFile(key: string): Promise<FileSystemSyncAccessHandle> {
  const file = await (await directory()).getFileHandle(key, { create: true });
  for (let waited = 0; ; waited += LOCK_RETRY_MS) {
    try {
      return await file.createSyncAccessHandle();
    } catch (error) {
      if ((error as DOMException).name !== 'NoModificationAllowedError' || waited >= LOCK_WAIT_MS)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}

function rehash(handle: FileSystemSyncAccessHandle, length: number, hasher: IHasher): void {
  const block = new Uint8Array(Math.min(READ_BLOCK_BYTES, length));
  for (let at = 0; at < length; ) {
    const view = block.subarray(0, Math.min(block.byteLength, length - at));
    const read = handle.read(view, { at });
    if (read <= 0) throw new Error('file shorter than its checkpoint');
    hasher.update(view.subarray(0, read));
    at += read;
  }
}

async function hashBlob(blob: Blob): Promise<string> {
  const reader = new FileReaderSync();
  if (blob.size <= WHOLE_HASH_MAX_BYTES) {
    const digest = await crypto.subtle.digest('SHA-256', reader.readAsArrayBuffer(blob));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  const hasher = await takeHasher();
  for (let at = 0; at < blob.size; at += READ_BLOCK_BYTES) {
    hasher.update(new Uint8Array(reader.readAsArrayBuffer(blob.slice(at, at + READ_BLOCK_BYTES))));
  }
  const sha256 = hasher.digest('hex');
  giveBack(hasher);
  return sha256;
}

let dir: Promise<FileSystemDirectoryHandle> | undefined;
function directory(): Promise<FileSystemDirectoryHandle> {
  dir ??= navigator.storage
    .getDirectory()
    .then((root) => root.getDirectoryHandle(OPFS_DIRECTORY, { create: true }));
  return dir;
}

/**
 * Whether this browser gives workers sync access handles in OPFS. Each probe uses a file of its own: a page
 * runs two sessions (its room and Nearby), each with a worker, and two probes of one shared name raced (one
 * held the handle while the other's create or remove failed), so a page fell back to memory at random
 * (seen in CI: a reload then lost the transfer).
 */
async function probe(): Promise<boolean> {
  const probeName = `.probe-${crypto.randomUUID()}`;
  let handle: FileSystemSyncAccessHandle;
  try {
    handle = await (
      await (await directory()).getFileHandle(probeName, { create: true })
    ).createSyncAccessHandle();
  } catch {
    return false;
  }
  handle.close();
  // The probe answered; a leftover probe file is harmless (names starting with "." are not transfers).
  await (await directory()).removeEntry(probeName).catch(() => undefined);
  return true;
}

function describe(error: unknown): string {
  if (error instanceof DOMException) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
