// @ts-check
/**
 * `npm run bench:cli [-- --size=256 --runs=3 --memory-size=1024]`: the command-line peer measured.
 *
 * - CLI → CLI: `kopru send` to `kopru receive` (two processes, through the real server on loopback), from
 *   the moment the receiver accepts to the moment it has verified the file; against two bare
 *   node-datachannel peers (bare-peer.mjs, two processes) moving the same bytes; interleaved, medians.
 * - CLI → Chromium (chromium-arms.mjs): `kopru send` to a Chromium person through the real UI, against a
 *   bare node-datachannel sender to a plain RTCPeerConnection in the same page; interleaved, medians
 *   (`--chromium-runs`, default `--runs`; 0 skips them).
 * - Resident memory: a `kopru receive` and a `kopru send` of `--memory-size` MiB (default 1024), peak RSS
 *   above each process's idle RSS (sampled every 50 ms).
 * Every received file is checked against the source's SHA-256 here. Loopback only; all started is stopped.
 */
import { fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiB, makeFile, median, option, startServer } from '../support/setup.mjs';
import { launchPerson, rss } from '../transfer/browsers.mjs';
import { cliToChromium, rawToChromium } from './chromium-arms.mjs';

/** A run that takes longer than this is stuck, not slow (1 GiB at 5 MB/s is under 4 minutes). */
const ARM_TIMEOUT_MS = 600_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'packages/cli/bin/kopru.mjs');
const sizeMiB = option('size', 256);
const runs = option('runs', 3);
const memoryMiB = option('memory-size', 1024, true);
const chromiumRuns = option('chromium-runs', runs, true);
const port = option('port', Number(process.env.KOPRU_BENCH_PORT ?? 18_760));

const sha256File = (/** @type {string} */ file) =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });

/** Runs `kopru …` with --json; calls `onEvent(event, atMs)` per line; resolves with the exit code. */
function kopru(/** @type {string[]} */ args, /** @type {(e: any, at: number) => void} */ onEvent) {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": where the CPU time of each process goes.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args, '--insecure', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) onEvent(JSON.parse(line), performance.now());
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(code) : reject(new Error(`kopru ${args[0]} exited ${code}: ${stderr}`)),
    ),
  );
  return { child, exited };
}

/** Peak RSS of a process above the RSS it had when `idle()` was called. */
function memoryOf(/** @type {number} */ pid) {
  let idle = 0;
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss(pid));
  }, 50);
  return {
    idle: () => {
      idle = rss(pid);
    },
    stop: () => {
      clearInterval(timer);
      return { idle, above: Math.max(0, peak - idle) };
    },
  };
}

async function cliToCli(
  /** @type {{ file: string, sha256: string }} */ source,
  /** @type {number} */ bytes,
  run = 0,
) {
  const out = mkdtempSync(path.join(tmpdir(), 'kopru-bench-cli-'));
  const link = `https://127.0.0.1:${port}/r/bench-cli-${Date.now()}-${run}`;
  let accepted = 0;
  let verified = 0;
  /** @type {ReturnType<typeof memoryOf> | undefined} */ let txMem;
  /** @type {(v: unknown) => void} */ let ready = () => {};
  const waiting = new Promise((resolve) => {
    ready = resolve;
  });
  const rx = kopru(['receive', link, '--out', out, '--yes', '--name', 'Rx'], (e, at) => {
    if (e.event === 'waiting') ready(undefined);
    if (e.event === 'offer') accepted = at;
    if (e.event === 'complete') verified = at;
  });
  const rxMem = memoryOf(rx.child.pid ?? 0);
  await waiting;
  rxMem.idle();
  const tx = kopru(['send', link, source.file, '--to', 'Rx'], (e) => {
    if (e.event === 'offered') txMem?.idle();
  });
  txMem = memoryOf(tx.child.pid ?? 0);
  /** @type {NodeJS.Timeout | undefined} */ let timer;
  const stuck = new Promise((_, reject) => {
    timer = setTimeout(() => {
      tx.child.kill('SIGKILL');
      rx.child.kill('SIGKILL');
      reject(new Error(`CLI → CLI run ${run + 1} did not finish within ${ARM_TIMEOUT_MS / 1000} s`));
    }, ARM_TIMEOUT_MS);
  });
  await Promise.race([Promise.all([tx.exited, rx.exited]), stuck]);
  clearTimeout(timer);
  const ok = (await sha256File(path.join(out, path.basename(source.file)))) === source.sha256;
  rmSync(out, { recursive: true, force: true });
  return { mbps: bytes / 1e6 / ((verified - accepted) / 1000), ok, rx: rxMem.stop(), tx: txMem.stop() };
}

