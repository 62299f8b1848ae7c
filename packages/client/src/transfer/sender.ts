import { HEAD_HASH_BYTES, OFFER_FILES_MAX, OFFER_JSON_BUDGET, type OfferedFile } from '@kopru/protocol';
import { READ_AHEAD_FILES, READ_BLOCK_BYTES } from './constants.js';
import type { SourceFile, SourceHasher } from './types.js';
import { type BatchPoint, batchPosition, encodeFrame } from './wire.js';

/**
 * The sender's data path for one transfer, upstream of the file channel: the chosen files (missing after
 * a sender reload until chosen again), their SHA-256 (each computed once, off the main thread), and the
 * frame stream from a resume point that the file channel pulls from, within the transfer's window over
 * the receiver's credit. Also how chosen files become offers.
 */

/**
 * Reads a file sequentially from `offset` in blocks of `READ_BLOCK_BYTES`, one block ahead, and hands out
 * chunks of at most the requested size. Memory: two blocks at most, whatever the file's size.
 */
export class BlockReader {
  private block: Uint8Array | undefined;
  private blockStart: number;
  private position: number;
  private ahead: Promise<Uint8Array> | undefined;

  constructor(
    private readonly blob: Blob,
    offset: number,
    private readonly blockBytes = READ_BLOCK_BYTES,
  ) {
    this.position = offset;
    this.blockStart = offset;
  }

  /** The next chunk, or undefined at the end of the file. */
  async next(maxBytes: number): Promise<{ offset: number; data: Uint8Array } | undefined> {
    const chunk = this.nextBuffered(maxBytes);
    if (chunk !== 'read') return chunk;
    await this.fill();
    return this.next(maxBytes);
  }

  /** The next chunk from the block in memory: `read` when the next block must be read first (`fill`). */
  nextBuffered(maxBytes: number): { offset: number; data: Uint8Array } | undefined | 'read' {
    if (this.position >= this.blob.size) return undefined;
    const block = this.block;
    if (!block || this.position >= this.blockStart + block.byteLength) return 'read';
    const from = this.position - this.blockStart;
    const data = block.subarray(from, Math.min(block.byteLength, from + maxBytes));
    const offset = this.position;
    this.position += data.byteLength;
    return { offset, data };
  }

  /** Starts reading the first block now, before it is asked for (the next files of a folder). */
  prefetch(): void {
    if (this.block || this.ahead || this.position >= this.blob.size) return;
    this.ahead = this.read(this.position);
    this.ahead.catch(() => undefined); // reported by the `fill` that awaits it
  }

  /** Reads the block at the current position (the one read ahead, if any) and starts reading the next. */
  async fill(): Promise<void> {
    this.blockStart = this.position;
    this.block = await (this.ahead ?? this.read(this.position));
    const nextStart = this.position + this.block.byteLength;
    this.ahead = nextStart < this.blob.size ? this.read(nextStart) : undefined;
  }

  private async read(start: number): Promise<Uint8Array> {
    const end = Math.min(this.blob.size, start + this.blockBytes);
    return new Uint8Array(await sliceOf(this.blob, start, end).arrayBuffer());
  }
}

/**
 * `blob.slice(start, end)`, or the blob itself when that is all of it: in Chromium each slice registers a
 * new blob with the browser process, and a folder of small files paid it once or twice per file (the
 * sender's largest cost in the many-small-files benchmark, docs/benchmarks.md).
 */
function sliceOf(blob: Blob, start: number, end: number): Blob {
  return start === 0 && end >= blob.size ? blob : blob.slice(start, end);
}

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of the first `HEAD_HASH_BYTES` bytes: identifies the same file chosen again. */
export async function headHash(blob: Blob): Promise<string> {
  const head = await sliceOf(blob, 0, HEAD_HASH_BYTES).arrayBuffer();
  return hex(await globalThis.crypto.subtle.digest('SHA-256', head));
}

/** The offer entry of a chosen file. */
export async function describeSource(source: SourceFile): Promise<OfferedFile> {
  return {
    path: source.path,
    size: source.blob.size,
    mime: source.mime.slice(0, 128),
    headSha256: await headHash(source.blob),
  };
}

/**
 * Packs files into offers: at most `OFFER_FILES_MAX` each, and JSON under `OFFER_JSON_BUDGET` so that one
 * offer always fits one control frame. Order is kept.
 */
