import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from './stop-child.js';

/** redis-server answers PING within a few ms of starting; this bounds a broken start. */
const START_TIMEOUT_MS = 10_000;

export interface RedisProcess {
  url: string;
  port: number;
  /** Kills it (SIGKILL: an outage, not a clean stop) and waits for the exit. Idempotent. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted, as after a crash without persistence). No-op while running. */
  start(): Promise<void>;
  /** Kills it and removes its directory. */
  close(): Promise<void>;
}

/** A free loopback port, found by letting the kernel pick one. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves once something answers a Redis PING on the port. */
async function pingUntilUp(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${output()}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('error', () => resolve(false));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
    if (answered) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on ${port}: ${output()}`);
}

/**
 * Starts Debian's `redis-server` on a loopback port of its own, in a temporary directory, without
 * persistence: never a system service someone started by hand.
 */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  const dir = await mkdtemp(path.join(tmpdir(), 'kopru-redis-'));
  let child: ChildProcess | undefined;
  let log = '';

  const isRunning = (): boolean =>
    child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async (): Promise<void> => {
    if (isRunning()) return;
    log = '';
    const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const started = spawn('redis-server', [...args, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    started.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    await pingUntilUp(chosen, started, () => log);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await stopChild(running, 'SIGKILL');
  };

  await start();
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    kill,
    start,
    async close() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
