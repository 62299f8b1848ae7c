import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from '../../packages/server/test/support/stop-child.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after a bound). Idempotent. */
  stop(): Promise<void>;
  /** Kills the server outright (SIGKILL: a crash, no goodbye to anyone) and waits for it to be gone. */
  kill(): Promise<void>;
  /**
   * Stops and starts it again on the same port and data directory (same certificate and secret), with
   * `env` instead of the first start's settings when given.
   */
  restart(env?: Record<string, string>): Promise<void>;
}

async function waitForHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

/** Resolves once the server has printed the lines it prints when listening (`Köprü is running`). */
function waitForListening(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    // Each chunk the server prints is a chance it is listening now: checked on the event, not on a clock.
    const check = (): void => {
      if (output().includes('Köprü is running')) done();
    };
    const exited = (code: number | null): void => done(new Error(`server exited with ${code}:\n${output()}`));
    const timer = setTimeout(() => done(new Error(`server did not start:\n${output()}`)), 20_000);
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', exited);
    if (child.exitCode !== null) exited(child.exitCode);
    else check();
  });
}

/**
 * Starts the built server (`packages/server/dist/main.js`) on loopback: HTTPS, or HTTP with `TLS: 'off'`;
 * or inside a network namespace of the network lab (`lab`), on its address there.
 */
export async function startServer(opts: {
  port: number;
  env?: Record<string, string>;
  lab?: { netns: string; host: string };
}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kopru-e2e-'));
  const host = opts.lab?.host ?? '127.0.0.1';
  const url = `${opts.env?.TLS === 'off' ? 'http' : 'https'}://${host}:${opts.port}`;
  let child: ChildProcess | undefined;
  let log = '';
  let env = opts.env;

  const launch = async () => {
    log = '';
    const main = [process.execPath, path.join(ROOT, 'packages/server/dist/main.js')];
    const [command = '', ...args] = opts.lab ? ['ip', 'netns', 'exec', opts.lab.netns, ...main] : main;
    child = spawn(command, args, {
      env: {
        ...process.env,
        HOST: host,
        PORT: String(opts.port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        // Every test browser connects from 127.0.0.1 and the suite's contexts stay open until the run ends:
        // one address stands in for many people here, so its per-address cap is lifted.
        MAX_CONNECTIONS_PER_IP: '1000',
        // Node's fetch in waitForHealthy must accept the self-signed certificate.
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    if (opts.lab) {
      // The test runner cannot reach into a lab namespace to ask /healthz.
      await waitForListening(child, () => log);
      return;
    }
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await waitForHealthy(url, child, () => log);
    } finally {
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
    }
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (running) await stopChild(running, 'SIGTERM');
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (running) await stopChild(running, 'SIGKILL');
  };

  await launch();
  return {
    url,
    port: opts.port,
    stop,
    kill,
    async restart(next) {
      await stop();
      if (next) env = next;
      await launch();
    },
  };
}
