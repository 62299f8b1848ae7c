// @ts-check
/**
 * The relayed arms of bench:transfer, through coturn on loopback (the command line in docs/benchmarks.md,
 * "The machine's own ceilings"; started and stopped by the bench). A second person in each of the two browser processes, in a room of
 * their own, with the app's "Relay-only mode" switched on before they meet — as a user who turned it on
 * earlier — so their very first connection is relay-only. Between those same two pages, a raw DataChannel
 * on a relay-only RTCPeerConnection (TURN REST credential made here) is the relayed ceiling. Each relayed
 * run is checked with the browsers' own getStats: the selected pair is relay↔relay and it carried the file.
 */
import { randomBytes } from 'node:crypto';
import { startCoturn, turnRestCredential } from '../../e2e/support/coturn.mjs';
import { launchPerson, openConversation } from './browsers.mjs';
import { runKopru } from './kopru-arm.mjs';
import { connectRaw, runRaw } from './raw-arm.mjs';

const RELAY_ONLY = 'Relay-only mode (hide my IP address)';
/** The window property of the relayed raw connection (the direct one is `benchRaw`). */
const RAW_RELAY_KEY = 'benchRawRelay';
/**
 * A relay-only connection between two pages on loopback is up in under a second. Switching the mode with
 * both pages connected sometimes stalled until the recovery ladder rebuilt the connection a minute later
 * (docs/benchmarks-log.md, "Relayed (through coturn)"), which is why the relayed pages never switch; this
 * bound still leaves room for that ladder if a first connection stalls.
 */
const ROUTE_TIMEOUT_MS = 120_000;
/** The bench's own credential outlives any run (the app refreshes its own). */
const RAW_CREDENTIAL_TTL_S = 24 * 3600;

/**
 * coturn on loopback for the relayed arms.
 * @param {{ port: number, minRelayPort: number, maxRelayPort: number }} ports
 */
