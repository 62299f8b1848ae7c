import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TokenStore, TransferRecord, TransferStore } from '@kopru/client';
import { identityHome } from '../identity.js';

/** One state file per transfer, hidden: `.kopru-<transferId>.state.json`. */
const STATE_PREFIX = '.kopru-';
const STATE_SUFFIX = '.state.json';

/**
 * The core's `TransferStore` in a folder, as IndexedDB holds it in the browser: a JSON state file per
 * transfer (the receiver's checkpoints, the sender's list and progress), and the session token per room
 * (so a restarted command is the same peer to the others, and its transfers resume).
 */
export class TransferStateFiles implements TransferStore {
  protected readonly records = new Map<string, TransferRecord>();
  private readonly trusted = new Map<string, string[]>();

  constructor(readonly dir: string) {}

  /** The session token for a room, kept in `<dir>/.kopru-session-<roomId>`. */
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

  private stateFile(transferId: string): string {
    return path.join(this.dir, `${STATE_PREFIX}${transferId}${STATE_SUFFIX}`);
  }
}

/**
 * Where `kopru send` keeps its side of a transfer while it runs: `sending/<digest>` under
 * `identityHome()`, one folder per room and set of paths, so the same command run again (after a crash,
 * a kill, a lost terminal) is the same peer with the same transfer, and continues from the receiver's
 * resume point instead of offering everything again. Removed once the transfer has an outcome. A second
 * `send` of the same paths to the same room while the first still runs would be the same peer and push
 * the first out of the room, so it is refused (a `pid` file names the one that runs).
 */
export class SendState extends TransferStateFiles {
  private done = false;

  private constructor(dir: string) {
    super(dir);
  }

  static async open(server: URL, roomId: string, paths: readonly string[], home = identityHome()) {
    const digest = createHash('sha256')
      .update([server.origin, roomId, ...paths.map((p) => path.resolve(p))].join('\n'))
      .digest('hex')
      .slice(0, 24);
    const dir = path.join(home, 'sending', digest);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const pidFile = path.join(dir, 'pid');
    const running = Number(await readFile(pidFile, 'utf8').catch(() => ''));
    if (running > 0 && running !== process.pid && isAlive(running)) return { running };
    await writeFile(pidFile, String(process.pid));
    return { state: new SendState(dir) };
  }

  /** Nothing is saved once the transfer had its outcome (the session's last writes on closing). */
  override async put(record: TransferRecord): Promise<void> {
    if (this.done) return;
    await super.put(record).catch((error: unknown) => {
      if (!this.done) throw error; // the folder went while this one was being written
    });
  }

  /** The transfer has its outcome: nothing is left to resume. */
  async finished(): Promise<void> {
    this.done = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
