// @ts-check
/**
 * One load-generator process: holds its share of the simulated clients (whole rooms, so every relay's
 * sender and receiver are in this process and one monotonic clock times it), joins them at a bounded
 * rate, relays at a fixed rate on command, and reports latencies. Loopback only: the orchestrator gives
 * it 127.0.0.1 URLs.
 */
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { kopruSignal, peerjsMessage } from './payloads.mjs';

/** @typedef {{ id: number, room: string, url: string, xff: string }} ClientSpec */
/** @typedef {{ spec: ClientSpec, peerId: string, send: (to: string, seq: number, roll: number) => void, close: () => void }} Client */

/** Köprü clients ask for an acknowledgement of each signal (the app does not). */
const ACKED = process.env.KOPRU_BENCH_SIGNAL_ACK === '1';
/** @type {Client[]} */
const clients = [];
/** @type {Map<string, Client[]>} room → its joined clients */
const rooms = new Map();
/** @type {Map<number, number>} relay sequence number → send time (performance.now) */
const sentAt = new Map();
/** @type {number[]} */
let latencies = [];
/** @type {Record<string, number>} errors since the last report (each report starts afresh) */
let errors = {};
let disconnects = 0;
let nextSeq = 1;

const countError = (/** @type {string} */ code) => {
  errors[code] = (errors[code] ?? 0) + 1;
};
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const send = (/** @type {object} */ msg) => process.send?.(msg);

function received(/** @type {unknown} */ seq) {
  if (typeof seq !== 'number') return;
  const t0 = sentAt.get(seq);
  if (t0 === undefined) return;
  sentAt.delete(seq);
  latencies.push(performance.now() - t0);
}

/** A Köprü client: socket.io over WebSocket, `room:join`, then `signal`s (without acknowledgements, as the app). */
function kopruClient(/** @type {ClientSpec} */ spec) {
  return /** @type {Promise<Client>} */ (
    new Promise((resolve, reject) => {
      const socket = io(spec.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        // Each simulated client appears from its own address (198.18.0.0/15 is reserved for benchmarks),
        // as real ones would through the proxy; the server trusts X-Forwarded-For from loopback.
        extraHeaders: { 'x-forwarded-for': spec.xff },
      });
      socket.on('signal', (/** @type {{ data: { epoch: number } }} */ msg) => received(msg.data.epoch));
      socket.on('signal:failed', (/** @type {{ error: { code: string } }} */ e) => countError(e.error.code));
      socket.on('disconnect', () => {
        disconnects++;
      });
      socket.once('connect_error', (error) => reject(error));
      socket.once('connect', () => {
        socket.emit(
          'room:join',
          { roomId: spec.room, name: `b${spec.id}` },
          (
            /** @type {{ ok: boolean, data?: { self: { peerId: string } }, error?: { code: string } }} */ reply,
          ) => {
            if (!reply.ok || !reply.data) {
              socket.disconnect();
              reject(new Error(reply.error?.code ?? 'join refused'));
              return;
            }
            resolve({
              spec,
              peerId: reply.data.self.peerId,
              // As the app sends them: no acknowledgement; a refusal comes back as `signal:failed`.
              // KOPRU_BENCH_SIGNAL_ACK=1 asks for one, to measure what it costs the server.
              send: ACKED
                ? (to, seq, roll) =>
                    socket.emit('signal', { to, data: kopruSignal(seq, roll) }, (/** @type {any} */ ack) => {
                      if (!ack.ok) countError(ack.error?.code ?? 'unknown');
                    })
                : (to, seq, roll) => socket.emit('signal', { to, data: kopruSignal(seq, roll) }),
              close: () => socket.disconnect(),
            });
          },
        );
      });
    })
  );
}

/** A PeerJS client: a WebSocket to PeerServer with a chosen id, OFFER/ANSWER/CANDIDATE messages. */
function peerjsClient(/** @type {ClientSpec} */ spec) {
  const id = `bench-${spec.id}`;
  return /** @type {Promise<Client>} */ (
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${spec.url}/peerjs?key=peerjs&id=${id}&token=t${spec.id}`, {
        headers: { 'x-forwarded-for': spec.xff },
      });
      ws.on('error', (error) => reject(error));
      ws.on('close', () => {
        disconnects++;
      });
      ws.on('message', (raw) => {
        const msg = JSON.parse(String(raw));
        if (msg.type === 'OPEN') {
          resolve({
            spec,
            peerId: id,
            send: (to, seq, roll) => ws.send(JSON.stringify(peerjsMessage(seq, roll, to))),
            close: () => ws.close(),
          });
        } else if (msg.type === 'ERROR' || msg.type === 'ID-TAKEN') {
          countError(msg.type);
        } else {
          received(msg.payload?.seq);
        }
      });
    })
  );
}

/** Joins every client, spread evenly at `joinRate` per second; failures are counted, not fatal. */
async function setup(/** @type {{ kind: 'kopru' | 'peerjs', specs: ClientSpec[], joinRate: number }} */ msg) {
  const start = performance.now();
  const make = msg.kind === 'kopru' ? kopruClient : peerjsClient;
  const pending = [];
  for (const [i, spec] of msg.specs.entries()) {
    const due = start + (i * 1000) / msg.joinRate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      make(spec).then(
        (client) => {
          clients.push(client);
          const members = rooms.get(spec.room) ?? [];
          members.push(client);
          rooms.set(spec.room, members);
        },
        (error) => countError(`join: ${error.message}`),
      ),
    );
  }
  await Promise.all(pending);
  send({ type: 'ready', joined: clients.length, ms: performance.now() - start, errors });
  errors = {};
}

/** Relays at `rate` per second for `durationMs` (open loop: sends do not wait for answers). */
async function run(/** @type {{ rate: number, durationMs: number, drainMs: number }} */ msg) {
  latencies = [];
  const senders = clients.filter((c) => (rooms.get(c.spec.room)?.length ?? 0) > 1);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - start, msg.durationMs);
      const due = Math.floor((msg.rate * elapsed) / 1000);
      while (sent < due && senders.length > 0) {
        const from = /** @type {Client} */ (senders[Math.floor(Math.random() * senders.length)]);
        const members = /** @type {Client[]} */ (rooms.get(from.spec.room));
        let to = from;
        while (to === from) to = /** @type {Client} */ (members[Math.floor(Math.random() * members.length)]);
        const seq = nextSeq++;
        sentAt.set(seq, performance.now());
        from.send(to.peerId, seq, Math.random());
        sent++;
      }
      if (elapsed >= msg.durationMs) {
        clearInterval(timer);
        resolve(undefined);
      }
    }, 5);
  });
  const sendMs = performance.now() - start;
  // Let the last relays arrive; what is still missing then is counted as lost.
  const drainUntil = performance.now() + msg.drainMs;
  while (sentAt.size > 0 && performance.now() < drainUntil) await sleep(20);
  const lost = sentAt.size;
  sentAt.clear();
  const cpu = process.cpuUsage(cpuBefore);
  send({
    type: 'result',
    sent,
    sendMs,
    lost,
    latencies,
    errors,
    held: clients.length - disconnects,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
  errors = {};
}

process.on('message', (/** @type {any} */ msg) => {
  if (msg.type === 'setup') void setup(msg);
  else if (msg.type === 'run') void run(msg);
  else if (msg.type === 'leave') {
    for (const client of clients) client.close();
    setTimeout(() => process.exit(0), 200);
  }
});
send({ type: 'started' });
