import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import {
  type ChatManager,
  generateLinkKey,
  KopruSession,
  MemoryChatStore,
  type PeerMesh,
  PeerSecurityMonitor,
  RoomClient,
  type SessionOptions,
  SignalingClient,
  type TokenStore,
  type TransferManager,
} from '@kopru/client';
import { isCallMessage, type ProtocolError, randomShortName } from '@kopru/protocol';
import { io } from 'socket.io-client';
import { CliError, EXIT } from './errors.js';
import { loadDtlsIdentity } from './identity.js';
import { parseRoomLink, type RoomLink, withKey } from './link.js';
import { nodePeerConnection } from './node-peer-connection.js';
import type { Output } from './output.js';

/** TLS failures that mean "not a certificate this machine trusts": the case `--insecure` exists for. */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** How long to wait for the server's first answer before saying it cannot be reached. */
const REACH_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  insecure: boolean;
  out: Output;
}

/**
 * Asks `GET /healthz` first: it tells an unreachable server, an untrusted certificate (with the flag that
 * accepts it) and a server that is not Köprü apart, which a socket.io connect error does not.
 */
export async function checkServer(server: URL, opts: ConnectOptions): Promise<void> {
  const url = new URL('/healthz', server);
  const body = await new Promise<string>((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(url, { rejectUnauthorized: !opts.insecure, timeout: REACH_TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 4096) text += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(text) : reject(notKopru(server, `HTTP ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: Error & { code?: string }) => reject(unreachable(server, error)));
  });
  let status: unknown;
  try {
    status = (JSON.parse(body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (status !== 'ok') throw notKopru(server, 'no Köprü health answer');
}

function unreachable(server: URL, error: Error & { code?: string }): Error {
  if (error instanceof CliError) return error;
  if (error.code && UNTRUSTED_CERTIFICATE.has(error.code)) {
    return new CliError(
      EXIT.unreachable,
      `${server.origin} presented a certificate this machine does not trust (${error.code}).\n` +
        'If it is a server you know (e.g. your own with its self-signed certificate), run again with ' +
        '--insecure (like curl -k).',
    );
  }
  return new CliError(EXIT.unreachable, `cannot reach ${server.origin}: ${error.code ?? error.message}`);
}

/** Asks the server for a new room (`GET /new` answers with a redirect to `/r/<new id>#new`). */
export async function newRoomLink(server: URL, opts: ConnectOptions): Promise<RoomLink> {
  await checkServer(server, opts);
  const location = await new Promise<string>((resolve, reject) => {
    const get = server.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(
      new URL('/new', server),
      { rejectUnauthorized: !opts.insecure, timeout: REACH_TIMEOUT_MS },
      (res) => {
        res.resume();
        const to = res.headers.location;
        if (res.statusCode === 302 && to) resolve(to);
        else reject(notKopru(server, `HTTP ${res.statusCode} for a new room`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: Error & { code?: string }) => reject(unreachable(server, error)));
  });
  // Like the browser at `#new`: whoever makes the room makes its invite-link key (the `#new` marker
  // itself is for the page, not a key).
  const room = new URL(location, server);
  room.hash = '';
  return withKey(parseRoomLink(room.href), generateLinkKey());
}

const notKopru = (server: URL, why: string): CliError =>
  new CliError(EXIT.unreachable, `${server.origin} is not a Köprü server (${why})`);

export interface JoinOptions extends ConnectOptions {
  link: RoomLink;
  name: string | undefined;
  password: string | undefined;
  /** Asks for the room's password when the server wants one (a terminal prompt); undefined: cannot ask. */
  askPassword: (() => Promise<string>) | undefined;
  relayOnly: boolean;
  /** Where the session token is kept: a restarted `receive` in the same folder is the same peer. */
  tokens?: TokenStore;
  transfers?: SessionOptions['transfers'];
}

/** A joined room with its peer session; `close()` leaves the room and closes every connection. */
export interface JoinedRoom {
  room: RoomClient;
  session: KopruSession;
  selfPeerId: string;
  mesh: PeerMesh;
  chat: ChatManager;
  transfers: TransferManager | undefined;
  close(): void;
}

const memoryTokens = (): TokenStore => {
  let token: string | undefined;
  return {
    get: () => token,
    set: (value) => {
      token = value;
    },
    clear: () => {
      token = undefined;
    },
  };
};

/**
 * The Node runtime of the client core: socket.io over Node's WebSocket, libdatachannel for WebRTC
 * (`node-peer-connection.ts`), history in memory. The same `KopruSession` as in the browser, so the
 * command line is a full peer: chat with acks and read receipts, files, safety numbers. Calls are
 * declined (`terminal`): there is no camera or microphone here.
 */
export async function joinRoom(opts: JoinOptions): Promise<JoinedRoom> {
  await checkServer(opts.link.server, opts);
  const socket = io(opts.link.server.origin, {
    autoConnect: false,
    transports: ['websocket'],
    rejectUnauthorized: !opts.insecure,
  });
  let room: RoomClient | undefined;
  const signaling = new SignalingClient({
    socket,
    roomId: opts.link.roomId,
    client: 'terminal',
    tokens: opts.tokens ?? memoryTokens(),
    profile: () => room?.currentProfile() ?? { name: opts.name ?? randomShortName(), status: 'available' },
  });
  const name = opts.name;
  room = new RoomClient(
    opts.link.roomId,
    signaling,
    { load: () => (name ? { name } : undefined), save: () => {} },
    randomShortName,
  );
  const logger = opts.out.logger('peer');
  const session = new KopruSession({
    room,
    chatStore: new MemoryChatStore(),
    ...(opts.transfers ? { transfers: opts.transfers } : {}),
    mesh: {
      createPeerConnection: nodePeerConnection(logger, await loadDtlsIdentity(), (why) =>
        opts.out.warn(`--relay-only: refused a connection (${why}); trying again.`),
      ),
      logger,
    },
    iceTransportPolicy: () => (opts.relayOnly ? 'relay' : 'all'),
    linkKey: () => opts.link.key,
  });
  if (opts.link.damagedKey) {
    opts.out.warn("The link's key is damaged (cut short?): joining without the invite-link proof.");
  }
  const declineCalls = session.on('ready', ({ mesh }) => {
    mesh.on('message', ({ peerId, message }) => {
      if (isCallMessage(message) && message.type === 'call-invite') {
        mesh.send(peerId, { type: 'call-decline', callId: message.callId, reason: 'terminal' });
      }
    });
  });
  const security = watchSecurity(session, room, opts.out);
  const close = (): void => {
    declineCalls();
    security.close();
    session.close();
  };
  try {
    const ready = await waitUntilJoined(room, session, opts);
    if (opts.relayOnly && !room.currentIceServers.some((s) => /^turns?:/.test(String(s.urls)))) {
      throw new CliError(EXIT.unreachable, 'relay-only needs a TURN server, and this server offers none');
    }
    return { room, session, ...ready, close };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * Prints, per person, how the bytes go (direct or relayed) and the safety number of the two DTLS keys
 * actually negotiated (compare it with what their browser shows under *Security details*). Ours is the
 * long-lived certificate of `identity.ts`, so the number stays the same from run to run.
 */
function watchSecurity(session: KopruSession, room: RoomClient, out: Output): PeerSecurityMonitor {
  const monitor = new PeerSecurityMonitor(session);
  // The invite-link proof (docs/security.md#invite-link-proof): run by the core when the link has a key.
  session.on('ready', ({ linkVerifier }) => {
    linkVerifier.on('changed', ({ peerId, state }) => {
      const name = room.current.peers.get(peerId)?.name ?? peerId;
      out.event('link-proof', { peer: name, state });
      if (state === 'verified') out.info(`${name}: verified by the invite link.`);
      if (state === 'missing') out.info(`${name}: not verified (they came without the link's key).`);
      if (state === 'failed') {
        out.warn(
          `WARNING: ${name}'s connection does not match the invite link's key. Someone may be in the middle; do not trust it.`,
        );
      }
    });
  });
  const shown = new Map<string, string>();
  monitor.on('info', (info) => {
    if (!info.route || !info.safetyNumber) return;
    const line = `${info.route} ${info.safetyNumber}`;
    if (shown.get(info.peerId) === line) return;
    shown.set(info.peerId, line);
    const name = room.current.peers.get(info.peerId)?.name ?? info.peerId;
    out.info(`Connected to ${name}: ${info.route}. Safety number: ${info.safetyNumber}`);
    out.event('peer-security', { peer: name, route: info.route, safetyNumber: info.safetyNumber });
  });
  return monitor;
}

function waitUntilJoined(
  room: RoomClient,
  session: KopruSession,
  opts: JoinOptions,
): Promise<Pick<JoinedRoom, 'selfPeerId' | 'mesh' | 'chat' | 'transfers'>> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const off of offs.splice(0)) off();
    };
    const timer = setTimeout(() => {
      done();
      reject(new CliError(EXIT.unreachable, `no answer from ${opts.link.server.origin} within 10 s`));
    }, REACH_TIMEOUT_MS);
    offs.push(
      session.on('ready', ({ selfPeerId, mesh, chat, transfers }) => {
        done();
        resolve({ selfPeerId, mesh, chat, transfers });
      }),
      room.on('error', (error: ProtocolError) => {
        if (error.code === 'PASSWORD_REQUIRED' || error.code === 'WRONG_PASSWORD') {
          if (opts.askPassword) {
            clearTimeout(timer);
            opts.askPassword().then(
              (password) => room.joinWithPassword(password),
              (cause) => {
                done();
                reject(cause);
              },
            );
            return;
          }
          done();
          reject(
            new CliError(
              EXIT.usage,
              error.code === 'WRONG_PASSWORD'
                ? 'wrong room password'
                : 'this room asks for a password: pass --password (or run in a terminal to be asked)',
            ),
          );
          return;
        }
        done();
        reject(new CliError(EXIT.unreachable, `the server refused to let us in: ${error.message}`));
      }),
    );
    // A password given on the command line goes with the first join (no refused round trip first).
    if (opts.password !== undefined) room.joinWithPassword(opts.password);
    else room.start();
  });
}
