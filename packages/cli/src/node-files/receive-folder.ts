import { rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { PART_SUFFIX } from './disk-storage.js';
import { TransferStateFiles } from './state-files.js';

/**
 * The folder `kopru receive --out DIR` writes into. It keeps the transfers' state files and the session
 * token (`TransferStateFiles`: a restarted receive in the same folder is the same peer, and its transfers
 * resume), tells `DiskStorage` where each file's partial file lives (`<DIR>/<path>.kopru-part`), and moves
 * verified files into place without overwriting anything.
 */
export class ReceiveFolder extends TransferStateFiles {
  /** The partial file of `${transferId}.${fileIndex}` (the core's `storageKey`). */
  partPath(key: string): string | undefined {
    const dot = key.lastIndexOf('.');
    const file = this.records.get(key.slice(0, dot))?.files[Number(key.slice(dot + 1))];
    return file ? this.target(file.path) + PART_SUFFIX : undefined;
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
