import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import {
  FINAL_STATUSES,
  MemoryStorage,
  type TransferManager,
  type TransferProblem,
  type TransferView,
} from '@kopru/client';
import { CliError, EXIT, type ExitCode } from './errors.js';
import type { RoomLink } from './link.js';
import { DiskStorage } from './node-files/disk-storage.js';
import { ReceiveFolder } from './node-files/receive-folder.js';
import { nodeSourceHasher, sourcesFromPaths } from './node-files/sources.js';
import { SendState } from './node-files/state-files.js';
import { formatBytes, type Output } from './output.js';
import { choosePeer } from './people.js';
import { TransferProgress } from './progress.js';
import { type JoinedRoom, type JoinOptions, joinRoom } from './runtime.js';

type BaseOptions = Omit<JoinOptions, 'link' | 'tokens' | 'transfers'> & { timeoutMs: number };

/** How long the last acknowledgement gets to leave before the process goes. */
const GOODBYE_MS = 300;
/**
 * How long a cancel gets: it waits on the wire behind up to a megabyte of file data already queued
 * (`HIGH_WATER_BYTES`), and closing the connection sooner drops it (the browser then shows the transfer
 * waiting for the connection instead of cancelled).
 */
const CANCEL_GOODBYE_MS = 1_500;

function describeProblem(problem: TransferProblem | undefined, peer: string): string {
  switch (problem?.code) {
    case 'declined':
      if (problem.reason === 'quota' && problem.neededBytes !== undefined) {
        const free = problem.freeBytes === undefined ? '' : ` (${formatBytes(problem.freeBytes)} free)`;
        return `${problem.by === 'self' ? 'not enough space here' : `${peer} has not enough space`}: ${formatBytes(problem.neededBytes)} needed${free}`;
      }
      return problem.by === 'self' ? 'declined' : `${peer} declined`;
    case 'cancelled':
      return problem.by === 'self' ? 'cancelled' : `${peer} cancelled`;
    case 'mismatch':
      return `${problem.files} file(s) failed verification (SHA-256 differs)`;
    case 'storage':
      return `cannot write: ${problem.message}`;
    case 'interrupted':
      return 'interrupted';
    default:
      return 'failed';
  }
}

/** Resolves when one transfer reaches a final state; calls `progress` on every change before that. */
function untilFinal(
  transfers: TransferManager,
  id: string,
  progress: (view: TransferView) => void,
): Promise<TransferView> {
  return new Promise((resolve) => {
    const off = transfers.on('updated', ({ transfer }) => {
      if (transfer.id !== id) return;
      progress(transfer);
      if (FINAL_STATUSES.has(transfer.status)) {
        off();
        resolve(transfer);
      }
    });
  });
}

