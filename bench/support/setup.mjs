// @ts-check
/** What the browser benchmarks share: command-line options, the server, generated files, medians. */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MiB = 1024 * 1024;

/** A numeric `--name=value` option of the command line. */
export function option(/** @type {string} */ name, /** @type {number} */ fallback, allowZero = false) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`--${name} must be a positive number`);
  }
  return value;
}

export const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Random bytes written in 16 MiB pieces; returns the path and SHA-256. */
export function makeFile(/** @type {string} */ dir, /** @type {number} */ bytes) {
  const file = path.join(dir, `bench-${bytes}.bin`);
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  for (let left = bytes; left > 0; ) {
    const piece = randomBytes(Math.min(16 * MiB, left));
    hash.update(piece);
    writeSync(fd, piece);
    left -= piece.byteLength;
  }
  closeSync(fd);
  return { file, sha256: hash.digest('hex') };
}

/**
 * The built server on 127.0.0.1:`port`, resolved once it answers `/healthz`.
 * @param {number} port
 * @param {string} dataDir
 * @param {Record<string, string>} [env] e.g. TURN_URLS and TURN_SECRET
 */
export async function startServer(port, dataDir, env = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/main.js')], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Piped, not inherited: a crashed bench must not leave the server holding our stdout open.
  child.stdout?.on('data', (d) => process.stderr.write(d));
  child.stderr?.on('data', (d) => process.stderr.write(d));
  process.once('exit', () => child.kill('SIGKILL'));
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`https://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}