async function bare(/** @type {{ file: string }} */ source, /** @type {number} */ bytes) {
  const peer = (/** @type {string} */ role) =>
    fork(path.join(ROOT, 'bench/cli/bare-peer.mjs'), [role, source.file, String(bytes)], {
      stdio: 'inherit',
    });
  const sender = peer('sender');
  const receiver = peer('receiver');
  sender.on('message', (m) => receiver.send(m));
  let started = 0;
  const done = new Promise((resolve) => {
    receiver.on('message', (/** @type {any} */ m) => {
      if (m.done) resolve(performance.now());
      else sender.send(m);
    });
    sender.on('message', (/** @type {any} */ m) => {
      if (m.started) started = performance.now();
    });
  });
  const end = /** @type {number} */ (await done);
  sender.kill();
  receiver.kill();
  return { mbps: bytes / 1e6 / ((end - started) / 1000) };
}

const work = mkdtempSync(path.join(tmpdir(), 'kopru-bench-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));
const server = await startServer(port, path.join(work, 'data'));
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    server.kill('SIGKILL');
    process.exit(1);
  });
}
try {
  await import(path.join(ROOT, 'packages/cli/build.mjs'));
  const bytes = sizeMiB * MiB;
  const source = makeFile(work, bytes);
  /** @type {number[]} */ const cli = [];
  /** @type {number[]} */ const base = [];
  for (let i = 0; i < runs; i++) {
    const k = await cliToCli(source, bytes, i);
    if (!k.ok) throw new Error('CLI → CLI: the received file does not hash like the source');
    const b = await bare(source, bytes);
    cli.push(k.mbps);
    base.push(b.mbps);
    console.log(
      `run ${i + 1}: kopru CLI→CLI ${k.mbps.toFixed(1)} MB/s, bare node-datachannel ${b.mbps.toFixed(1)} MB/s`,
    );
  }
  console.log(
    `CLI → CLI, ${sizeMiB} MiB, median of ${runs}: kopru ${median(cli).toFixed(1)} MB/s, bare node-datachannel ${median(base).toFixed(1)} MB/s, ratio ${(median(cli) / median(base)).toFixed(2)}`,
  );
  if (chromiumRuns > 0) {
    const web = await launchPerson(`https://127.0.0.1:${port}/r/bench-cli-web-${Date.now()}`, 'Web');
    try {
      const link = web.page.url();
      /** @type {number[]} */ const toWeb = [];
      /** @type {number[]} */ const rawToWeb = [];
      for (let i = 0; i < chromiumRuns; i++) {
        const k = await cliToChromium(
          web.page,
          (args) => kopru(args, () => {}).exited,
          link,
          source,
          bytes,
          i,
        );
        if (!k.ok) throw new Error('CLI → Chromium: the saved file does not hash like the source');
        const r = await rawToChromium(web.page, source.file, bytes);
        toWeb.push(k.mbps);
        rawToWeb.push(r.mbps);
        console.log(
          `run ${i + 1}: kopru CLI→Chromium ${k.mbps.toFixed(1)} MB/s, bare node-datachannel→Chromium ${r.mbps.toFixed(1)} MB/s`,
        );
      }
      console.log(
        `CLI → Chromium, ${sizeMiB} MiB, median of ${chromiumRuns}: kopru ${median(toWeb).toFixed(1)} MB/s, bare node-datachannel→Chromium ${median(rawToWeb).toFixed(1)} MB/s, ratio ${(median(toWeb) / median(rawToWeb)).toFixed(2)}`,
      );
      if (web.problems.length > 0) console.log('Chromium console errors:', web.problems);
    } finally {
      await web.close();
    }
  }
  if (memoryMiB > 0) {
    rmSync(source.file);
    const big = makeFile(work, memoryMiB * MiB);
    const m = await cliToCli(big, memoryMiB * MiB, runs);
    if (!m.ok) throw new Error('memory run: the received file does not hash like the source');
    const f = (/** @type {number} */ b) => `${(b / MiB).toFixed(0)} MiB`;
    console.log(
      `resident memory, ${memoryMiB} MiB at ${m.mbps.toFixed(1)} MB/s: receiver +${f(m.rx.above)} above idle ${f(m.rx.idle)}, sender +${f(m.tx.above)} above idle ${f(m.tx.idle)}`,
    );
  }
} finally {
  server.kill('SIGTERM');
}
