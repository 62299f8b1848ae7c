import { createInterface } from 'node:readline/promises';
import type { RoomClient } from '@kopru/client';
import type { PeerInfo } from '@kopru/protocol';
import { CliError, EXIT, usageError } from './errors.js';
import type { Output } from './output.js';

const others = (room: RoomClient): PeerInfo[] => [...room.current.peers.values()];

const listNames = (peers: readonly PeerInfo[]): string => peers.map((p) => `"${p.name}"`).join(', ');

/**
 * Whom to talk to: the person called `name` (waiting for them to join), else the only other person, else
 * (several) a choice in the terminal, or without one an error that lists the names for `--to`.
 * Gives up after `timeoutMs` (exit 1) when nobody comes.
 */
export async function choosePeer(
  room: RoomClient,
  opts: { name: string | undefined; flag: string; out: Output; timeoutMs: number },
): Promise<PeerInfo> {
  const { name, out } = opts;
  const match = (): PeerInfo | PeerInfo[] | undefined => {
    const peers = others(room);
    if (name !== undefined) {
      const named = peers.filter((p) => p.name === name);
      if (named.length === 0) return undefined;
      return named.length === 1 ? named[0] : named;
    }
    if (peers.length === 0) return undefined;
    return peers.length === 1 ? peers[0] : peers;
  };
  let found = match();
  if (found === undefined) {
    out.info(name ? `Waiting for "${name}" to join ${room.roomId}…` : `Waiting for someone to join…`);
    out.event('waiting', { for: name ?? null });
    found = await new Promise<PeerInfo | PeerInfo[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new CliError(EXIT.failed, `nobody${name ? ` called "${name}"` : ''} joined in time`));
      }, opts.timeoutMs);
      const off = room.on('state', () => {
        const now = match();
        if (now === undefined) return;
        clearTimeout(timer);
        off();
        resolve(now);
      });
    });
  }
  if (!Array.isArray(found)) return found;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw usageError(
      name
        ? `several people are called "${name}"`
        : `several people are here (${listNames(found)}): choose one with ${opts.flag} NAME`,
    );
  }
  return askWhich(found);
}

async function askWhich(peers: readonly PeerInfo[]): Promise<PeerInfo> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(
      `Several people are here:\n${peers.map((p, i) => `  ${i + 1}. ${p.name}\n`).join('')}`,
    );
    for (;;) {
      const answer = (await rl.question(`Which one (1-${peers.length})? `)).trim();
      const chosen = peers[Number(answer) - 1] ?? peers.find((p) => p.name === answer);
      if (chosen) return chosen;
    }
  } finally {
    rl.close();
  }
}
