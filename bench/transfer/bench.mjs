// @ts-check
/**
 * `npm run bench:transfer [-- --size=256 --runs=3]`: moves a generated file between two headless Chromium
 * processes through the real server, interleaving Köprü with a raw DataChannel between the same two pages
 * (the ceiling), and prints MB/s (median), the ratio, the receiving browser's peak memory above idle (all its processes), and
 * whether the saved bytes hash to the source's SHA-256. Loopback only; everything started is stopped.
 *
 * Relayed arms (`--relay-size=<MiB>`, default 64; 0 leaves them out): through coturn on loopback, started
 * and stopped here (ports: `--turn-port`, `KOPRU_BENCH_RELAY_PORTS=min-max`), between a second pair of
 * pages in the same two browser processes with Köprü's Relay-only mode on, and a relay-only raw
 * DataChannel between them (bench/transfer/relay-arm.mjs); interleaved with the direct arms. Every arm
 * also reports the CPU used by the browsers and coturn, by the whole machine, and the UDP datagrams the
 * machine dropped (bench/transfer/resources.mjs).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { MiB, makeFile, median, option, startServer } from '../support/setup.mjs';
import { collectGarbage, launchPerson, openConversation, rss, sampleMemory } from './browsers.mjs';
import { runKopru } from './kopru-arm.mjs';
import { connectRaw, runRaw } from './raw-arm.mjs';
import {
  connectRawRelayed,
  openRelayedPair,
  runKopruRelayed,
  runRawRelayed,
  startRelay,
} from './relay-arm.mjs';
import { formatResources, startResourceMeter } from './resources.mjs';

const sizeMiB = option('size', 256);
const runs = option('runs', 3);
const port = option('port', Number(process.env.KOPRU_BENCH_PORT ?? 18_700));
/** Relayed runs are about half as fast (MEASURED.md), so by default they move a smaller file. */
const relaySizeMiB = option('relay-size', 64, true);
const turnPort = option('turn-port', port + 1);
const [minRelayPort = 0, maxRelayPort = 0] = (
  process.env.KOPRU_BENCH_RELAY_PORTS ?? `${port + 30_000}-${port + 30_099}`
)
  .split('-')
  .map(Number);

