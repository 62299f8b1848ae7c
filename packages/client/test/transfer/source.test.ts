import { describe, expect, it } from 'vitest';
import { BlockReader, describeSource, matchSources } from '../../src/transfer/sender.js';
import type { SourceFile } from '../../src/transfer/types.js';
import { pattern, sha256 } from './fakes.js';

const source = (path: string, bytes: Uint8Array): SourceFile => ({
  blob: new Blob([bytes as BlobPart]),
  path,
  mime: '',
});

describe('BlockReader', () => {
  it('hands out the file in chunks from an offset, across block boundaries, and ends', async () => {
    const bytes = pattern(10_000, 4);
    const reader = new BlockReader(new Blob([bytes as BlobPart]), 1_000, 3_000);
    const chunks: { offset: number; data: Uint8Array }[] = [];
    for (let chunk = await reader.next(700); chunk; chunk = await reader.next(700)) chunks.push(chunk);
    expect(chunks[0]?.offset).toBe(1_000);
    expect(chunks.every((c) => c.data.byteLength <= 700)).toBe(true);
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.data.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      expect(c.offset).toBe(1_000 + at);
      joined.set(c.data, at);
      at += c.data.byteLength;
    }
    expect(sha256(joined)).toBe(sha256(bytes.subarray(1_000)));
  });
});

describe('matchSources (sender reload)', () => {
  const original = [source('album/a.jpg', pattern(5_000, 1)), source('album/b.jpg', pattern(7_000, 2))];

  it('matches files chosen again by path or name, size and the hash of their first bytes', async () => {
    const offered = await Promise.all(original.map(describeSource));
    const again = [source('b.jpg', pattern(7_000, 2)), source('album/a.jpg', pattern(5_000, 1))];
    const matched = await matchSources(offered, [undefined, undefined], again);
    expect(matched.map((m) => m?.path)).toEqual(['album/a.jpg', 'b.jpg']);
  });

  it('refuses a file with the same name and size but other content, and keeps what was attached', async () => {
    const offered = await Promise.all(original.map(describeSource));
    const impostor = source('album/b.jpg', pattern(7_000, 99));
    const matched = await matchSources(offered, [original[0], undefined], [impostor]);
    expect(matched).toEqual([original[0], undefined]);
  });
});
