// @ts-check
/**
 * `npm run bench:transfer [-- --size=256 --runs=3]`: moves a generated file between two headless Chromium
 * processes through the real server, interleaving Köprü with a raw DataChannel between the same two pages
 * (the ceiling), and prints MB/s (median), the ratio, the receiving browser's peak memory above idle (all its processes), and
 * whether the saved bytes hash to the source's SHA-256, and the sending browser's peak memory too.
 * Loopback only; everything started is stopped.
 *
 * Many small files (`--small-files=<count>`, default 2000; 0 leaves them out): a folder of 4–64 KiB files
 * through Köprü against the raw channel sending the same bytes as one stream with a 200-byte header per
 * file (bench/transfer/many-files-arm.mjs); files per second and their ratio.
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
import { makeSmallFiles, runKopruMany, runRawMany } from './many-files-arm.mjs';
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
/**
 * Relayed runs are about half as fast (~18 against ~37 MB/s for a bare channel: docs/benchmarks.md, "The
 * machine's own ceilings"), so by default they move a smaller file.
 */
const relaySizeMiB = option('relay-size', 64, true);
const turnPort = option('turn-port', port + 1);
const smallFiles = option('small-files', 2000, true);
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
  const small = smallFiles > 0 ? makeSmallFiles(dir, smallFiles) : undefined;
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
    /** Every process of the browser that receives or sends in each arm, from before its run. */
    const pidsOf = new Map([
      [receiver.page, await receiver.pids()],
      [sender.page, await sender.pids()],
    ]);
    if (relayedPair) {
      pidsOf.set(relayedPair.receiver.page, await relayedPair.receiver.pids());
      pidsOf.set(relayedPair.sender.page, await relayedPair.sender.pids());
    }
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
     * @typedef {{ seconds: number, ok: boolean }} ArmResult
     * @type {{ name: string, bytes: number, files?: number, sender: import('playwright').Page,
     *   receiver: import('playwright').Page, run: (onDone: (s: number) => void) => Promise<ArmResult> }[]}
     */
    const arms = [
      {
        name: 'Köprü',
        bytes: sizeMiB * MiB,
        sender: sender.page,
        receiver: receiver.page,
        run: async (onDone) => {
          const r = await runKopru(sender.page, receiver.page, source.file, { onDone });
          return { seconds: r.seconds, ok: r.sha256 === source.sha256 };
        },
      },
      {
        name: 'raw DataChannel',
        bytes: sizeMiB * MiB,
        sender: sender.page,
        receiver: receiver.page,
        run: async (onDone) => {
          const r = await runRaw(sender.page, receiver.page, onDone);
          return { seconds: r.seconds, ok: r.sha256 === source.sha256 };
        },
      },
    ];
    if (small) {
      arms.push(
        {
          name: 'Köprü small files',
          bytes: small.bytes,
          files: small.paths.length,
          sender: sender.page,
          receiver: receiver.page,
          run: (onDone) => runKopruMany(sender.page, receiver.page, small, onDone),
        },
        {
          name: 'raw small files',
          bytes: small.bytes,
          files: small.paths.length,
          sender: sender.page,
          receiver: receiver.page,
          run: (onDone) => runRawMany(sender.page, receiver.page, small, onDone),
        },
      );
    }
    if (relayedPair) {
      const bytes = relaySizeMiB * MiB;
      const [from, to] = [relayedPair.sender.page, relayedPair.receiver.page];
      arms.push(
        {
          name: 'Köprü relayed',
          bytes,
          sender: from,
          receiver: to,
          run: async (onDone) => {
            const r = await runKopruRelayed(from, to, relaySource.file, bytes, onDone);
            return { seconds: r.seconds, ok: r.sha256 === relaySource.sha256 };
          },
        },
        {
          name: 'raw relayed',
          bytes,
          sender: from,
          receiver: to,
          run: async (onDone) => {
            const r = await runRawRelayed(from, to, bytes, onDone);
            return { seconds: r.seconds, ok: r.sha256 === relaySource.sha256 };
          },
        },
      );
    }
    /** @type {Record<string, { bytes: number, files?: number, mbps: number[], filesPerSecond: number[], memory: number[], senderMemory: number[], hashOk: boolean[], cpu: ReturnType<ReturnType<typeof startResourceMeter>['stop']>[] }>} */
    const results = Object.fromEntries(
      arms.map((a) => [
        a.name,
        {
          bytes: a.bytes,
          files: a.files,
          mbps: [],
          filesPerSecond: [],
          memory: [],
          senderMemory: [],
          hashOk: [],
          cpu: [],
        },
      ]),
    );
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        await Promise.all([collectGarbage(arm.receiver), collectGarbage(arm.sender)]);
        const pids = pidsOf.get(arm.receiver) ?? [];
        const senderPids = pidsOf.get(arm.sender) ?? [];
        const total = (/** @type {number[]} */ list) => list.reduce((sum, pid) => sum + rss(pid), 0);
        const idle = total(pids);
        const senderIdle = total(senderPids);
        const sampler = sampleMemory(pids);
        const senderSampler = sampleMemory(senderPids);
        const meter = startResourceMeter();
        let peak = 0;
        let senderPeak = 0;
        /** @type {ReturnType<typeof meter.stop> | undefined} */
        let cpu;
        const { seconds, ok } = await arm.run(() => {
          peak = sampler.stop();
          senderPeak = senderSampler.stop();
          cpu = meter.stop();
        });
        const result = results[arm.name];
        if (!result || !cpu) continue;
        const mbps = arm.bytes / 1e6 / seconds;
        result.mbps.push(mbps);
        if (arm.files) result.filesPerSecond.push(arm.files / seconds);
        result.memory.push((peak - idle) / MiB);
        result.senderMemory.push((senderPeak - senderIdle) / MiB);
        result.hashOk.push(ok);
        result.cpu.push(cpu);
        console.log(
          `run ${run + 1} ${arm.name.padEnd(18)} ${mbps.toFixed(1).padStart(6)} MB/s  ` +
            (arm.files ? `${(arm.files / seconds).toFixed(0)} files/s  ` : '') +
            `receiver +${((peak - idle) / MiB).toFixed(0)} MiB  sender +${((senderPeak - senderIdle) / MiB).toFixed(0)} MiB  ` +
            `hash ${ok ? 'ok' : 'MISMATCH'}  ${formatResources(cpu)}`,
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
      '| Arm | MB/s (median) | runs | receiver / sender peak above idle (max) | hash | CPU cores: browsers / coturn / machine (median) | CPU ms per MB, browsers + coturn (median) | UDP dropped (median) |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      const cpu = (/** @type {'browsers' | 'coturn' | 'machine'} */ k) =>
        median(r.cpu.map((c) => c[k])).toFixed(2);
      console.log(
        `| ${name} | ${median(r.mbps).toFixed(1)} | ${r.mbps.map((x) => x.toFixed(1)).join(', ')} | +${Math.max(...r.memory).toFixed(0)} / +${Math.max(...r.senderMemory).toFixed(0)} MiB | ${r.hashOk.every(Boolean) ? 'matched every run' : 'MISMATCH'} | ${cpu('browsers')} / ${cpu('coturn')} / ${cpu('machine')} | ${median(r.cpu.map((c) => c.cpuMs / (r.bytes / 1e6))).toFixed(0)} | ${median(r.cpu.map((c) => c.udpDropPct)).toFixed(2)} % |`,
      );
    }
    if (kopru && raw)
      console.log(`\nratio Köprü / raw: ${(median(kopru.mbps) / median(raw.mbps)).toFixed(2)}`);
    const kopruSmall = results['Köprü small files'];
    const rawSmall = results['raw small files'];
    if (kopruSmall && rawSmall) {
      const [k, r] = [median(kopruSmall.filesPerSecond), median(rawSmall.filesPerSecond)];
      console.log(
        `small files (${smallFiles} of 4–64 KiB): Köprü ${k.toFixed(0)} files/s, raw ${r.toFixed(0)} files/s, ratio ${(k / r).toFixed(2)} (target ≥ 0.8)`,
      );
    }
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