const log = (/** @type {string} */ m) => process.env.BENCH_DEBUG && console.error(`[bench] ${m}`);

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-bench-'));
  const source = makeFile(dir, sizeMiB * MiB);
  const relayed = relaySizeMiB > 0;
  const relaySource = relayed && relaySizeMiB !== sizeMiB ? makeFile(dir, relaySizeMiB * MiB) : source;
  const turn = relayed ? await startRelay({ port: turnPort, minRelayPort, maxRelayPort }) : undefined;
  // UDP only: the relayed arms measure the path ICE prefers (a TCP relay candidate ranks below it).
  const server = await startServer(
    port,
    path.join(dir, 'data'),
    turn ? { TURN_URLS: turn.udpUrl, TURN_SECRET: turn.secret } : {},
  );
  log('server up');
  const roomUrl = `https://127.0.0.1:${port}/r/bench${randomBytes(8).toString('hex')}`;
  /** @type {Awaited<ReturnType<typeof launchPerson>>[]} */
  const relayPeople = [];
  const sender = await launchPerson(roomUrl, 'Sender');
  const receiver = await launchPerson(roomUrl, 'Receiver');
  /** @type {Awaited<ReturnType<typeof openRelayedPair>> | undefined} */
  let relayedPair;
  try {
    await openConversation(sender.page, 'Receiver');
    await openConversation(receiver.page, 'Sender');
    // The relayed pair in browser processes of their own (Relay-only is remembered per profile, and their
    // memory is measured apart from the direct pair's).
    if (turn) {
      relayedPair = await openRelayedPair(`https://127.0.0.1:${port}`, (person) => relayPeople.push(person));
    }
    /** Every process of the browser that receives in each arm, from before its run. */
    const pidsOf = new Map([[receiver.page, await receiver.pids()]]);
    if (relayedPair) pidsOf.set(relayedPair.receiver.page, await relayedPair.receiver.pids());
    log(`receiver processes ${[...pidsOf.values()].map((pids) => pids.join(',')).join(' / ')}`);
    await connectRaw(sender.page, receiver.page, source.file);
    log('raw channel open');
    if (turn && relayedPair) {
      await connectRawRelayed(relayedPair.sender.page, relayedPair.receiver.page, relaySource.file, {
        url: turn.udpUrl,
        secret: turn.secret,
      });
      log('relayed raw channel open');
    }

    // Warm-up (not counted): opens the peer connection and ticks "Always accept" for the runs.
    const warm = makeFile(dir, 1 * MiB);
    await runKopru(sender.page, receiver.page, warm.file, { acceptManually: true });
    if (relayedPair) {
      await runKopru(relayedPair.sender.page, relayedPair.receiver.page, warm.file, { acceptManually: true });
    }
    log('warm-up done');

    /**
     * The arms, interleaved within each run so that drift (thermal, page cache, other people's load) hits
     * them alike.
     * @typedef {{ seconds: number, sha256: string }} ArmResult
     * @type {{ name: string, file: { sha256: string }, bytes: number, receiver: import('playwright').Page,
     *   run: (onDone: (s: number) => void) => Promise<ArmResult> }[]}
     */
    const arms = [
      {
        name: 'Köprü',
        file: source,
        bytes: sizeMiB * MiB,
        receiver: receiver.page,
        run: (onDone) => runKopru(sender.page, receiver.page, source.file, { onDone }),
      },
      {
        name: 'raw DataChannel',
        file: source,
        bytes: sizeMiB * MiB,
        receiver: receiver.page,
        run: (onDone) => runRaw(sender.page, receiver.page, onDone),
      },
    ];
    if (relayedPair) {
      const bytes = relaySizeMiB * MiB;
      const [from, to] = [relayedPair.sender.page, relayedPair.receiver.page];
      arms.push(
        {
          name: 'Köprü relayed',
          file: relaySource,
          bytes,
          receiver: to,
          run: (onDone) => runKopruRelayed(from, to, relaySource.file, bytes, onDone),
        },
        {
          name: 'raw relayed',
          file: relaySource,
          bytes,
          receiver: to,
          run: (onDone) => runRawRelayed(from, to, bytes, onDone),
        },
      );
    }
    /** @type {Record<string, { bytes: number, mbps: number[], memory: number[], hashOk: boolean[], cpu: ReturnType<ReturnType<typeof startResourceMeter>['stop']>[] }>} */
    const results = Object.fromEntries(
      arms.map((a) => [a.name, { bytes: a.bytes, mbps: [], memory: [], hashOk: [], cpu: [] }]),
    );
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        await collectGarbage(arm.receiver);
        const pids = pidsOf.get(arm.receiver) ?? [];
        const idle = pids.reduce((sum, pid) => sum + rss(pid), 0);
        const sampler = sampleMemory(pids);
        const meter = startResourceMeter();
        let peak = 0;
        /** @type {ReturnType<typeof meter.stop> | undefined} */
        let cpu;
        const { seconds, sha256 } = await arm.run(() => {
          peak = sampler.stop();
          cpu = meter.stop();
        });
        const result = results[arm.name];
        if (!result || !cpu) continue;
        const mbps = arm.bytes / 1e6 / seconds;
        result.mbps.push(mbps);
        result.memory.push((peak - idle) / MiB);
        result.hashOk.push(sha256 === arm.file.sha256);
        result.cpu.push(cpu);
        console.log(
          `run ${run + 1} ${arm.name.padEnd(16)} ${mbps.toFixed(1).padStart(6)} MB/s  ` +
            `receiver +${((peak - idle) / MiB).toFixed(0)} MiB  hash ${sha256 === arm.file.sha256 ? 'ok' : 'MISMATCH'}  ` +
            formatResources(cpu),
        );
      }
    }

    const kopru = results.Köprü;
    const raw = results['raw DataChannel'];
    console.log(`\n${sizeMiB} MiB, ${runs} runs each, two Chromium processes through the server on loopback`);
    if (turn) console.log(`relayed arms: ${relaySizeMiB} MiB through coturn on 127.0.0.1:${turnPort} (UDP)`);
    console.log(
      `load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${(loadavg()[0] ?? 0).toFixed(1)} (2 cores)`,
    );
    console.log(
      '| Arm | MB/s (median) | runs | receiver peak above idle (max) | hash | CPU cores: browsers / coturn / machine (median) | CPU ms per MB, browsers + coturn (median) | UDP dropped (median) |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      const cpu = (/** @type {'browsers' | 'coturn' | 'machine'} */ k) =>
        median(r.cpu.map((c) => c[k])).toFixed(2);
      console.log(
        `| ${name} | ${median(r.mbps).toFixed(1)} | ${r.mbps.map((x) => x.toFixed(1)).join(', ')} | +${Math.max(...r.memory).toFixed(0)} MiB | ${r.hashOk.every(Boolean) ? 'matched every run' : 'MISMATCH'} | ${cpu('browsers')} / ${cpu('coturn')} / ${cpu('machine')} | ${median(r.cpu.map((c) => c.cpuMs / (r.bytes / 1e6))).toFixed(0)} | ${median(r.cpu.map((c) => c.udpDropPct)).toFixed(2)} % |`,
      );
    }
    if (kopru && raw)
      console.log(`\nratio Köprü / raw: ${(median(kopru.mbps) / median(raw.mbps)).toFixed(2)}`);
    const kopruRelayed = results['Köprü relayed'];
    const rawRelayed = results['raw relayed'];
    if (kopru && raw && kopruRelayed && rawRelayed) {
      const ratio = (/** @type {{ mbps: number[] }} */ a, /** @type {{ mbps: number[] }} */ b) =>
        (median(a.mbps) / median(b.mbps)).toFixed(2);
      console.log(`ratio Köprü relayed / Köprü direct: ${ratio(kopruRelayed, kopru)} (target ≥ 0.8)`);
      console.log(`ratio raw relayed / raw direct: ${ratio(rawRelayed, raw)}`);
      console.log(`ratio Köprü relayed / raw relayed: ${ratio(kopruRelayed, rawRelayed)}`);
    }
    const problems = [
      ...sender.problems,
      ...receiver.problems,
      ...(relayedPair?.sender.problems ?? []),
      ...(relayedPair?.receiver.problems ?? []),
    ];
    if (problems.length > 0) console.log(`\nconsole errors:\n${problems.join('\n')}`);
  } finally {
    await Promise.allSettled([sender.close(), receiver.close(), ...relayPeople.map((p) => p.close())]);
    server.kill('SIGTERM');
    await turn?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
