import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const mainJs = path.join(serverDir, 'dist', 'main.js');
/**
 * A healthy start takes well under a second (Redis adds a few ms); on a machine shared with browser
 * suites, loading the bundle alone was seen taking over 10 s, hence the generous bound.
 */
const START_TIMEOUT_MS = 30_000;

/** Shared by every node of a test, as several nodes must share it in production. */
export const CLUSTER_SECRET = 'cluster-test-secret-that-is-at-least-32-characters';

export interface NodeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

/** Builds dist/main.js when a test file runs on its own (the test command builds first). */
export function ensureBuilt(): void {
  if (!existsSync(mainJs))
    execFileSync(process.execPath, ['build.mjs'], { cwd: serverDir, stdio: 'inherit' });
}

const running = new Set<NodeProcess>();
const dirs: string[] = [];

/** SIGKILLs every node still running and removes their data directories (call in afterEach). */
export async function stopAllNodes(): Promise<void> {
  for (const node of running) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await node.exited;
  }
  running.clear();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

async function waitUntilListening(node: NodeProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (node.child.exitCode !== null) throw new Error(`node exited: ${node.output()}`);
    try {
      if ((await fetch(`${node.url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`node not ready after ${START_TIMEOUT_MS} ms: ${node.output()}`);
}

/** Starts `node dist/main.js` (TLS off, loopback, the shared secret) and waits until /readyz says ready. */
export async function startNode(port: number, env: Record<string, string> = {}): Promise<NodeProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kopru-node-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, [mainJs], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      TLS: 'off',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      SESSION_SECRET: CLUSTER_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const node: NodeProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    output: () => log,
    kill: (signal) => child.kill(signal),
  };
  running.add(node);
  await waitUntilListening(node);
  return node;
}

/** Polls `check` until it holds (a node's readiness is state, not an event a test can subscribe to). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const readyStatus = async (node: NodeProcess): Promise<number> =>
  (await fetch(`${node.url}/readyz`).catch(() => undefined))?.status ?? 0;
