// @ts-check
/**
 * `npm run bench:transfer [-- --size=256 --runs=3]`: moves a generated file between two headless Chromium
 * processes through the real server, interleaving Köprü with a raw DataChannel between the same two pages
 * (the ceiling), and prints MB/s (median), the ratio, the receiving renderer's peak memory above idle, and
 * whether the saved bytes hash to the source's SHA-256. Loopback only; everything started is stopped.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  collectGarbage,
  launchPerson,
  openConversation,
  rendererPids,
  rss,
  sampleMemory,
} from './browsers.mjs';
import { runKopru } from './kopru-arm.mjs';
import { connectRaw, runRaw } from './raw-arm.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 1024 * 1024;

function option(/** @type {string} */ name, /** @type {number} */ fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const sizeMiB = option('size', 256);
const runs = option('runs', 3);
const port = option('port', Number(process.env.KOPRU_BENCH_PORT ?? 18_700));

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Random bytes written in 16 MiB pieces; returns the path and SHA-256. */
function makeFile(/** @type {string} */ dir, /** @type {number} */ bytes) {
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

async function startServer(/** @type {string} */ dataDir) {
  const child = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/main.js')], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
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

const log = (/** @type {string} */ m) => process.env.BENCH_DEBUG && console.error(`[bench] ${m}`);

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-'));
  const source = makeFile(dir, sizeMiB * MiB);
  const server = await startServer(path.join(dir, 'data'));
  log('server up');
  const roomUrl = `https://127.0.0.1:${port}/r/bench${randomBytes(8).toString('hex')}`;
  const sender = await launchPerson(roomUrl, 'Sender');
  const receiver = await launchPerson(roomUrl, 'Receiver');
  try {
    await openConversation(sender.page, 'Receiver');
    await openConversation(receiver.page, 'Sender');
    const pids = await rendererPids(receiver.browser);
    log(`renderers ${pids.join(',')}`);
    await connectRaw(sender.page, receiver.page, source.file);
    log('raw channel open');

    // Warm-up (not counted): opens the peer connection and ticks "Always accept" for the runs.
    const warm = makeFile(dir, 1 * MiB);
    await runKopru(sender.page, receiver.page, warm.file, { acceptManually: true });
    log('warm-up done');

    /**
     * The arms, interleaved within each run so that drift (thermal, page cache) hits both alike. A later
     * "relayed" arm plugs in here: the same Köprü run with both pages forced to relay through a loopback
     * coturn (see e2e/support/coturn-process.ts and forceRelay), compared with a relayed raw channel.
     * @type {{ name: string, run: (onDone: (s: number) => void) => Promise<{ seconds: number, sha256: string }> }[]}
     */
    const arms = [
      { name: 'Köprü', run: (onDone) => runKopru(sender.page, receiver.page, source.file, { onDone }) },
      { name: 'raw DataChannel', run: (onDone) => runRaw(sender.page, receiver.page, onDone) },
    ];
    /** @type {Record<string, { mbps: number[], memory: number[], hashOk: boolean[] }>} */
    const results = Object.fromEntries(arms.map((a) => [a.name, { mbps: [], memory: [], hashOk: [] }]));
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        await collectGarbage(receiver.page);
        const idle = pids.reduce((sum, pid) => sum + rss(pid), 0);
        const sampler = sampleMemory(pids);
        let peak = 0;
        const { seconds, sha256 } = await arm.run(() => {
          peak = sampler.stop();
        });
        const result = results[arm.name];
        if (!result) continue;
        result.mbps.push((sizeMiB * MiB) / 1e6 / seconds);
        result.memory.push((peak - idle) / MiB);
        result.hashOk.push(sha256 === source.sha256);
        console.log(
          `run ${run + 1} ${arm.name.padEnd(16)} ${((sizeMiB * MiB) / 1e6 / seconds).toFixed(1).padStart(6)} MB/s  ` +
            `receiver +${((peak - idle) / MiB).toFixed(0)} MiB  hash ${sha256 === source.sha256 ? 'ok' : 'MISMATCH'}`,
        );
      }
    }

    const kopru = results.Köprü;
    const raw = results['raw DataChannel'];
    console.log(`\n${sizeMiB} MiB, ${runs} runs each, two Chromium processes through the server on loopback`);
    console.log(
      `load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${(loadavg()[0] ?? 0).toFixed(1)} (2 cores)`,
    );
    console.log('| Arm | MB/s (median) | runs | receiver peak above idle (max) | hash |');
    console.log('|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `| ${name} | ${median(r.mbps).toFixed(1)} | ${r.mbps.map((x) => x.toFixed(1)).join(', ')} | +${Math.max(...r.memory).toFixed(0)} MiB | ${r.hashOk.every(Boolean) ? 'matched every run' : 'MISMATCH'} |`,
      );
    }
    if (kopru && raw)
      console.log(`\nratio Köprü / raw: ${(median(kopru.mbps) / median(raw.mbps)).toFixed(2)}`);
    const problems = [...sender.problems, ...receiver.problems];
    if (problems.length > 0) console.log(`\nconsole errors:\n${problems.join('\n')}`);
  } finally {
    await Promise.allSettled([sender.browser.close(), receiver.browser.close()]);
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
