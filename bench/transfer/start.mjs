// @ts-check
/**
 * `npm run bench:transfer-start [-- --runs=20 --size=32]`: how the first seconds of a transfer go on a
 * fresh connection, where a burst of lost packets once stalled Köprü for ~24 s (docs/benchmarks.md, "The
 * start-of-transfer stall"). Each run launches two new Chromium processes, lets them meet through the real
 * server (TURN configured, as in the e2e tests) and sends a generated file at once; interleaved with it, a
 * raw DataChannel on a connection just as fresh between two more new browsers (the baseline). The
 * receiving page samples its channels' `bytesReceived` (getStats) every `SAMPLE_MS`; the longest time
 * between two samples that saw bytes arrive, first byte to last, is the run's longest gap. Prints every
 * run, then per arm: median seconds, median and worst gap, and how many runs had a gap of `STALL_S` or more.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { MiB, makeFile, median, option, startServer } from '../support/setup.mjs';
import { launchPerson, openConversation } from './browsers.mjs';
import { runKopru } from './kopru-arm.mjs';
import { connectRaw, runRaw } from './raw-arm.mjs';
import { startRelay } from './relay-arm.mjs';

/** getStats every 250 ms: a 24 s stall is unmistakable and a normal run's rhythm (acks every 500 ms) shows. */
const SAMPLE_MS = 250;
/** A gap this long is a stall: a lost burst that SCTP recovers normally costs one or two timeouts (≤ 2 s). */
const STALL_S = 5;

const runs = option('runs', 20);
const sizeMiB = option('size', 32);
const port = option('port', Number(process.env.KOPRU_BENCH_PORT ?? 18_760));
const turnPort = option('turn-port', port + 1);

/** Init script: samples every data channel's `bytesReceived` of every connection the page makes. */
function sampleChannels(/** @type {number} */ sampleMs) {
  const Native = window.RTCPeerConnection;
  /** @type {RTCPeerConnection[]} */
  const connections = [];
  /** @type {Record<string, [number, number][]>} */
  const series = {};
  /** @type {any} */ (window).__channelSeries = series;
  window.RTCPeerConnection = class extends Native {
    /** @param {RTCConfiguration} [config] */
    constructor(config) {
      super(config);
      connections.push(this);
    }
  };
  setInterval(async () => {
    for (const pc of connections) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type !== 'data-channel' || !s.label) return;
        const samples = series[s.label] ?? [];
        samples.push([performance.now(), s.bytesReceived ?? 0]);
        series[s.label] = samples;
      });
    }
  }, sampleMs);
}

/**
 * The longest time (s) between two samples in which bytes arrived, from the first byte to the last.
 * @param {import('playwright').Page} page
 * @param {string} label
 */
async function longestGap(page, label) {
  const samples = /** @type {[number, number][]} */ (
    await page.evaluate((l) => /** @type {any} */ (window).__channelSeries[l] ?? [], label)
  );
  let gap = 0;
  let lastGrowth;
  let lastBytes = 0;
  for (const [at, bytes] of samples) {
    if (bytes === lastBytes) continue;
    if (lastGrowth !== undefined) gap = Math.max(gap, at - lastGrowth);
    lastGrowth = at;
    lastBytes = bytes;
  }
  return gap / 1000;
}

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-start-'));
  const source = makeFile(dir, sizeMiB * MiB);
  const turn = await startRelay({ port: turnPort, minRelayPort: port + 30_000, maxRelayPort: port + 30_099 });
  const server = await startServer(port, path.join(dir, 'data'), {
    TURN_URLS: turn.urls.join(','),
    TURN_SECRET: turn.secret,
  });
  const init = { content: `(${sampleChannels.toString()})(${SAMPLE_MS});` };
  /** Two people in new browsers, in a room of their own. */
  const meet = async () => {
    const url = `https://127.0.0.1:${port}/r/start${randomBytes(8).toString('hex')}`;
    const people = await Promise.all([
      launchPerson(url, 'Sender', { initScript: /** @type {any} */ (init) }),
      launchPerson(url, 'Receiver', { initScript: /** @type {any} */ (init) }),
    ]);
    return { sender: people[0], receiver: people[1] };
  };
  /** @type {Record<string, { seconds: number[], gaps: number[], hashOk: boolean[] }>} */
  const results = {
    Köprü: { seconds: [], gaps: [], hashOk: [] },
    'raw DataChannel': { seconds: [], gaps: [], hashOk: [] },
  };
  const arms = [
    {
      name: 'Köprü',
      label: 'file',
      /** From the click on "Send files" (offer and accept included) to the receiver's verified file. */
      async run(/** @type {Awaited<ReturnType<typeof meet>>} */ { sender, receiver }) {
        await openConversation(sender.page, 'Receiver');
        await openConversation(receiver.page, 'Sender');
        return runKopru(sender.page, receiver.page, source.file, { acceptManually: true });
      },
    },
    {
      name: 'raw DataChannel',
      label: 'bench-raw',
      /** From the first send to the last byte received, on a channel that has just opened. */
      async run(/** @type {Awaited<ReturnType<typeof meet>>} */ { sender, receiver }) {
        await connectRaw(sender.page, receiver.page, source.file);
        return runRaw(sender.page, receiver.page);
      },
    },
  ];
  try {
    for (let run = 0; run < runs; run++) {
      for (const arm of run % 2 === 0 ? arms : [...arms].reverse()) {
        const pair = await meet();
        try {
          const { seconds, sha256 } = await arm.run(pair);
          const gap = await longestGap(pair.receiver.page, arm.label);
          const result = results[arm.name];
          result?.seconds.push(seconds);
          result?.gaps.push(gap);
          result?.hashOk.push(sha256 === source.sha256);
          console.log(
            `run ${run + 1} ${arm.name.padEnd(16)} ${seconds.toFixed(1).padStart(5)} s  longest gap ${gap.toFixed(2)} s  hash ${sha256 === source.sha256 ? 'ok' : 'MISMATCH'}`,
          );
        } finally {
          await Promise.allSettled([pair.sender.close(), pair.receiver.close()]);
        }
      }
    }
    console.log(
      `\n${sizeMiB} MiB on a fresh connection each run, ${runs} runs per arm, new Chromium processes every run`,
    );
    console.log(
      `load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${(loadavg()[0] ?? 0).toFixed(1)} (2 cores)`,
    );
    console.log(
      `| Arm | seconds (median) | longest gap (median) | worst gap | runs with a gap ≥ ${STALL_S} s | hash |`,
    );
    console.log('|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `| ${name} | ${median(r.seconds).toFixed(1)} | ${median(r.gaps).toFixed(2)} s | ${Math.max(...r.gaps).toFixed(2)} s | ${r.gaps.filter((g) => g >= STALL_S).length} of ${r.gaps.length} | ${r.hashOk.every(Boolean) ? 'matched every run' : 'MISMATCH'} |`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    await turn.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
