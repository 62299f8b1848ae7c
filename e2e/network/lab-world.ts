import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { type CoturnProcess, startCoturn, turnRestCredential } from '../support/coturn.mjs';
import { CHROMIUM_ARGS } from '../support/env.js';
import { launchFirefox } from '../support/firefox.js';
import { type ServerProcess, startServer } from '../support/server-process.js';
import { buildLab, executableIn, type Home, type HomeSpec, INTERNET_IP, type Lab } from './lab.js';

/** Ports inside the lab's internet namespace: its own network stack, so fixed ports never collide. */
const SERVER_PORT = 8443;
const TURN_PORT = 3478;
/** TURN over TLS on 443, the port office firewalls leave open for HTTPS. */
const TURNS_PORT = 443;

/**
 * The suite's flags, with the lab's internet host let through the host-resolver rule that keeps Chromium
 * from looking anything up: Chromium opens TURN-over-TCP/TLS sockets through its network service, which
 * applies that rule to IP literals too, and TURN over TCP then fails with 701 "Failed to establish
 * connection" (TURN over UDP does not pass through it).
 */
const LAB_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS.map((arg) =>
    arg.startsWith('--host-resolver-rules=') ? `${arg} , EXCLUDE ${INTERNET_IP}` : arg,
  ),
  // coturn's TLS certificate is self-signed (no public name inside the lab); Chromium checks a `turns:`
  // server's certificate like a web page's, so the lab's browsers accept it as they accept the server's.
  '--ignore-certificate-errors',
];

/**
 * What the lab's server tells browsers about ICE servers:
 * - `stun`: STUN only (no relay: symmetric NATs cannot connect),
 * - `turn`: STUN + TURN over UDP and TCP,
 * - `turns`: only `turns:` (TLS on 443), as for a network that lets nothing else out.
 */
export type IceSetup = 'stun' | 'turn' | 'turns';

export interface World {
  lab: Lab;
  server: ServerProcess;
  turn: CoturnProcess;
  /** A Chromium running inside the home's namespace. */
  chromium(home: Home): Promise<Browser>;
  /** A Firefox ESR running inside the home's namespace (driven through a forwarded debugging port). */
  firefox(home: Home): Promise<PuppeteerBrowser>;
  /** Restarts the server with another ICE setup (same port, certificate and secret). */
  restartServer(ice: IceSetup): Promise<void>;
  /** ICE servers with a fresh TURN REST credential, for bare RTCPeerConnections in the lab. */
  iceServers(ice: IceSetup): RTCIceServer[];
  /** Stops browsers, server, coturn and removes the lab. Idempotent. */
  close(): Promise<void>;
}

let certificate: { cert: string; pkey: string; dir: string } | undefined;
function turnCertificate(): { cert: string; pkey: string; dir: string } {
  if (!certificate) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kopru-lab-'));
    const cert = path.join(dir, 'cert.pem');
    const pkey = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        pkey,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=turn.kopru.test',
      ],
      { stdio: 'ignore' },
    );
    certificate = { cert, pkey, dir };
  }
  return certificate;
}

function serverEnv(turn: CoturnProcess, ice: IceSetup): Record<string, string> {
  const stun = { STUN_URLS: `stun:${INTERNET_IP}:${TURN_PORT}` };
  if (ice === 'stun') return stun;
  const urls = ice === 'turns' ? [turn.tlsUrl ?? ''] : turn.urls;
  return { ...(ice === 'turns' ? {} : stun), TURN_URLS: urls.join(','), TURN_SECRET: turn.secret };
}

/** Builds a lab with these homes and starts coturn and the Köprü server in its internet namespace. */
export async function startWorld(homes: HomeSpec[], ice: IceSetup): Promise<World> {
  const lab = buildLab(homes);
  const browsers: { close(): Promise<void> }[] = [];
  let turn: CoturnProcess | undefined;
  let server: ServerProcess | undefined;
  const close = async () => {
    await Promise.all(browsers.splice(0).map((b) => b.close().catch(() => undefined)));
    await server?.stop();
    await turn?.stop();
    lab.remove();
  };
  try {
    const { cert, pkey } = turnCertificate();
    turn = await startCoturn({
      port: TURN_PORT,
      minRelayPort: 49152,
      maxRelayPort: 49999,
      lab: { netns: lab.internet, ip: INTERNET_IP, tlsPort: TURNS_PORT, cert, pkey },
    });
    const started = turn;
    server = await startServer({
      port: SERVER_PORT,
      lab: { netns: lab.internet, host: INTERNET_IP },
      env: serverEnv(started, ice),
    });
    const running = server;
    return {
      lab,
      server: running,
      turn: started,
      async chromium(home) {
        const browser = await chromium.launch({
          executablePath: executableIn(home.ns, '/usr/bin/chromium'),
          args: LAB_CHROMIUM_ARGS,
        });
        browsers.push(browser);
        return browser;
      },
      async firefox(home) {
        const browser = await launchFirefox({ netns: home.ns });
        browsers.push(browser);
        return browser;
      },
      async restartServer(next) {
        await running.restart(serverEnv(started, next));
      },
      iceServers(setup) {
        const { username, credential } = turnRestCredential(started.secret, 'bare', 600);
        const stun = { urls: `stun:${INTERNET_IP}:${TURN_PORT}` };
        if (setup === 'stun') return [stun];
        if (setup === 'turns') return [{ urls: started.tlsUrl ?? '', username, credential }];
        return [stun, { urls: started.urls, username, credential }];
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
