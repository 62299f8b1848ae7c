import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CoturnProcess {
  /** For the server's `TURN_URLS`. */
  url: string;
  /** For the server's `TURN_SECRET` (coturn `static-auth-secret`). */
  secret: string;
  /** Freezes the relay (SIGSTOP): every packet through it is lost, as on a dead network path. */
  pause(): void;
  /** Lets it run again (SIGCONT); allocations and permissions are still there. */
  resume(): void;
  stop(): Promise<void>;
}

/** A STUN binding request: coturn answers it once it listens. */
function bindingRequest(): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  return header;
}

async function waitForStun(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${log()}`);
    const socket = createSocket('udp4');
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      socket.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.send(bindingRequest(), port, '127.0.0.1');
    });
    socket.close();
    if (answered) return;
  }
  throw new Error(`turnserver did not answer on ${port}:\n${log()}`);
}

/** Debian's coturn on loopback, with the command line MEASURED.md confirmed on this machine. */
export async function startCoturn(opts: {
  port: number;
  minRelayPort: number;
  maxRelayPort: number;
}): Promise<CoturnProcess> {
  const secret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-coturn-'));
  const logFile = path.join(dir, 'turn.log');
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${opts.port}`,
      `--min-port=${opts.minRelayPort}`,
      `--max-port=${opts.maxRelayPort}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=kopru.test',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--allow-loopback-peers',
      '--fingerprint',
      `--log-file=${logFile}`,
      '--simple-log',
      `--pidfile=${path.join(dir, 'turn.pid')}`,
    ],
    { stdio: 'ignore' },
  );
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  await waitForStun(opts.port, child, log);
  return {
    url: `turn:127.0.0.1:${opts.port}?transport=udp`,
    secret,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
