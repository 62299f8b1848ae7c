#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:signaling`: how many clients a Köprü node holds and how fast it relays, against PeerJS's
 * server doing the equivalent relay, on this machine, in one run. Scenarios: one node; two nodes on Redis;
 * PeerServer. Simulated clients (socket.io / WebSocket clients in worker processes) join rooms of 8,
 * relay offer/answer/candidate-sized signals at a fixed total rate for a fixed time, and leave. Loopback
 * only, bounded in count and time. Options: --help.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs, freePort, rssBytes, startKopruNode, startPeerServer, startRedis } from './processes.mjs';

const { values: opts } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '15' },
    'join-rate': { type: 'string', default: '500' },
    'room-size': { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    'load-nice': { type: 'string', default: '0' },
    scenarios: { type: 'string', default: 'one-node,two-nodes,peerjs' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  process.stdout.write(`npm run bench:signaling -- [options]
  --clients N      simulated clients held at once (default 10000)
  --rate R[,R2…]   relays per second, all clients together (default 2000); a list runs one steady
                   phase per rate on the same clients (e.g. 2000,4000,8000 to find the ceiling)
  --duration S     seconds of relaying at that rate (default 15)
  --join-rate J    joins per second while ramping up (default 500)
  --room-size K    clients per room (default 8)
  --workers W      load-generator processes (default 2)
  --load-nice N    run the load generators at this nice level (default 0): with 10, the server under
                   test gets a CPU first, as if its clients were on other machines
  --scenarios L    comma list of one-node, two-nodes, peerjs (default all three)
  --json FILE      also write the results as JSON
`);
  process.exit(0);
}
const CLIENTS = Number(opts.clients);
/** One steady phase per rate, after one ramp-up (a list finds where latency gives: the ceiling). */
const RATES = String(opts.rate).split(',').map(Number);
const DURATION_MS = Number(opts.duration) * 1000;
const JOIN_RATE = Number(opts['join-rate']);
const ROOM_SIZE = Number(opts['room-size']);
const WORKERS = Number(opts.workers);
const LOAD_NICE = Number(opts['load-nice']);
/** Relays still in flight this long after the last send are counted as lost. */
const DRAIN_MS = 3_000;
/** The whole run stops by itself after this, whatever happens (bounded in time). */
const HARD_LIMIT_MS = 20 * 60_000;
setTimeout(() => {
  process.stderr.write('benchmark exceeded its time bound; stopping\n');
  process.exit(2);
}, HARD_LIMIT_MS).unref();

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * Clients in rooms of ROOM_SIZE; a room lives in one worker (so one clock times each relay) and its members
 * alternate between the target URLs (with two nodes, half of a room's relays cross nodes).
 * @param {string[]} urls
 */
function plan(urls) {
  /** @type {{ id: number, room: string, url: string, xff: string }[][]} */
  const perWorker = Array.from({ length: WORKERS }, () => []);
  for (let id = 0; id < CLIENTS; id++) {
    const room = Math.floor(id / ROOM_SIZE);
    perWorker[room % WORKERS]?.push({
      id,
      room: `bench-room-${String(room).padStart(6, '0')}`,
      url: /** @type {string} */ (urls[id % urls.length]),
      // 198.18.0.0/15: reserved for benchmarks (RFC 2544); only ever a header value here, never an address.
      xff: `198.18.${Math.floor(id / 250) % 256}.${(id % 250) + 1}`,
    });
  }
  return perWorker;
}

/** Sends a message to every worker and collects one reply of `type` from each. */
async function all(
  /** @type {import('node:child_process').ChildProcess[]} */ workers,
  msg,
  /** @type {string} */ type,
) {
  return Promise.all(
    workers.map(
      (w, i) =>
        new Promise((resolve) => {
          const onMessage = (/** @type {any} */ reply) => {
            if (reply.type !== type) return;
            w.off('message', onMessage);
            resolve(reply);
          };
          w.on('message', onMessage);
          w.send(typeof msg === 'function' ? msg(i) : msg);
        }),
    ),
  );
}

/**
 * A Köprü node's event-loop delay since the last call (p99 and max, ms), from its `/metrics`.
 * @param {string} url
 */
async function eventLoopDelay(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (/** @type {string} */ name) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  return {
    p99Ms: gauge('nodejs_eventloop_lag_p99_seconds'),
    maxMs: gauge('nodejs_eventloop_lag_max_seconds'),
  };
}

/**
 * @param {string} name
 * @param {'kopru' | 'peerjs'} kind
 * @param {{ pid: number, url: string }[]} servers
 * @param {{ sample: () => Promise<{ calls: Record<string, number>, cpuMs: number }> } | undefined} redis
 */
async function measure(name, kind, servers, redis) {
  log(`\n== ${name}: ${CLIENTS} clients, ${RATES.join(', ')} relays/s for ${DURATION_MS / 1000} s each`);
  const memBefore = servers.reduce((sum, s) => sum + rssBytes(s.pid), 0);
  const joinCpuBefore = servers.reduce((sum, s) => sum + cpuMs(s.pid), 0);
  const workers = Array.from({ length: WORKERS }, () => {
    const worker = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (LOAD_NICE !== 0 && worker.pid !== undefined) setPriority(worker.pid, LOAD_NICE);
    return worker;
  });
  try {
    const specs = plan(servers.map((s) => s.url));
    const ready = /** @type {{ joined: number, ms: number, errors: Record<string, number> }[]} */ (
      await all(
        workers,
        (i) => ({ type: 'setup', kind, specs: specs[i], joinRate: JOIN_RATE / WORKERS }),
        'ready',
      )
    );
    const joined = ready.reduce((n, r) => n + r.joined, 0);
    const joinSeconds = Math.max(...ready.map((r) => r.ms)) / 1000;
    const memAfter = servers.reduce((sum, s) => sum + rssBytes(s.pid), 0);
    const joinCpuMs = servers.reduce((sum, s) => sum + cpuMs(s.pid), 0) - joinCpuBefore;
    log(
      `   joined ${joined}/${CLIENTS} in ${joinSeconds.toFixed(1)} s, server CPU ${(joinCpuMs / Math.max(1, joined)).toFixed(2)} ms per join`,
    );

    const out = [];
    for (const rate of RATES) {
      // Reading /metrics resets prom-client's event-loop delay histogram: the next read covers this phase.
      if (kind === 'kopru') await Promise.all(servers.map((s) => eventLoopDelay(s.url)));
      const redisBefore = await redis?.sample();
      const cpuBefore = servers.map((s) => cpuMs(s.pid));
      const results =
        /** @type {{ sent: number, sendMs: number, lost: number, latencies: number[], errors: Record<string, number>, held: number, cpuMs: number }[]} */ (
          await all(
            workers,
            { type: 'run', rate: rate / WORKERS, durationMs: DURATION_MS, drainMs: DRAIN_MS },
            'result',
          )
        );
      const serverCpuMs = servers.reduce((sum, s, i) => sum + cpuMs(s.pid) - (cpuBefore[i] ?? 0), 0);
      const delays = kind === 'kopru' ? await Promise.all(servers.map((s) => eventLoopDelay(s.url))) : [];
      const redisAfter = await redis?.sample();

      const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const sent = results.reduce((n, r) => n + r.sent, 0);
      const seconds = Math.max(...results.map((r) => r.sendMs)) / 1000 + DRAIN_MS / 1000;
      const errors = {};
      for (const r of out.length === 0 ? [...ready, ...results] : results) {
        for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      }
      let redisCost;
      if (redisBefore && redisAfter) {
        const calls = Object.entries(redisAfter.calls).reduce(
          (n, [c, v]) => n + v - (redisBefore.calls[c] ?? 0),
          0,
        );
        redisCost = {
          commandsPerRelay: calls / Math.max(1, latencies.length),
          cpuMicrosPerRelay: ((redisAfter.cpuMs - redisBefore.cpuMs) * 1000) / Math.max(1, latencies.length),
          byCommand: Object.fromEntries(
            Object.entries(redisAfter.calls)
              .map(([c, v]) => [c, (v - (redisBefore.calls[c] ?? 0)) / Math.max(1, latencies.length)])
              .filter(([, v]) => Number(v) > 0.01),
          ),
        };
      }
      const result = {
        scenario: name,
        clientsTarget: CLIENTS,
        clientsHeld: results.reduce((n, r) => n + r.held, 0),
        joinSeconds,
        /** Server CPU per successful join, connection set-up included. */
        serverCpuMsPerJoin: joinCpuMs / Math.max(1, joined),
        rateTarget: rate,
        relaysSent: sent,
        relaysDelivered: latencies.length,
        relaysLost: results.reduce((n, r) => n + r.lost, 0),
        relaysPerSecond: sent / (Math.max(...results.map((r) => r.sendMs)) / 1000),
        p50ms: quantile(latencies, 0.5),
        p99ms: quantile(latencies, 0.99),
        maxMs: latencies.at(-1) ?? Number.NaN,
        serverCpuCores: serverCpuMs / (seconds * 1000),
        serverCpuMicrosPerRelay: (serverCpuMs * 1000) / Math.max(1, latencies.length),
        serverMemoryPerClientKiB: (memAfter - memBefore) / 1024 / Math.max(1, joined),
        serverRssMiB: memAfter / 1024 / 1024,
        loadGeneratorCpuCores: results.reduce((n, r) => n + r.cpuMs, 0) / (seconds * 1000),
        // The server's own stalls over the phase (worst node): a latency tail without one is queueing
        // elsewhere (the load generators, the scheduler), not the server's event loop.
        serverEventLoopP99Ms: delays.length > 0 ? Math.max(...delays.map((d) => d.p99Ms)) : undefined,
        serverEventLoopMaxMs: delays.length > 0 ? Math.max(...delays.map((d) => d.maxMs)) : undefined,
        // The machine's 1-minute load average at the end: on 2 cores, anything above ~2 means other
        // work competed with this measurement.
        loadAverage: loadavg()[0],
        errors,
        redis: redisCost,
      };
      log(`   ${JSON.stringify(result)}`);
      out.push(result);
    }
    return out;
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            if (w.exitCode !== null) return resolve(undefined);
            w.once('exit', resolve);
            w.send({ type: 'leave' });
            setTimeout(() => w.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
  }
}

const scenarios = {
  'one-node': async () => {
    const node = await startKopruNode(await freePort(), {});
    try {
      return await measure('one node', 'kopru', [node], undefined);
    } finally {
      await node.stop();
    }
  },
  'two-nodes': async () => {
    const redis = await startRedis(await freePort());
    const env = { REDIS_URL: redis.url };
    const nodes = [
      await startKopruNode(await freePort(), { ...env, NODE_ID: 'bench-1' }),
      await startKopruNode(await freePort(), { ...env, NODE_ID: 'bench-2' }),
    ];
    try {
      return await measure('two nodes + Redis', 'kopru', nodes, redis);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await redis.stop();
    }
  },
  peerjs: async () => {
    const server = await startPeerServer(await freePort());
    try {
      return await measure('PeerJS PeerServer', 'peerjs', [server], undefined);
    } finally {
      await server.stop();
    }
  },
};

const results = [];
for (const name of String(opts.scenarios).split(',')) {
  const run = scenarios[/** @type {keyof typeof scenarios} */ (name.trim())];
  if (!run) throw new Error(`unknown scenario ${name}`);
  results.push(...(await run()));
}

const f = (/** @type {number} */ n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
process.stdout.write(
  `\n| Scenario | Clients held | Target relays/s | Relays/s | p50 ms | p99 ms | Lost | Server CPU (cores) | CPU µs/relay | Server KiB/client | Server event-loop delay p99 / max ms | Load-gen CPU (cores) | Load avg |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`,
);
for (const r of results) {
  process.stdout.write(
    `| ${r.scenario} | ${r.clientsHeld} / ${r.clientsTarget} | ${r.rateTarget} | ${f(r.relaysPerSecond, 0)} | ${f(r.p50ms)} | ${f(r.p99ms)} | ${r.relaysLost} | ${f(r.serverCpuCores, 2)} | ${f(r.serverCpuMicrosPerRelay, 0)} | ${f(r.serverMemoryPerClientKiB)} | ${r.serverEventLoopMaxMs === undefined ? 'n/a' : `${f(r.serverEventLoopP99Ms)} / ${f(r.serverEventLoopMaxMs)}`} | ${f(r.loadGeneratorCpuCores, 2)} | ${f(r.loadAverage)} |\n`,
  );
}
for (const r of results) {
  if (r.redis) {
    process.stdout.write(
      `\nRedis per relay (${r.scenario}): ${f(r.redis.commandsPerRelay, 2)} commands, ${f(r.redis.cpuMicrosPerRelay, 1)} µs CPU; ${JSON.stringify(r.redis.byCommand)}\n`,
    );
  }
  if (Object.keys(r.errors).length > 0)
    process.stdout.write(`Errors (${r.scenario}): ${JSON.stringify(r.errors)}\n`);
}
if (opts.json)
  writeFileSync(
    opts.json,
    JSON.stringify({ date: new Date().toISOString(), options: opts, results }, null, 2),
  );
process.exit(0);