export function splitOffer<T extends OfferedFile>(files: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    const entry = JSON.stringify(file).length + 1;
    if (current.length > 0 && (current.length >= OFFER_FILES_MAX || bytes + entry > OFFER_JSON_BUDGET)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += entry;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Files described (head hash read) at the same time when offering. */
const DESCRIBE_AT_ONCE = 16;

/** The chosen files described for offers and packed into batches (`splitOffer`), each with its sources. */
export async function offerBatches(
  sources: readonly SourceFile[],
): Promise<{ files: OfferedFile[]; sources: SourceFile[] }[]> {
  // A few at a time: each reads the file's first 64 KiB, and a folder of thousands read at once would
  // hold all those reads in memory together.
  const described: OfferedFile[] = [];
  for (let i = 0; i < sources.length; i += DESCRIBE_AT_ONCE)
    described.push(...(await Promise.all(sources.slice(i, i + DESCRIBE_AT_ONCE).map(describeSource))));
  return splitOffer(described.map((file, index) => ({ ...file, index }))).map((batch) => ({
    files: batch.map(({ index: _index, ...file }) => file),
    sources: batch.flatMap(({ index }) => sources[index] ?? []),
  }));
}

/** The last segment of a relative path (what a download is named). */
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * After a sender reload: which chosen file stands for which offered one. A candidate matches by path (or
 * just name, if the user picked the files rather than the folder), size, and the SHA-256 of its first
 * bytes. Returns the sources with the matches filled in (entries already present are kept).
 */
export async function matchSources(
  offered: readonly OfferedFile[],
  current: readonly (SourceFile | undefined)[],
  candidates: readonly SourceFile[],
): Promise<(SourceFile | undefined)[]> {
  const out = offered.map((_f, i) => current[i]);
  for (const [index, file] of offered.entries()) {
    if (out[index]) continue;
    for (const candidate of candidates) {
      const samePath = candidate.path === file.path || baseName(candidate.path) === baseName(file.path);
      if (!samePath || candidate.blob.size !== file.size) continue;
      if ((await headHash(candidate.blob)) === file.headSha256) {
        out[index] = candidate;
        break;
      }
    }
  }
  return out;
}

/** What a stream reports while it reads: the only way back from the data path to the transfer. */
export interface StreamEvents {
  /** Every byte of file `fileIndex` was handed to the channel. */
  fileSent(fileIndex: number): void;
  readFailed(fileIndex: number, message: string): void;
}

/** One transfer's frames, as the file channel pulls them. */
export interface FrameStream {
  readonly transferId: string;
  /**
   * False while a frame of `payloadBytes` would pass the window (the channel serves the other streams and
   * is woken by `FileChannel.wake` when credit comes).
   */
  ready(payloadBytes: number): boolean;
  /**
   * The next frame (header included), or undefined once the batch is done; synchronous when buffered. The
   * buffer may be reused for a later frame once this one is sent (`send` copies it).
   */
  next(payloadBytes: number): ArrayBuffer | undefined | Promise<ArrayBuffer | undefined>;
}

/**
 * The files of one outgoing transfer and its window. Positions count over the batch's files laid end to
 * end (`batchPosition`); `credit` moves the window's back edge, a new `stream` its front.
 */
export class OutgoingFiles {
  private readonly hashes = new Map<number, Promise<string>>();
  private readonly sizes: readonly number[];
  private readonly total: number;
  /** The receiver's acknowledged written position (its credit). Kept across streams; see `stream`. */
  private acked = 0;
  private current: SourceStream | undefined;

  constructor(
    private readonly transferId: string,
    offered: readonly OfferedFile[],
    private readonly sources: (SourceFile | undefined)[],
    private readonly hasher: SourceHasher,
    private readonly windowBytes: number,
  ) {
    this.sizes = offered.map((f) => f.size);
    this.total = this.sizes.reduce((sum, size) => sum + size, 0);
  }

  attached(): boolean[] {
    return this.sizes.map((_s, i) => this.sources[i] !== undefined);
  }

  /** Attaches the candidates that match a file without a source (by path or name, size and head hash). */
  async reattach(offered: readonly OfferedFile[], candidates: readonly SourceFile[]): Promise<boolean[]> {
    const matched = await matchSources(offered, this.sources, candidates);
    matched.forEach((source, index) => {
      this.sources[index] = source;
    });
    return this.attached();
  }

  /** The SHA-256 (hex) of an attached file, computed once. */
  hashOf(fileIndex: number): Promise<string> {
    let hash = this.hashes.get(fileIndex);
    const source = this.sources[fileIndex];
    if (!hash && source) {
      hash = this.hasher.hash(source.blob);
      this.hashes.set(fileIndex, hash);
    }
    return hash ?? Promise.reject(new Error(`file ${fileIndex} is not attached`));
  }

  /** Queues every attached file's hash (the hasher works through them in order). */
  prepareHashes(): void {
    for (const [index, source] of this.sources.entries()) {
      if (source)
        this.hashOf(index).catch(() => {
          // Reported when the hash is needed (`hash` effect).
        });
    }
  }

  /** The receiver has written the batch up to `to`: the window moves. False when that is no news. */
  credit(to: BatchPoint): boolean {
    const position = batchPosition(this.sizes, to.fileIndex, to.offset);
    if (position <= this.acked) return false;
    this.acked = position;
    return true;
  }

  /**
   * A stream from the receiver's resume point. Everything before it is on the receiver's side, but only
   * what it acknowledged is written: the credit never rises to the resume point (a receiver back from a
   * reload names its checkpoint, which it has written, so the credit falls to it).
   */
  stream(from: BatchPoint, events: StreamEvents): FrameStream {
    const start = batchPosition(this.sizes, from.fileIndex, from.offset);
    this.acked = Math.min(this.acked, start);
    this.current = new SourceStream(this, from, start, events);
    return this.current;
  }

  /** The stream was stopped: it yields nothing more. */
  stop(): void {
    this.current = undefined;
  }

  isCurrent(stream: SourceStream): boolean {
    return this.current === stream;
  }

  /** Sent bytes may reach `end` (a batch position) without passing the window. */
  fits(end: number): boolean {
    return end - this.acked <= this.windowBytes;
  }

  get totalBytes(): number {
    return this.total;
  }

  source(fileIndex: number): SourceFile | undefined {
    return this.sources[fileIndex];
  }

  size(fileIndex: number): number | undefined {
    return this.sizes[fileIndex];
  }

  get fileCount(): number {
    return this.sizes.length;
  }

  get id(): string {
    return this.transferId;
  }
}

/** Frames from a resume point to the end of the batch, read a block ahead (and the next files' first blocks). */
class SourceStream implements FrameStream {
  readonly transferId: string;
  private fileIndex: number;
  private reader: BlockReader | undefined;
  /** Readers of the files after `fileIndex`, their first block being read. */
  private readonly readers = new Map<number, BlockReader>();
  /** Batch position of the next byte to send. */
  private position: number;
  /** The last frame, whose buffer the next one of the same size reuses (the channel copied it). */
  private frame: ArrayBuffer | undefined;

  constructor(
    private readonly files: OutgoingFiles,
    private readonly from: BatchPoint,
    start: number,
    private readonly events: StreamEvents,
  ) {
    this.transferId = files.id;
    this.fileIndex = from.fileIndex;
    this.position = start;
  }

  ready(payloadBytes: number): boolean {
    if (!this.files.isCurrent(this)) return false;
    // Once every byte is sent the stream must still be asked once more, whatever the window: that call
    // ends its last files (their `file-end`), and no credit may come before it.
    const end = Math.min(this.files.totalBytes, this.position + payloadBytes);
    return this.position >= this.files.totalBytes || this.files.fits(end);
  }

  next(payloadBytes: number): ArrayBuffer | undefined | Promise<ArrayBuffer | undefined> {
    while (this.files.isCurrent(this) && this.fileIndex < this.files.fileCount) {
      const source = this.files.source(this.fileIndex);
      if (!source) return undefined;
      if (!this.reader) {
        this.reader =
          this.readers.get(this.fileIndex) ??
          new BlockReader(source.blob, this.fileIndex === this.from.fileIndex ? this.from.offset : 0);
        this.readers.delete(this.fileIndex);
        this.readAhead();
      }
      const chunk = this.reader.nextBuffered(payloadBytes);
      if (chunk === 'read') return this.readThen(payloadBytes);
      if (chunk) {
        this.position += chunk.data.byteLength;
        this.frame = encodeFrame(
          { transferId: this.transferId, fileIndex: this.fileIndex, offset: chunk.offset },
          chunk.data,
          this.frame,
        );
        return this.frame;
      }
      this.events.fileSent(this.fileIndex);
      this.fileIndex += 1;
      this.reader = undefined;
    }
    return undefined;
  }

  /** Starts reading the first block of the next files, up to `READ_AHEAD_FILES` and `READ_BLOCK_BYTES`. */
  private readAhead(): void {
    let bytes = 0;
    for (let i = this.fileIndex + 1; i <= this.fileIndex + READ_AHEAD_FILES; i++) {
      const source = this.files.source(i);
      if (!source) return;
      bytes += Math.min(source.blob.size, READ_BLOCK_BYTES);
      if (bytes > READ_BLOCK_BYTES) return;
      let reader = this.readers.get(i);
      if (!reader) {
        reader = new BlockReader(source.blob, 0);
        this.readers.set(i, reader);
      }
      reader.prefetch();
    }
  }

  private async readThen(payloadBytes: number): Promise<ArrayBuffer | undefined> {
    try {
      await this.reader?.fill();
    } catch (error) {
      this.events.readFailed(this.fileIndex, String(error));
      return undefined;
    }
    return this.next(payloadBytes);
  }
}
