import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from '../../packages/server/test/support/stop-child.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The deployment's own location blocks (docs/deploy.md): the test runs exactly what operators copy. */
export const NGINX_LOCATIONS = path.join(ROOT, 'deploy/nginx/kopru-locations.conf');
/** nginx starts in a few ms; this bounds a broken configuration. */
const START_TIMEOUT_MS = 10_000;

export interface NginxProcess {
  url: string;
  /** Stops it (SIGQUIT: graceful) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with openssl (Debian's, always present with nginx). */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** Resolves once the port accepts TCP connections (nginx listens; TLS and upstreams are the test's business). */
async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}:\n${log()}`);
}

/**
 * Starts Debian's nginx on a loopback port of its own with TLS and the deployment's location blocks in
 * front of `upstreams` ("host:port", the first preferred, the rest `backup`, so a test knows which node
 * a browser lands on until that node dies). Its own prefix, pid and temp directories: never the system
 * service.
 */
export async function startNginx(opts: { port: number; upstreams: string[] }): Promise<NginxProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-nginx-'));
  // nginx workers run as `nobody` when started by root; they must reach their temp directories.
  chmodSync(dir, 0o755);
  const { cert, key } = selfSignedCertificate(dir);
  const [first, ...rest] = opts.upstreams;
  const servers = [`server ${first} max_fails=1 fail_timeout=5s;`, ...rest.map((u) => `server ${u} backup;`)];
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream kopru {
    ${servers.join('\n    ')}
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }
  server {
    listen 127.0.0.1:${opts.port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    include ${NGINX_LOCATIONS};
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  let log = '';
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', confFile, '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const url = `https://127.0.0.1:${opts.port}`;
  const readLog = () => {
    try {
      return `${log}${readFileSync(path.join(dir, 'error.log'), 'utf8')}`;
    } catch {
      return log;
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await stopChild(child, 'SIGQUIT'); // nginx's graceful shutdown
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await waitForPort(opts.port, child, readLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
