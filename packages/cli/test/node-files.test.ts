import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TransferRecord } from '@kopru/client';
import { describe, expect, it } from 'vitest';
import { DiskStorage } from '../src/node-files/disk-storage.js';
import { ReceiveFolder } from '../src/node-files/receive-folder.js';
import { nodeSourceHasher, sourcesFromPaths } from '../src/node-files/sources.js';
import { SendState } from '../src/node-files/state-files.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function record(id: string, paths: string[]): TransferRecord {
  return {
    ownerKey: 'room/peer',
    id,
    direction: 'in',
    peerId: 'sender',
    conversationId: 'sender',
    createdAt: 0,
    status: 'active',
    files: paths.map((p) => ({
      path: p,
      size: 0,
      mime: 'application/octet-stream',
      headSha256: '',
      state: 'moving',
      offset: 0,
    })),
  };
}

const write = (sink: ReturnType<DiskStorage['open']>, bytes: Uint8Array, at: number) => {
  const copy = new Uint8Array(bytes); // a copy with its own ArrayBuffer (a Buffer's slice is a view)
  sink.write(copy.buffer, 0, copy.byteLength, at);
};

describe('ReceiveFolder + DiskStorage', () => {
  it('writes a partial file beside the destination, hashes as it goes, and resumes at a checkpoint', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kopru-cli-'));
    const folder = new ReceiveFolder(dir);
    await folder.put(record('t1', ['photos/a.bin']));
    const storage = new DiskStorage((key) => folder.partPath(key), dir);
    const data = randomBytes(300_000);
    const errors: string[] = [];
    const written: number[] = [];
    const events = {
      written: (offset: number) => written.push(offset),
      failed: (m: string) => errors.push(m),
    };

    const first = storage.open('t1.0', { offset: 0 }, events);
    write(first, data.subarray(0, 100_000), 0);
    write(first, data.subarray(100_000, 150_000), 100_000);
    expect(await first.checkpoint()).toEqual({ offset: 150_000, hashState: undefined });
    // The credit the receiver grants: reported once per write, before the checkpoint resolves.
    expect(written).toEqual([100_000, 150_000]);
    write(first, data.subarray(150_000, 170_000), 150_000); // lost: after the checkpoint
    await first.close();

    // A restart: the saved state is read back, the file reopened at the checkpoint.
    const again = new ReceiveFolder(dir);
    expect((await again.load('room/peer')).map((r) => r.id)).toEqual(['t1']);
    const resumed = new DiskStorage((key) => again.partPath(key), dir).open(
      't1.0',
      { offset: 150_000 },
      events,
    );
    write(resumed, data.subarray(150_000), 150_000);
    expect(await resumed.finish()).toBe(sha(data));
    expect(errors).toEqual([]);
    const placed = await again.place('t1', 0);
    expect(placed).toBe(path.join(dir, 'photos', 'a.bin'));
    expect(sha(readFileSync(placed))).toBe(sha(data));
  });

  it('never overwrites: "name (1).ext", then "name (2).ext"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kopru-cli-'));
    writeFileSync(path.join(dir, 'report.pdf'), 'old');
    writeFileSync(path.join(dir, 'report (1).pdf'), 'older');
    const folder = new ReceiveFolder(dir);
    await folder.put(record('t2', ['report.pdf']));
    writeFileSync(`${path.join(dir, 'report.pdf')}.kopru-part`, 'new');
    expect(path.basename(await folder.place('t2', 0))).toBe('report (2).pdf');
    expect(readFileSync(path.join(dir, 'report.pdf'), 'utf8')).toBe('old');
    expect(readFileSync(path.join(dir, 'report (2).pdf'), 'utf8')).toBe('new');
  });

  it('refuses to resume past what the partial file holds', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kopru-cli-'));
    const folder = new ReceiveFolder(dir);
    await folder.put(record('t3', ['x.bin']));
    const errors: string[] = [];
    const sink = new DiskStorage((key) => folder.partPath(key), dir).open(
      't3.0',
      { offset: 10 },
      { written: () => {}, failed: (m) => errors.push(m) },
    );
    await expect(sink.finish()).rejects.toThrow();
    expect(errors.join()).toMatch(/cannot resume x\.bin\.kopru-part at 10: only 0 bytes kept/);
  });
});

describe('sources from paths', () => {
  it('takes files by name and folders with their relative paths, hashed from disk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kopru-cli-'));
    const bytes = randomBytes(5000);
    writeFileSync(path.join(dir, 'one.txt'), bytes);
    const album = path.join(dir, 'album');
    for (const p of ['b/c.jpg', 'a.png']) {
      const file = path.join(album, p);
      (await import('node:fs')).mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, p);
    }
    const sources = await sourcesFromPaths([path.join(dir, 'one.txt'), album]);
    expect(sources.map((s) => [s.path, s.blob.size, s.mime])).toEqual([
      ['one.txt', 5000, 'text/plain'],
      ['album/a.png', 5, 'image/png'],
      ['album/b/c.jpg', 7, 'image/jpeg'],
    ]);
    expect(await nodeSourceHasher().hash(sources[0]?.blob as Blob)).toBe(sha(bytes));
    await expect(sourcesFromPaths([path.join(dir, 'nope')])).rejects.toThrow(/cannot read .*no such file/);
  });
});

describe('SendState', () => {
  it('is one folder per room and paths, refused while another live process holds it, gone once finished', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'kopru-home-'));
    const server = new URL('https://kopru.example');
    const first = await SendState.open(server, 'room1', ['a.bin', 'b'], home);
    if (!first.state) throw new Error('expected the state');
    const again = await SendState.open(server, 'room1', ['a.bin', 'b'], home);
    expect(again.state?.dir).toBe(first.state.dir); // this process already holds it
    const other = await SendState.open(server, 'room2', ['a.bin', 'b'], home);
    expect(other.state?.dir).not.toBe(first.state.dir);

    await first.state.put(record('t1', ['a.bin']));
    expect((await first.state.load('room/peer')).map((r) => r.id)).toEqual(['t1']);
    // Another process that is alive (pid 1) holds the folder: refused, naming it.
    writeFileSync(path.join(first.state.dir, 'pid'), '1');
    expect(await SendState.open(server, 'room1', ['a.bin', 'b'], home)).toEqual({ running: 1 });
    // A dead one's folder is taken over (pid 2^22 + 1 is above Linux's pid_max).
    writeFileSync(path.join(first.state.dir, 'pid'), String(2 ** 22 + 1));
    expect((await SendState.open(server, 'room1', ['a.bin', 'b'], home)).state).toBeDefined();

    await first.state.finished();
    expect(existsSync(first.state.dir)).toBe(false);
    await first.state.put(record('t2', ['a.bin'])); // a late write after the outcome changes nothing
    expect(existsSync(first.state.dir)).toBe(false);
  });
});
