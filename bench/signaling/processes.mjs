// @ts-check
/** Starting, measuring and stopping the processes under test (loopback only, temp dirs, killed at the end). */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN_JS = path.join(ROOT, 'packages/server/dist/main.js');
/** Linux clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`: 100 on Debian amd64). */
const CLOCK_TICKS_PER_SECOND = 100;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @typedef {{ pid: number, url: string, stop: () => Promise<void> }} Target */

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(/** @type {number} */ pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of a process, in bytes. */
export function rssBytes(/** @type {number} */ pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

async function waitFor(/** @type {string} */ url, /** @type {() => boolean} */ dead) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (dead()) throw new Error(`process for ${url} exited`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

/** @param {import('node:child_process').ChildProcess} child */
function stopper(child, /** @type {() => void} */ cleanup = () => {}) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM first (a profile is written on a clean exit), SIGKILL if it does not go within 5 s.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
}

/**
 * A Köprü node from the built bundle, plain HTTP on loopback, logging warnings only (an info line per
 * join would be the benchmark's bottleneck, not the relay).
 * @param {number} port @param {Record<string, string>} env
 * @returns {Promise<Target>}
 */
export async function startKopruNode(port, env) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-'));
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the nodes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      TLS: 'off',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      SESSION_SECRET: 'benchmark-secret-that-is-at-least-32-characters',
      ROOM_CAPACITY: '8',
      MAX_CONNECTIONS_PER_IP: '100000',
      ...env,
    },
    // stdout stays closed (the start banner); BENCH_SERVER_STDOUT=inherit shows it (e.g. with --trace-gc).
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT === 'inherit' ? 'inherit' : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, () => child.exitCode !== null);
  return {
    pid: /** @type {number} */ (child.pid),
    url,
    stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })),
  };
}

/** PeerJS's server in its own process. @returns {Promise<Target>} */
export async function startPeerServer(/** @type {number} */ port) {
  const child = fork(fileURLToPath(new URL('./peerjs-server.mjs', import.meta.url)), [], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', () => reject(new Error('PeerServer exited')));
  });
  return { pid: /** @type {number} */ (child.pid), url: `ws://127.0.0.1:${port}`, stop: stopper(child) };
}

/** Debian's redis-server on a port of its own, no persistence, in a temp dir. */
export async function startRedis(/** @type {number} */ port) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = createClient({ url, socket: { reconnectStrategy: (n) => (n > 50 ? false : 100) } });
  client.on('error', () => {});
  await client.connect();
  /** Calls per command and Redis's own CPU seconds, from INFO. */
  const sample = async () => {
    const stats = await client.sendCommand(['INFO', 'commandstats']);
    const cpu = await client.sendCommand(['INFO', 'cpu']);
    /** @type {Record<string, number>} */
    const calls = {};
    for (const m of String(stats).matchAll(/cmdstat_(\S+?):calls=(\d+)/g)) calls[m[1] ?? ''] = Number(m[2]);
    const seconds = (/** @type {string} */ key) =>
      Number(new RegExp(`${key}:([\\d.]+)`).exec(String(cpu))?.[1]);
    return { calls, cpuMs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000 };
  };
  return {
    pid: /** @type {number} */ (child.pid),
    url,
    sample,
    stop: async () => {
      await client.close().catch(() => {});
      await stopper(child, () => rmSync(dir, { recursive: true, force: true }))();
    },
  };
}
