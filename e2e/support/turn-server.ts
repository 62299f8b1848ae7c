import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** coturn starts in ~100 ms here; this bounds a broken installation. */
const START_TIMEOUT_MS = 10_000;

export interface TurnServer {
  /** `turn:` URLs for UDP and TCP on loopback (what TURN_URLS gets). */
  urls: string[];
  secret: string;
  port: number;
  /** Everything coturn logged so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after a bound; removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A STUN Binding Request (RFC 5389 §6): answered by a running server without any credential. */
function bindingRequest(): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  return header;
}

/** Resolves once the server answers a STUN binding request on UDP. */
async function waitForStun(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${log()}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => {
        socket.close();
        resolve(false);
      }, 200);
      socket.once('message', () => {
        clearTimeout(timer);
        socket.close();
        resolve(true);
      });
      socket.send(bindingRequest(), port, '127.0.0.1');
    });
    if (answered) return;
  }
  throw new Error(`turnserver did not answer STUN on ${port}:\n${log()}`);
}

/**
 * Starts Debian's coturn on loopback with the command line measured in MEASURED.md (TURN REST credentials
 * through `use-auth-secret`, relay ports on loopback, loopback peers allowed), in its own directory.
 */
export async function startTurnServer(opts: {
  port: number;
  minRelayPort: number;
  maxRelayPort: number;
  secret?: string;
  /**
   * Run this configuration file (the deployment's own) instead of the measured command line: only the
   * addresses, ports, secret, TLS files and log and state paths are replaced, for loopback.
   */
  configFile?: string;
}): Promise<TurnServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-turn-'));
  const secret = opts.secret ?? randomBytes(24).toString('base64url');
  let output = '';
  const args = opts.configFile
    ? ['-c', loopbackCopy(opts.configFile, dir, { ...opts, secret })]
    : measuredCommandLine({ ...opts, secret }, dir);
  const child = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await waitForStun(opts.port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: [`turn:127.0.0.1:${opts.port}?transport=udp`, `turn:127.0.0.1:${opts.port}?transport=tcp`],
    secret,
    port: opts.port,
    log: () => output,
    stop,
  };
}

type Ports = { port: number; minRelayPort: number; maxRelayPort: number; secret: string };

/** Settings a configuration file's copy gets for loopback; every other line is kept as it is. */
const REPLACED =
  /^\s*(listening-ip|relay-ip|external-ip|listening-port|tls-listening-port|min-port|max-port|static-auth-secret|cert|pkey|log-file|pidfile|userdb)\b/;

function loopbackCopy(file: string, dir: string, opts: Ports): string {
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
      // One line per request and its outcome (the test reads them).
      'verbose',
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      `userdb=${path.join(dir, 'turndb')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return copy;
}

function measuredCommandLine(opts: Ports, dir: string): string[] {
  return [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${opts.port}`,
    `--min-port=${opts.minRelayPort}`,
    `--max-port=${opts.maxRelayPort}`,
    '--use-auth-secret',
    `--static-auth-secret=${opts.secret}`,
    '--realm=kopru.test',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    // Test only: the peers are on loopback. Production denies private ranges (README).
    '--allow-loopback-peers',
    '--fingerprint',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--userdb=${path.join(dir, 'turndb')}`,
  ];
}
