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
  /** Stops and starts it again on the same port and data directory (same certificate and secret). */
  restart(): Promise<void>;
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

/** Starts the built server (`packages/server/dist/main.js`) on loopback: HTTPS, or HTTP with `TLS: 'off'`. */
export async function startServer(opts: {
  port: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kopru-e2e-'));
  const url = `${opts.env?.TLS === 'off' ? 'http' : 'https'}://127.0.0.1:${opts.port}`;
  let child: ChildProcess | undefined;
  let log = '';

  const launch = async () => {
    log = '';
    child = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/main.js')], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(opts.port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        // Every test browser connects from 127.0.0.1 and the suite's contexts stay open until the run ends:
        // one address stands in for many people here, so its per-address cap is lifted.
        MAX_CONNECTIONS_PER_IP: '1000',
        // Node's fetch in waitForHealthy must accept the self-signed certificate.
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
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
    async restart() {
      await stop();
      await launch();
    },
  };
}
