import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const mainJs = path.join(serverDir, 'dist', 'main.js');
/** A start-up failure is immediate; a healthy start takes well under a second. */
const PROCESS_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

beforeAll(() => {
  // The test command builds the server first; this covers running this file on its own.
  if (!existsSync(mainJs))
    execFileSync(process.execPath, ['build.mjs'], { cwd: serverDir, stdio: 'inherit' });
});

afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/main.js` with only `env` (plus PATH) set, in a fresh temporary DATA_DIR. */
async function startMain(env: Record<string, string>): Promise<Started> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kopru-main-'));
  tempDirs.push(dataDir);
  const child = spawn(process.execPath, [mainJs], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${PROCESS_TIMEOUT_MS} ms`)),
      PROCESS_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits for the pino line announcing the port the server listens on. */
function listeningPort(started: Started): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      const check = (): void => {
        // Only complete lines: the last piece may be half of one.
        for (const line of started.stdout().split('\n').slice(0, -1)) {
          if (!line.startsWith('{')) continue;
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'Köprü is listening' && typeof entry.port === 'number') {
            resolve(entry.port);
            return;
          }
        }
      };
      started.child.stdout?.on('data', check);
      check();
      started.exited.then((code) => reject(new Error(`exited with ${code}: ${started.stderr()}`)));
    }),
    'start-up',
  );
}

describe('node dist/main.js', () => {
  it('exits non-zero and names PORT when PORT=abc', async () => {
    const started = await startMain({ PORT: 'abc' });

    expect(await withTimeout(started.exited, 'exit')).not.toBe(0);
    expect(started.stderr()).toContain('PORT');
    expect(started.stderr()).toContain('"abc"');
  });

  it('exits non-zero and names TLS_CERT when the certificate files do not exist', async () => {
    const started = await startMain({ TLS_CERT: '/nonexistent', TLS_KEY: '/nonexistent' });

    expect(await withTimeout(started.exited, 'exit')).not.toBe(0);
    expect(started.stderr()).toContain('TLS_CERT');
    expect(started.stderr()).toContain('/nonexistent');
  });

  it('starts with TLS off, serves health and new rooms, and exits 0 on SIGTERM', async () => {
    const started = await startMain({ TLS: 'off', HOST: '127.0.0.1', PORT: '0' });
    const port = await listeningPort(started);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    const home = await fetch(`http://127.0.0.1:${port}/new`, { redirect: 'manual' });
    started.child.kill('SIGTERM');

    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toMatch(/^\/r\/[A-Za-z0-9_-]{16}#new$/);
    expect(await withTimeout(started.exited, 'shutdown')).toBe(0);
    expect(started.stdout()).toContain(`http://localhost:${port}/`);
    expect(started.stderr()).toBe('');
  });
});