export async function startRelay(ports) {
  const turn = await startCoturn(ports);
  // A crashed bench must not leave coturn behind.
  const onExit = () => {
    try {
      process.kill(turn.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    ...turn,
    async stop() {
      process.off('exit', onExit);
      await turn.stop();
    },
  };
}

/**
 * Init script for the pages: keeps every RTCPeerConnection made in the page, so the bench can ask the
 * browser (not the app) how a connection runs.
 */
export function recordPeerConnections() {
  const Native = window.RTCPeerConnection;
  /** @type {RTCPeerConnection[]} */
  const recorded = [];
  /** @type {any} */ (window).__benchPcs = recorded;
  window.RTCPeerConnection = class extends Native {
    /** @param {RTCConfiguration} [config] */
    constructor(config) {
      super(config);
      recorded.push(this);
    }
  };
}

/**
 * The selected candidate pair of the app's newest connected RTCPeerConnection (the bench's own raw ones
 * left out), or of a raw connection by its key.
 * @param {import('playwright').Page} page
 * @param {string} [rawKey]
 */
export async function selectedPair(page, rawKey) {
  return page.evaluate(
    async ({ rawKey, rawKeys }) => {
      const w = /** @type {any} */ (window);
      const bench = rawKeys.map((k) => w[k]?.pc);
      /** @type {RTCPeerConnection | undefined} */
      const pc = rawKey
        ? w[rawKey]?.pc
        : w.__benchPcs
            .filter((/** @type {RTCPeerConnection} */ p) => !bench.includes(p))
            .filter((/** @type {RTCPeerConnection} */ p) => p.connectionState === 'connected')
            .at(-1);
      if (!pc) return undefined;
      /** @type {Map<string, any>} */
      const stats = new Map();
      (await pc.getStats()).forEach((value, key) => {
        stats.set(key, value);
      });
      const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.get(String(transport?.selectedCandidatePairId));
      const local = stats.get(String(pair?.localCandidateId));
      return {
        local: /** @type {string | undefined} */ (local?.candidateType),
        remote: /** @type {string | undefined} */ (stats.get(String(pair?.remoteCandidateId))?.candidateType),
        /** How this browser reaches the relay (udp / tcp). */
        relayProtocol: /** @type {string | undefined} */ (local?.relayProtocol),
        bytesReceived: Number(pair?.bytesReceived ?? 0),
      };
    },
    { rawKey, rawKeys: ['benchRaw', RAW_RELAY_KEY] },
  );
}

/** @typedef {NonNullable<Awaited<ReturnType<typeof selectedPair>>>} Pair */

const isRelayed = (/** @type {Pair | undefined} */ p) => p?.local === 'relay' && p.remote === 'relay';

/**
 * Polls until `check` holds for the pair `read` returns.
 * @param {import('playwright').Page} page
 * @param {() => Promise<Pair | undefined>} read
 * @param {(p: Pair | undefined) => boolean} check
 * @param {string} what
 */
async function waitForPair(page, read, check, what) {
  const deadline = Date.now() + ROUTE_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return /** @type {Pair} */ (last);
    await new Promise((r) => setTimeout(r, 100));
  }
  const states = await page.evaluate(() =>
    /** @type {any} */ (window).__benchPcs.map(
      (/** @type {RTCPeerConnection} */ pc) =>
        `${pc.connectionState}/${pc.getConfiguration().iceTransportPolicy}`,
    ),
  );
  throw new Error(`${what}: last selected pair ${JSON.stringify(last)}; connections ${states.join(', ')}`);
}

/**
 * Opens the relayed pair: two more people, each in a browser process of its own on an on-disk profile
 * (see `launchPerson`), relay-only before they meet, in a conversation with each other over a relay↔relay
 * pair. `opened` receives each person as soon as it runs, so the caller can close them whatever happens.
 * @param {string} origin e.g. https://127.0.0.1:18700
 * @param {(person: Awaited<ReturnType<typeof launchPerson>>) => void} opened
 */
export async function openRelayedPair(origin, opened) {
  const room = `${origin}/r/relayed${randomBytes(8).toString('hex')}`;
  const names = ['RelayedSender', 'RelayedReceiver'];
  const people = [];
  for (const name of names) {
    // Alone in a room of its own first: the switch is remembered (localStorage) before any connection.
    const lonely = `${origin}/r/alone${randomBytes(8).toString('hex')}`;
    const person = await launchPerson(lonely, name, { initScript: recordPeerConnections });
    opened(person);
    await person.page.getByRole('checkbox', { name: RELAY_ONLY }).check();
    await person.page.goto(room);
    await person.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    people.push(person);
  }
  const [sender, receiver] = people;
  if (!sender || !receiver) throw new Error('relayed pair not opened');
  await openConversation(sender.page, names[1] ?? '');
  await openConversation(receiver.page, names[0] ?? '');
  for (const page of [sender.page, receiver.page]) {
    await waitForPair(page, () => selectedPair(page), isRelayed, 'relayed pair');
  }
  return { sender, receiver };
}

/**
 * One Köprü transfer between the relayed pair, checked to have come in over a relay↔relay pair that
 * carried at least the file's bytes.
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {string} filePath
 * @param {number} bytes
 * @param {(s: number) => void} onDone
 */
export async function runKopruRelayed(sender, receiver, filePath, bytes, onDone) {
  const before = await waitForPair(receiver, () => selectedPair(receiver), isRelayed, 'Köprü relayed');
  const result = await runKopru(sender, receiver, filePath, { onDone });
  const after = await selectedPair(receiver);
  assertCarried(before, after, bytes, 'Köprü relayed');
  return { ...result, pair: after };
}

/**
 * A raw DataChannel of its own between the two pages, relay-only through `turnUrl`.
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {string} filePath
 * @param {{ url: string, secret: string }} turn
 */
export async function connectRawRelayed(sender, receiver, filePath, turn) {
  const credential = turnRestCredential(turn.secret, 'bench', RAW_CREDENTIAL_TTL_S);
  await connectRaw(sender, receiver, filePath, {
    key: RAW_RELAY_KEY,
    rtcConfig: { iceServers: [{ urls: turn.url, ...credential }], iceTransportPolicy: 'relay' },
  });
  await waitForPair(receiver, () => selectedPair(receiver, RAW_RELAY_KEY), isRelayed, 'raw relayed');
}

/**
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {number} bytes
 * @param {(s: number) => void} onDone
 */
export async function runRawRelayed(sender, receiver, bytes, onDone) {
  const before = await selectedPair(receiver, RAW_RELAY_KEY);
  const result = await runRaw(sender, receiver, onDone, { key: RAW_RELAY_KEY });
  const after = await selectedPair(receiver, RAW_RELAY_KEY);
  assertCarried(before, after, bytes, 'raw relayed');
  return { ...result, pair: after };
}

/**
 * @param {Pair | undefined} before
 * @param {Pair | undefined} after
 * @param {number} bytes
 * @param {string} what
 */
function assertCarried(before, after, bytes, what) {
  const carried = (after?.bytesReceived ?? 0) - (before?.bytesReceived ?? 0);
  if (!isRelayed(after) || carried < bytes) {
    throw new Error(`${what} did not go through the relay: ${JSON.stringify({ before, after, bytes })}`);
  }
}
