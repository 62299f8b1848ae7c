import { HEAD_HASH_BYTES, OFFER_FILES_MAX, OFFER_JSON_BUDGET, type OfferedFile } from '@kopru/protocol';
import { READ_BLOCK_BYTES } from './constants.js';
import type { SourceFile } from './types.js';

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
    if (this.position >= this.blob.size) return undefined;
    let block = this.block;
    if (!block || this.position >= this.blockStart + block.byteLength) {
      this.blockStart = this.position;
      block = await (this.ahead ?? this.read(this.position));
      this.block = block;
      const nextStart = this.position + block.byteLength;
      this.ahead = nextStart < this.blob.size ? this.read(nextStart) : undefined;
    }
    const from = this.position - this.blockStart;
    const data = block.subarray(from, Math.min(block.byteLength, from + maxBytes));
    const offset = this.position;
    this.position += data.byteLength;
    return { offset, data };
  }

  private async read(start: number): Promise<Uint8Array> {
    const end = Math.min(this.blob.size, start + this.blockBytes);
    return new Uint8Array(await this.blob.slice(start, end).arrayBuffer());
  }
}

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of the first `HEAD_HASH_BYTES` bytes: identifies the same file chosen again. */
export async function headHash(blob: Blob): Promise<string> {
  const head = await blob.slice(0, HEAD_HASH_BYTES).arrayBuffer();
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

/** The chosen files described for offers and packed into batches (`splitOffer`), each with its sources. */
export async function offerBatches(
  sources: readonly SourceFile[],
): Promise<{ files: OfferedFile[]; sources: SourceFile[] }[]> {
  const described = await Promise.all(sources.map(describeSource));
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
