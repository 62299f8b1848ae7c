import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TokenStore, TransferRecord, TransferStore } from '@kopru/client';
import { PART_SUFFIX } from './disk-storage.js';

/** One state file per transfer, hidden in the folder: `.kopru-<transferId>.state.json`. */
const STATE_PREFIX = '.kopru-';
const STATE_SUFFIX = '.state.json';

/**
 * The folder `kopru receive --out DIR` writes into. It is the core's `TransferStore` (a JSON state file
 * per transfer: the receiver's checkpoints, as IndexedDB holds them in the browser), tells `DiskStorage`
 * where each file's partial file lives (`<DIR>/<path>.kopru-part`), keeps the session token (so a
 * restarted receive in the same folder is the same peer, and its transfers resume), and moves verified
 * files into place without overwriting anything.
 */
export class ReceiveFolder implements TransferStore {
  private readonly records = new Map<string, TransferRecord>();
  private readonly trusted = new Map<string, string[]>();

  constructor(readonly dir: string) {}

  /** The partial file of `${transferId}.${fileIndex}` (the core's `storageKey`). */
  partPath(key: string): string | undefined {
    const dot = key.lastIndexOf('.');
    const file = this.records.get(key.slice(0, dot))?.files[Number(key.slice(dot + 1))];
    return file ? this.target(file.path) + PART_SUFFIX : undefined;
  }

  /** The session token for a room, kept in `<DIR>/.kopru-session-<roomId>`. */
  async loadTokens(roomId: string): Promise<TokenStore> {
    const file = path.join(this.dir, `${STATE_PREFIX}session-${roomId}`);
    let token = await readFile(file, 'utf8').catch(() => undefined);
    return {
      get: () => token,
      set: (value) => {
        token = value;
        void writeFile(file, value, { mode: 0o600 }).catch(() => undefined);
      },
      clear: () => {
        token = undefined;
        void rm(file, { force: true });
      },
    };
  }

  async load(ownerKey: string): Promise<TransferRecord[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: TransferRecord[] = [];
    for (const name of names) {
      if (!name.startsWith(STATE_PREFIX) || !name.endsWith(STATE_SUFFIX)) continue;
      try {
        const record = JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as TransferRecord;
        if (record.ownerKey !== ownerKey) continue;
        this.records.set(record.id, record);
        out.push(structuredClone(record));
      } catch {
        // A state file cut short by a crash: that transfer starts over.
      }
    }
    return out;
  }

  async put(record: TransferRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
    const file = this.stateFile(record.id);
    // Written aside and renamed: a crash never leaves half a state file.
    await writeFile(
      `${file}.tmp`,
      JSON.stringify(record, (_k, v) => (v instanceof Uint8Array ? undefined : v)),
    );
    await rename(`${file}.tmp`, file);
  }

  async remove(_ownerKey: string, transferId: string): Promise<void> {
    this.records.delete(transferId);
    await rm(this.stateFile(transferId), { force: true });
  }

  async loadTrusted(ownerKey: string): Promise<string[]> {
    return [...(this.trusted.get(ownerKey) ?? [])];
  }

  async saveTrusted(ownerKey: string, peerIds: string[]): Promise<void> {
    this.trusted.set(ownerKey, [...peerIds]);
  }

  /**
   * Moves a verified file into place under its offered path; an existing file is never overwritten:
   * "name (1).ext", "name (2).ext"… as browsers do. Returns where it went.
   */
  async place(transferId: string, fileIndex: number): Promise<string> {
    const file = this.records.get(transferId)?.files[fileIndex];
    if (!file) throw new Error(`unknown file ${transferId}.${fileIndex}`);
    const wanted = this.target(file.path);
    const part = wanted + PART_SUFFIX;
    const { name, ext } = path.parse(wanted);
    for (let n = 0; ; n += 1) {
      const candidate = n === 0 ? wanted : path.join(path.dirname(wanted), `${name} (${n})${ext}`);
      if (await exists(candidate)) continue;
      await rename(part, candidate);
      return candidate;
    }
  }

  /** Forgets a finished transfer: its state file goes. */
  async finished(transferId: string): Promise<void> {
    await this.remove('', transferId);
  }

  private stateFile(transferId: string): string {
    return path.join(this.dir, `${STATE_PREFIX}${transferId}${STATE_SUFFIX}`);
  }

  /** The offered path under the folder (the protocol already refused `..`, empty and absolute paths). */
  private target(relative: string): string {
    return path.join(this.dir, ...relative.split('/'));
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
