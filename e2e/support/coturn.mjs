// @ts-check
/**
 * Debian's coturn (`turnserver`) on loopback, for the browser tests (e2e/*.spec.ts) and the transfer
 * benchmark (bench/transfer). Plain JavaScript with JSDoc types so that both the TypeScript tests and the
 * benchmark (run by plain Node) use this one launcher; `tsc -p e2e` checks it (allowJs + checkJs).
 * Never the system service: every instance has its own directory, ports and secret, and is stopped by
 * its owner.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** coturn answers in ~100 ms here; this bounds a broken installation or a port already taken. */
const START_TIMEOUT_MS = 10_000;
/** How long one STUN probe waits for its answer before the next one is sent. */
const PROBE_TIMEOUT_MS = 200;
/** SIGTERM first (coturn closes its sockets); SIGKILL after this if it hangs. */
const KILL_AFTER_MS = 3_000;

/**
 * @typedef {object} CoturnOptions
 * @property {number} port UDP and TCP listening port (127.0.0.1)
 * @property {number} minRelayPort first relay port (coturn `min-port`)
 * @property {number} maxRelayPort last relay port (coturn `max-port`)
 * @property {string} [secret] `static-auth-secret` (the server's `TURN_SECRET`); random when omitted
 * @property {string} [configFile] run this configuration file (the deployment's own) instead of the measured
 *   command line: only the addresses, ports, secret, TLS files and log and state paths are replaced, for
 *   loopback
 * @property {string} [relayIp] the address relayed traffic leaves from (coturn `relay-ip`; default: where it
 *   listens). On loopback every peer's own address is 127.0.0.1 too, so a TURN permission for a peer's relay
 *   address also lets the other peer's direct packets through; a second loopback address (127.0.0.2) makes
 *   the relay a separate host, as a real TURN server is
 * @property {{ netns: string, ip: string, tlsPort: number, cert: string, pkey: string }} [lab] run inside this
 *   network namespace of the network lab (e2e/network/lab.ts), on `ip`, with TURN over TLS on `tlsPort` too
 */

/**
 * @typedef {object} CoturnProcess
 * @property {string[]} urls `turn:` URLs for UDP, then TCP, on loopback or the lab address (what `TURN_URLS`
 *   gets, comma-joined)
 * @property {string} [tlsUrl] in the lab: the `turns:` URL (TLS over TCP)
 * @property {string} udpUrl the UDP URL alone
 * @property {string} secret for the server's `TURN_SECRET`
 * @property {number} port
 * @property {number} pid the turnserver process (for its CPU time)
 * @property {() => string} log everything coturn logged so far
 * @property {() => void} pause freezes the relay (SIGSTOP): every packet through it is lost, as on a dead path
 * @property {() => void} resume lets it run again (SIGCONT); allocations and permissions are still there
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after a bound; removes its directory. Idempotent
 */

/** A STUN Binding Request (RFC 5389 §6): a running server answers it without any credential. */
function bindingRequest() {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  return header;
}

/** @param {number} port */
function probe(port) {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, PROBE_TIMEOUT_MS);
    socket.once('message', () => {
      clearTimeout(timer);
      socket.close();
      resolve(true);
    });
    socket.send(bindingRequest(), port, '127.0.0.1');
  });
}

/**
 * Resolves once the server answers a STUN binding request on UDP.
 * @param {number} port
 * @param {import('node:child_process').ChildProcess} child
 * @param {() => string} log
 */