/** Ctrl-C: run `stop` once, then end with `code`. */
function onInterrupt(stop: () => Promise<ExitCode>): {
  promise: Promise<ExitCode>;
  readonly fired: boolean;
  dispose(): void;
} {
  let handler: (() => void) | undefined;
  let fired = false;
  const promise = new Promise<ExitCode>((resolve) => {
    handler = () => {
      fired = true;
      void stop().then(resolve);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
  return {
    promise,
    get fired() {
      return fired;
    },
    dispose: () => {
      if (!handler) return;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** How often the countdown of an absent peer is shown. */
const ABSENCE_TICK_MS = 5_000;

/**
 * The other side vanished mid-transfer (its link is down): the transfer waits for it to come back and
 * resumes by itself; meanwhile a countdown shows how long we still wait (`--timeout`), and at zero
 * `giveUp` runs.
 */
function absenceWatch(timeoutMs: number, out: Output, who: () => string, giveUp: () => void) {
  const waiting = (view: TransferView): boolean => view.status === 'active' || view.status === 'paused';
  let since: number | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    clearInterval(ticker);
    ticker = undefined;
    since = undefined;
  };
  const tick = (): void => {
    if (since === undefined) return;
    const left = Math.max(0, Math.ceil((since + timeoutMs - Date.now()) / 1000));
    out.event('waiting-for-peer', { peer: who(), secondsLeft: left });
    out.info(`  ${who()} is gone; waiting for them to come back (giving up in ${left} s)…`);
    if (left > 0) return;
    stop();
    giveUp();
  };
  return {
    /** Whether a transfer in this state needs the peer. */
    needsPeer: waiting,
    /** `absent`: the peer left the room or its link is down while the transfer still needs it. */
    set(absent: boolean): void {
      if (!absent) {
        if (since !== undefined) out.event('peer-back', { peer: who() });
        stop();
        return;
      }
      if (since !== undefined) return;
      since = Date.now();
      tick();
      ticker = setInterval(tick, Math.min(ABSENCE_TICK_MS, timeoutMs));
    },
    dispose: stop,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The unfinished transfers a killed `kopru send` left to this peer, with the same files chosen again (as
 * the browser's "Choose the files again" after a reload): each continues from the receiver's resume point.
 * One whose files changed, or left to someone else, is cancelled (the receiver is told).
 */
async function reattachUnfinished(
  transfers: TransferManager,
  peerId: string,
  sources: Parameters<TransferManager['sendFiles']>[1],
): Promise<TransferView[]> {
  const resumed: TransferView[] = [];
  for (const view of transfers.list()) {
    if (view.direction !== 'out' || FINAL_STATUSES.has(view.status)) continue;
    const missing = view.peerId === peerId ? await transfers.reattach(view.id, sources) : -1;
    if (missing === 0) resumed.push(transfers.list().find((v) => v.id === view.id) ?? view);
    else transfers.cancel(view.id);
  }
  return resumed;
}

/**
 * `kopru send`: offers the files to one person and follows the transfer until the receiver has verified
 * every file (exit 0) or it is declined, cancelled or fails (exit 1). Ctrl-C cancels: the other side
 * shows *cancelled*. Killed otherwise (a crash, SIGKILL, a closed terminal), the same command again
 * resumes where the receiver got to (`SendState`).
 */
export async function runSend(
  link: RoomLink,
  paths: readonly string[],
  opts: BaseOptions & { to: string | undefined },
): Promise<ExitCode> {
  const { out } = opts;
  const sources = await sourcesFromPaths(paths);
  const opened = await SendState.open(link.server, link.roomId, paths);
  if (!opened.state) {
    throw new CliError(
      EXIT.usage,
      `another "kopru send" of these files to this room is running (pid ${opened.running})`,
    );
  }
  const state = opened.state;
  const joined = await joinRoom({
    ...opts,
    link,
    tokens: await state.loadTokens(link.roomId),
    transfers: {
      store: state,
      storage: () => new MemoryStorage(),
      hasher: nodeSourceHasher,
      logger: out.logger('transfer'),
    },
  });
  try {
    const transfers = required(joined);
    await transfers.load();
    const peer = await choosePeer(joined.room, {
      name: opts.to,
      flag: '--to',
      out,
      timeoutMs: opts.timeoutMs,
    });
    const total = sources.reduce((sum, s) => sum + s.blob.size, 0);
    let views = await reattachUnfinished(transfers, peer.peerId, sources);
    if (views.length > 0) {
      const done = views.reduce((sum, v) => sum + v.doneBytes, 0);
      out.info(
        `Resuming ${sources.length} file(s), ${formatBytes(total)}, to ${peer.name} (${formatBytes(done)} were already there)…`,
      );
      out.event('resuming', {
        to: peer.name,
        files: sources.length,
        totalBytes: total,
        doneBytes: done,
        transfers: views.map((v) => v.id),
      });
    } else {
      out.info(`Offering ${sources.length} file(s), ${formatBytes(total)}, to ${peer.name}…`);
      views = await transfers.sendFiles(peer.peerId, sources);
      out.event('offered', {
        to: peer.name,
        files: sources.length,
        totalBytes: total,
        transfers: views.map((v) => v.id),
      });
    }
    const progress = new TransferProgress(out);
    const interrupt = onInterrupt(async () => {
      progress.stop();
      for (const view of views) transfers.cancel(view.id);
      out.warn('Cancelled.');
      await sleep(CANCEL_GOODBYE_MS);
      await state.finished();
      return EXIT.failed;
    });
    const absence = absenceWatch(
      opts.timeoutMs,
      out,
      () => peer.name,
      () => {
        out.warn(`${peer.name} did not come back within ${opts.timeoutMs / 1000} s: cancelling.`);
        for (const view of views) transfers.cancel(view.id);
      },
    );
    const latest = new Map(views.map((v) => [v.id, v]));
    const checkPresence = (): void =>
      absence.set(
        [...latest.values()].some(
          (v) => absence.needsPeer(v) && (!v.peerConnected || !joined.room.current.peers.has(peer.peerId)),
        ),
      );
    const offPresence = joined.room.on('state', checkPresence);
    const finals = Promise.all(
      views.map((v) =>
        untilFinal(transfers, v.id, (view) => {
          progress.update(view);
          latest.set(view.id, view);
          checkPresence();
        }),
      ),
    );
    const outcome = await Promise.race([finals, interrupt.promise]);
    offPresence();
    absence.dispose();
    interrupt.dispose();
    progress.stop();
    // Cancelling ends the transfers at once; the cancel itself still needs its time on the wire.
    if (interrupt.fired) return await interrupt.promise;
    if (typeof outcome === 'number') return outcome;
    // An outcome for every transfer: nothing left for a later run to resume.
    await state.finished();
    const failed = outcome.find((v) => v.status !== 'complete');
    if (failed) {
      const why = describeProblem(failed.problem, peer.name);
      out.event(failed.status, { reason: why });
      out.warn(`Not sent: ${why}.`);
      return EXIT.failed;
    }
    out.event('complete', { files: sources.length, totalBytes: total });
    out.info(`Sent ${sources.length} file(s), ${formatBytes(total)}: ${peer.name} verified every one.`);
    // The receiver's last acknowledgement is in; give our own last frames a moment before leaving.
    await sleep(GOODBYE_MS);
    return EXIT.done;
  } finally {
    joined.close();
  }
}

function required(joined: JoinedRoom): TransferManager {
  if (!joined.transfers) throw new Error('file transfer is not set up');
  return joined.transfers;
}

async function writableFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new CliError(
      EXIT.usage,
      `cannot write to "${dir}": ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

async function askAccept(view: TransferView, from: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Accept ${view.files.length} file(s), ${formatBytes(view.totalBytes)}, from ${from}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * `kopru receive`: waits for an offer (from `--from` if given), shows it, accepts it (`--yes`, or asks),
 * streams into `--out` with partial and state files, and moves each verified file into place. Exit 0 when
 * every file is verified and saved. Ctrl-C keeps the partial files and state: the same command again
 * resumes, and meanwhile the sender shows the transfer waiting for the connection.
 */
export async function runReceive(
  link: RoomLink,
  opts: BaseOptions & { dir: string; from: string | undefined; yes: boolean },
): Promise<ExitCode> {
  const { out } = opts;
  await writableFolder(opts.dir);
  const folder = new ReceiveFolder(opts.dir);
  const joined = await joinRoom({
    ...opts,
    link,
    tokens: await folder.loadTokens(link.roomId),
    transfers: {
      store: folder,
      storage: () => new DiskStorage((key) => folder.partPath(key), opts.dir),
      hasher: nodeSourceHasher,
      logger: out.logger('transfer'),
    },
  });
  const progress = new TransferProgress(out);
  try {
    const transfers = required(joined);
    await transfers.load();
    const nameOf = (peerId: string) => joined.room.current.peers.get(peerId)?.name ?? 'the sender';
    const resumed = transfers
      .list()
      .find((v) => v.direction === 'in' && (v.status === 'active' || v.status === 'paused'));
    if (resumed) {
      out.info(
        `Resuming ${resumed.files.length} file(s) from ${nameOf(resumed.peerId)} (${formatBytes(resumed.doneBytes)} already here)…`,
      );
      out.event('resuming', {
        transferId: resumed.id,
        doneBytes: resumed.doneBytes,
        totalBytes: resumed.totalBytes,
      });
    } else {
      out.info(`Waiting for files in ${joined.room.roomId} as ${joined.room.name}…`);
      out.event('waiting', { room: joined.room.roomId, name: joined.room.name });
    }
    const accepted = resumed ?? (await nextOffer(transfers, opts, nameOf));
    if (typeof accepted === 'number') return accepted;
    const interrupt = onInterrupt(async () => {
      progress.stop();
      joined.close();
      out.warn('Stopped. The partial files are kept: run the same command again to resume.');
      return EXIT.failed;
    });
    let giveUp: (code: ExitCode) => void = () => {};
    const gaveUp = new Promise<ExitCode>((resolve) => {
      giveUp = resolve;
    });
    const absence = absenceWatch(
      opts.timeoutMs,
      out,
      () => nameOf(accepted.peerId),
      () => {
        progress.stop();
        out.warn('Gave up waiting. The partial files are kept: run the same command again to resume.');
        giveUp(EXIT.failed);
      },
    );
    let latest = accepted;
    const checkPresence = (): void =>
      absence.set(
        absence.needsPeer(latest) && (!latest.peerConnected || !joined.room.current.peers.has(latest.peerId)),
      );
    const offPresence = joined.room.on('state', checkPresence);
    const final = await Promise.race([
      untilFinal(transfers, accepted.id, (v) => {
        progress.update(v);
        latest = v;
        checkPresence();
      }),
      interrupt.promise,
      gaveUp,
    ]);
    offPresence();
    absence.dispose();
    interrupt.dispose();
    progress.stop();
    if (typeof final === 'number') return final;
    if (final.status !== 'complete') {
      const why = describeProblem(final.problem, nameOf(final.peerId));
      out.event(final.status, { reason: why });
      out.warn(`Not received: ${why}.`);
      return EXIT.failed;
    }
    for (const [index, file] of final.files.entries()) {
      const savedAs = await folder.place(final.id, index);
      out.event('saved', { path: file.path, savedAs, size: file.size });
      out.info(`  ${savedAs} (${formatBytes(file.size)}, SHA-256 verified)`);
    }
    await folder.finished(final.id);
    out.event('complete', { files: final.files.length, totalBytes: final.totalBytes });
    out.info(`Received ${final.files.length} file(s), ${formatBytes(final.totalBytes)}.`);
    await sleep(GOODBYE_MS);
    return EXIT.done;
  } finally {
    progress.stop();
    joined.close();
  }
}

/** Waits for an offer we take: shows it, answers it; resolves with its view, or an exit code. */
function nextOffer(
  transfers: TransferManager,
  opts: { yes: boolean; from: string | undefined; out: Output; timeoutMs: number },
  nameOf: (peerId: string) => string,
): Promise<TransferView | ExitCode> {
  const { out } = opts;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new CliError(EXIT.failed, 'no files were offered before the timeout'));
    }, opts.timeoutMs);
    const off = transfers.on('incoming-offer', ({ transfer }) => {
      const from = nameOf(transfer.peerId);
      if (opts.from !== undefined && from !== opts.from) {
        out.info(`Declined an offer from ${from} (waiting for ${opts.from}).`);
        transfers.decline(transfer.id);
        return;
      }
      clearTimeout(timer);
      off();
      out.info(`${from} offers ${transfer.files.length} file(s), ${formatBytes(transfer.totalBytes)}:`);
      for (const file of transfer.files) out.info(`  ${file.path} (${formatBytes(file.size)})`);
      out.event('offer', {
        from,
        transferId: transfer.id,
        totalBytes: transfer.totalBytes,
        files: transfer.files.map((f) => ({ path: f.path, size: f.size })),
      });
      void (async () => {
        let yes = opts.yes;
        if (!yes && !process.stdin.isTTY) {
          transfers.decline(transfer.id);
          await sleep(GOODBYE_MS); // the decline leaves before the process does
          reject(
            new CliError(EXIT.usage, 'an offer needs an answer: pass --yes to accept without a terminal'),
          );
          return;
        }
        if (!yes) yes = await askAccept(transfer, from);
        if (!yes) {
          transfers.decline(transfer.id);
          out.event('declined', { by: 'self' });
          await sleep(GOODBYE_MS);
          resolve(EXIT.failed);
          return;
        }
        await transfers.accept(transfer.id);
        const latest = transfers.list().find((v) => v.id === transfer.id) ?? transfer;
        if (latest.status === 'declined') {
          // Refused here (not enough space): the refusal leaves before the process does, or the sender
          // would wait for an answer until its timeout.
          const why = describeProblem(latest.problem, from);
          out.event('declined', { reason: why });
          await sleep(GOODBYE_MS);
          reject(new CliError(EXIT.failed, why));
          return;
        }
        resolve(latest);
      })();
    });
  });
}