async function waitForStun(port, child, log) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${log()}`);
    if (await probe(port)) return;
  }
  throw new Error(`turnserver did not answer STUN on ${port}:\n${log()}`);
}

/**
 * Starts coturn on loopback with the command line in docs/benchmarks.md, "The machine's own ceilings"
 * (TURN REST credentials through `use-auth-secret`, relay ports on loopback, loopback peers allowed), in its own directory; or the given
 * configuration file, moved to loopback.
 * @param {CoturnOptions} opts
 * @returns {Promise<CoturnProcess>}
 */
export async function startCoturn(opts) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-turn-'));
  const secret = opts.secret ?? randomBytes(24).toString('base64url');
  const settings = { ...opts, secret };
  const args = opts.configFile
    ? ['-c', loopbackCopy(opts.configFile, dir, settings)]
    : measuredCommandLine(settings, dir);
  const child = opts.lab
    ? spawn('ip', ['netns', 'exec', opts.lab.netns, 'turnserver', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (/** @type {Buffer} */ d) => {
    output += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const log = () => output;
  /** @type {Promise<void> | undefined} */
  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // A paused (SIGSTOP) process would only act on the SIGTERM once it runs again.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    // The test runner cannot reach into a lab namespace: there, coturn's own line says it is serving.
    if (opts.lab) await waitForLine(/Total General servers/, child, log);
    else await waitForStun(opts.port, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  const host = opts.lab?.ip ?? '127.0.0.1';
  const udpUrl = `turn:${host}:${opts.port}?transport=udp`;
  return {
    urls: [udpUrl, `turn:${host}:${opts.port}?transport=tcp`],
    ...(opts.lab ? { tlsUrl: `turns:${host}:${opts.lab.tlsPort}?transport=tcp` } : {}),
    udpUrl,
    secret,
    port: opts.port,
    pid: child.pid ?? 0,
    log,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}

/**
 * Resolves once coturn has logged a line matching `pattern`.
 * @param {RegExp} pattern
 * @param {import('node:child_process').ChildProcess} child
 * @param {() => string} log
 */
async function waitForLine(pattern, child, log) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!pattern.test(log())) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not start:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS));
  }
}

/**
 * A TURN REST credential as coturn's `use-auth-secret` checks it (and as the server issues it): username
 * `<unix expiry>:<id>`, password base64(HMAC-SHA1(secret, username)).
 * @param {string} secret
 * @param {string} id
 * @param {number} ttlSeconds
 */
export function turnRestCredential(secret, id, ttlSeconds) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Settings a configuration file's copy gets for loopback; every other line is kept as it is. */
const REPLACED =
  /^\s*(listening-ip|relay-ip|external-ip|listening-port|tls-listening-port|min-port|max-port|static-auth-secret|cert|pkey|log-file|pidfile|userdb)\b/;

/**
 * @param {string} file
 * @param {string} dir
 * @param {CoturnOptions & { secret: string }} opts
 */
function loopbackCopy(file, dir, opts) {
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !REPLACED.test(line));
  const copy = path.join(dir, 'turnserver.conf');
  writeFileSync(
    copy,
    [
      ...kept,
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `listening-port=${opts.port}`,
      `min-port=${opts.minRelayPort}`,
      `max-port=${opts.maxRelayPort}`,
      `static-auth-secret=${opts.secret}`,
      'no-tls',
      'no-dtls',
      'log-file=stdout',
      // One line per request and its outcome (the recipe test reads them).
      'verbose',
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      `userdb=${path.join(dir, 'turndb')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return copy;
}

/**
 * @param {CoturnOptions & { secret: string }} opts
 * @param {string} dir
 */
function measuredCommandLine(opts, dir) {
  const ip = opts.lab?.ip ?? '127.0.0.1';
  const tls = opts.lab
    ? [`--tls-listening-port=${opts.lab.tlsPort}`, `--cert=${opts.lab.cert}`, `--pkey=${opts.lab.pkey}`]
    : ['--no-tls'];
  return [
    '-n',
    `--listening-ip=${ip}`,
    `--relay-ip=${opts.relayIp ?? ip}`,
    `--listening-port=${opts.port}`,
    `--min-port=${opts.minRelayPort}`,
    `--max-port=${opts.maxRelayPort}`,
    '--use-auth-secret',
    `--static-auth-secret=${opts.secret}`,
    '--realm=kopru.test',
    '--no-cli',
    ...tls,
    '--no-dtls',
    // Test only: the peers are on loopback. Production denies private ranges (README, deploy/coturn).
    '--allow-loopback-peers',
    '--fingerprint',
    '--log-file=stdout',
    '--simple-log',
    // Its own state, so that several instances (and the system's) never share a database.
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--userdb=${path.join(dir, 'turndb')}`,
  ];
}
